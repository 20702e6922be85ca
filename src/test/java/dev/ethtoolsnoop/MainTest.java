// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.live.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as a user meets it, in-process. */
class MainTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Main.stdout = System.out;
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            Main.stdout = null;
        }
    }

    @Test
    void unknownFlagIsAUsageErrorWithoutAStackTrace() {
        Run r = run("--no-such-flag");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--no-such-flag'"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badValuesAreUsageErrors() {
        assertEquals(2, run("--backend", "ebpf").code());
        assertEquals(2, run("--buffer-pages", "3").code());
        assertEquals(2, run("--count", "many").code());
        assertEquals(2, run("-c", "a-very-long-process-name").code());
        Run r = run("--backend", "ebpf");
        assertTrue(r.err().contains("--backend must be auto, fentry, kprobe or syscall"), r.err());
    }

    @Test
    void helpListsTheFlagsAndExamples() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String flag : List.of("--json", "--timestamp", "--duration", "--count", "--backend", "--pid", "--comm",
                "--interface", "--failed", "--min-latency", "--list-commands", "Examples:")) {
            assertTrue(r.out().contains(flag), flag + " missing from --help");
        }
    }

    @Test
    void listCommandsPrintsTheKnowledgeBase() {
        Run r = run("--list-commands");
        assertEquals(0, r.code());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("ioctl\\s+0x3\\s+ETHTOOL_GDRVINFO\\s+-\\s+-i\\|--driver.*")),
                r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.matches("ioctl\\s+0xd\\s.*")), "ioctl 0xd is a hole");
        assertTrue(r.out().lines().anyMatch(l -> l.matches("ioctl\\s+0xe\\s+ETHTOOL_GCOALESCE\\s.*")), r.out());
        Run j = run("--list-commands", "--json");
        List<Map<String, Object>> rows = j.out().lines().map(Json::object).toList();
        assertTrue(rows.stream().anyMatch(m -> "genl".equals(m.get("kind")) && "ETHTOOL_MSG_RINGS_GET"
                .equals(m.get("cmd_name")) && m.get("since") != null));
        assertTrue(rows.stream().allMatch(m -> m.keySet().equals(java.util.Set.of("kind", "cmd", "cmd_name", "args",
                "since"))));
        assertTrue(rows.stream().noneMatch(m -> "ioctl".equals(m.get("kind")) && ((Long) m.get("cmd")) == 0xd));
    }
}
