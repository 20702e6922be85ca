// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who really called: the scenario's tree, cgroup, long-name and cadence
 * steps against what the tracer said of their callers.
 */
final class CallerChecks {
    private CallerChecks() {
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> ancestors(Map<String, Object> e) {
        return (List<Map<String, Object>>) e.get("ancestors");
    }

    static List<DynamicTest> tests(Scenario.Result r) {
        List<DynamicTest> t = new ArrayList<>();
        t.add(DynamicTest.dynamicTest("ethtool three shells down, gone at once: its whole chain", () -> {
            long step = r.steps().get("tree").pid();
            List<Map<String, Object>> ops = r.events().stream()
                    .filter(e -> "ethtool".equals(e.get("comm"))
                            && ancestors(e).stream().anyMatch(a -> (Long) a.get("pid") == step))
                    .toList();
            assertEquals(1, ops.size(), "one ethtool -i under the tree step: " + ops);
            List<Map<String, Object>> chain = ancestors(ops.get(0));
            assertEquals(4, chain.size(), chain.toString());
            for (int i = 0; i < 3; i++) {
                assertEquals("sh", chain.get(i).get("comm"), chain.toString());
            }
            assertEquals(step, chain.get(2).get("pid"), "the outermost shell is the step: " + chain);
            assertEquals((long) r.parentPid(), chain.get(3).get("pid"), "then the scenario: " + chain);
            assertEquals(r.parentComm(), chain.get(3).get("comm"));
            assertEquals(ops.get(0).get("ppid"), chain.get(0).get("pid"), "ancestors[0] is the parent");
        }));
        String[] cg = readOrFail(r, "cgroup").trim().split(" ");
        t.add(DynamicTest.dynamicTest("ethtool in a cgroup of its own is named by it", () -> {
            List<Map<String, Object>> ops = r.eventsOf("cgroup_ethtool");
            assertFalse(ops.isEmpty());
            for (Map<String, Object> e : ops) {
                assertEquals(Long.parseLong(cg[1]), e.get("cgroup_id"), e.toString());
                assertEquals(cg[0], e.get("cgroup"), e.toString());
                assertEquals(cg[0], e.get("service"), "a plain cgroup: its path, no guess: " + e);
            }
            // and the scenario's other callers are not said to be in it
            for (Map<String, Object> e : r.eventsOf("ethtool_i")) {
                assertFalse(cg[0].equals(e.get("cgroup")), e.toString());
            }
        }));
        t.add(DynamicTest.dynamicTest("a name the kernel cuts at 15 bytes: the full one from the executable", () -> {
            List<Map<String, Object>> ops = r.eventsOf("longname");
            assertFalse(ops.isEmpty());
            for (Map<String, Object> e : ops) {
                assertEquals("ethtool_ioctl_w", e.get("comm"), e.toString());
                assertEquals("ethtool_ioctl_with_a_long_name", e.get("exe"), e.toString());
                assertNotNull(e.get("cmdline"), e.toString());
                assertTrue(((String) e.get("cmdline")).contains("--linger 1500 etsnD 0x3"), e.toString());
            }
        }));
        return t;
    }

    /** The cadence step's start times (seconds of /proc/uptime), and the -s row of its caller. */
    static DynamicTest cadence(Scenario.Result r, Scenario.Filtered agg) {
        return DynamicTest.dynamicTest("-s: a caller's period within 10 %, and its operations per call", () -> {
            List<Double> starts = new ArrayList<>();
            for (String line : r.stepOutput("cadence").split("\n")) {
                if (!line.isBlank()) {
                    starts.add(Double.parseDouble(line.trim().split("\\s+")[0]));
                }
            }
            assertEquals(5, starts.size(), r.stepOutput("cadence"));
            List<Double> gaps = new ArrayList<>();
            for (int i = 1; i < starts.size(); i++) {
                gaps.add(starts.get(i) - starts.get(i - 1));
            }
            gaps.sort(null);
            double median = (gaps.get(1) + gaps.get(2)) / 2;
            List<Map<String, Object>> rows = agg.output().stream()
                    .filter(m -> "summary".equals(m.get("type")) && "ethtool".equals(m.get("comm"))
                            && "etsnD".equals(m.get("ifname")))
                    .toList();
            assertEquals(1, rows.size(), agg.output().toString());
            Map<String, Object> row = rows.get(0);
            assertEquals(5L, row.get("calls"), row.toString());
            assertEquals(5L, row.get("pids"), "a new ethtool each time, one caller: " + row);
            assertNotNull(row.get("every_ns"), row.toString());
            double every = (Long) row.get("every_ns") / 1e9;
            assertTrue(Math.abs(every - median) <= 0.1 * median, "every " + every + " s, measured " + median
                    + " s: " + row);
        });
    }

    private static String readOrFail(Scenario.Result r, String name) {
        try {
            return Files.readString(r.dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
