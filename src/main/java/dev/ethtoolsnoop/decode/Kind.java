// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/** Where an ethtool operation entered the kernel (enum event_kind in bpf/ethtoolsnoop.h). */
public enum Kind {
    IOCTL(1, "ioctl"),
    GENL(2, "genl");

    private final int code;
    private final String label;

    Kind(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public String label() {
        return label;
    }

    static Kind of(int code) {
        for (Kind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown event kind " + code);
    }
}
