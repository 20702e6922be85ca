// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * -s: one row per (process, interface, command) at exit, the most total
 * kernel time first: who keeps RTNL busy, and with what.
 */
public final class SummarySink extends PrintSink {
    private record Key(int pid, String comm, String ifname, String command) {
    }

    private static final class Row {
        long count;
        long failures;
        long totalNs;
        long maxNs;
    }

    private final boolean json;
    private final LongSupplier lost;
    private final Map<Key, Row> rows = new HashMap<>();

    /** @param lost events the perf buffer dropped, reported with the summary */
    public SummarySink(PrintStream out, boolean json, LongSupplier lost) {
        super(out);
        this.json = json;
        this.lost = lost;
    }

    @Override
    public void accept(Operation op) {
        String command = op.command();
        Row r = rows.computeIfAbsent(new Key(op.pid(), Text.forTerminal(op.comm()), Text.forTerminal(op.ifname()),
                command), k -> new Row());
        r.count++;
        if (op.failed()) {
            r.failures++;
        }
        r.totalNs += op.latencyNs();
        r.maxNs = Math.max(r.maxNs, op.latencyNs());
    }


    @Override
    public void finish() {
        List<Map.Entry<Key, Row>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<Key, Row> e) -> e.getValue().totalNs).reversed()
                .thenComparing(e -> e.getKey().command()));
        if (!json) {
            out.printf("%-24s %-16s %-34s %7s %6s %11s %10s %10s%n", "PID:Process", "Interface", "Command",
                    "COUNT", "FAIL", "TOTAL(ms)", "AVG(ms)", "MAX(ms)");
        }
        for (Map.Entry<Key, Row> e : sorted) {
            Key k = e.getKey();
            Row r = e.getValue();
            if (json) {
                out.println("{\"type\":\"summary\",\"pid\":" + k.pid() + ",\"comm\":" + Text.json(k.comm())
                        + ",\"ifname\":" + Text.json(k.ifname()) + ",\"cmd_name\":" + Text.json(k.command())
                        + ",\"count\":" + r.count + ",\"failures\":" + r.failures + ",\"total_ns\":" + r.totalNs
                        + ",\"avg_ns\":" + r.totalNs / r.count + ",\"max_ns\":" + r.maxNs + "}");
            } else {
                out.printf("%-24s %-16s %-34s %7d %6d %11.3f %10.3f %10.3f%n", k.pid() + ":" + k.comm(),
                        k.ifname().isEmpty() ? "-" : k.ifname(), k.command(), r.count, r.failures, r.totalNs / 1e6,
                        r.totalNs / 1e6 / r.count, r.maxNs / 1e6);
            }
        }
        long dropped = lost.getAsLong();
        if (json) {
            out.println("{\"type\":\"lost\",\"events\":" + dropped + "}");
        } else if (dropped > 0) {
            out.println("Lost " + dropped + " events (not counted above)");
        }
    }
}
