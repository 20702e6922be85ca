// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/**
 * Byte offsets of struct event in bpf/ethtoolsnoop.h. EventLayoutTest compiles
 * that header and checks every number here against offsetof().
 */
public final class EventLayout {
    public static final int TS_NS = 0;
    public static final int LATENCY_NS = 8;
    public static final int TGID = 16;
    public static final int TID = 20;
    public static final int PPID = 24;
    public static final int NETNS = 28;
    public static final int RET = 32;
    public static final int IFINDEX = 36;
    public static final int CMD = 40;
    public static final int SUB_CMD = 44;
    public static final int KIND = 48;
    public static final int BACKEND = 49;
    public static final int FLAGS = 50;
    public static final int PAYLOAD_LEN = 52;
    public static final int COMM = 56;
    public static final int PCOMM = 72;
    public static final int IFNAME = 88;
    public static final int SOCK_FD = 104;
    public static final int NL_SEQ = 108;
    public static final int RTNL_HOLD_NS = 112;
    public static final int RTNL_WAIT_NS = 120;
    public static final int RTNL_WAIT_MAX_NS = 128;
    public static final int PEER_TS_NS = 136;
    public static final int RTNL_WAITERS = 144;
    public static final int PEER_TGID = 148;
    public static final int PEER_TID = 152;
    public static final int PEER_KIND = 156;
    public static final int RTNL_FLAGS = 157;
    public static final int PEER_COMM = 160;
    public static final int CGROUP_ID = 176;
    public static final int ANCESTORS = 184;
    /** struct { __u32 pid; char comm[16]; } */
    public static final int ANCESTOR_SIZE = 20;
    public static final int ANCESTOR_COUNT = 4;
    public static final int SIZE = 264;

    public static final int COMM_LEN = 16;
    public static final int IFNAME_LEN = 16;
    /** Netlink bytes the syscall backend appends after the event. */
    public static final int PAYLOAD_MAX = 256;

    public static final int F_HAS_SUB_CMD = 0x1;
    public static final int F_HAS_DEV = 0x2;
    public static final int F_CMD_UNREAD = 0x4;
    public static final int F_SUB_UNREAD = 0x8;
    public static final int F_AWAIT_REPLY = 0x10;

    /** rtnl_flags: RTNL waits are traced (the waiter figures mean something). */
    public static final int RTNL_F_WAITS = 0x1;
    /** rtnl_flags: the backend sees RTNL taken and released (rtnl_hold_ns means something). */
    public static final int RTNL_F_HOLD = 0x2;

    private EventLayout() {
    }
}
