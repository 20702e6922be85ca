// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often a caller calls, for -s: an exporter scraping every 15 s, a
 * script running ethtool every minute.
 *
 * <p>Operations come in invocations: one ethtool run, one scrape. An
 * invocation is a process's operations each less than a gap after its
 * previous one. Each process is its own invocation (every ethtool run is a
 * new process), even while another process under the same key is in one:
 * two ethtool runs in parallel are two invocations, not one per switch
 * between them.
 *
 * <p>Per key only the last {@link #MAX_KEPT} invocations are kept, and the
 * processes that may still be in one; the figures are of those. Keys are
 * not bounded here: there is one per caller the summary shows.
 *
 * @param <K> whatever names a caller, e.g. its process name
 */
public final class Cadence<K> {
    /** Invocations kept per key. */
    static final int MAX_KEPT = 1024;
    /** Processes per key that may still be in an invocation; more at once are rare. */
    static final int MAX_OPEN = 16;

    /**
     * @param invocations      invocations seen in all
     * @param medianIntervalNs median time between the starts of consecutive
     *                         invocations; null with fewer than 2 intervals,
     *                         which are no cadence yet
     * @param medianOps        median of the operations per invocation: the
     *                         typical run, which one odd run (a loop over
     *                         every device) does not move as it would a mean
     */
    public record Stats(long invocations, Long medianIntervalNs, double medianOps) {
    }

    /** A process's latest invocation: when its last operation was, and its number. */
    private record Open(long lastNs, long invocation) {
    }

    private static final class Caller {
        long invocations;
        /** Rings indexed by invocation number; grown to MAX_KEPT as needed, most callers call a few times. */
        long[] starts = new long[8];
        int[] ops = new int[8];
        final Map<Integer, Open> open = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Open> eldest) {
                return size() > MAX_OPEN;
            }
        };

        int kept() {
            return (int) Math.min(invocations, MAX_KEPT);
        }
    }

    private final long gapNs;
    private final Map<K, Caller> callers = new HashMap<>();

    /** @param gapNs operations of a process this far apart or more are two invocations (e.g. 1 s) */
    public Cadence(long gapNs) {
        if (gapNs <= 0) {
            throw new IllegalArgumentException("gap must be positive: " + gapNs);
        }
        this.gapNs = gapNs;
    }

    /** One operation of a caller's process at {@code timeNs} (any clock, as long as it is the same one). */
    public void accept(K caller, long timeNs, int pid) {
        Caller c = callers.computeIfAbsent(caller, k -> new Caller());
        Open o = c.open.get(pid);
        // events can arrive a little out of order (one buffer per CPU): the distance counts, not its sign
        if (o != null && Math.abs(timeNs - o.lastNs()) < gapNs && o.invocation() > c.invocations - MAX_KEPT) {
            int slot = (int) (o.invocation() % MAX_KEPT);
            c.ops[slot]++;
            c.starts[slot] = Math.min(c.starts[slot], timeNs);
            c.open.put(pid, new Open(Math.max(timeNs, o.lastNs()), o.invocation()));
            return;
        }
        long n = c.invocations++;
        int slot = (int) (n % MAX_KEPT);
        if (slot == c.starts.length) {
            // still filling the rings for the first time: no slot has wrapped yet
            c.starts = Arrays.copyOf(c.starts, Math.min(2 * slot, MAX_KEPT));
            c.ops = Arrays.copyOf(c.ops, c.starts.length);
        }
        c.starts[slot] = timeNs;
        c.ops[slot] = 1;
        c.open.put(pid, new Open(timeNs, n));
    }

    /** The caller's figures; null if it never called. */
    public Stats stats(K caller) {
        Caller c = callers.get(caller);
        if (c == null) {
            return null;
        }
        int kept = c.kept();
        long[] starts = Arrays.copyOf(c.starts, kept);
        Arrays.sort(starts); // parallel invocations may have started in another order than they were seen
        Long interval = null;
        if (kept >= 3) {
            long[] gaps = new long[kept - 1];
            for (int i = 1; i < kept; i++) {
                gaps[i - 1] = starts[i] - starts[i - 1];
            }
            Arrays.sort(gaps);
            interval = medianTimesTwo(gaps) / 2;
        }
        long[] ops = new long[kept];
        for (int i = 0; i < kept; i++) {
            ops[i] = c.ops[i];
        }
        Arrays.sort(ops);
        return new Stats(c.invocations, interval, medianTimesTwo(ops) / 2.0);
    }

    /** Twice the median, exact for an even count: the sum of the middle two. */
    private static long medianTimesTwo(long[] sorted) {
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? 2 * sorted[mid] : sorted[mid - 1] + sorted[mid];
    }
}
