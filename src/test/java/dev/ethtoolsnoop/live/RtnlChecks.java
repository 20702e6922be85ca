// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the scenario's RTNL steps must show: rtnl_hold makes an ethtool ioctl
 * (rtnl_ethtool) and then a call that is not ethtool (rtnl_other) hold RTNL
 * for a known time while its waiters, which time themselves, queue for it.
 */
final class RtnlChecks {
    /**
     * How far a wait the probes saw may be shorter than what its waiter
     * measured: the waiter's clock starts before its send reaches
     * rtnl_lock(), and the holder's call returns a little after it let RTNL
     * go; under qemu TCG each is milliseconds.
     */
    private static final long SLACK_PER_WAITER_NS = 50_000_000L;

    private RtnlChecks() {
    }

    /** @param endNs when its call returned (CLOCK_MONOTONIC, as the probes' clock) */
    record Holder(long pid, long tid, long endNs, double holdMs) {
    }

    /** @param startNs when it sent its request, just before its wait began */
    record Waiter(long pid, long startNs, double ms, boolean blocked) {
    }

    record Run(Holder holder, List<Waiter> waiters) {
        /**
         * What the waiters measured of their waits while the holder held
         * RTNL: each from its own start to the holder's return. After that
         * they also wait for each other, one after another, which is not the
         * holder's doing.
         */
        long waitedInsideNs() {
            return waiters.stream().mapToLong(w -> Math.max(0, holder.endNs() - w.startNs())).sum();
        }

        long longestInsideNs() {
            return waiters.stream().mapToLong(w -> Math.max(0, holder.endNs() - w.startNs())).max().orElse(0);
        }

        Set<Long> pids() {
            return waiters.stream().map(Waiter::pid).collect(Collectors.toSet());
        }
    }

    private static final Pattern HOLDER =
            Pattern.compile("holder pid=(\\d+) tid=(\\d+) .* end_ns=(\\d+) hold_ms=([0-9.]+)");
    private static final Pattern WAITER =
            Pattern.compile("waiter pid=(\\d+) start_ns=(\\d+) .* ms=([0-9.]+) error=0 blocked=(\\d)");

    static Run parse(String out) {
        Holder holder = null;
        List<Waiter> waiters = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher h = HOLDER.matcher(line);
            if (h.find()) {
                holder = new Holder(Long.parseLong(h.group(1)), Long.parseLong(h.group(2)),
                        Long.parseLong(h.group(3)), Double.parseDouble(h.group(4)));
            }
            Matcher w = WAITER.matcher(line);
            if (w.find()) {
                waiters.add(new Waiter(Long.parseLong(w.group(1)), Long.parseLong(w.group(2)),
                        Double.parseDouble(w.group(3)), w.group(4).equals("1")));
            }
        }
        return new Run(holder, waiters);
    }

    /** Where the kernel gives no way to see RTNL waits: before v5.19, the syscall backend. */
    static boolean unavailable(Scenario.Result r) {
        String[] v = r.kernel().split("[.-]");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        return r.backend().equals("syscall") && (major < 5 || major == 5 && minor < 19);
    }

    /** The kprobe backend before the contention tracepoints: waits end at a kretprobe. */
    static boolean kretprobeWaits(Scenario.Result r) {
        return r.backend().equals("kprobe") && r.tracerErr().contains("RTNL: mutex slow-path probes");
    }

    static List<DynamicTest> tests(Scenario.Result r) {
        List<DynamicTest> t = new ArrayList<>();
        Run eth = parse(r.stepOutput("rtnl_ethtool"));
        Run other = parse(r.stepOutput("rtnl_other"));
        t.add(DynamicTest.dynamicTest("rtnl_hold held RTNL and its waiters waited", () -> {
            assertEquals(0, r.steps().get("rtnl_ethtool").rc(), r.stepOutput("rtnl_ethtool"));
            assertEquals(0, r.steps().get("rtnl_other").rc(), r.stepOutput("rtnl_other"));
            assertEquals(3, eth.waiters().size(), r.stepOutput("rtnl_ethtool"));
            assertEquals(2, other.waiters().size(), r.stepOutput("rtnl_other"));
            assertTrue(eth.waiters().stream().allMatch(Waiter::blocked), r.stepOutput("rtnl_ethtool"));
        }));
        if (unavailable(r)) {
            t.add(DynamicTest.dynamicTest("no way to see RTNL waits here: said once, fields null", () -> {
                assertEquals(1, r.tracerErr().lines().filter(l -> l.contains("RTNL waits are not traced")).count(),
                        r.tracerErr());
                for (Map<String, Object> e : r.events()) {
                    assertNull(e.get("rtnl_waiters"), e.toString());
                    assertNull(e.get("rtnl_wait_ns"), e.toString());
                    assertNull(e.get("rtnl_hold_ns"), e.toString());
                }
                assertEquals(List.of(), r.waits());
            }));
            return t;
        }
        boolean kernel = !r.backend().equals("syscall");
        t.add(DynamicTest.dynamicTest("the holding ioctl reports its waiters and what they waited", () -> {
            assertFalse(r.tracerErr().contains("RTNL waits are not traced"), r.tracerErr());
            List<Map<String, Object>> ops = r.events().stream()
                    .filter(e -> (Long) e.get("pid") == eth.holder().pid() && "ETHTOOL_GSTRINGS".equals(e.get("cmd_name")))
                    .toList();
            assertEquals(1, ops.size(), r.eventsOf("rtnl_ethtool").toString());
            Map<String, Object> op = ops.get(0);
            assertEquals(3L, op.get("rtnl_waiters"), op.toString());
            long total = (Long) op.get("rtnl_wait_ns");
            long measured = eth.waitedInsideNs();
            // the waits began a little after the waiters' clocks started, and
            // RTNL was let go a little before the holder's call returned
            assertTrue(total <= measured, "summed " + total + " ns > measured " + measured + ": " + op);
            assertTrue(total >= measured - 3 * SLACK_PER_WAITER_NS, "summed " + total + " ns, measured " + measured
                    + ": " + op);
            long longest = (Long) op.get("rtnl_wait_max_ns");
            long maxMeasured = eth.longestInsideNs();
            assertTrue(longest <= maxMeasured && longest >= maxMeasured - SLACK_PER_WAITER_NS,
                    "longest " + longest + " vs measured " + maxMeasured + " ns: " + op);
            @SuppressWarnings("unchecked")
            Map<String, Object> who = (Map<String, Object>) op.get("rtnl_longest_waiter");
            assertNotNull(who, op.toString());
            assertTrue(eth.pids().contains((Long) who.get("pid")), op.toString());
            assertEquals("rtnl_waiter", who.get("comm"));
            if (kernel) {
                long hold = (Long) op.get("rtnl_hold_ns");
                // the holder measures from the fault's arrival to its call's return: a little longer
                assertTrue(hold >= eth.holder().holdMs() * 1e6 - SLACK_PER_WAITER_NS
                                && hold <= (Long) op.get("latency_ns"),
                        "held " + hold + " ns; rtnl_hold measured " + eth.holder().holdMs() + " ms: " + op);
            } else {
                assertNull(op.get("rtnl_hold_ns"), "the syscall backend cannot see the hold: " + op);
            }
        }));
        t.add(DynamicTest.dynamicTest("--waits names the holder's process, command and interface", () -> {
            List<Map<String, Object>> mine = r.waits().stream()
                    .filter(w -> eth.pids().contains((Long) w.get("pid"))).toList();
            if (kretprobeWaits(r)) {
                // a wait is shown when the slow path returns, which a kretprobe
                // misses once more tasks sleep in mutex slow paths (any
                // mutex) than it has instances (the kernel gives 10 or 2 per CPU)
                assertFalse(mine.isEmpty(), r.waits().toString());
            } else {
                assertEquals(3, mine.size(), r.waits().toString());
            }
            for (Map<String, Object> w : mine) {
                @SuppressWarnings("unchecked")
                Map<String, Object> h = (Map<String, Object>) w.get("holder");
                assertEquals(eth.holder().pid(), h.get("pid"), w.toString());
                assertEquals("rtnl_holder", h.get("comm"), w.toString());
                @SuppressWarnings("unchecked")
                Map<String, Object> op = (Map<String, Object>) h.get("ethtool");
                assertNotNull(op, "an ethtool holder: " + w);
                assertEquals("ETHTOOL_GSTRINGS", op.get("cmd_name"), w.toString());
                assertEquals("etsnP", op.get("ifname"), w.toString());
                assertEquals("rtnl_waiter", w.get("comm"));
                assertTrue((Long) w.get("wait_ns") >= 10_000_000L, w.toString());
            }
        }));
        t.add(DynamicTest.dynamicTest("an RTNL holder that is not ethtool is said to be one", () -> {
            List<Map<String, Object>> mine = r.waits().stream()
                    .filter(w -> other.pids().contains((Long) w.get("pid"))).toList();
            if (kretprobeWaits(r)) {
                assertFalse(mine.isEmpty(), r.waits().toString());
            } else {
                assertEquals(2, mine.size(), r.waits().toString());
            }
            for (Map<String, Object> w : mine) {
                @SuppressWarnings("unchecked")
                Map<String, Object> h = (Map<String, Object>) w.get("holder");
                assertEquals(other.holder().pid(), h.get("pid"), w.toString());
                assertNull(h.get("ethtool"), w.toString());
            }
        }));
        t.add(DynamicTest.dynamicTest("operations nobody waited on report zero waiters, not unknown", () -> {
            List<Map<String, Object>> ev = r.eventsOf("ethtool_i");
            assertFalse(ev.isEmpty());
            for (Map<String, Object> e : ev) {
                assertEquals(0L, e.get("rtnl_waiters"), e.toString());
                assertEquals(0L, e.get("rtnl_wait_ns"), e.toString());
                assertNull(e.get("rtnl_longest_waiter"), e.toString());
                if (kernel) {
                    assertNotNull(e.get("rtnl_hold_ns"), e.toString());
                }
            }
        }));
        // the --cgroup tracer keeps the holding ioctl (run in the scenario's cgroup), not rtnl_other
        Scenario.Filtered f = r.filters().get("cgroup");
        if (f != null) {
            t.add(DynamicTest.dynamicTest("with a filter, --waits keeps the waits its operations caused, only", () -> {
                assertEquals(0, f.rc(), f.err());
                java.util.Set<Long> shown = f.output().stream().filter(e -> "rtnl_wait".equals(e.get("type")))
                        .map(w -> (Long) w.get("pid")).collect(Collectors.toSet());
                if (kretprobeWaits(r)) {
                    assertFalse(shown.isEmpty(), f.output().toString());
                    assertTrue(eth.pids().containsAll(shown), f.output().toString());
                } else {
                    assertEquals(eth.pids(), shown, f.output().toString());
                }
                assertTrue(f.output().stream().anyMatch(e -> !e.containsKey("type")
                        && "rtnl_holder".equals(e.get("comm")) && Long.valueOf(3).equals(e.get("rtnl_waiters"))),
                        f.output().toString());
            }));
        }
        return t;
    }
}
