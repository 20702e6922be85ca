// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ring laid out as the kernel writes one, read by PerfRing. */
class PerfRingTest {
    private static final int SAMPLE = 9;
    private static final int LOST = 2;
    private static final int DATA = 256;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment header = arena.allocate(4096, 8);
    private final MemorySegment data = arena.allocate(DATA, 8);
    private final PerfRing ring = new PerfRing(header, data, new byte[PerfRing.MAX_RECORD], SAMPLE, LOST);
    /** The kernel's write position. */
    private long head;

    private final List<String> seen = new ArrayList<>();
    private final PerfBuffer.Records records = new PerfBuffer.Records() {
        @Override
        public void sample(byte[] bytes, int offset, int size) {
            StringBuilder s = new StringBuilder("sample");
            for (int i = 0; i < size; i++) {
                s.append(' ').append(bytes[offset + i]);
            }
            seen.add(s.toString());
        }

        @Override
        public void lost(long count) {
            seen.add("lost " + count);
        }
    };

    /** Writes a record at head, wrapping round the end byte by byte, as the kernel does. */
    private void write(int type, byte[] body) {
        int size = (8 + body.length + 7) & ~7;
        byte[] rec = new byte[size];
        MemorySegment r = MemorySegment.ofArray(rec);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, 0, type);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) size);
        System.arraycopy(body, 0, rec, 8, body.length);
        for (int i = 0; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, (head + i) % DATA, rec[i]);
        }
        head += size;
        header.set(ValueLayout.JAVA_LONG, PerfRing.DATA_HEAD, head);
    }

    private void sample(int... bytes) {
        byte[] body = new byte[4 + bytes.length];
        MemorySegment.ofArray(body).set(ValueLayout.JAVA_INT_UNALIGNED, 0, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            body[4 + i] = (byte) bytes[i];
        }
        write(SAMPLE, body);
    }

    private void lost(long count) {
        byte[] body = new byte[16];
        MemorySegment.ofArray(body).set(ValueLayout.JAVA_LONG_UNALIGNED, 8, count);
        write(LOST, body);
    }

    private long tail() {
        return header.get(ValueLayout.JAVA_LONG, PerfRing.DATA_TAIL);
    }

    @Test
    void readsEveryRecordAndGivesItsSpaceBack() {
        sample(1, 2, 3);
        lost(7);
        sample(4);
        assertEquals(3, ring.read(records));
        assertEquals(List.of("sample 1 2 3", "lost 7", "sample 4"), seen);
        assertEquals(head, tail());
        assertEquals(0, ring.read(records));
    }

    @Test
    void aRecordAcrossTheEndIsMadeWhole() {
        // 7 x 32-byte records leave 32 bytes before the end; the 8th (48 bytes) wraps
        for (int i = 0; i < 7; i++) {
            sample(i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i);
        }
        assertEquals(7, ring.read(records));
        seen.clear();
        sample(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36);
        sample(99);
        sample(98);
        assertEquals(224, tail());
        assertTrue(tail() % DATA + 48 > DATA, "the next record crosses the ring's end");
        assertEquals(3, ring.read(records));
        assertEquals("sample 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32"
                + " 33 34 35 36", seen.get(0));
        assertEquals(List.of("sample 99", "sample 98"), seen.subList(1, 3));
        assertEquals(head, tail());
    }

    @Test
    void aSampleLongerThanItsRecordIsCut() {
        byte[] body = new byte[12];
        MemorySegment.ofArray(body).set(ValueLayout.JAVA_INT_UNALIGNED, 0, 1000);
        body[4] = 5;
        write(SAMPLE, body); // 20 bytes, rounded up to 24: 12 of them after the size
        assertEquals(1, ring.read(records));
        assertEquals("sample 5 0 0 0 0 0 0 0 0 0 0 0", seen.get(0));
    }

    @Test
    void garbageEndsTheReadAndGivesTheRingBack() {
        sample(1);
        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, head % DATA + 6, (short) 4); // a record of 4 bytes
        head += 8;
        sample(2);
        assertEquals(1, ring.read(records));
        assertEquals(head, tail());
        assertEquals(List.of("sample 1"), seen);
    }

    @Test
    void aRecordLongerThanWhatWasWrittenIsGarbage() {
        sample(1);
        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) 64); // claims more than head says
        assertEquals(0, ring.read(records));
        assertEquals(head, tail());
    }

    @Test
    void aRecordThatFailsIsNotReadTwice() {
        sample(1);
        sample(2);
        assertThrows(IllegalStateException.class, () -> ring.read(failing()));
        assertEquals(0, ring.read(records), "the rest of that copy is given up with it");
        assertEquals(head, tail());
        sample(3);
        assertEquals(1, ring.read(records));
        assertEquals(List.of("sample 3"), seen);
    }

    @Test
    void theSpaceIsGivenBackBeforeTheRecordsAreTaken() {
        sample(1);
        sample(2);
        List<Long> tails = new ArrayList<>();
        ring.read(new PerfBuffer.Records() {
            @Override
            public void sample(byte[] bytes, int offset, int size) {
                tails.add(tail());
            }

            @Override
            public void lost(long count) {
            }
        });
        assertEquals(List.of(head, head), tails);
    }

    @Test
    void aCopySmallerThanTheDataIsReadInTurns() {
        byte[] small = new byte[PerfRing.MAX_RECORD];
        MemorySegment big = arena.allocate(1 << 18, 8);
        PerfRing r = new PerfRing(header, big, small, SAMPLE, LOST);
        // 3 000 records of 32 bytes: 96 000 bytes, more than one copy holds
        int count = 3000;
        header.set(ValueLayout.JAVA_LONG, PerfRing.DATA_HEAD, writeSamples(big, 0, 0, count));
        assertEquals(count, r.read(records));
        assertEquals(count, seen.size());
        assertEquals("sample " + (byte) 2999, seen.get(2999));
        assertEquals(count * 32L, tail());
    }

    /** 32-byte samples whose one data byte counts from first, written at the ring's position pos on. */
    private static long writeSamples(MemorySegment ring, long pos, int first, int count) {
        byte[] rec = new byte[32];
        MemorySegment rs = MemorySegment.ofArray(rec);
        rs.set(ValueLayout.JAVA_INT_UNALIGNED, 0, SAMPLE);
        rs.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) 32);
        rs.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 1);
        for (int i = 0; i < count; i++) {
            rec[12] = (byte) (first + i);
            for (int b = 0; b < 32; b++) {
                ring.set(ValueLayout.JAVA_BYTE, (pos + b) % ring.byteSize(), rec[b]);
            }
            pos += 32;
        }
        return pos;
    }

    @Test
    void copiesThatStartNearTheEndAndWrapAreReadInTurns() {
        MemorySegment ringData = arena.allocate(1 << 17, 8);
        PerfRing r = new PerfRing(header, ringData, new byte[PerfRing.MAX_RECORD], SAMPLE, LOST);
        long start = (1 << 17) * 5L - 96; // positions run on; this one is 96 bytes before the end
        header.set(ValueLayout.JAVA_LONG, PerfRing.DATA_TAIL, start);
        long end = writeSamples(ringData, start, 0, 3000); // 96 000 bytes: more than a copy, across the end
        header.set(ValueLayout.JAVA_LONG, PerfRing.DATA_HEAD, end);
        assertEquals(3000, r.read(records));
        for (int i = 0; i < 3000; i++) {
            assertEquals("sample " + (byte) i, seen.get(i), "record " + i);
        }
        assertEquals(end, tail());
    }

    @Test
    void ringsShareOneCopy() {
        MemorySegment header2 = arena.allocate(4096, 8);
        MemorySegment data2 = arena.allocate(1 << 12, 8);
        byte[] shared = new byte[PerfRing.MAX_RECORD];
        MemorySegment data1 = arena.allocate(1 << 12, 8);
        PerfRing one = new PerfRing(header, data1, shared, SAMPLE, LOST);
        PerfRing two = new PerfRing(header2, data2, shared, SAMPLE, LOST);
        header.set(ValueLayout.JAVA_LONG, PerfRing.DATA_HEAD, writeSamples(data1, 0, 0, 10));
        header2.set(ValueLayout.JAVA_LONG, PerfRing.DATA_HEAD, writeSamples(data2, 0, 100, 10));
        assertEquals(10, one.read(records));
        assertEquals(10, two.read(records));
        assertEquals(20, seen.size());
        for (int i = 0; i < 10; i++) {
            assertEquals("sample " + i, seen.get(i));
            assertEquals("sample " + (100 + i), seen.get(10 + i));
        }
    }

    private static PerfBuffer.Records failing() {
        return new PerfBuffer.Records() {
            @Override
            public void sample(byte[] bytes, int offset, int size) {
                throw new IllegalStateException("no");
            }

            @Override
            public void lost(long count) {
            }
        };
    }

    @Test
    void refusesARingThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new PerfRing(header, arena.allocate(100),
                new byte[PerfRing.MAX_RECORD], SAMPLE, LOST));
        assertThrows(IllegalArgumentException.class, () -> new PerfRing(header, data, new byte[100], SAMPLE, LOST));
    }
}
