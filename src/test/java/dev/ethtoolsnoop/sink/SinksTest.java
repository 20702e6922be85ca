// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Ancestor;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.RtnlWait;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinksTest {
    static Operation op(String comm, String ifname, long netns, Integer subCmd) {
        return new Operation(1_700_000_000_123_000_000L, Backend.KPROBE, Kind.IOCTL,
                ifname.getBytes(StandardCharsets.UTF_8), 3, netns, 11198, 11199,
                comm.getBytes(StandardCharsets.UTF_8), 6373, "zsh".getBytes(StandardCharsets.UTF_8),
                subCmd == null ? 3 : 0x4b, subCmd == null ? "ETHTOOL_GDRVINFO" : "ETHTOOL_PERQUEUE",
                subCmd, subCmd == null ? null : "ETHTOOL_GCOALESCE",
                List.of("-i|--driver", "-d|--register-dump"), 1_234_567L, -95, null, Origin.UNKNOWN);
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
        assertTrue(lines[0].matches(
                "Interface\\s+PID:Process\\s+IOCTL_CMD/GENL_CMD\\s+LAT\\(ms\\)\\s+BLOCKED\\(ms\\)\\s+RET\\s+ethtool args"),
                lines[0]);
        assertTrue(lines[1].matches("enp0s1\\s+11198:ethtool<zsh\\(6373\\)\\s+ETHTOOL_GDRVINFO\\s+1\\.235\\s+-\\s+-95\\s+"
                + "-i\\|--driver, -d\\|--register-dump"), lines[1]);
    }

    private static Operation withRtnl(Operation op, RtnlCost r) {
        return new Operation(op.timeNs(), op.backend(), op.kind(), op.ifname(), op.ifindex(), op.netns(), op.pid(),
                op.tid(), op.comm(), op.ppid(), op.pcomm(), op.cmd(), op.cmdName(), op.subCmd(), op.subCmdName(),
                op.args(), op.latencyNs(), op.ret(), r, op.origin());
    }

    @Test
    void blockedSaysWhatOthersWaitedUnknownOrNobody() {
        Operation op = op("exporter", "eth0", 100, null);
        String waited = table(false, withRtnl(op, new RtnlCost(600_000_000L, 3, 1_496_250_000L, 499_000_000L, 77,
                "ip".getBytes()))).split("\n")[1];
        assertTrue(waited.matches(".*ETHTOOL_GDRVINFO\\s+1\\.235\\s+1496\\.3/3\\s+-95 .*"), waited);
        String nobody = table(false, withRtnl(op, new RtnlCost(null, 0, 0, 0, 0, new byte[0]))).split("\n")[1];
        assertTrue(nobody.matches(".*ETHTOOL_GDRVINFO\\s+1\\.235\\s+0\\s+-95 .*"), nobody);
        Map<String, Object> m = Json.object(JsonSink.toJson(withRtnl(op,
                new RtnlCost(600_000_000L, 3, 1_496_250_000L, 499_000_000L, 77, "ip".getBytes()))));
        assertEquals(600_000_000L, m.get("rtnl_hold_ns"));
        assertEquals(3L, m.get("rtnl_waiters"));
        assertEquals(1_496_250_000L, m.get("rtnl_wait_ns"));
        assertEquals(499_000_000L, m.get("rtnl_wait_max_ns"));
        assertEquals(Map.of("pid", 77L, "comm", "ip"), m.get("rtnl_longest_waiter"));
        Map<String, Object> syscall = Json.object(JsonSink.toJson(withRtnl(op, new RtnlCost(null, 0, 0, 0, 0,
                new byte[0]))));
        assertNull(syscall.get("rtnl_hold_ns"), "the syscall backend cannot see the hold");
        assertEquals(0L, syscall.get("rtnl_waiters"));
    }

    @Test
    void aWaitNamesItsHolderOrSaysItWasNotEthtool() {
        RtnlWait onOp = new RtnlWait(1_700_000_000_000_000_000L, 503_211_000L, 4242, 4242, "ip".getBytes(), 0,
                11198, 11199, "exporter".getBytes(),
                new RtnlWait.HolderOp(Kind.IOCTL, "ETHTOOL_GMODULEEEPROM", "eth0".getBytes(), 1L));
        RtnlWait notEthtool = new RtnlWait(1_700_000_000_000_000_000L, 12_000_000L, 4242, 4242, "ip".getBytes(), 0,
                900, 900, "sshd".getBytes(), null);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TableSink sink = new TableSink(new PrintStream(buf, false, StandardCharsets.UTF_8), false, 100);
        sink.acceptWait(onOp);
        sink.acceptWait(notEthtool);
        sink.flush();
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[1].matches("eth0\\s+4242:ip\\s+RTNL_WAIT\\s+503\\.211\\s+-\\s+0 held by 11198:exporter "
                + "ETHTOOL_GMODULEEEPROM on eth0"), lines[1]);
        assertTrue(lines[2].matches("-\\s+4242:ip\\s+RTNL_WAIT\\s+12\\.000\\s+-\\s+0 held by 900:sshd \\(not ethtool\\)"),
                lines[2]);
        Map<String, Object> m = Json.object(JsonSink.toJson(onOp));
        assertEquals("rtnl_wait", m.get("type"));
        assertEquals(503_211_000L, m.get("wait_ns"));
        @SuppressWarnings("unchecked")
        Map<String, Object> holder = (Map<String, Object>) m.get("holder");
        assertEquals(11198L, holder.get("pid"));
        @SuppressWarnings("unchecked")
        Map<String, Object> eth = (Map<String, Object>) holder.get("ethtool");
        assertEquals("ETHTOOL_GMODULEEEPROM", eth.get("cmd_name"));
        assertEquals("eth0", eth.get("ifname"));
        @SuppressWarnings("unchecked")
        Map<String, Object> other = (Map<String, Object>) Json.object(JsonSink.toJson(notEthtool)).get("holder");
        assertNull(other.get("ethtool"));
        assertEquals("sshd", other.get("comm"));
    }

    @Test
    void tableShowsNetnsOnlyWhenForeign() {
        String line = table(false, op("exporter", "eth0", 4026532999L, null)).split("\n")[1];
        assertTrue(line.startsWith("eth0@netns:4026532999 "), line);
        assertTrue(line.contains(" 11198:exporter<zsh(6373) "), line);
        assertFalse(table(false, op("exporter", "eth0", 100, null)).contains("@netns"));
    }

    private static Operation withOrigin(Operation op, Origin o) {
        return new Operation(op.timeNs(), op.backend(), op.kind(), op.ifname(), op.ifindex(), op.netns(), op.pid(),
                op.tid(), op.comm(), op.ppid(), op.pcomm(), op.cmd(), op.cmdName(), op.subCmd(), op.subCmdName(),
                op.args(), op.latencyNs(), op.ret(), op.rtnl(), o);
    }

    @Test
    void tableNamesTheCallersChainTheFullNameAndTheService() {
        Origin o = new Origin(77, "/system.slice/prometheus-node-exporter.service",
                "prometheus-node-exporter.service",
                List.of(new Ancestor(4121, "sh".getBytes()), new Ancestor(4000, "python3".getBytes()),
                        new Ancestor(1, "systemd".getBytes())),
                "prometheus-node-exporter", "/usr/bin/prometheus-node-exporter --collector.ethtool");
        Operation op = withOrigin(op("prometheus-node", "eth0", 100, null), o);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TableSink sink = new TableSink(new PrintStream(buf, false, StandardCharsets.UTF_8), false, 100, 2, true);
        sink.accept(op);
        sink.flush();
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].matches("Interface\\s+PID:Process\\s+SERVICE\\s+IOCTL_CMD/GENL_CMD.*"), lines[0]);
        assertTrue(lines[1].contains(" 11198:prometheus-node-exporter<sh<python3(4000) "
                + "prometheus-node-exporter.service "), lines[1]);
        String none = table(false, withOrigin(op, new Origin(77, null, null, o.ancestors(), null, null)));
        assertTrue(none.contains(" 11198:prometheus-node<sh<python3(4000) "), "the kernel's name when no other: "
                + none);
        ByteArrayOutputStream b0 = new ByteArrayOutputStream();
        TableSink flat = new TableSink(new PrintStream(b0, false, StandardCharsets.UTF_8), false, 100, 0, false);
        flat.accept(op);
        flat.flush();
        assertTrue(b0.toString(StandardCharsets.UTF_8).contains(" 11198:prometheus-node-exporter "), b0.toString());
        Map<String, Object> m = Json.object(JsonSink.toJson(op));
        assertEquals(3, ((List<?>) m.get("ancestors")).size());
        assertEquals("prometheus-node-exporter", m.get("exe"));
        assertEquals("prometheus-node-exporter.service", m.get("service"));
        assertEquals(77L, m.get("cgroup_id"));
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
                "pcomm", "cmd", "cmd_name", "sub_cmd", "sub_cmd_name", "args", "latency_ns", "ret", "rtnl_hold_ns",
                "rtnl_waiters", "rtnl_wait_ns", "rtnl_wait_max_ns", "rtnl_longest_waiter", "ancestors", "exe",
                "cmdline", "cgroup_id", "cgroup", "service"),
                List.copyOf(m.keySet()));
        // not traced: unknown, never zero
        assertNull(m.get("rtnl_waiters"));
        assertNull(m.get("rtnl_hold_ns"));
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
