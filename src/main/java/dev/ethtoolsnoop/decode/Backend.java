// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import java.util.Locale;

/** The set of probes that produced an event (enum event_backend in bpf/ethtoolsnoop.h). */
public enum Backend {
    FENTRY(1),
    KPROBE(2),
    SYSCALL(3);

    private final int code;
    /** Made once: the sinks print it per event. */
    private final String label;

    Backend(int code) {
        this.code = code;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    /** values() clones its array on every call: once per event was too often. */
    private static final Backend[] ALL = values();

    static Backend of(int code) {
        for (Backend b : ALL) {
            if (b.code == code) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend " + code);
    }
}
