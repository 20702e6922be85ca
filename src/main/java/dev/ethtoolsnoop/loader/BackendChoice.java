// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.decode.Backend;

import java.util.List;

/** --backend: one backend, or the cheapest that works on this kernel. */
public enum BackendChoice {
    AUTO(List.of(Backend.FENTRY, Backend.KPROBE, Backend.SYSCALL)),
    FENTRY(List.of(Backend.FENTRY)),
    KPROBE(List.of(Backend.KPROBE)),
    SYSCALL(List.of(Backend.SYSCALL));

    private final List<Backend> candidates;

    BackendChoice(List<Backend> candidates) {
        this.candidates = candidates;
    }

    List<Backend> candidates() {
        return candidates;
    }
}
