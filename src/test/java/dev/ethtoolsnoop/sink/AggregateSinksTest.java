// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.live.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregateSinksTest {
    private static Operation op(int pid, String cmd, long latencyNs, int ret) {
        return new Operation(0, Backend.FENTRY, Kind.GENL, "eth0".getBytes(), 2, 1, pid, pid,
                "exporter".getBytes(), 1, "init".getBytes(), 31, cmd, null, null, List.of(), latencyNs, ret, null);
    }

    private static String run(Sink sink, ByteArrayOutputStream buf, Operation... ops) {
        for (Operation o : ops) {
            sink.accept(o);
        }
        sink.finish();
        sink.flush();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void summaryGroupsSortsByTotalAndCountsFailures() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String out = run(new SummarySink(new PrintStream(buf, false, StandardCharsets.UTF_8), true, () -> 3), buf,
                op(10, "ETHTOOL_MSG_MODULE_EEPROM_GET", 200_000_000, -95),
                op(10, "ETHTOOL_MSG_MODULE_EEPROM_GET", 100_000_000, 0),
                op(10, "ETHTOOL_MSG_LINKINFO_GET", 50_000, 0),
                op(11, "ETHTOOL_MSG_MODULE_EEPROM_GET", 1_000, 0));
        List<Map<String, Object>> rows = out.lines().map(Json::object).toList();
        assertEquals(4, rows.size());
        Map<String, Object> top = rows.get(0);
        assertEquals(10L, top.get("pid"));
        assertEquals("ETHTOOL_MSG_MODULE_EEPROM_GET", top.get("cmd_name"));
        assertEquals(2L, top.get("count"));
        assertEquals(1L, top.get("failures"));
        assertEquals(300_000_000L, top.get("total_ns"));
        assertEquals(150_000_000L, top.get("avg_ns"));
        assertEquals(200_000_000L, top.get("max_ns"));
        assertEquals("ETHTOOL_MSG_LINKINFO_GET", rows.get(1).get("cmd_name"));
        assertEquals(11L, rows.get(2).get("pid"));
        assertEquals(Map.of("type", "lost", "events", 3L), rows.get(3));
    }

    @Test
    void summaryTableNamesLostEvents() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String out = run(new SummarySink(new PrintStream(buf, false, StandardCharsets.UTF_8), false, () -> 7), buf,
                op(10, "ETHTOOL_MSG_MODULE_EEPROM_GET", 200_000_000, -95));
        assertTrue(out.lines().findFirst().orElseThrow().startsWith("PID:Process"), out);
        assertTrue(out.contains("10:exporter"), out);
        assertTrue(out.contains("Lost 7 events"), out);
    }

    @Test
    void slotsAreLog2Buckets() {
        assertEquals(0, HistogramSink.slot(0));
        assertEquals(0, HistogramSink.slot(1));
        assertEquals(1, HistogramSink.slot(2));
        assertEquals(1, HistogramSink.slot(3));
        assertEquals(2, HistogramSink.slot(4));
        assertEquals(17, HistogramSink.slot(200_000)); // 200 ms = 200000 us: 131072..262143
        assertEquals(131072, HistogramSink.low(17));
        assertEquals(262143, HistogramSink.high(17));
    }

    @Test
    void histogramCountsEveryOperationOnce() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String out = run(new HistogramSink(new PrintStream(buf, false, StandardCharsets.UTF_8), true), buf,
                op(1, "A", 10_000, 0), op(1, "A", 12_000, 0), op(1, "A", 200_000_000, 0), op(1, "B", 0, 0));
        List<Map<String, Object>> hists = out.lines().map(Json::object).toList();
        assertEquals(2, hists.size());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> a = (List<Map<String, Object>>) hists.get(0).get("buckets");
        assertEquals(3L, a.stream().mapToLong(b -> (Long) b.get("count")).sum());
        assertEquals(2L, a.get(3).get("count")); // 8..15 us
        assertEquals(1L, a.get(17).get("count"));
        assertEquals(18, a.size());
    }

    @Test
    void histogramTableHasBccShape() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String out = run(new HistogramSink(new PrintStream(buf, false, StandardCharsets.UTF_8), false), buf,
                op(1, "ETHTOOL_MSG_MODULE_EEPROM_GET", 10_000, 0), op(1, "ETHTOOL_MSG_MODULE_EEPROM_GET", 3_000, 0));
        assertTrue(out.contains("cmd = ETHTOOL_MSG_MODULE_EEPROM_GET"), out);
        assertTrue(out.contains("usecs : count    distribution"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+8 -> 15\\s+: 1\\s+\\|\\*{40}\\|")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+2 -> 3\\s+: 1\\s+\\|\\*{40}\\|")), out);
    }
}
