// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventDecoderTest {
    /** A sample laid out as the BPF program writes it, field by field. */
    static ByteBuffer sample(int extra) {
        ByteBuffer b = ByteBuffer.allocate(EventLayout.SIZE + extra).order(ByteOrder.nativeOrder());
        b.putLong(EventLayout.TS_NS, 123_456_789L);
        b.putLong(EventLayout.LATENCY_NS, 2_500_000L);
        b.putInt(EventLayout.TGID, 4242);
        b.putInt(EventLayout.TID, 4243);
        b.putInt(EventLayout.PPID, 1);
        b.putInt(EventLayout.NETNS, 0xf000_0001); // above 2^31: must stay unsigned
        b.putInt(EventLayout.RET, -95);
        b.putInt(EventLayout.IFINDEX, 7);
        b.putInt(EventLayout.CMD, 0x4b);
        b.putInt(EventLayout.SUB_CMD, 0xe);
        b.put(EventLayout.KIND, (byte) 1);
        b.put(EventLayout.BACKEND, (byte) 2);
        b.put(EventLayout.FLAGS, (byte) (EventLayout.F_HAS_SUB_CMD | EventLayout.F_HAS_DEV));
        put(b, EventLayout.COMM, "ethtool");
        put(b, EventLayout.PCOMM, "bash");
        put(b, EventLayout.IFNAME, "eth0");
        return b;
    }

    static void put(ByteBuffer b, int off, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            b.put(off + i, bytes[i]);
        }
    }

    @Test
    void decodesEveryField() {
        Event e = new EventDecoder().decode(MemorySegment.ofArray(sample(0).array()));
        assertEquals(123_456_789L, e.monotonicNs());
        assertEquals(2_500_000L, e.latencyNs());
        assertEquals(4242, e.tgid());
        assertEquals(4243, e.tid());
        assertEquals(1, e.ppid());
        assertEquals(0xf000_0001L, e.netns());
        assertEquals(-95, e.ret());
        assertEquals(7, e.ifindex());
        assertEquals(0x4b, e.cmd());
        assertEquals(0xe, e.subCmd());
        assertTrue(e.hasSubCmd());
        assertTrue(e.hasDevice());
        assertEquals(Kind.IOCTL, e.kind());
        assertEquals(Backend.KPROBE, e.backend());
        assertArrayEquals("ethtool".getBytes(), e.comm());
        assertArrayEquals("bash".getBytes(), e.pcomm());
        assertArrayEquals("eth0".getBytes(), e.ifname());
        assertEquals(0, e.payload().length);
    }

    @Test
    void subCommandOnlyWhenFlagged() {
        ByteBuffer b = sample(0);
        b.put(EventLayout.FLAGS, (byte) 0);
        Event e = new EventDecoder().decode(MemorySegment.ofArray(b.array()));
        assertEquals(-1, e.subCmd());
        assertFalse(e.hasSubCmd());
        assertFalse(e.hasDevice());
    }

    @Test
    void fullSixteenByteNamesAndPayload() {
        ByteBuffer b = sample(EventLayout.PAYLOAD_MAX);
        put(b, EventLayout.COMM, "0123456789abcdef"); // no NUL inside the field
        b.putShort(EventLayout.PAYLOAD_LEN, (short) 40);
        b.put(EventLayout.SIZE, (byte) 0x28);
        Event e = new EventDecoder().decode(MemorySegment.ofArray(b.array()));
        assertEquals("0123456789abcdef", new String(e.comm()));
        assertEquals(40, e.payload().length);
        assertEquals(0x28, e.payload()[0]);
    }

    @Test
    void aReusedDecoderKeepsNothingOfTheSampleBefore() {
        EventDecoder decoder = new EventDecoder();
        ByteBuffer first = sample(EventLayout.PAYLOAD_MAX);
        first.putShort(EventLayout.PAYLOAD_LEN, (short) 40);
        for (int i = 0; i < 40; i++) {
            first.put(EventLayout.SIZE + i, (byte) 0x28);
        }
        decoder.decode(MemorySegment.ofArray(first.array()));
        // the next sample claims as much payload but carries only 10 bytes of it
        ByteBuffer second = sample(10);
        second.putShort(EventLayout.PAYLOAD_LEN, (short) 40);
        for (int i = 0; i < 10; i++) {
            second.put(EventLayout.SIZE + i, (byte) 0x11);
        }
        put(second, EventLayout.COMM, "ip\0\0\0\0\0\0\0");
        Event e = decoder.decode(MemorySegment.ofArray(second.array()));
        assertEquals(10, e.payload().length);
        for (byte b : e.payload()) {
            assertEquals(0x11, b);
        }
        assertArrayEquals("ip".getBytes(), e.comm());
    }

    @Test
    void decodesASampleWhereTheReaderCopiedIt() {
        byte[] one = sample(0).array();
        byte[] copy = new byte[12 + one.length + 40];
        System.arraycopy(one, 0, copy, 12, one.length);
        Event e = new EventDecoder().decode(copy, 12, one.length);
        assertEquals(123_456_789L, e.monotonicNs());
        assertEquals(4242, e.tgid());
        assertEquals(0xe, e.subCmd());
        assertEquals(Backend.KPROBE, e.backend());
        assertArrayEquals("ethtool".getBytes(), e.comm());
        assertArrayEquals("eth0".getBytes(), e.ifname());
    }

    @Test
    void rejectsShortSamples() {
        MemorySegment shortSample = MemorySegment.ofArray(new byte[EventLayout.SIZE - 1]);
        assertThrows(IllegalArgumentException.class, () -> new EventDecoder().decode(shortSample));
    }
}
