// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.ethtoolsnoop.decode.EventLayout.*;

/** Turns a raw perf-buffer sample into an {@link Event}. */
public final class EventDecoder {
    // The kernel writes in host order; BPF on x86-64 and arm64 is little-endian.
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private EventDecoder() {
    }

    /** @throws IllegalArgumentException for a sample too short to be an event */
    public static Event decode(MemorySegment sample) {
        if (sample.byteSize() < SIZE) {
            throw new IllegalArgumentException(
                    "sample of " + sample.byteSize() + " bytes, an event has " + SIZE);
        }
        int flags = sample.get(ValueLayout.JAVA_BYTE, FLAGS) & 0xff;
        int payloadLen = Short.toUnsignedInt(sample.get(U16, PAYLOAD_LEN));
        byte[] payload = new byte[0];
        if (payloadLen > 0) {
            long available = Math.min(sample.byteSize() - SIZE, PAYLOAD_MAX);
            payload = sample.asSlice(SIZE, Math.min(payloadLen, available)).toArray(ValueLayout.JAVA_BYTE);
        }
        return new Event(
                sample.get(U64, TS_NS),
                sample.get(U64, LATENCY_NS),
                sample.get(U32, TGID),
                sample.get(U32, TID),
                sample.get(U32, PPID),
                Integer.toUnsignedLong(sample.get(U32, NETNS)),
                sample.get(U32, RET),
                sample.get(U32, IFINDEX),
                sample.get(U32, CMD),
                (flags & F_HAS_SUB_CMD) != 0 ? sample.get(U32, SUB_CMD) : -1,
                Kind.of(sample.get(ValueLayout.JAVA_BYTE, KIND)),
                Backend.of(sample.get(ValueLayout.JAVA_BYTE, BACKEND)),
                (flags & F_HAS_DEV) != 0,
                cString(sample, COMM, COMM_LEN),
                cString(sample, PCOMM, COMM_LEN),
                cString(sample, IFNAME, IFNAME_LEN),
                payload,
                (flags & F_CMD_UNREAD) == 0,
                (flags & F_SUB_UNREAD) == 0,
                (flags & F_AWAIT_REPLY) != 0,
                sample.get(U32, SOCK_FD),
                sample.get(U32, NL_SEQ));
    }

    /** The bytes of a NUL-terminated field, without the terminator. */
    static byte[] cString(MemorySegment sample, int offset, int max) {
        byte[] raw = sample.asSlice(offset, max).toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
            n++;
        }
        return Arrays.copyOf(raw, n);
    }
}
