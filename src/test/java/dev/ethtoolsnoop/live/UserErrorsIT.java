// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.Json;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Errors a user can cause, for real: each gives one clear line on stderr, a
 * distinct exit code and no stack trace. Missing files are simulated in a
 * private mount namespace (unshare -m), so the host is never changed.
 */
class UserErrorsIT {
    record Outcome(int code, String out, String err) {
    }

    @BeforeAll
    static void requirements() {
        LiveGate.require(LiveGate.isRoot(), "needs root (to be able to drop it, and for unshare -m)");
        LiveGate.require(Scenario.hasCommand("unshare") && Scenario.hasCommand("setpriv"),
                "needs unshare and setpriv (util-linux)");
    }

    static Outcome run(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Scenario.java(), "--enable-native-access=ALL-UNNAMED", "-jar", Scenario.JAR.toString()));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    static Outcome exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd + " hangs");
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes()),
                new String(p.getErrorStream().readAllBytes()));
    }

    /** A shell line run in a private mount namespace, the tracer last. */
    static Outcome inPrivateMounts(String setup, String... args) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder(setup).append(" && exec '").append(Scenario.java())
                .append("' --enable-native-access=ALL-UNNAMED -jar '").append(Scenario.JAR).append('\'');
        for (String a : args) {
            line.append(" '").append(a).append('\'');
        }
        return exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", line.toString()));
    }

    static void assertOneClearLine(Outcome o, int code, String mustContain) {
        assertEquals(code, o.code(), o.err());
        assertEquals("", o.out());
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + o.err());
        assertTrue(lines.get(0).startsWith("ethtoolsnoop: "), o.err());
        assertTrue(lines.get(0).contains(mustContain), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void notRoot() throws Exception {
        Outcome o = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all"), "--duration", "1");
        assertOneClearLine(o, 3, "run as root");
    }

    @Test
    void noKernelBtf() throws Exception {
        Outcome o = inPrivateMounts("mount -t tmpfs none /sys/kernel/btf", "--duration", "1");
        assertOneClearLine(o, 4, "CONFIG_DEBUG_INFO_BTF");
    }

    @Test
    void libbpfMissing() throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libbpf.so.1");
        LiveGate.require(Files.exists(lib), "libbpf.so.1 is not where Debian puts it");
        Outcome o = inPrivateMounts("mount --bind /dev/null " + lib.toRealPath(), "--duration", "1");
        assertOneClearLine(o, 5, "libbpf.so.1 not found");
    }

    @Test
    void aLibbpfWithoutOurFunctionsIsNamedNotCalled() throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libbpf.so.1");
        LiveGate.require(Files.exists(lib), "libbpf.so.1 is not where Debian puts it");
        Path stub = Scenario.BASEDIR.resolve("target/test-bin/libbpf_old.so");
        Files.createDirectories(stub.getParent());
        Outcome gcc = exec(List.of("gcc", "-shared", "-fPIC", "-Wall", "-Werror", "-o", stub.toString(),
                Scenario.BASEDIR.resolve("src/test/c/libbpf_old.c").toString()));
        assertEquals(0, gcc.code(), gcc.err());
        Outcome o = inPrivateMounts("mount --bind " + stub + " " + lib.toRealPath(), "--duration", "1");
        // it has one of the functions bound (a nested class each), the rest are named, in order
        int bound = dev.ethtoolsnoop.ffi.Libbpf.class.getDeclaredClasses().length;
        assertOneClearLine(o, 5, "libbpf.so.1 lacks " + (bound - 1) + " of the functions ethtoolsnoop uses"
                + " (bpf_link__destroy, bpf_map__fd, bpf_map__initial_value, ...): ethtoolsnoop needs libbpf 1.0 or newer");
    }

    @Test
    void forcedBackendTheKernelLacksNamesWhy() throws Exception {
        LiveGate.require(!Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe")),
                "this kernel has kprobes (the check is for kernels without)");
        Outcome o = run(List.of(), "--backend", "kprobe", "--duration", "1");
        assertOneClearLine(o, 6, "kprobe: kernel has no kprobe support");
    }

    @Test
    void badFlagIsUsageExit2() throws Exception {
        Outcome o = run(List.of(), "--bogus");
        assertOneClearLine(o, 2, "Unknown option: '--bogus'");
        assertTrue(o.err().contains("--help"), "a hint: " + o.err());
    }

    @Test
    void tooManyPidsIsAUsageErrorNotTheKernels() throws Exception {
        List<String> args = new ArrayList<>();
        for (int pid = 1; pid <= 65; pid++) {
            args.addAll(List.of("-p", String.valueOf(pid)));
        }
        args.addAll(List.of("--duration", "1"));
        assertOneClearLine(run(List.of(), args.toArray(String[]::new)), 2, "--pid");
    }

    @Test
    void outOfFileDescriptorsNamesTheLimit() throws Exception {
        Outcome o = exec(List.of("sh", "-c", "ulimit -n 12 && exec '" + Scenario.java()
                + "' --enable-native-access=ALL-UNNAMED -jar '" + Scenario.JAR + "' --duration 1"));
        assertOneClearLine(o, 9, "open files");
        assertTrue(o.err().contains("ulimit -n"), o.err());
    }

    /** The jar run by sh with stdout redirected as REDIRECT; stdout cannot be read back. */
    static Outcome withStdout(String redirect, String... args) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder("exec '").append(Scenario.java())
                .append("' --enable-native-access=ALL-UNNAMED -jar '").append(Scenario.JAR).append('\'');
        for (String a : args) {
            line.append(" '").append(a).append('\'');
        }
        return exec(List.of("sh", "-c", line.append(' ').append(redirect).toString()));
    }

    @Test
    void writeErrorIsOneLineAndExit8() throws Exception {
        assertOneClearLine(withStdout(">/dev/full", "--list-commands", "--json"), 8, "No space left on device");
        assertOneClearLine(withStdout(">/dev/full", "--list-commands"), 8, "No space left on device");
    }

    @Test
    void closedStdoutIsSaidAtOnce() throws Exception {
        long t0 = System.nanoTime();
        Outcome o = withStdout(">&-", "--duration", "5");
        assertOneClearLine(o, 8, "stdout");
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "traced with nowhere to write");
    }

    @Test
    void aFullFilesystemGetsWholeLinesOnly() throws Exception {
        Path dir = Scenario.BASEDIR.resolve("target/live/user-errors/fullfs");
        Path copy = dir.resolveSibling("fullfs.json");
        Files.createDirectories(dir);
        Files.deleteIfExists(copy);
        // one page of tmpfs: the command list (some 14 KiB of JSON) does not fit
        Outcome o = exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=4k none '" + dir + "' && { '" + Scenario.java()
                        + "' --enable-native-access=ALL-UNNAMED -jar '" + Scenario.JAR + "' --list-commands --json >'"
                        + dir + "/out'; rc=$?; cp '" + dir + "/out' '" + copy + "'; exit $rc; }"));
        assertOneClearLine(o, 8, "No space left on device");
        String written = Files.readString(copy);
        assertFalse(written.isEmpty(), "nothing written");
        assertTrue(written.endsWith("\n"), "ends in half a line: ..." + written.substring(
                Math.max(0, written.length() - 80)));
        written.lines().forEach(Json::object);
    }

    @Test
    void namesEchoedInWarningsAreEscaped() throws Exception {
        Outcome o = run(List.of(), "-i", "\u001b[31mred", "--duration", "1");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("\\x1b[31mred"), o.err());
        assertFalse(o.err().contains("\u001b"), o.err());
    }

    @Test
    void whatDoesNotExistYetIsWarnedAbout() throws Exception {
        Outcome netns = run(List.of(), "--netns", "4294967000", "--duration", "1");
        assertEquals(0, netns.code(), netns.err());
        assertTrue(netns.err().lines().anyMatch(l -> l.contains("4294967000") && l.contains("namespace")),
                netns.err());
        Outcome pid = run(List.of(), "-p", "4194000", "--duration", "1");
        assertEquals(0, pid.code(), pid.err());
        assertTrue(pid.err().lines().anyMatch(l -> l.contains("4194000") && l.contains("process")), pid.err());
    }

    @Test
    void valuesThatCanNeverMatchAreRefused() throws Exception {
        assertOneClearLine(run(List.of(), "--duration", "9223372036"), 2, "--duration");
        assertOneClearLine(run(List.of(), "-p", "0", "--duration", "1"), 2, "--pid");
        assertOneClearLine(run(List.of(), "-i", "a/b", "--duration", "1"), 2, "--interface");
        assertOneClearLine(run(List.of(), "--list-commands", "-p", "1"), 2, "--list-commands");
    }

    static final Path IMAGE = Scenario.BASEDIR.resolve("target/image");

    @Test
    void launcherWithoutANewEnoughJdk() throws Exception {
        Path launcher = Scenario.BASEDIR.resolve("ethtoolsnoop");
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        LiveGate.require(Files.isDirectory(jdk17), "needs Debian's JDK 17 to stand in for an old JDK");
        // /usr/lib/jvm holding only JDK 17, PATH without any other java, and no
        // runtime image (which the launcher would run without looking for a JDK)
        Outcome o = exec(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mkdir -p /tmp/etsn-jdk17 && mount --bind " + jdk17 + " /tmp/etsn-jdk17"
                        + " && { [ ! -d " + IMAGE + " ] || mount -t tmpfs none " + IMAGE + "; }"
                        + " && mount -t tmpfs none /usr/lib/jvm && mkdir /usr/lib/jvm/java-17"
                        + " && mount --bind /tmp/etsn-jdk17 /usr/lib/jvm/java-17"
                        + " && JAVA_HOME=/usr/lib/jvm/java-17 PATH=/usr/bin:/bin exec " + launcher + " --help"));
        assertEquals(7, o.code(), o.err());
        assertTrue(o.err().contains("no JDK 22 or newer found"), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
    }
}
