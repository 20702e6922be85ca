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
 * -s: one row per (process, interface, command) at exit, what it inflicted on
 * RTNL's other users first (the time they waited for RTNL while it held it),
 * then the most total kernel time: who makes the host jitter, and with what.
 */
public final class SummarySink extends PrintSink {
    private record Key(int pid, String comm, String ifname, String command) {
    }

    private static final class Row {
        long count;
        long failures;
        long totalNs;
        long maxNs;
        /** RTNL figures, summed over the operations where they are known. */
        boolean rtnlTraced;
        boolean holdSeen;
        long holdNs;
        long blockedNs;
        long waiters;
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
        if (op.rtnl() != null) {
            r.rtnlTraced = true;
            r.blockedNs += op.rtnl().waitNs();
            r.waiters += op.rtnl().waiters();
            if (op.rtnl().holdNs() != null) {
                r.holdSeen = true;
                r.holdNs += op.rtnl().holdNs();
            }
        }
    }


    @Override
    public void finish() {
        List<Map.Entry<Key, Row>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<Key, Row> e) -> e.getValue().blockedNs)
                .thenComparingLong(e -> e.getValue().totalNs).reversed()
                .thenComparing(e -> e.getKey().command()));
        if (!json) {
            out.printf("%-24s %-16s %-34s %7s %6s %11s %10s %10s %11s %13s%n", "PID:Process", "Interface", "Command",
                    "COUNT", "FAIL", "TOTAL(ms)", "AVG(ms)", "MAX(ms)", "HOLD(ms)", "BLOCKED(ms)");
        }
        for (Map.Entry<Key, Row> e : sorted) {
            Key k = e.getKey();
            Row r = e.getValue();
            if (json) {
                out.println("{\"type\":\"summary\",\"pid\":" + k.pid() + ",\"comm\":" + Text.json(k.comm())
                        + ",\"ifname\":" + Text.json(k.ifname()) + ",\"cmd_name\":" + Text.json(k.command())
                        + ",\"count\":" + r.count + ",\"failures\":" + r.failures + ",\"total_ns\":" + r.totalNs
                        + ",\"avg_ns\":" + r.totalNs / r.count + ",\"max_ns\":" + r.maxNs
                        + ",\"rtnl_hold_ns\":" + (r.holdSeen ? r.holdNs : "null")
                        + ",\"rtnl_waiters\":" + (r.rtnlTraced ? r.waiters : "null")
                        + ",\"rtnl_wait_ns\":" + (r.rtnlTraced ? r.blockedNs : "null") + "}");
            } else {
                out.printf("%-24s %-16s %-34s %7d %6d %11.3f %10.3f %10.3f %11s %13s%n", k.pid() + ":" + k.comm(),
                        k.ifname().isEmpty() ? "-" : k.ifname(), k.command(), r.count, r.failures, r.totalNs / 1e6,
                        r.totalNs / 1e6 / r.count, r.maxNs / 1e6,
                        r.holdSeen ? String.format("%.3f", r.holdNs / 1e6) : "-",
                        r.rtnlTraced ? String.format("%.3f/%d", r.blockedNs / 1e6, r.waiters) : "-");
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
