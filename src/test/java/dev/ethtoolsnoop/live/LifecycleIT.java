// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.TracerProcess;
import dev.ethtoolsnoop.support.Json;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracer's life on this host: it leaves no BPF link behind however it
 * ends, exits 0 on SIGINT/SIGTERM/SIGHUP, keeps the JVM's SIGQUIT thread
 * dump out of stdout, ends when its reader goes away, and says so when it
 * cannot write.
 */
class LifecycleIT {
    static final String DEV = "etsnlife0";
    static final Path DIR = Scenario.BASEDIR.resolve("target/live/lifecycle");

    @BeforeAll
    static void setUp() throws Exception {
        LiveGate.require(LiveGate.isRoot(), "live tracing needs root");
        LiveGate.require(Scenario.hasCommand("bpftool"), "needs bpftool (apt install bpftool) to count BPF links");
        LiveGate.require(Scenario.hasCommand("ethtool"), "needs ethtool");
        Files.createDirectories(DIR);
        sh("ip link del " + DEV + " 2>/dev/null; ip link add " + DEV + " type veth peer name " + DEV + "p");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (LiveGate.isRoot()) {
            sh("ip link del " + DEV + " 2>/dev/null || true");
        }
    }

    static int sh(String line) throws IOException, InterruptedException {
        return new ProcessBuilder("bash", "-c", line).inheritIO().start().waitFor();
    }

    static long bpfLinks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "link", "show").start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return out.isEmpty() ? 0 : ((List<?>) Json.parse(out)).size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM", "HUP", "KILL"})
    void noLinkSurvivesTheTracer(String signal) throws Exception {
        long before = bpfLinks();
        Path err = DIR.resolve("signal-" + signal + ".err");
        Process p = new ProcessBuilder(Scenario.java(), "--enable-native-access=ALL-UNNAMED", "-jar",
                Scenario.JAR.toString(), "--json").redirectOutput(DIR.resolve("signal-" + signal + ".out").toFile())
                .redirectError(err.toFile()).start();
        try {
            int probes = TracerProcess.awaitReady(err, p);
            assertEquals(before + probes, bpfLinks(), "links while tracing");
            assertEquals(0, sh("kill -" + signal + " " + p.pid()));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tracer did not end on SIG" + signal);
            if (!signal.equals("KILL")) {
                assertEquals(0, p.exitValue(), Files.readString(err));
                assertFalse(Files.readString(err).contains("Exception"), Files.readString(err));
            }
        } finally {
            p.destroyForcibly(); // a failed check leaves no tracer behind
        }
        long after = bpfLinks();
        for (int i = 0; i < 40 && after != before; i++) { // the kernel frees a killed process's links async
            Thread.sleep(50);
            after = bpfLinks();
        }
        assertEquals(before, after, "links after SIG" + signal);
    }

    @Test
    void endsPromptlyWhenTheReaderGoes() throws Exception {
        Path err = DIR.resolve("pipe.err");
        Path rc = DIR.resolve("pipe.rc");
        Files.deleteIfExists(rc);
        Files.deleteIfExists(err); // a ready line left by an earlier run would end the wait too early
        String line = "'" + Scenario.java() + "' --enable-native-access=ALL-UNNAMED -jar '" + Scenario.JAR
                + "' --json 2>'" + err + "' | head -1 >'" + DIR.resolve("pipe.out") + "'; echo ${PIPESTATUS[0]} >'"
                + rc + "'";
        Process p = new ProcessBuilder("bash", "-c", line).start();
        awaitReadyFile(err);
        // two events: head takes the first and leaves; nothing more is ever written
        assertEquals(0, sh("ethtool -i " + DEV + " >/dev/null; ethtool -i " + DEV + " >/dev/null"));
        long t0 = System.nanoTime();
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "tracer still running after its reader left");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("0", Files.readString(rc).trim(), Files.readString(err));
        assertEquals(1, Files.readAllLines(DIR.resolve("pipe.out")).size());
        assertFalse(Files.readString(err).contains("Exception"), Files.readString(err));
        assertTrue(ms < 2000, "took " + ms + " ms");
    }

    @Test
    void hangupEndsTracingLikeSigterm() throws Exception {
        Path out = DIR.resolve("hup-summary.out");
        Path err = DIR.resolve("hup-summary.err");
        Process p = new ProcessBuilder(Scenario.java(), "--enable-native-access=ALL-UNNAMED", "-jar",
                Scenario.JAR.toString(), "-s", "-i", DEV).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        try {
            TracerProcess.awaitReady(err, p);
            assertEquals(0, sh("ethtool -i " + DEV + " >/dev/null"));
            Thread.sleep(300);
            assertEquals(0, sh("kill -HUP " + p.pid()));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tracer did not end on SIGHUP");
            assertEquals(0, p.exitValue(), Files.readString(err));
            String summary = Files.readString(out);
            assertTrue(summary.startsWith("PID:Process"), "summary lost: " + summary);
            assertTrue(summary.lines().anyMatch(l -> l.contains(DEV) && l.contains("ETHTOOL_GDRVINFO")), summary);
        } finally {
            p.destroyForcibly(); // a failed check leaves no tracer behind
        }
    }

    /** Through the launcher a user runs: Ctrl-\ dumps threads on stderr, and events stay alone on stdout. */
    @Test
    void quitDumpsThreadsOnStderrNotIntoTheEvents() throws Exception {
        Path out = DIR.resolve("quit.out");
        Path err = DIR.resolve("quit.err");
        Files.deleteIfExists(err);
        Process p = new ProcessBuilder(Scenario.BASEDIR.resolve("ethtoolsnoop").toString(), "--json", "-i", DEV)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            TracerProcess.awaitReady(err, p);
            assertEquals(0, sh("kill -QUIT " + p.pid()));
            for (int i = 0; i < 100 && !Files.readString(err).contains("Full thread dump"); i++) {
                Thread.sleep(50);
            }
            assertEquals(0, sh("ethtool -i " + DEV + " >/dev/null"));
            Thread.sleep(300);
            assertTrue(p.isAlive(), "SIGQUIT ended the tracer: " + Files.readString(err));
            assertTrue(Files.readString(err).contains("Full thread dump"), "no thread dump on stderr");
            List<String> lines = Files.readAllLines(out);
            assertFalse(lines.isEmpty(), "the event is missing");
            assertFalse(lines.stream().anyMatch(l -> l.contains("Full thread dump")), "a thread dump among the events");
            lines.forEach(Json::object); // events only: any other line fails to parse
            assertEquals(0, sh("kill -INT " + p.pid()));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tracer did not end on SIGINT");
            assertEquals(0, p.exitValue(), Files.readString(err));
        } finally {
            p.destroyForcibly(); // a failed check leaves no tracer behind
        }
    }

    /**
     * stdout on a full filesystem (a 64 KiB tmpfs in a private mount
     * namespace): one line on stderr, exit 8, whole JSON lines in the file,
     * and the probes detached.
     */
    @Test
    void aFullFilesystemEndsTracingWithWholeLines() throws Exception {
        Path mnt = DIR.resolve("fullfs");
        Path copy = DIR.resolve("fullfs.json");
        Path err = DIR.resolve("fullfs.err");
        Path rc = DIR.resolve("fullfs.rc");
        Files.createDirectories(mnt);
        for (Path f : List.of(copy, err, rc)) {
            Files.deleteIfExists(f);
        }
        long before = bpfLinks();
        String line = "mount -t tmpfs -o size=64k none '" + mnt + "' && { '" + Scenario.java()
                + "' --enable-native-access=ALL-UNNAMED -jar '" + Scenario.JAR + "' --json -i " + DEV
                + " --duration 60 >'" + mnt + "/out' 2>'" + err + "'; r=$?; cp '" + mnt + "/out' '" + copy
                + "'; echo $r >'" + rc + "'; }";
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "bash", "-c", line).start();
        awaitReadyFile(err);
        // some 400 bytes an event: 64 KiB hold fewer than 200
        Process load = new ProcessBuilder("bash", "-c", "for i in $(seq 600); do [ -e '" + rc
                + "' ] && break; ethtool -i " + DEV + " >/dev/null; done").start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "tracer still running");
        load.destroy();
        String stderr = Files.readString(err);
        assertEquals("8", Files.readString(rc).trim(), stderr);
        List<String> lines = stderr.lines().filter(l -> l.startsWith("ethtoolsnoop: ")).toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).contains("No space left on device"), stderr);
        assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), stderr);
        String written = Files.readString(copy);
        assertTrue(written.length() > 30_000, "wrote only " + written.length() + " bytes");
        assertTrue(written.endsWith("\n"), "ends in half a line: ..."
                + written.substring(Math.max(0, written.length() - 80)));
        written.lines().forEach(Json::object);
        long after = bpfLinks();
        for (int i = 0; i < 40 && after != before; i++) {
            Thread.sleep(50);
            after = bpfLinks();
        }
        assertEquals(before, after, "links after a write error");
    }

    private static void awaitReadyFile(Path err) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(err) && Files.readString(err).contains("Tracing ethtool operations")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("tracer not ready: " + (Files.exists(err) ? Files.readString(err) : ""));
    }
}
