// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.TracerProcess;
import dev.ethtoolsnoop.support.Json;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import dev.ethtoolsnoop.support.NoJava;

import dev.ethtoolsnoop.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime image `mvn package` leaves in target/image, run the way a
 * machine without any JDK would run it: no java on PATH, no JAVA_HOME.
 */
class ImageIT {
    static final Path IMAGE = Scenario.BASEDIR.resolve("target/image");
    static final Path LAUNCHER = IMAGE.resolve("bin/ethtoolsnoop");
    static final Path DIR = Scenario.BASEDIR.resolve("target/live/image");
    static final String DEV = "etsnimg0";
    static NoJava noJava;

    record Outcome(int code, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        LiveGate.require(Files.isExecutable(LAUNCHER),
                "no runtime image in target/image (mvn package builds it unless -Dethtoolsnoop.image.skip=true)");
        noJava = NoJava.in(DIR, NoJava.LAUNCHER_TOOLS);
    }

    /** The launcher with PATH = our tool links only and no JAVA_HOME. */
    static ProcessBuilder withoutJava(String... args) {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        return noJava.command(cmd);
    }

    static Outcome run(String... args) throws IOException, InterruptedException {
        Process p = withoutJava(args).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), List.of(args) + " hangs");
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes()),
                new String(p.getErrorStream().readAllBytes()));
    }

    @Test
    void versionAndCommandListRunOnTheImagesOwnJava() throws Exception {
        Outcome v = run("--version");
        assertEquals(0, v.code(), v.err());
        assertEquals("ethtoolsnoop 0.1.0\n", v.out());
        assertEquals("", v.err(), "the JVM and its AOT cache stay quiet");
        Outcome l = run("--list-commands", "--json");
        assertEquals(0, l.code(), l.err());
        assertTrue(l.out().lines().map(Json::object).anyMatch(m -> "ETHTOOL_GDRVINFO".equals(m.get("cmd_name"))),
                l.out());
        assertEquals("", l.err());
        Outcome bad = run("--bogus");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("Unknown option: '--bogus'"), bad.err());
    }

    @Test
    void holdsOnlyTheModulesTheAppUses() throws Exception {
        Process p = new ProcessBuilder(IMAGE.resolve("bin/java").toString(), "--list-modules").start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Set<String> modules = new TreeSet<>();
        new String(p.getInputStream().readAllBytes()).lines().forEach(l -> modules.add(l.split("@")[0]));
        assertEquals(Set.of("java.base", "jdk.unsupported"), modules);
    }

    /**
     * The cache holds code for the build machine's CPU, and the JVM runs it
     * unchecked: SIGILL on a CPU without one of its features (found in the VM
     * tier, qemu -cpu Nehalem). The launcher must leave the cache out there.
     */
    @Test
    void theAotCacheIsLeftOutOnACpuLackingABuildFlag() throws Exception {
        Path flags = IMAGE.resolve("lib/app/ethtoolsnoop.aot.cpuflags");
        String built = Files.readString(flags);
        assertTrue(built.contains(" sse2 ") || !Files.readString(Path.of("/proc/cpuinfo")).contains(" sse2 "),
                "build flags recorded: " + built);
        assertTrue(trace().contains("-XX:AOTCache="), "this CPU built the cache: it is used");
        try {
            Files.writeString(flags, built.trim() + " etsn_feature_no_cpu_has\n");
            String exec = trace();
            assertFalse(exec.contains("-XX:AOTCache="), exec);
            assertTrue(exec.contains("-Xshare:auto"), exec);
        } finally {
            Files.writeString(flags, built);
        }
    }

    /** The java command line the image launcher would exec (bash -x), for --version. */
    private static String trace() throws Exception {
        return traced(new ProcessBuilder("bash", "-x", LAUNCHER.toString(), "--version"), "+ exec ");
    }

    /** The first line of a bash -x run's trace that starts with prefix; the run must succeed. */
    private static String traced(ProcessBuilder pb, String prefix) throws Exception {
        pb.environment().put("PS4", "+ ");
        pb.environment().remove("BASH_ENV");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    /**
     * The launcher finds its image without forking where it can, and however
     * it is called it hands java the image's paths spelled as the build spelled
     * them: otherwise the AOT cache would not match the jar.
     */
    @Test
    void theLauncherFindsItsImageHoweverItIsCalled() throws Exception {
        Path real = IMAGE.toRealPath();
        String jar = " -jar " + real.resolve("lib/app/ethtoolsnoop.jar") + " --version";
        String cache = "-XX:AOTCache=" + real.resolve("lib/app/ethtoolsnoop.aot");
        Path link = DIR.resolve("ethtoolsnoop-link");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, LAUNCHER.toRealPath());
        List<ProcessBuilder> calls = List.of(
                new ProcessBuilder("bash", "-x", real.resolve("bin/ethtoolsnoop").toString(), "--version"),
                new ProcessBuilder("bash", "-x", "./ethtoolsnoop", "--version").directory(real.resolve("bin").toFile()),
                new ProcessBuilder("bash", "-x", "ethtoolsnoop", "--version").directory(real.resolve("bin").toFile()),
                new ProcessBuilder("bash", "-x", "bin/../bin//ethtoolsnoop", "--version").directory(real.toFile()),
                new ProcessBuilder("bash", "-x", link.toString(), "--version"));
        for (ProcessBuilder call : calls) {
            String exec = traced(call, "+ exec ");
            assertTrue(exec.startsWith("+ exec " + real.resolve("bin/java") + " @" + real.resolve("lib/app/jvm.args")),
                    call.command() + " in " + call.directory() + ": " + exec);
            assertTrue(exec.contains(cache) && exec.endsWith(jar), call.command() + " in " + call.directory() + ": " + exec);
        }
        Process p = new ProcessBuilder(link.toString(), "--version").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("ethtoolsnoop 0.1.0\n", new String(p.getInputStream().readAllBytes()));
        assertEquals(0, p.exitValue());
    }

    /** glibc's huge-page tunable goes first, so that tunables the user set still win. */
    @Test
    void theLauncherAsksGlibcForHugePagesBeforeTheUsersTunables() throws Exception {
        ProcessBuilder plain = new ProcessBuilder("bash", "-x", LAUNCHER.toString(), "--version");
        plain.environment().remove("GLIBC_TUNABLES");
        assertEquals("+ export GLIBC_TUNABLES=glibc.malloc.hugetlb=1", traced(plain, "+ export GLIBC_TUNABLES"));
        ProcessBuilder users = new ProcessBuilder("bash", "-x", LAUNCHER.toString(), "--version");
        users.environment().put("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2");
        assertEquals("+ export GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0:glibc.malloc.arena_max=2",
                traced(users, "+ export GLIBC_TUNABLES"));
    }

    @Test
    void theAotCacheMatchesTheImageAsBuilt() throws Exception {
        // AOTMode=on turns a cache the JVM would silently skip into an error
        Path app = IMAGE.resolve("lib/app");
        Process p = new ProcessBuilder(IMAGE.resolve("bin/java").toString(), "@" + app.resolve("jvm.args"),
                "-XX:AOTMode=on", "-XX:AOTCache=" + app.resolve("ethtoolsnoop.aot"),
                "-jar", app.resolve("ethtoolsnoop.jar").toString(), "--version").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertEquals("ethtoolsnoop 0.1.0\n", out);
    }

    @Test
    void completionAndManPageCoverEveryOption() throws Exception {
        String completion = Files.readString(IMAGE.resolve("share/bash-completion/completions/ethtoolsnoop"));
        String man = Files.readString(IMAGE.resolve("share/man/man8/ethtoolsnoop.8"));
        String adoc = Files.readString(IMAGE.resolve("share/doc/ethtoolsnoop/ethtoolsnoop.adoc"));
        assertTrue(completion.contains("complete -F _complete_ethtoolsnoop"), completion);
        assertTrue(man.startsWith(".TH ETHTOOLSNOOP 8 "), man);
        for (OptionSpec o : new CommandLine(new Main()).getCommandSpec().options()) {
            for (String name : o.names()) {
                assertTrue(completion.contains(name), name + " missing from the completion");
                assertTrue(man.contains("\\fB" + name.replace("-", "\\-") + "\\fR"), name + " missing from the man page");
                assertTrue(adoc.contains(name), name + " missing from the AsciiDoc page");
            }
        }
        // the completion script is valid bash and completes our options
        Process p = new ProcessBuilder("bash", "-c", "source \"$0\" && COMP_WORDS=(ethtoolsnoop --buff) && COMP_CWORD=1"
                + " && _complete_ethtoolsnoop && printf '%s\\n' \"${COMPREPLY[@]}\"",
                IMAGE.resolve("share/bash-completion/completions/ethtoolsnoop").toString()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("--buffer-pages", new String(p.getInputStream().readAllBytes()).trim(),
                new String(p.getErrorStream().readAllBytes()));
        // and the values of --backend, and this namespace's interfaces for -i
        assertEquals("fentry", complete("--backend", "f"));
        assertEquals("lo", complete("-i", "l"));
    }

    private static String complete(String option, String word) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "source \"$0\" 2>/dev/null && COMP_WORDS=(ethtoolsnoop \"$1\" \"$2\")"
                + " && COMP_CWORD=2 && _complete_ethtoolsnoop 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"",
                IMAGE.resolve("share/bash-completion/completions/ethtoolsnoop").toString(), option, word).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes()).trim();
    }

    @Test
    void tracesAnEthtoolCallWithoutAnyJdk() throws Exception {
        Path out = traceEthtoolCall("trace", Map.of(), "--json", "-i", DEV);
        List<Map<String, Object>> events = Files.readAllLines(out).stream().map(Json::object).toList();
        assertTrue(events.stream().anyMatch(e -> DEV.equals(e.get("ifname")) && "ethtool".equals(e.get("comm"))
                && "ETHTOOL_GDRVINFO".equals(e.get("cmd_name")) && Long.valueOf(0).equals(e.get("ret"))),
                events.toString());
    }

    /**
     * A start and stop of the image's tracer loads every class of ours from
     * the AOT cache, none from the jar: what the build's training run does
     * not reach costs each start a read from the jar and a verification.
     * (Lambdas the training does not run are spun at run time: not judged.)
     */
    @Test
    void aTraceLoadsEveryClassOfOursFromTheAotCache() throws Exception {
        Path log = DIR.resolve("aot-classes.log");
        Files.deleteIfExists(log);
        // after the command line (JDK_JAVA_OPTIONS would come before jvm.args, whose -Xlog:disable ends it)
        Path out = traceEthtoolCall("aot", Map.of("_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log), "-i", DEV);
        assertTrue(Files.readString(out).lines().anyMatch(l -> l.startsWith(DEV)), Files.readString(out));
        List<String> ours = Files.readAllLines(log).stream()
                .filter(l -> l.contains(" dev.ethtoolsnoop.") && !l.contains("$$Lambda")).toList();
        assertTrue(ours.size() > 100, "the log names the classes loaded: " + ours.size());
        assertEquals(List.of(), ours.stream().filter(l -> !l.endsWith("source: shared objects file")).toList());
    }

    /**
     * The image's tracer (no JDK) with args and env, around one `ethtool -i`
     * on a veth of its own: started, its event awaited (the device's name in
     * the output, up to 10 s), stopped by SIGTERM, which it must end on with
     * 0. Returns its stdout.
     */
    private static Path traceEthtoolCall(String name, Map<String, String> env, String... args) throws Exception {
        LiveGate.require(LiveGate.isRoot(), "live tracing needs root");
        LiveGate.require(Scenario.hasCommand("ethtool"), "needs ethtool");
        LiveGate.require(Scenario.hasCommand("ip"), "needs ip (apt install iproute2)");
        sh("ip link del " + DEV + " 2>/dev/null; ip link add " + DEV + " type veth peer name " + DEV + "p");
        Path out = DIR.resolve(name + ".out");
        Path err = DIR.resolve(name + ".err");
        ProcessBuilder pb = withoutJava(args);
        pb.environment().putAll(env);
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            TracerProcess.awaitReady(err, p);
            assertEquals(0, sh("ethtool -i " + DEV + " >/dev/null"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(out).contains(DEV) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            p.destroy(); // SIGTERM: a clean stop that flushes
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tracer did not end on SIGTERM");
            assertEquals(0, p.exitValue(), Files.readString(err));
            return out;
        } finally {
            p.destroyForcibly();
            sh("ip link del " + DEV + " 2>/dev/null || true");
        }
    }

    static int sh(String line) throws IOException, InterruptedException {
        return new ProcessBuilder("bash", "-c", line).inheritIO().start().waitFor();
    }
}
