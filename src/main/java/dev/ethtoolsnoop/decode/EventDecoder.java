// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.ethtoolsnoop.decode.EventLayout.*;

/**
 * Turns a raw perf-buffer sample into an {@link Event}. One per reader: it
 * keeps the last sample's bytes and ancestors, so it is not for sharing
 * between threads.
 */
public final class EventDecoder {
    /** A sample given as memory ({@link #decode(MemorySegment)}), copied to be read as an array. */
    private final byte[] raw = new byte[SIZE + PAYLOAD_MAX];
    private final MemorySegment rawSegment = MemorySegment.ofArray(raw);

    // The kernel writes in host order; BPF on x86-64 and arm64 is little-endian.
    private static final VarHandle LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final byte[] NONE = new byte[0];

    /** @throws IllegalArgumentException for a sample too short to be an event */
    public Event decode(MemorySegment sample) {
        int copied = (int) Math.min(sample.byteSize(), raw.length);
        MemorySegment.copy(sample, 0, rawSegment, 0, copied);
        return decode(raw, 0, copied);
    }

    /**
     * The sample at b[at, at + size), where the reader copied it out of the
     * ring: plain array reads; only a payload and new names are copied.
     *
     * @throws IllegalArgumentException for a sample too short to be an event
     */
    public Event decode(byte[] b, int at, int size) {
        if (size < SIZE) {
            throw new IllegalArgumentException("sample of " + size + " bytes, an event has " + SIZE);
        }
        int flags = b[at + FLAGS] & 0xff;
        int payloadLen = Short.toUnsignedInt((short) SHORT.get(b, at + PAYLOAD_LEN));
        byte[] payload = NONE;
        if (payloadLen > 0) {
            payload = Arrays.copyOfRange(b, at + SIZE, at + SIZE + Math.min(Math.min(payloadLen, PAYLOAD_MAX), size - SIZE));
        }
        Kind kind = Kind.of(b[at + KIND]);
        int rtnlFlags = b[at + RTNL_FLAGS] & 0xff;
        RtnlCost rtnl = null;
        RtnlHolder holder = null;
        if (kind == Kind.RTNL_WAIT) {
            long opTs = (long) LONG.get(b, at + PEER_TS_NS);
            holder = new RtnlHolder((int) INT.get(b, at + PEER_TGID), (int) INT.get(b, at + PEER_TID),
                    cString(b, at + PEER_COMM, COMM_LEN), opTs != 0 ? Kind.of(b[at + PEER_KIND]) : null, opTs);
        } else if ((rtnlFlags & RTNL_F_WAITS) != 0) {
            rtnl = new RtnlCost((rtnlFlags & RTNL_F_HOLD) != 0 ? (Long) (long) LONG.get(b, at + RTNL_HOLD_NS) : null,
                    (int) INT.get(b, at + RTNL_WAITERS), (long) LONG.get(b, at + RTNL_WAIT_NS),
                    (long) LONG.get(b, at + RTNL_WAIT_MAX_NS), (int) INT.get(b, at + PEER_TGID),
                    cString(b, at + PEER_COMM, COMM_LEN));
        }
        return new Event(
                (long) LONG.get(b, at + TS_NS),
                (long) LONG.get(b, at + LATENCY_NS),
                (int) INT.get(b, at + TGID),
                (int) INT.get(b, at + TID),
                (int) INT.get(b, at + PPID),
                Integer.toUnsignedLong((int) INT.get(b, at + NETNS)),
                (int) INT.get(b, at + RET),
                (int) INT.get(b, at + IFINDEX),
                (int) INT.get(b, at + CMD),
                (flags & F_HAS_SUB_CMD) != 0 ? (int) INT.get(b, at + SUB_CMD) : -1,
                kind,
                kind == Kind.RTNL_WAIT ? null : Backend.of(b[at + BACKEND]), // a wait is no backend's operation
                (flags & F_HAS_DEV) != 0,
                lastComm = same(b, at + COMM, COMM_LEN, lastComm),
                lastPcomm = same(b, at + PCOMM, COMM_LEN, lastPcomm),
                lastIfname = same(b, at + IFNAME, IFNAME_LEN, lastIfname),
                payload,
                (flags & F_CMD_UNREAD) == 0,
                (flags & F_SUB_UNREAD) == 0,
                (flags & F_AWAIT_REPLY) != 0,
                (int) INT.get(b, at + SOCK_FD),
                (int) INT.get(b, at + NL_SEQ),
                rtnl,
                holder,
                (long) LONG.get(b, at + CGROUP_ID),
                ancestors(b, at));
    }

    private static final java.util.List<Ancestor> NO_ANCESTORS = java.util.List.of();
    private static final int ANCESTORS_END = ANCESTORS + ANCESTOR_COUNT * ANCESTOR_SIZE;

    /** The last event's ancestors, raw and decoded. */
    private record Chain(byte[] raw, java.util.List<Ancestor> decoded) {
    }

    /**
     * A burst comes from few callers, and most events have the chain the one
     * before had: it is then reused, not decoded again (a tenth of a decode).
     */
    private Chain lastChain = new Chain(new byte[ANCESTORS_END - ANCESTORS], NO_ANCESTORS);

    private java.util.List<Ancestor> ancestors(byte[] b, int at) {
        Chain last = lastChain;
        if (Arrays.equals(b, at + ANCESTORS, at + ANCESTORS_END, last.raw(), 0, last.raw().length)) {
            return last.decoded();
        }
        java.util.List<Ancestor> decoded = decodeAncestors(b, at);
        lastChain = new Chain(Arrays.copyOfRange(b, at + ANCESTORS, at + ANCESTORS_END), decoded);
        return decoded;
    }

    private static java.util.List<Ancestor> decodeAncestors(byte[] b, int at) {
        int n = 0;
        while (n < ANCESTOR_COUNT && (int) INT.get(b, at + ANCESTORS + n * ANCESTOR_SIZE) != 0) {
            n++;
        }
        if (n == 0) {
            return NO_ANCESTORS;
        }
        Ancestor[] a = new Ancestor[n];
        for (int i = 0; i < n; i++) {
            int from = at + ANCESTORS + i * ANCESTOR_SIZE;
            a[i] = new Ancestor((int) INT.get(b, from), cString(b, from + 4, COMM_LEN));
        }
        return java.util.List.of(a);
    }

    /*
     * The last event's names: a burst repeats them, and the same array then
     * serves again (no copy, and the sinks know it is plain text already).
     * The arrays are never written to once made.
     */
    private byte[] lastComm = NONE;
    private byte[] lastPcomm = NONE;
    private byte[] lastIfname = NONE;

    /** cString(b, offset, max), or last when it holds the same bytes. */
    private static byte[] same(byte[] b, int offset, int max, byte[] last) {
        int n = 0;
        while (n < max && b[offset + n] != 0) {
            n++;
        }
        if (n == last.length && Arrays.equals(b, offset, offset + n, last, 0, n)) {
            return last;
        }
        return Arrays.copyOfRange(b, offset, offset + n);
    }

    /** The bytes of a NUL-terminated field, without the terminator. */
    static byte[] cString(byte[] raw, int offset, int max) {
        return same(raw, offset, max, NONE); // an empty field is NONE itself
    }
}
