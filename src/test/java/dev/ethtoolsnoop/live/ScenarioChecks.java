// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every backend must report for the live scenario, one test per step.
 * Where ethtool may use either path (netlink on newer kernels, ioctl as its
 * fallback) a step accepts either command, but never a wrong one.
 */
public final class ScenarioChecks {
    static final Set<String> FIELDS = Set.of("ts_ns", "backend", "kind", "ifname", "ifindex", "netns", "pid", "tid",
            "comm", "ppid", "pcomm", "cmd", "cmd_name", "sub_cmd", "sub_cmd_name", "args", "latency_ns", "ret",
            "rtnl_hold_ns", "rtnl_waiters", "rtnl_wait_ns", "rtnl_wait_max_ns", "rtnl_longest_waiter",
            "ancestors", "exe", "cmdline", "cgroup_id", "cgroup", "service");

    private ScenarioChecks() {
    }

    static final List<String> STEPS = List.of("ethtool_i", "ethtool_k", "ethtool_K_tso", "ethtool_l", "ethtool_S",
            "ethtool_m", "ethtool_perqueue", "ioctl_0x0", "ioctl_0xd", "ioctl_gdrvinfo", "ioctl_perqueue",
            "ioctl_thread", "ioctl_page_edge", "ioctl_cold_page", "genl_batch", "genl_noread", "netns_ethtool_i",
            "rtnl_ethtool", "rtnl_other", "tree", "cgroup_ethtool", "longname", "cadence", "ethtool_i_by_pid");

    /** The filtered tracers the scenario runs beside the main one (its FILTERS=filters). */
    public static final Set<String> ALL_FILTERS = Set.of("pid", "comm", "iface", "netns", "failed", "minlat_all",
            "minlat_none", "agg", "cgroup");
    /** FILTERS=endings: the two ended by SIGINT and SIGKILL. */
    public static final Set<String> ENDINGS = Set.of("minlat_all", "minlat_none");

    /** @param filters the filtered tracers the scenario was asked to run (empty: none) */
    public static List<DynamicTest> tests(Scenario.Result r, Set<String> filters) {
        boolean kernel = !r.backend().equals("syscall");
        List<DynamicTest> t = new ArrayList<>();
        if (!r.steps().keySet().containsAll(STEPS) || r.ifaces().size() < 4 || r.options().isEmpty()
                || !r.bpfState().keySet().containsAll(List.of("before", "during", "after"))) {
            return List.of(DynamicTest.dynamicTest("the scenario ran to its end", () -> {
                throw new AssertionError("incomplete scenario: steps " + r.steps().keySet() + ", tracer said: "
                        + r.tracerErr());
            }));
        }
        t.add(DynamicTest.dynamicTest("tracer exits 0 on SIGTERM and says it is ready", () -> {
            assertEquals(0, r.tracerRc(), r.tracerErr());
            assertTrue(r.tracerErr().lines().anyMatch(l -> l.startsWith("Tracing ethtool operations (backend: "
                    + r.backend() + ",")), r.tracerErr());
        }));
        t.add(DynamicTest.dynamicTest("every event has every field, the backend and sane values", () -> {
            assertFalse(r.events().isEmpty(), "no events at all");
            Set<Long> ours = new java.util.HashSet<>();
            r.steps().values().forEach(st -> ours.add((long) st.pid()));
            r.options().forEach(o -> ours.add((long) o.pid()));
            for (Map<String, Object> e : r.events()) {
                assertEquals(FIELDS, e.keySet(), e.toString());
                assertEquals(r.backend(), e.get("backend"));
                assertTrue(Set.of("ioctl", "genl").contains(e.get("kind")), e.toString());
                assertTrue((Long) e.get("ts_ns") > 1_600_000_000_000_000_000L, "ts_ns is epoch ns: " + e);
                assertTrue((Long) e.get("latency_ns") >= 0, e.toString());
                // what follows holds for the scenario's own callers; other
                // processes of the machine may call ethtool meanwhile
                if (!ours.contains((Long) e.get("pid"))) {
                    continue;
                }
                // unknown only where the caller never read the answer
                if (e.get("ret") == null) {
                    assertEquals("syscall", r.backend(), "a kernel backend knows every result: " + e);
                    assertEquals((long) r.steps().get("genl_noread").pid(), e.get("pid"), "ret unknown: " + e);
                }
                // ioctl_thread's and rtnl_hold's calls come from a second thread
                if (((Long) e.get("pid")) != r.steps().get("ioctl_thread").pid()
                        && ((Long) e.get("pid")) != r.steps().get("rtnl_ethtool").pid()) {
                    assertEquals(e.get("pid"), e.get("tid"), "single-threaded callers: " + e);
                }
            }
        }));
        for (Scenario.Step step : r.steps().values()) {
            // not ethtool callers themselves: their children are
            if (!Set.of("rtnl_other", "tree", "cadence").contains(step.name())) {
                t.add(DynamicTest.dynamicTest("step " + step.name(), () -> checkCaller(r, step)));
            }
        }
        t.addAll(RtnlChecks.tests(r));
        t.addAll(CallerChecks.tests(r));
        Scenario.Iface a = r.ifaces().get("etsnA");
        Scenario.Iface d = r.ifaces().get("etsnD");
        Scenario.Iface n = r.ifaces().get("etsnN");
        t.add(test(r, "ethtool -i: ETHTOOL_GDRVINFO on etsnA", "ethtool_i",
                ioctl(0x3, "ETHTOOL_GDRVINFO"), a, null, "-i|--driver"));
        t.add(test(r, "ethtool -k: features get", "ethtool_k",
                genl(11, "ETHTOOL_MSG_FEATURES_GET").or(ioctl(0x3a, "ETHTOOL_GFEATURES")), a, null,
                "-k|--show-features|--show-offload"));
        t.add(test(r, "ethtool -K tso off: features set", "ethtool_K_tso",
                genl(12, "ETHTOOL_MSG_FEATURES_SET").or(ioctl(0x3b, "ETHTOOL_SFEATURES")), a, null,
                "-K|--features|--offload"));
        t.add(test(r, "ethtool -l: channels get", "ethtool_l",
                genl(17, "ETHTOOL_MSG_CHANNELS_GET").or(ioctl(0x3c, "ETHTOOL_GCHANNELS")), a, null,
                "-l|--show-channels"));
        t.add(test(r, "ethtool -S: statistics", "ethtool_S",
                ioctl(0x1d, "ETHTOOL_GSTATS").or(genl(32, "ETHTOOL_MSG_STATS_GET")), a, null, "-S|--statistics"));
        t.add(DynamicTest.dynamicTest("ethtool -m: module EEPROM on a veth fails", () -> {
            assertNotEquals(0, r.steps().get("ethtool_m").rc());
            List<Map<String, Object>> ev = r.eventsOf("ethtool_m").stream()
                    .filter(genl(31, "ETHTOOL_MSG_MODULE_EEPROM_GET").or(ioctl(0x42, "ETHTOOL_GMODULEINFO")))
                    .toList();
            assertFalse(ev.isEmpty(), "no module EEPROM event: " + r.eventsOf("ethtool_m"));
            ev.forEach(e -> assertDevice(e, a, true));
            ev.forEach(e -> assertArg(e, "-m|--dump-module-eeprom|--module-info"));
            assertTrue(ev.stream().anyMatch(e -> e.get("ret") != null && ((Long) e.get("ret")) < 0),
                    "no failing ret: " + ev);
        }));
        t.add(DynamicTest.dynamicTest("a command in a page's last word, next page absent: read, not 0", () -> {
            List<Map<String, Object>> ev = r.eventsOf("ioctl_page_edge");
            assertEquals(1, ev.size(), ev.toString());
            assertTrue(ioctl(0x3, "ETHTOOL_GDRVINFO").test(ev.get(0)), ev.toString());
            assertEquals(0L, ev.get(0).get("ret"), ev.toString());
            assertDevice(ev.get(0), d, true);
        }));
        t.add(DynamicTest.dynamicTest("a command on a page the caller never touched: read after the kernel's"
                + " copy", () -> assertPerQueue(r, "ioctl_cold_page", d)));
        t.add(DynamicTest.dynamicTest("two netlink requests in one send: two operations, each with its own"
                + " result", () -> {
            List<Map<String, Object>> ev = r.eventsOf("genl_batch").stream()
                    .filter(genl(2, "ETHTOOL_MSG_LINKINFO_GET")).toList();
            assertEquals(2, ev.size(), r.eventsOf("genl_batch").toString());
            assertEquals(List.of("seq=1 error=0", "seq=2 error=-19"), r.stepOutput("genl_batch").lines().toList(),
                    "what the kernel answered");
            Map<String, Object> ok = ev.stream().filter(e -> "etsnA".equals(e.get("ifname"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no request on etsnA: " + ev));
            assertDevice(ok, a, true);
            assertEquals(0L, ok.get("ret"), ok.toString());
            Map<String, Object> missing = ev.get(ev.get(0) == ok ? 1 : 0);
            assertEquals(-19L, missing.get("ret"), "ENODEV: " + missing);
            // the kernel backends see no device; the syscall backend the name sent
            assertTrue(Set.of("", "etsn-missing").contains(missing.get("ifname")), missing.toString());
        }));
        t.add(DynamicTest.dynamicTest("a netlink request whose answer is never read: printed, its result"
                + (kernel ? " the handler's" : " unknown (null)"), () -> {
            List<Map<String, Object>> ev = r.eventsOf("genl_noread").stream()
                    .filter(genl(2, "ETHTOOL_MSG_LINKINFO_GET")).toList();
            assertEquals(1, ev.size(), r.eventsOf("genl_noread").toString());
            assertDevice(ev.get(0), a, true);
            assertEquals(kernel ? 0L : null, ev.get(0).get("ret"), ev.toString());
        }));
        if (r.steps().containsKey("ethtool_K_unpriv")) {
            t.add(DynamicTest.dynamicTest("ethtool -K without CAP_NET_ADMIN: the refusal is the result", () -> {
                assertNotEquals(0, r.steps().get("ethtool_K_unpriv").rc());
                List<Map<String, Object>> ev = r.eventsOf("ethtool_K_unpriv").stream()
                        .filter(genl(12, "ETHTOOL_MSG_FEATURES_SET").or(ioctl(0x3b, "ETHTOOL_SFEATURES")))
                        .toList();
                // genetlink refuses before an ethtool handler runs: only the
                // syscall backend sees such a request at all
                if (!kernel) {
                    assertFalse(ev.isEmpty(), "no features set: " + r.eventsOf("ethtool_K_unpriv"));
                }
                ev.forEach(e -> assertEquals(-1L, e.get("ret"), "EPERM: " + e));
            }));
        }
        t.add(DynamicTest.dynamicTest("ethtool --per-queue --show-coalesce: PERQUEUE/GCOALESCE", () ->
                assertPerQueue(r, "ethtool_perqueue", a)));
        t.add(DynamicTest.dynamicTest("raw ioctl 0x0 is UNKNOWN(0x0), never another command", () ->
                assertUnknown(r, "ioctl_0x0", 0x0, d)));
        t.add(DynamicTest.dynamicTest("raw ioctl 0xd is UNKNOWN(0xd), never another command", () ->
                assertUnknown(r, "ioctl_0xd", 0xd, d)));
        t.add(test(r, "raw ioctl ETHTOOL_GDRVINFO on etsnD", "ioctl_gdrvinfo",
                ioctl(0x3, "ETHTOOL_GDRVINFO"), d, 0L, "-i|--driver"));
        t.add(DynamicTest.dynamicTest("an ioctl from a renamed second thread: pid and comm are the process's,"
                + " tid the thread's", () -> {
            Scenario.Step step = r.steps().get("ioctl_thread");
            List<Map<String, Object>> ev = r.eventsOf("ioctl_thread");
            assertEquals(1, ev.size(), ev.toString());
            assertNotEquals((long) step.pid(), ev.get(0).get("tid"), ev.toString());
            assertTrue(((Long) ev.get(0).get("tid")) > step.pid(), "a thread of the step: " + ev);
            assertEquals("ETHTOOL_GDRVINFO", ev.get(0).get("cmd_name"));
            assertEquals("ethtool_ioctl", ev.get(0).get("comm"), "not the thread's name etsn-worker: " + ev);
            assertDevice(ev.get(0), d, true);
        }));
        t.add(DynamicTest.dynamicTest("raw ioctl PERQUEUE with sub-command GCOALESCE", () ->
                assertPerQueue(r, "ioctl_perqueue", d)));
        t.add(DynamicTest.dynamicTest("ethtool -i in a second netns names that netns", () -> {
            List<Map<String, Object>> ev = r.eventsOf("netns_ethtool_i").stream()
                    .filter(ioctl(0x3, "ETHTOOL_GDRVINFO")).toList();
            assertEquals(1, ev.size(), r.eventsOf("netns_ethtool_i").toString());
            assertDevice(ev.get(0), n, kernel);
            assertEquals(0L, ev.get(0).get("ret"));
        }));
        t.add(DynamicTest.dynamicTest("no BPF link, program or kprobe_events entry outlives the tracers"
                + " (ended by SIGTERM, SIGINT and SIGKILL)", () -> {
            // [links, programs, kprobe_events lines (-1: no tracefs)]
            List<Long> before = r.bpfState().get("before");
            List<Long> during = r.bpfState().get("during");
            assertTrue(during.get(1) > before.get(1), "no programs loaded while tracing: " + r.bpfState());
            assertEquals(before, r.bpfState().get("after"), "left behind: " + r.bpfState());
        }));
        t.add(DynamicTest.dynamicTest("a storm of GDRVINFO ioctls from 32 threads: printed + reported lost"
                + " = issued, exactly", () -> {
            Scenario.Storm s = r.storm();
            assertTrue(s != null && s.issued() > 0, "the storm did not run: " + s);
            assertEquals(0, s.failed(), "storm ioctls failed: " + s);
            assertEquals(0, s.rc(), "storm tracer on SIGINT: " + s.err());
            assertEquals(0, s.otherEvents(), "-c ethtool_storm kept other events");
            assertTrue(s.printed() > 0, "nothing of the storm printed: " + s.err());
            assertEquals(s.issued(), s.printed() + s.lost(),
                    "printed " + s.printed() + " + lost " + s.lost() + "; stderr: " + s.err());
        }));
        t.addAll(OptionChecks.tests(r));
        t.add(DynamicTest.dynamicTest("the filtered tracers asked for ran: " + new java.util.TreeSet<>(filters), () ->
                assertEquals(new java.util.TreeSet<>(filters), new java.util.TreeSet<>(r.filters().keySet()))));
        t.addAll(filterTests(r, filters));
        return t;
    }

    private static String key(Map<String, Object> e) {
        return e.get("pid") + "|" + e.get("kind") + "|" + e.get("cmd") + "|" + e.get("sub_cmd") + "|"
                + e.get("ifname") + "|" + e.get("ret");
    }

    private static Map<String, Long> multiset(List<Map<String, Object>> events) {
        return events.stream().collect(java.util.stream.Collectors.groupingBy(ScenarioChecks::key,
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private static String command(Map<String, Object> e) {
        return e.get("sub_cmd_name") == null ? (String) e.get("cmd_name")
                : e.get("cmd_name") + "/" + e.get("sub_cmd_name");
    }

    /**
     * Each filtered tracer watched the same operations as the unfiltered one:
     * it must have kept exactly the unfiltered events its filter matches.
     */
    static List<DynamicTest> filterTests(Scenario.Result r, Set<String> filters) {
        Set<Long> ours = new java.util.HashSet<>();
        r.steps().values().forEach(s -> ours.add((long) s.pid()));
        List<Map<String, Object>> all = r.events().stream().filter(e -> ours.contains((Long) e.get("pid"))).toList();
        long byPid = r.steps().get("ethtool_i_by_pid").pid();
        long otherNetns = r.ifaces().get("etsnN").netns();
        Map<String, Predicate<Map<String, Object>>> preds = new java.util.LinkedHashMap<>();
        preds.put("pid", e -> ((Long) e.get("pid")) == byPid);
        preds.put("comm", e -> "ethtool_ioctl".equals(e.get("comm")));
        preds.put("iface", e -> "etsnD".equals(e.get("ifname")));
        preds.put("netns", e -> ((Long) e.get("netns")) == otherNetns);
        preds.put("failed", e -> e.get("ret") != null && ((Long) e.get("ret")) != 0);
        Set<Long> inCgroup = Set.of((long) r.steps().get("cgroup_ethtool").pid(),
                (long) r.steps().get("rtnl_ethtool").pid());
        preds.put("cgroup", e -> inCgroup.contains((Long) e.get("pid")));
        List<DynamicTest> t = new ArrayList<>();
        preds.keySet().retainAll(filters);
        for (var p : preds.entrySet()) {
            Scenario.Filtered f = r.filters().get(p.getKey());
            t.add(DynamicTest.dynamicTest("filter " + f.args() + " keeps exactly the matching operations", () -> {
                assertEquals(0, f.rc(), f.err());
                // operations only: --waits lines ("type":"rtnl_wait") are RtnlChecks'
                List<Map<String, Object>> ops = f.output().stream().filter(e -> !e.containsKey("type")).toList();
                for (Map<String, Object> e : ops) {
                    assertTrue(p.getValue().test(e), "filtered output has a non-matching event: " + e);
                }
                Map<String, Long> expected = multiset(all.stream().filter(p.getValue()).toList());
                assertFalse(expected.isEmpty(), "the scenario must exercise " + f.args());
                assertEquals(expected, multiset(ops.stream()
                        .filter(e -> ours.contains((Long) e.get("pid"))).toList()));
            }));
        }
        // Every tracer times each call itself (and, attached together, they time
        // each other's programs too), so -m is checked where the answer cannot
        // depend on that: a 1 ns bound keeps everything, a 60 s bound nothing.
        for (var bound : List.of(java.util.Map.entry("minlat_all", 1L), java.util.Map.entry("minlat_none",
                60_000_000_000L))) {
            if (!filters.contains(bound.getKey())) {
                continue;
            }
            Scenario.Filtered f = r.filters().get(bound.getKey());
            // the scenario ends minlat_all with SIGINT (exit 0), minlat_none with SIGKILL
            int rc = bound.getKey().equals("minlat_none") ? 128 + 9 : 0;
            t.add(DynamicTest.dynamicTest("filter " + f.args() + " keeps operations at least that slow", () -> {
                assertEquals(rc, f.rc(), f.err());
                for (Map<String, Object> e : f.output()) {
                    assertTrue((Long) e.get("latency_ns") >= bound.getValue(), "faster than the bound: " + e);
                }
                Map<String, Long> expected = multiset(all.stream()
                        .filter(e -> (Long) e.get("latency_ns") >= bound.getValue()).toList());
                assertEquals(expected, multiset(f.output().stream()
                        .filter(e -> ours.contains((Long) e.get("pid"))).toList()));
            }));
        }
        if (!filters.contains("agg")) {
            return t;
        }
        Scenario.Filtered agg = r.filters().get("agg");
        t.add(DynamicTest.dynamicTest("-s counts equal the operations issued, per caller, interface, command", () -> {
            assertEquals(0, agg.rc(), agg.err());
            // a caller is a process name in a cgroup (every forked ethtool of one exporter is one caller);
            // both tracers saw the whole machine, so all operations count
            Map<String, long[]> expected = new java.util.TreeMap<>();
            for (Map<String, Object> e : r.events()) {
                long[] c = expected.computeIfAbsent(e.get("comm") + "|" + e.get("cgroup_id") + "|" + e.get("ifname")
                        + "|" + command(e), k -> new long[2]);
                c[0]++;
                c[1] += e.get("ret") != null && ((Long) e.get("ret")) != 0 ? 1 : 0;
            }
            Map<String, long[]> got = new java.util.TreeMap<>();
            for (Map<String, Object> row : agg.output()) {
                if ("summary".equals(row.get("type"))) {
                    got.put(row.get("comm") + "|" + row.get("cgroup_id") + "|" + row.get("ifname") + "|"
                            + row.get("cmd_name"), new long[] {(Long) row.get("count"), (Long) row.get("failures")});
                }
            }
            assertEquals(expected.keySet(), got.keySet());
            expected.forEach((k, c) -> assertEquals(java.util.Arrays.toString(c),
                    java.util.Arrays.toString(got.get(k)), k));
            assertTrue(agg.output().stream().anyMatch(m -> "lost".equals(m.get("type"))
                    && ((Long) m.get("events")) == 0L), "lost line: " + agg.output());
        }));
        t.add(CallerChecks.cadence(r, agg));
        t.add(DynamicTest.dynamicTest("--hist bucket totals equal the operations per command", () -> {
            Map<String, Long> expected = r.events().stream().collect(java.util.stream.Collectors.groupingBy(
                    ScenarioChecks::command, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
            Map<String, Long> got = new java.util.TreeMap<>();
            for (Map<String, Object> row : agg.output()) {
                if ("hist".equals(row.get("type"))) {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> buckets = (List<Map<String, Object>>) row.get("buckets");
                    got.put((String) row.get("cmd_name"), buckets.stream().mapToLong(b -> (Long) b.get("count")).sum());
                }
            }
            assertEquals(expected, got);
        }));
        return t;
    }

    /**
     * @param ret the expected return, or null: 0 when the step's command
     *            succeeded, an errno when it failed (e.g. veth channels on 5.10)
     */
    private static DynamicTest test(Scenario.Result r, String name, String step, Predicate<Map<String, Object>> what,
                                    Scenario.Iface dev, Long ret, String arg) {
        return DynamicTest.dynamicTest(name, () -> {
            List<Map<String, Object>> ev = r.eventsOf(step).stream().filter(what).toList();
            assertFalse(ev.isEmpty(), "no matching event for " + step + ": " + r.eventsOf(step));
            for (Map<String, Object> e : ev) {
                assertDevice(e, dev, true);
                if (ret != null) {
                    assertEquals(ret, e.get("ret"), e.toString());
                } else if (r.steps().get(step).rc() == 0) {
                    assertEquals(0L, e.get("ret"), "the command succeeded: " + e);
                } else {
                    assertTrue(e.get("ret") != null && (Long) e.get("ret") < 0, "the command failed: " + e);
                }
                assertArg(e, arg);
                assertNull(e.get("sub_cmd"));
                assertNull(e.get("sub_cmd_name"));
            }
        });
    }

    private static void checkCaller(Scenario.Result r, Scenario.Step step) {
        List<Map<String, Object>> ev = r.eventsOf(step.name());
        assertFalse(ev.isEmpty(), "no events from step " + step + " (pid " + step.pid() + ")");
        String comm = step.name().startsWith("ioctl_") ? "ethtool_ioctl"
                : step.name().startsWith("genl_") ? "ethtool_genl"
                : step.name().startsWith("rtnl_") ? "rtnl_holder"
                : step.name().equals("longname") ? "ethtool_ioctl_w" : "ethtool";
        for (Map<String, Object> e : ev) {
            assertEquals(comm, e.get("comm"), e.toString());
            assertEquals((long) r.parentPid(), e.get("ppid"), e.toString());
            assertEquals(r.parentComm(), e.get("pcomm"), e.toString());
        }
    }

    static Predicate<Map<String, Object>> ioctl(int cmd, String name) {
        return e -> "ioctl".equals(e.get("kind")) && ((Long) e.get("cmd")) == cmd && name.equals(e.get("cmd_name"));
    }

    static Predicate<Map<String, Object>> genl(int cmd, String name) {
        return e -> "genl".equals(e.get("kind")) && ((Long) e.get("cmd")) == cmd && name.equals(e.get("cmd_name"));
    }

    private static void assertDevice(Map<String, Object> e, Scenario.Iface dev, boolean ifindexKnown) {
        assertEquals(dev.name(), e.get("ifname"), e.toString());
        assertEquals(dev.netns(), e.get("netns"), e.toString());
        if (ifindexKnown) {
            assertEquals((long) dev.ifindex(), e.get("ifindex"), e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertArg(Map<String, Object> e, String arg) {
        assertTrue(((List<Object>) e.get("args")).contains(arg), "args lack " + arg + ": " + e);
    }

    @SuppressWarnings("unchecked")
    private static void assertPerQueue(Scenario.Result r, String step, Scenario.Iface dev) {
        List<Map<String, Object>> ev = r.eventsOf(step).stream().filter(ioctl(0x4b, "ETHTOOL_PERQUEUE")).toList();
        assertEquals(1, ev.size(), r.eventsOf(step).toString());
        Map<String, Object> e = ev.get(0);
        assertEquals(14L, e.get("sub_cmd"));
        assertEquals("ETHTOOL_GCOALESCE", e.get("sub_cmd_name"));
        assertDevice(e, dev, true);
        List<Object> args = (List<Object>) e.get("args");
        assertEquals("-Q|--per-queue", args.get(0));
        assertEquals("-c|--show-coalesce", args.get(1));
        assertNotEquals(0L, e.get("ret"), "veth/dummy have no per-queue coalescing: " + e);
    }

    private static void assertUnknown(Scenario.Result r, String step, int cmd, Scenario.Iface dev) {
        List<Map<String, Object>> ev = r.eventsOf(step);
        assertEquals(1, ev.size(), ev.toString());
        Map<String, Object> e = ev.get(0);
        assertEquals("ioctl", e.get("kind"));
        assertEquals((long) cmd, e.get("cmd"));
        assertEquals(String.format("UNKNOWN(0x%x)", cmd), e.get("cmd_name"));
        assertEquals(List.of(), e.get("args"));
        assertEquals(-95L, e.get("ret"), "EOPNOTSUPP: " + e);
        assertDevice(e, dev, true);
        if (e.get("sub_cmd") != null) {
            fail("no sub-command outside PERQUEUE: " + e);
        }
    }
}
