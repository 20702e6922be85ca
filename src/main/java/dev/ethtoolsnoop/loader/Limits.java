// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Failures that are a resource running out, not the kernel lacking
 * something: said with the resource and its limit, under their own exit code.
 */
public final class Limits {
    static final int ENOMEM = 12;
    static final int ENFILE = 23;
    static final int EMFILE = 24;

    private Limits() {
    }

    /** What ran out for this errno, with its limit; null when the errno is not about a resource. */
    public static String exhausted(int errno) {
        return switch (errno) {
            case EMFILE -> "out of open files: this process may have " + limit("Max open files") + " (ulimit -n)";
            case ENFILE -> "the system is out of open files (sysctl fs.file-max)";
            case ENOMEM -> "out of memory for BPF maps and programs (locked memory: ulimit -l is "
                    + limit("Max locked memory") + "; or the memory cgroup's limit)";
            default -> null;
        };
    }

    /** The same for an exception's message (Java's IOExceptions carry no errno); null if none. */
    public static String exhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof LibbpfException l && exhausted(l.errno()) != null) {
                return exhausted(l.errno());
            }
            if (m != null && m.contains("Too many open files in system")) {
                return exhausted(ENFILE);
            }
            if (m != null && m.contains("Too many open files")) {
                return exhausted(EMFILE);
            }
        }
        return null;
    }

    /** The soft limit of /proc/self/limits' row NAME ("unlimited", a number), or "?" when unknown. */
    static String limit(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(name + " ")) {
                    return line.substring(name.length()).trim().split("\\s+")[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the message still names the resource
        }
        return "?";
    }

    /**
     * CPUs the kernel may have, as /sys/devices/system/cpu/possible lists
     * them ("0-63", "0,2-5"): libbpf opens a perf ring for each. Without
     * sysfs, what the JVM sees.
     */
    public static int possibleCpus() {
        try {
            int n = 0;
            for (String range : Files.readString(
                    Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
                int dash = range.indexOf('-');
                n += dash < 0 ? 1
                        : Integer.parseInt(range.substring(dash + 1)) - Integer.parseInt(range.substring(0, dash)) + 1;
            }
            return Math.max(n, 1);
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
