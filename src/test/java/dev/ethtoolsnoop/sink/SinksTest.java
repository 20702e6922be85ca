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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinksTest {
    static Operation op(String comm, String ifname, long netns, Integer subCmd) {
        return new Operation(1_700_000_000_123_000_000L, Backend.KPROBE, Kind.IOCTL,
                ifname.getBytes(StandardCharsets.UTF_8), 3, netns, 11198, 11199,
                comm.getBytes(StandardCharsets.UTF_8), 6373, "zsh".getBytes(StandardCharsets.UTF_8),
                subCmd == null ? 3 : 0x4b, subCmd == null ? "ETHTOOL_GDRVINFO" : "ETHTOOL_PERQUEUE",
                subCmd, subCmd == null ? null : "ETHTOOL_GCOALESCE",
                List.of("-i|--driver", "-d|--register-dump"), 1_234_567L, -95);
    }

    private static String table(boolean timestamps, Operation... ops) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TableSink sink = new TableSink(new PrintStream(buf, false, StandardCharsets.UTF_8), timestamps, 100);
        for (Operation o : ops) {
            sink.accept(o);
        }
        assertTrue(sink.flush());
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tableHasTheHeaderAndTheOriginalsProcessColumn() {
        String[] lines = table(false, op("ethtool", "enp0s1", 100, null)).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].matches("Interface\\s+PID:Process\\s+IOCTL_CMD/GENL_CMD\\s+LAT\\(ms\\)\\s+RET\\s+ethtool args"),
                lines[0]);
        assertTrue(lines[1].matches("enp0s1\\s+11198:ethtool\\(parent 6373:zsh\\)\\s+ETHTOOL_GDRVINFO\\s+1\\.235\\s+-95\\s+"
                + "-i\\|--driver, -d\\|--register-dump"), lines[1]);
    }

    @Test
    void tableShowsParentOnlyForEthtoolAndNetnsOnlyWhenForeign() {
        String line = table(false, op("exporter", "eth0", 4026532999L, null)).split("\n")[1];
        assertTrue(line.startsWith("eth0@netns:4026532999 "), line);
        assertTrue(line.contains(" 11198:exporter "), line);
        assertFalse(line.contains("parent"), line);
    }

    @Test
    void tableNamesThePerQueueSubCommandAndHasTimestamps() {
        String[] lines = table(true, op("ethtool", "eth0", 100, 0xe)).split("\n");
        assertTrue(lines[0].startsWith("TIME "), lines[0]);
        assertTrue(lines[1].matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*ETHTOOL_PERQUEUE/ETHTOOL_GCOALESCE.*"), lines[1]);
    }

    @Test
    void tableEscapesHostileNames() {
        String line = table(false, op("\u001b]0;pwn\u0007", "eth0", 100, null)).split("\n")[1];
        assertFalse(line.chars().anyMatch(c -> c < 0x20), line);
        assertTrue(line.contains("11198:\\x1b]0;pwn\\x07"), line);
    }

    @Test
    void jsonHasEveryFieldWithTheRightTypes() {
        Map<String, Object> m = Json.object(JsonSink.toJson(op("ethtool", "eth0", 4026531840L, 0xe)));
        assertEquals(List.of("ts_ns", "backend", "kind", "ifname", "ifindex", "netns", "pid", "tid", "comm", "ppid",
                "pcomm", "cmd", "cmd_name", "sub_cmd", "sub_cmd_name", "args", "latency_ns", "ret"),
                List.copyOf(m.keySet()));
        assertEquals(1_700_000_000_123_000_000L, m.get("ts_ns"));
        assertEquals("kprobe", m.get("backend"));
        assertEquals("ioctl", m.get("kind"));
        assertEquals(4026531840L, m.get("netns"));
        assertEquals(75L, m.get("cmd"));
        assertEquals(14L, m.get("sub_cmd"));
        assertEquals("ETHTOOL_GCOALESCE", m.get("sub_cmd_name"));
        assertEquals(List.of("-i|--driver", "-d|--register-dump"), m.get("args"));
        assertEquals(-95L, m.get("ret"));
        Map<String, Object> plain = Json.object(JsonSink.toJson(op("ethtool", "eth0", 1, null)));
        assertEquals(null, plain.get("sub_cmd"));
        assertTrue(plain.containsKey("sub_cmd_name"));
    }

    @Test
    void flushReportsAGoneReader() {
        PrintStream closed = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        }, false, StandardCharsets.UTF_8);
        JsonSink sink = new JsonSink(closed);
        sink.accept(op("ethtool", "eth0", 1, null));
        assertFalse(sink.flush());
    }
}
