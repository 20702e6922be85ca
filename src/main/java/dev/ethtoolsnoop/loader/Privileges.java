// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks the capabilities BPF tracing needs before libbpf fails less clearly. */
final class Privileges {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private Privileges() {
    }

    static void require() throws SetupException {
        BigInteger eff = effective();
        if (eff == null) {
            return; // no /proc: let the kernel decide
        }
        if (!sufficient(eff)) {
            throw new SetupException(SetupException.PERMISSION,
                    "permission denied: run as root (tracing needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
        }
    }

    /** Whether this process may load and attach the probes; true when that cannot be told (no /proc). */
    static boolean sufficient() {
        BigInteger eff = effective();
        return eff == null || sufficient(eff);
    }

    private static boolean sufficient(BigInteger eff) {
        return eff.testBit(CAP_SYS_ADMIN) || (eff.testBit(CAP_BPF) && eff.testBit(CAP_PERFMON));
    }

    static BigInteger effective() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }
}
