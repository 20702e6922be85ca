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
    public static final int SIZE = 112;

    public static final int COMM_LEN = 16;
    public static final int IFNAME_LEN = 16;
    /** Netlink bytes the syscall backend appends after the event. */
    public static final int PAYLOAD_MAX = 256;

    public static final int F_HAS_SUB_CMD = 0x1;
    public static final int F_HAS_DEV = 0x2;
    public static final int F_CMD_UNREAD = 0x4;
    public static final int F_SUB_UNREAD = 0x8;
    public static final int F_AWAIT_REPLY = 0x10;

    private EventLayout() {
    }
}
