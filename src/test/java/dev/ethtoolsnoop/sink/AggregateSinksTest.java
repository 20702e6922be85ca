// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.Origin;
import dev.ethtoolsnoop.support.Json;
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
                "exporter".getBytes(), 1, "init".getBytes(), 31, cmd, null, null, List.of(), latencyNs, ret, null, Origin.UNKNOWN);
    }

    private static String run(Sink sink, ByteArrayOutputStream buf, Operation... ops) {
        for (Operation o : ops) {
            sink.accept(o);
        }
        sink.finish();
        sink.flush();
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static Operation op(int pid, String cmd, long latencyNs, int ret, long timeNs, String service,
                                long blockedNs) {
        return new Operation(timeNs, Backend.FENTRY, Kind.GENL, "eth0".getBytes(), 2, 1, pid, pid,
                "exporter".getBytes(), 1, "init".getBytes(), 31, cmd, null, null, List.of(), latencyNs, ret,
                new RtnlCost(latencyNs, blockedNs > 0 ? 1 : 0, blockedNs, blockedNs, 0, new byte[0]),
                new Origin(service.hashCode(), service, service, List.of(), null, null));
    }

    @Test
    void summaryGroupsByCallerAndSortsByWhatOthersWaited() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long s = 1_000_000_000L;
        String out = run(new SummarySink(new PrintStream(buf, false, StandardCharsets.UTF_8), true, () -> 3), buf,
                // one exporter, three scrapes 60 s apart, a new pid each (it forks ethtool)
                op(10, "ETHTOOL_MSG_MODULE_EEPROM_GET", 200_000_000, -95, 0, "exporter.service", 0),
                op(11, "ETHTOOL_MSG_MODULE_EEPROM_GET", 100_000_000, 0, 60 * s, "exporter.service", 0),
                op(12, "ETHTOOL_MSG_MODULE_EEPROM_GET", 100_000_000, 0, 120 * s, "exporter.service", 0),
                op(10, "ETHTOOL_MSG_LINKINFO_GET", 50_000, 0, 0, "exporter.service", 40_000_000),
                // the same name in another service is another caller
                op(13, "ETHTOOL_MSG_MODULE_EEPROM_GET", 1_000, 0, 0, "other.service", 0));
        List<Map<String, Object>> rows = out.lines().map(Json::object).toList();
        assertEquals(4, rows.size());
        assertEquals("ETHTOOL_MSG_LINKINFO_GET", rows.get(0).get("cmd_name"), "it made others wait: first");
        assertEquals(40_000_000L, rows.get(0).get("rtnl_wait_ns"));
        Map<String, Object> eeprom = rows.get(1);
        assertEquals("exporter.service", eeprom.get("service"));
        assertEquals(12L, eeprom.get("pid"));
        assertEquals(3L, eeprom.get("pids"));
        assertEquals(3L, eeprom.get("count"));
        assertEquals(1L, eeprom.get("failures"));
        assertEquals(400_000_000L, eeprom.get("total_ns"));
        assertEquals(200_000_000L, eeprom.get("max_ns"));
        assertEquals(3L, eeprom.get("calls"));
        assertEquals(60 * s, eeprom.get("every_ns"));
        assertEquals(1.0, eeprom.get("ops_per_call"));
        assertEquals("other.service", rows.get(2).get("service"));
        assertEquals(null, rows.get(2).get("every_ns"), "one call: no period");
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
