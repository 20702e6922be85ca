// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full names come from the event's process or not at all: a process that
 * exec'd, exited or left its pid to another since says unknown. /proc is a
 * directory tree here; boot time runs 10 s ahead of the monotonic clock.
 */
class ProcessNamesTest {
    static final int PID = 1234;
    static final byte[] EXPORTER = comm("prometheus-node");
    static final String EXE = "/usr/bin/prometheus-node-exporter";

    @TempDir
    Path proc;
    long monotonic = 90_000_000_000L;
    ProcessNames names;

    static byte[] comm(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void anExporterStartedAt20sOfBoot() throws IOException {
        Files.writeString(proc.resolve("uptime"), "100.00 350.12\n");
        process(PID, "prometheus-node", 2000, EXE);
        Files.write(proc.resolve(PID + "/cmdline"),
                comm(EXE + "\0--collector.ethtool\0--web.listen-address=:9100\0"));
        names = new ProcessNames(proc, () -> monotonic);
    }

    /** The exe links point out of the temporary tree: gone before it is cleaned up, which would warn of them. */
    @AfterEach
    void removeLinks() throws IOException {
        try (Stream<Path> files = Files.walk(proc)) {
            for (Path p : files.filter(Files::isSymbolicLink).toList()) {
                Files.delete(p);
            }
        }
    }

    void process(int pid, String comm, long startTicks, String exe) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), "%d (%s) S 1 %d %d 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 4 0 %d 1234567 89%n"
                .formatted(pid, comm, pid, pid, startTicks));
        Files.deleteIfExists(dir.resolve("exe"));
        Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
    }

    @Test
    void namesTheExecutableBeyondTheCutComm() {
        assertTrue(ProcessNames.truncated(EXPORTER));
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0));
    }

    @Test
    void keepsWhatItReadForTheSameProgram() throws IOException {
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0));
        Files.delete(proc.resolve(PID + "/exe"));
        Files.createSymbolicLink(proc.resolve(PID + "/exe"), Path.of("/elsewhere"));
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0), "same start, same comm: kept");
    }

    @Test
    void anExecSinceIsSeenInTheComm() throws IOException {
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0));
        process(PID, "sh", 2000, "/usr/bin/dash");
        assertNull(names.exeName(PID, EXPORTER, 0), "the event's program is no longer there");
        assertEquals("dash", names.exeName(PID, comm("sh"), 0), "a later event of the new program: read again");
    }

    @Test
    void aNewProcessWithThePidIsReadAgain() throws IOException {
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0));
        process(PID, "prometheus-node", 3000, "/opt/bin/prometheus-node-exporter-2");
        assertEquals("prometheus-node-exporter-2", names.exeName(PID, EXPORTER, 0));
    }

    @Test
    void aProcessStartedAfterTheEventIsAnotherOne() {
        // started at 20 s of boot = 10 s monotonic
        assertNull(names.exeName(PID, EXPORTER, 9_900_000_000L));
        assertNull(names.cmdline(PID, EXPORTER, 9_900_000_000L, 256));
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 10_000_000_000L),
                "within the clocks' resolution: not surely after");
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 50_000_000_000L));
    }

    @Test
    void aGoneProcessIsUnknown() throws IOException {
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0));
        for (String f : new String[] {"stat", "exe", "cmdline"}) {
            Files.delete(proc.resolve(PID + "/" + f));
        }
        assertNull(names.exeName(PID, EXPORTER, 0));
        assertNull(names.cmdline(PID, EXPORTER, 0, 256));
        assertNull(names.exeName(4321, EXPORTER, 0), "never there");
        assertNull(names.exeName(0, EXPORTER, 0));
    }

    @Test
    void anExecutableReplacedOnDiskKeepsItsName() throws IOException {
        process(PID, "prometheus-node", 2000, EXE + " (deleted)");
        assertEquals("prometheus-node-exporter", names.exeName(PID, EXPORTER, 0));
    }

    @Test
    void anUnreadableExecutableIsUnknown() throws IOException {
        Files.delete(proc.resolve(PID + "/exe"));
        assertNull(names.exeName(PID, EXPORTER, 0));
        assertEquals(EXE + " --collector.ethtool --web.listen-address=:9100", names.cmdline(PID, EXPORTER, 0, 256));
    }

    @Test
    void theCommandLineIsSpacedAndBounded() throws IOException {
        assertEquals(EXE + " --collector.ethtool --web.listen-address=:9100", names.cmdline(PID, EXPORTER, 0, 256));
        assertEquals(EXE + " --collector", names.cmdline(PID, EXPORTER, 0, EXE.length() + 12));
        Files.write(proc.resolve(PID + "/cmdline"), comm("/bin/x\0--changed\0"));
        assertEquals(EXE + " --collector.ethtool --web.listen-address=:9100", names.cmdline(PID, EXPORTER, 0, 256),
                "as first read");
    }

    @Test
    void aLongerCommandLineThanReadIsReadAgain() {
        assertEquals(EXE, names.cmdline(PID, EXPORTER, 0, EXE.length()));
        assertEquals(EXE + " --collector.ethtool --web.listen-address=:9100", names.cmdline(PID, EXPORTER, 0, 256));
    }

    @Test
    void aCutCommandLineEndsAtACharacter() throws IOException {
        process(77, "ethtool", 2000, "/usr/sbin/ethtool");
        Files.write(proc.resolve("77/cmdline"), comm("ethtool\0-m\0größe\0"));
        assertEquals("ethtool -m gr", names.cmdline(77, comm("ethtool"), 0, 14), "ö is two bytes: both or neither");
        assertEquals("ethtool -m grö", names.cmdline(77, comm("ethtool"), 0, 15));
    }

    @Test
    void anEmptyCommandLineIsUnknown() throws IOException {
        process(2, "kthreadd", 0, "/nonexistent");
        Files.write(proc.resolve("2/cmdline"), new byte[0]);
        assertNull(names.cmdline(2, comm("kthreadd"), 0, 256));
    }

    @Test
    void aCommWithSpacesAndParenthesesIsParsed() throws IOException {
        process(88, "a) b (c", 2000, "/usr/bin/odd");
        assertEquals("odd", names.exeName(88, comm("a) b (c"), 0));
    }

    @Test
    void onlyAFullCommWasCut() {
        assertTrue(ProcessNames.truncated(comm("node_exporter_x")));
        assertTrue(ProcessNames.truncated(comm("node_exporter_x\0")));
        assertFalse(ProcessNames.truncated(comm("ethtool\0\0\0\0\0\0\0\0\0")));
        assertFalse(ProcessNames.truncated(comm("node_exporter_")));
        assertFalse(ProcessNames.truncated(new byte[0]));
    }

    @Test
    void readsThisProcess() throws IOException {
        int pid = (int) ProcessHandle.current().pid();
        byte[] comm = Files.readString(Path.of("/proc/self/comm")).strip().getBytes(StandardCharsets.ISO_8859_1);
        ProcessNames live = ProcessNames.ofSystem();
        String command = ProcessHandle.current().info().command().orElseThrow();
        assertEquals(Path.of(command).getFileName().toString(), live.exeName(pid, comm, System.nanoTime()));
        String cmdline = live.cmdline(pid, comm, System.nanoTime(), ProcessNames.CMDLINE_BYTES);
        assertNotNull(cmdline);
        assertTrue(cmdline.getBytes(StandardCharsets.UTF_8).length <= ProcessNames.CMDLINE_BYTES, cmdline);
        assertNull(live.exeName(pid, comm("not-this-one"), 0), "another comm is another program");
    }
}
