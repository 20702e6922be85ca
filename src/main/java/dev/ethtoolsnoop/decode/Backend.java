// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import java.util.Locale;

/** The set of probes that produced an event (enum event_backend in bpf/ethtoolsnoop.h). */
public enum Backend {
    FENTRY(1),
    KPROBE(2),
    SYSCALL(3);

    private final int code;

    Backend(int code) {
        this.code = code;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Backend of(int code) {
        for (Backend b : values()) {
            if (b.code == code) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend " + code);
    }
}
