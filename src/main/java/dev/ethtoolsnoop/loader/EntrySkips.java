// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How often the kernel did not run one of our entry programs at all: its
 * recursion guard skips a program on a CPU where that program is already
 * running, which on a preemptible kernel includes another task preempted
 * inside it (trampoline programs run with only migration disabled). Such an
 * operation is invisible to the probes, so it can only be counted here, from
 * the program's {@code recursion_misses} in /proc/self/fdinfo (commit
 * 9ed9e9ba2337, "bpf: Count the number of times recursion was prevented",
 * v5.12; absent before, when there was no such guard to skip anything). The
 * count covers every caller, so under -p/-c it may include operations the
 * filters would have dropped.
 */
final class EntrySkips {
    private static final String FIELD = "recursion_misses:";
    /** A read is a proc file per program (up to 33): not on every poll. */
    private static final long REREAD_NS = 1_000_000_000L;
    private final List<Path> fdinfo;
    private long cached;
    private long readAtNs;
    private boolean frozen;

    EntrySkips(List<Integer> programFds) {
        this.fdinfo = programFds.stream().map(fd -> Path.of("/proc/self/fdinfo", String.valueOf(fd))).toList();
        this.readAtNs = System.nanoTime() - REREAD_NS;
    }

    /** The count, at most a second old until freeze(), exact after it. */
    long count() {
        long now = System.nanoTime();
        if (!frozen && now - readAtNs >= REREAD_NS) {
            cached = read();
            readAtNs = now;
        }
        return cached;
    }

    /** The probes are detached: one last read, and the count stays. */
    void freeze() {
        cached = read();
        frozen = true;
    }

    private long read() {
        long n = 0;
        for (Path p : fdinfo) {
            n += misses(p);
        }
        return n;
    }

    static long misses(Path fdinfo) {
        try {
            for (String line : Files.readAllLines(fdinfo)) {
                if (line.startsWith(FIELD)) {
                    return Long.parseLong(line.substring(FIELD.length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // an old kernel's fdinfo, or the fd already closed at exit
        }
        return 0;
    }
}
