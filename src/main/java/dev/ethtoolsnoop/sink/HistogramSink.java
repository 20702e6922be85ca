// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * --hist: a log2 histogram of kernel latency per command, as bcc's tools
 * print them: the shape that shows one 200 ms `ethtool -m` among fast calls.
 */
public final class HistogramSink extends PrintSink {
    private static final int SLOTS = 64;
    private static final int BAR = 40;

    private final boolean json;
    private final Map<String, long[]> hists = new TreeMap<>();

    public HistogramSink(PrintStream out, boolean json) {
        super(out);
        this.json = json;
    }

    /** Slot of a value: 0 holds 0..1, slot i holds 2^i .. 2^(i+1)-1. */
    static int slot(long usecs) {
        return usecs <= 1 ? 0 : 63 - Long.numberOfLeadingZeros(usecs);
    }

    static long low(int slot) {
        return slot == 0 ? 0 : 1L << slot;
    }

    static long high(int slot) {
        return slot == 0 ? 1 : (1L << (slot + 1)) - 1;
    }

    @Override
    public void accept(Operation op) {
        String command = op.command();
        hists.computeIfAbsent(command, c -> new long[SLOTS])[slot(op.latencyNs() / 1000)]++;
    }


    @Override
    public void finish() {
        for (Map.Entry<String, long[]> e : hists.entrySet()) {
            long[] h = e.getValue();
            int last = 0;
            long max = 0;
            for (int i = 0; i < SLOTS; i++) {
                if (h[i] > 0) {
                    last = i;
                }
                max = Math.max(max, h[i]);
            }
            if (json) {
                StringBuilder b = new StringBuilder("{\"type\":\"hist\",\"cmd_name\":").append(Text.json(e.getKey()))
                        .append(",\"unit\":\"usecs\",\"buckets\":[");
                for (int i = 0; i <= last; i++) {
                    b.append(i == 0 ? "" : ",").append("{\"low\":").append(low(i)).append(",\"high\":")
                            .append(high(i)).append(",\"count\":").append(h[i]).append('}');
                }
                out.println(b.append("]}"));
                continue;
            }
            out.println();
            out.println("cmd = " + e.getKey());
            out.printf("%24s : count    distribution%n", "usecs");
            for (int i = 0; i <= last; i++) {
                int stars = (int) (h[i] * BAR / max);
                out.printf("%10d -> %-10d : %-8d |%-" + BAR + "s|%n", low(i), high(i), h[i], "*".repeat(stars));
            }
        }
    }
}
