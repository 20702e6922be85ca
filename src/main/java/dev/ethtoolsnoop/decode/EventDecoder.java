// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.ethtoolsnoop.decode.EventLayout.*;

/** Turns a raw perf-buffer sample into an {@link Event}. */
public final class EventDecoder {
    private EventDecoder() {
    }

    // The kernel writes in host order; BPF on x86-64 and arm64 is little-endian.
    private static final VarHandle LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final byte[] NONE = new byte[0];

    /** @throws IllegalArgumentException for a sample too short to be an event */
    public static Event decode(MemorySegment sample) {
        if (sample.byteSize() < SIZE) {
            throw new IllegalArgumentException(
                    "sample of " + sample.byteSize() + " bytes, an event has " + SIZE);
        }
        // one bulk copy out of the ring, then plain array reads: per-field
        // reads of native memory and a copy per string cost more
        byte[] raw = sample.asSlice(0, Math.min(sample.byteSize(), SIZE + PAYLOAD_MAX)).toArray(ValueLayout.JAVA_BYTE);
        int flags = raw[FLAGS] & 0xff;
        int payloadLen = Short.toUnsignedInt((short) SHORT.get(raw, PAYLOAD_LEN));
        byte[] payload = NONE;
        if (payloadLen > 0) {
            payload = Arrays.copyOfRange(raw, SIZE, SIZE + Math.min(payloadLen, raw.length - SIZE));
        }
        Kind kind = Kind.of(raw[KIND]);
        int rtnlFlags = raw[RTNL_FLAGS] & 0xff;
        RtnlCost rtnl = null;
        RtnlHolder holder = null;
        if (kind == Kind.RTNL_WAIT) {
            long opTs = (long) LONG.get(raw, PEER_TS_NS);
            holder = new RtnlHolder((int) INT.get(raw, PEER_TGID), (int) INT.get(raw, PEER_TID),
                    cString(raw, PEER_COMM, COMM_LEN), opTs != 0 ? Kind.of(raw[PEER_KIND]) : null, opTs);
        } else if ((rtnlFlags & RTNL_F_WAITS) != 0) {
            rtnl = new RtnlCost((rtnlFlags & RTNL_F_HOLD) != 0 ? (Long) (long) LONG.get(raw, RTNL_HOLD_NS) : null,
                    (int) INT.get(raw, RTNL_WAITERS), (long) LONG.get(raw, RTNL_WAIT_NS),
                    (long) LONG.get(raw, RTNL_WAIT_MAX_NS), (int) INT.get(raw, PEER_TGID),
                    cString(raw, PEER_COMM, COMM_LEN));
        }
        return new Event(
                (long) LONG.get(raw, TS_NS),
                (long) LONG.get(raw, LATENCY_NS),
                (int) INT.get(raw, TGID),
                (int) INT.get(raw, TID),
                (int) INT.get(raw, PPID),
                Integer.toUnsignedLong((int) INT.get(raw, NETNS)),
                (int) INT.get(raw, RET),
                (int) INT.get(raw, IFINDEX),
                (int) INT.get(raw, CMD),
                (flags & F_HAS_SUB_CMD) != 0 ? (int) INT.get(raw, SUB_CMD) : -1,
                kind,
                kind == Kind.RTNL_WAIT ? null : Backend.of(raw[BACKEND]), // a wait is no backend's operation
                (flags & F_HAS_DEV) != 0,
                cString(raw, COMM, COMM_LEN),
                cString(raw, PCOMM, COMM_LEN),
                cString(raw, IFNAME, IFNAME_LEN),
                payload,
                (flags & F_CMD_UNREAD) == 0,
                (flags & F_SUB_UNREAD) == 0,
                (flags & F_AWAIT_REPLY) != 0,
                (int) INT.get(raw, SOCK_FD),
                (int) INT.get(raw, NL_SEQ),
                rtnl,
                holder,
                (long) LONG.get(raw, CGROUP_ID),
                ancestors(raw));
    }

    private static final java.util.List<Ancestor> NO_ANCESTORS = java.util.List.of();
    private static final int ANCESTORS_END = ANCESTORS + ANCESTOR_COUNT * ANCESTOR_SIZE;

    /** The last event's ancestors, raw and decoded: an immutable snapshot, so sharing it between threads is safe. */
    private record Chain(byte[] raw, java.util.List<Ancestor> decoded) {
    }

    /**
     * A burst comes from few callers, and most events have the chain the one
     * before had: it is then reused, not decoded again (a tenth of a decode).
     */
    private static Chain lastChain = new Chain(new byte[ANCESTORS_END - ANCESTORS], NO_ANCESTORS);

    private static java.util.List<Ancestor> ancestors(byte[] raw) {
        Chain last = lastChain;
        if (Arrays.equals(raw, ANCESTORS, ANCESTORS_END, last.raw(), 0, last.raw().length)) {
            return last.decoded();
        }
        java.util.List<Ancestor> decoded = decodeAncestors(raw);
        lastChain = new Chain(Arrays.copyOfRange(raw, ANCESTORS, ANCESTORS_END), decoded);
        return decoded;
    }

    private static java.util.List<Ancestor> decodeAncestors(byte[] raw) {
        int n = 0;
        while (n < ANCESTOR_COUNT && (int) INT.get(raw, ANCESTORS + n * ANCESTOR_SIZE) != 0) {
            n++;
        }
        if (n == 0) {
            return NO_ANCESTORS;
        }
        Ancestor[] a = new Ancestor[n];
        for (int i = 0; i < n; i++) {
            int at = ANCESTORS + i * ANCESTOR_SIZE;
            a[i] = new Ancestor((int) INT.get(raw, at), cString(raw, at + 4, COMM_LEN));
        }
        return java.util.List.of(a);
    }

    /** The bytes of a NUL-terminated field, without the terminator. */
    static byte[] cString(byte[] raw, int offset, int max) {
        int n = 0;
        while (n < max && raw[offset + n] != 0) {
            n++;
        }
        return n == 0 ? NONE : Arrays.copyOfRange(raw, offset, offset + n);
    }
}
