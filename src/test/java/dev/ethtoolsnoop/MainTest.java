// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.support.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    void defaultBufferHoldsAScrapeBurstPerCpuAndStays16MiBOnManyCpus() {
        assertEquals(1024, Main.defaultBufferPages(1));
        assertEquals(1024, Main.defaultBufferPages(4));
        assertEquals(512, Main.defaultBufferPages(8));
        assertEquals(256, Main.defaultBufferPages(16));
        assertEquals(128, Main.defaultBufferPages(32));
        assertEquals(64, Main.defaultBufferPages(64));
        assertEquals(64, Main.defaultBufferPages(512));
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
        assertTrue(r.out().lines().anyMatch(l -> l.matches(
                "ioctl\\s+0x3\\s+ETHTOOL_GDRVINFO\\s+-\\s+Get driver information\\s+-i\\|--driver.*")), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.matches("ioctl\\s+0xd\\s.*")), "ioctl 0xd is a hole");
        assertTrue(r.out().lines().anyMatch(l -> l.matches("ioctl\\s+0xe\\s+ETHTOOL_GCOALESCE\\s.*")), r.out());
        Run j = run("--list-commands", "--json");
        List<Map<String, Object>> rows = j.out().lines().map(Json::object).toList();
        assertTrue(rows.stream().anyMatch(m -> "genl".equals(m.get("kind")) && "ETHTOOL_MSG_RINGS_GET"
                .equals(m.get("cmd_name")) && m.get("since") != null));
        assertTrue(rows.stream().allMatch(m -> m.keySet().equals(java.util.Set.of("kind", "cmd", "cmd_name", "args",
                "since", "meaning"))));
        assertTrue(rows.stream().allMatch(m -> !((String) m.get("meaning")).isBlank()), "every command says what it does");
        assertTrue(rows.stream().noneMatch(m -> "ioctl".equals(m.get("kind")) && ((Long) m.get("cmd")) == 0xd));
    }

    /** Main as picocli leaves it, without running it (nothing is traced). */
    private static Main parsed(String... args) {
        Main m = new Main();
        new picocli.CommandLine(m).parseArgs(args);
        return m;
    }

    private static void assertOneLineUsageError(Run r, String mustContain) {
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.get(0).startsWith("ethtoolsnoop: "), r.err());
        assertTrue(lines.get(0).contains(mustContain), r.err());
        assertTrue(lines.get(0).contains("--help"), "a hint: " + r.err());
    }

    @Test
    void usageErrorsAreOneLineWithAHint() {
        assertOneLineUsageError(run("--no-such-flag"), "Unknown option: '--no-such-flag'");
        assertOneLineUsageError(run("--count", "many"), "--count");
        assertOneLineUsageError(run("positional"), "positional");
        assertOneLineUsageError(run("--backend", "ebpf"), "--backend");
        assertOneLineUsageError(run("-c", "a-very-long-process-name"), "--comm");
    }

    @Test
    void userSuppliedNamesAreEscapedInMessages() {
        Run r = run("-c", "\u001b[31mvery-long-and-red");
        assertOneLineUsageError(r, "\\x1b[31mvery-long-and-red");
        assertFalse(r.err().contains("\u001b"), r.err());
        Run b = run("--backend", "\u001b]0;title\u0007");
        assertFalse(b.err().contains("\u001b") || b.err().contains("\u0007"), b.err());
        Run u = run("--bogus-\u001b[2J");
        assertFalse(u.err().contains("\u001b"), u.err());
    }

    /** Values that could never do what they say: refused before anything is traced. */
    @Test
    void impossibleValuesAreRefusedAtParseTime() {
        List<List<String>> refused = new ArrayList<>(List.of(
                List.of("--duration", "9223372036"), List.of("--duration", "1e300"),
                List.of("--duration", "Infinity"), List.of("--duration", "NaN"), List.of("--duration", "1e-10"),
                List.of("--duration", "0"), List.of("--duration", "-1"), List.of("--count", "0"),
                List.of("--count", "-1"), List.of("-m", "NaN"), List.of("-m", "Infinity"), List.of("-m", "-1"),
                List.of("-m", "1e300"),
                List.of("-p", "0"), List.of("-p", "-1"), List.of("-p", "4194305"),
                List.of("--netns", "0"), List.of("--netns", "1"), List.of("--netns", "4294967296"),
                List.of("-c", ""), List.of("-i", "."), List.of("-i", ".."), List.of("-i", "a/b"),
                List.of("-i", "a b"), List.of("-i", "a:b"), List.of("-i", ""),
                List.of("--list-commands", "-p", "1"), List.of("--list-commands", "-s"),
                List.of("--list-commands", "--duration", "1"), List.of("--list-commands", "--backend", "kprobe")));
        List<String> tooManyPids = new ArrayList<>();
        for (int pid = 1; pid <= 65; pid++) {
            tooManyPids.addAll(List.of("-p", String.valueOf(pid)));
        }
        refused.add(tooManyPids);
        for (List<String> args : refused) {
            String option = args.get(0).equals("-p") ? "--pid" : args.get(0).equals("-m") ? "--min-latency"
                    : args.get(0).equals("-c") ? "--comm" : args.get(0).equals("-i") ? "--interface" : args.get(0);
            String problem = parsed(args.toArray(String[]::new)).problem();
            assertNotNull(problem, "accepted: " + args);
            assertTrue(problem.contains(option), args + " -> " + problem);
        }
        assertTrue(parsed(tooManyPids.toArray(String[]::new)).problem().contains("64"));
        List<List<String>> accepted = List.of(List.of("--duration", "0.5"), List.of("--duration", "1000000000"),
                List.of("--count", "1"), List.of("-m", "0"), List.of("-m", "0.001"), List.of("-p", "1"),
                List.of("-p", "4194304"), List.of("--netns", "4026531833"), List.of("--netns", "4026531840"),
                List.of("-c", "ethtool"), List.of("-i", "eth0"), List.of("-i", "...", "-c", "x"),
                List.of("--list-commands", "--json"), List.of("--list-commands", "-v"));
        for (List<String> args : accepted) {
            assertNull(parsed(args.toArray(String[]::new)).problem(), args.toString());
        }
        List<String> maxPids = new ArrayList<>();
        for (int pid = 1; pid <= 64; pid++) {
            maxPids.addAll(List.of("-p", String.valueOf(pid)));
        }
        assertNull(parsed(maxPids.toArray(String[]::new)).problem());
    }

    @Test
    void listCommandsWithTracingFlagsIsAUsageError() {
        assertOneLineUsageError(run("--list-commands", "-p", "1"), "--list-commands");
        assertOneLineUsageError(run("--list-commands", "-i", "eth0", "-T"), "--list-commands");
    }
}
