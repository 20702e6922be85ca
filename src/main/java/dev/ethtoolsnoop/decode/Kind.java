// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/** Where an ethtool operation entered the kernel (enum event_kind in bpf/ethtoolsnoop.h). */
public enum Kind {
    IOCTL(1, "ioctl"),
    GENL(2, "genl"),
    /** Not an operation: the kernel's answer to a netlink request, as its caller read it. */
    GENL_REPLY(3, "genl-reply"),
    /** Not an operation: a task that waited for RTNL, and who held it. */
    RTNL_WAIT(4, "rtnl-wait");

    private final int code;
    private final String label;

    Kind(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** values() clones its array on every call: once per event was too often. */
    private static final Kind[] ALL = values();

    public static Kind of(int code) {
        for (Kind k : ALL) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown event kind " + code);
    }
}
