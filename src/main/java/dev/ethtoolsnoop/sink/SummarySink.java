// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * -s: one row per (caller, interface, command) at exit, a caller being a
 * process name in a cgroup (one exporter's forked ethtool runs are one), what it inflicted on
 * RTNL's other users first (the time they waited for RTNL while it held it),
 * then the most total kernel time: who makes the host jitter, and with what.
 */
public final class SummarySink extends PrintSink {
    /** Operations of one caller closer together than this are one call (one ethtool run, one scrape). */
    static final long CALL_GAP_NS = 1_000_000_000L;

    /**
     * A caller is a process name in a cgroup (the kernel's id for it, which
     * a name read later from /proc may not always be found for): every
     * ethtool an exporter forks is the same caller.
     */
    private record Key(String comm, long cgroupId, String ifname, String command) {
    }

    private static final class Row {
        long count;
        long failures;
        long totalNs;
        long maxNs;
        int lastPid;
        /** The first name found for the cgroup. */
        String service;
        final Set<Integer> pids = new HashSet<>();
        /** RTNL figures, summed over the operations where they are known. */
        boolean rtnlTraced;
        boolean holdSeen;
        long holdNs;
        long blockedNs;
        long waiters;
    }

    private static final int PIDS_COUNTED = 10_000;

    private final boolean json;
    private final LongSupplier lost;
    private final Map<Key, Row> rows = new HashMap<>();
    private final Cadence<Key> cadence = new Cadence<>(CALL_GAP_NS);

    /** @param lost events the perf buffer dropped, reported with the summary */
    public SummarySink(PrintStream out, boolean json, LongSupplier lost) {
        super(out);
        this.json = json;
        this.lost = lost;
    }

    @Override
    public void accept(Operation op) {
        Key key = new Key(Text.forTerminal(op.comm()), op.origin().cgroupId(), Text.forTerminal(op.ifname()),
                op.command());
        Row r = rows.computeIfAbsent(key, k -> new Row());
        if (r.service == null) {
            r.service = op.origin().service();
        }
        r.count++;
        if (op.failed()) {
            r.failures++;
        }
        r.totalNs += op.latencyNs();
        r.maxNs = Math.max(r.maxNs, op.latencyNs());
        r.lastPid = op.pid();
        if (r.pids.size() < PIDS_COUNTED) {
            r.pids.add(op.pid());
        }
        cadence.accept(key, op.timeNs(), op.pid());
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
            out.printf("%-24s %-16s %-34s %7s %6s %11s %10s %10s %11s %13s %6s %9s %8s%n", "PID:Process", "Interface",
                    "Command", "COUNT", "FAIL", "TOTAL(ms)", "AVG(ms)", "MAX(ms)", "HOLD(ms)", "BLOCKED(ms)", "CALLS",
                    "EVERY(s)", "OPS/CALL");
        }
        for (Map.Entry<Key, Row> e : sorted) {
            Key k = e.getKey();
            Row r = e.getValue();
            Cadence.Stats c = cadence.stats(k);
            if (json) {
                out.println("{\"type\":\"summary\",\"pid\":" + r.lastPid + ",\"pids\":" + r.pids.size()
                        + ",\"comm\":" + Text.json(k.comm()) + ",\"cgroup_id\":" + k.cgroupId() + ",\"service\":"
                        + (r.service == null ? "null" : Text.json(r.service))
                        + ",\"ifname\":" + Text.json(k.ifname()) + ",\"cmd_name\":" + Text.json(k.command())
                        + ",\"count\":" + r.count + ",\"failures\":" + r.failures + ",\"total_ns\":" + r.totalNs
                        + ",\"avg_ns\":" + r.totalNs / r.count + ",\"max_ns\":" + r.maxNs
                        + ",\"rtnl_hold_ns\":" + (r.holdSeen ? r.holdNs : "null")
                        + ",\"rtnl_waiters\":" + (r.rtnlTraced ? r.waiters : "null")
                        + ",\"rtnl_wait_ns\":" + (r.rtnlTraced ? r.blockedNs : "null")
                        + ",\"calls\":" + c.invocations()
                        + ",\"every_ns\":" + c.medianIntervalNs()
                        + ",\"ops_per_call\":" + c.medianOps() + "}");
            } else {
                String who = (r.pids.size() == 1 ? r.lastPid + ":" : r.pids.size() + " pids:") + k.comm()
                        + (r.service == null ? "" : "@" + Text.forTerminal(r.service.getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)));
                out.printf("%-24s %-16s %-34s %7d %6d %11.3f %10.3f %10.3f %11s %13s %6d %9s %8s%n", who,
                        k.ifname().isEmpty() ? "-" : k.ifname(), k.command(), r.count, r.failures, r.totalNs / 1e6,
                        r.totalNs / 1e6 / r.count, r.maxNs / 1e6,
                        r.holdSeen ? String.format("%.3f", r.holdNs / 1e6) : "-",
                        r.rtnlTraced ? String.format("%.3f/%d", r.blockedNs / 1e6, r.waiters) : "-",
                        c.invocations(), c.medianIntervalNs() == null ? "-"
                                : String.format("%.3f", c.medianIntervalNs() / 1e9),
                        String.format("%.1f", c.medianOps()));
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
