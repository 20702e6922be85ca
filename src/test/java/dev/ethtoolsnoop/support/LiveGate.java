// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Live tests need root, tools and kernels. On a laptop a missing piece skips
 * the test with the reason; under CI=true it fails it, so CI can never pass
 * by skipping.
 */
public final class LiveGate {
    private LiveGate() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean condition, String reason) {
        if (inCi()) {
            Assertions.assertTrue(condition, "CI=true and a live test cannot run: " + reason);
        } else {
            Assumptions.assumeTrue(condition, reason);
        }
    }

    /** libbpf.so.1 can be loaded (reading a BPF object needs no root). */
    public static boolean hasLibbpf() {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.SymbolLookup.libraryLookup("libbpf.so.1", a);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static boolean isRoot() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
