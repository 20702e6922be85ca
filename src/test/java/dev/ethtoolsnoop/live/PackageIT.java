// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.TracerProcess;
import dev.ethtoolsnoop.support.Json;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import dev.ethtoolsnoop.support.NoJava;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian package `mvn package` leaves in target: installed on this
 * machine with apt, run from PATH with no java anywhere on it, traced with,
 * then purged, leaving nothing behind. Changes the machine's package set for
 * its duration, so it needs root.
 */
class PackageIT {
    static final String PKG = "ethtoolsnoop";
    static final Path DIR = Scenario.BASEDIR.resolve("target/live/package");
    static final Path HOME = Path.of("/usr/lib/" + PKG);
    static final Path COMMAND = Path.of("/usr/sbin/" + PKG);
    static final Path MAN = Path.of("/usr/share/man/man8/" + PKG + ".8.gz");
    static final Path COMPLETION = Path.of("/usr/share/bash-completion/completions/" + PKG);
    static final Path COPYRIGHT = Path.of("/usr/share/doc/" + PKG + "/copyright");
    static final String DEV = "etspk0";
    static Path deb;
    static NoJava noJava;

    record Outcome(int code, String out) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        List<Path> debs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Scenario.BASEDIR.resolve("target"), PKG + "_*.deb")) {
            ds.forEach(debs::add);
        }
        LiveGate.require(debs.size() == 1, "no (single) target/" + PKG + "_*.deb: " + debs
                + " (mvn package builds it unless -Dethtoolsnoop.image.skip=true or -Dethtoolsnoop.deb.skip=true)");
        deb = debs.get(0);
        LiveGate.require(LiveGate.isRoot(), "installing a package needs root");
        for (String tool : List.of("apt-get", "dpkg", "dpkg-query", "man", "ethtool", "ip")) {
            LiveGate.require(Scenario.hasCommand(tool), "needs " + tool + " (apt install apt dpkg man-db ethtool iproute2)");
        }
        noJava = NoJava.in(DIR, NoJava.LAUNCHER_TOOLS);
    }

    @Test
    void installsRunsTracesAndPurgesWithoutATrace() throws Exception {
        if (installedState() != null) { // left by a run that died before its purge
            purge();
        }
        assertFalse(Files.exists(HOME, LinkOption.NOFOLLOW_LINKS), HOME + " exists while no package owns it");

        Outcome install = sh("apt-get -o DPkg::Lock::Timeout=600 install -y '" + deb + "'");
        Set<Path> owned = new TreeSet<>();
        try {
            assertEquals(0, install.code(), install.out());
            assertEquals("install ok installed", installedState());
            for (String line : sh("dpkg -L " + PKG).out().lines().toList()) {
                // the package's own paths all name it; /usr, /usr/share/man/man8 ... are shared
                if (line.contains(PKG)) {
                    owned.add(Path.of(line));
                }
            }
            assertTrue(owned.containsAll(List.of(HOME, COMMAND, MAN, COMPLETION, COPYRIGHT)), owned.toString());
            assertEquals(Path.of("../lib/" + PKG + "/bin/" + PKG), Files.readSymbolicLink(COMMAND));
            String depends = sh("dpkg-query -W -f='${Depends}' " + PKG).out();
            assertTrue(depends.contains("libbpf1"), depends);

            Outcome version = run(List.of(COMMAND.toString(), "--version"));
            assertEquals(new Outcome(0, "ethtoolsnoop 0.1.0\n"), version, "stdout and stderr together: quiet JVM");
            installedAotCacheIsUsedAndMatches();

            Outcome man = sh("man -w " + PKG);
            assertEquals(new Outcome(0, MAN + "\n"), man,
                    "man -w (a dpkg path-exclude for /usr/share/man would drop the page)");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(MAN))) {
                assertTrue(new String(in.readAllBytes()).startsWith(".TH ETHTOOLSNOOP 8 "), "roff man page");
            }
            Outcome complete = sh("source " + COMPLETION + " && complete -p " + PKG);
            assertEquals(0, complete.code(), complete.out());
            assertTrue(complete.out().matches("complete (-o \\w+ )*-F _complete_ethtoolsnoop ethtoolsnoop\n"),
                    complete.out());

            tracesOneEthtoolCall();

            // nothing written under /usr while running: every file as installed, and no new one
            Outcome verify = sh("dpkg --verify " + PKG);
            assertEquals(new Outcome(0, ""), verify, "dpkg --verify after running");
            try (Stream<Path> all = Files.walk(HOME)) {
                List<Path> strays = all.filter(p -> !owned.contains(p)).toList();
                assertEquals(List.of(), strays, "files under " + HOME + " that the package does not own");
            }
        } finally {
            sh("ip link del " + DEV + " 2>/dev/null || true");
            purge();
        }

        assertEquals(null, installedState(), "dpkg still knows the package after its purge");
        assertNotEquals(0, sh("dpkg -L " + PKG).code(), "dpkg -L after the purge");
        assertNotEquals(0, sh("dpkg -s " + PKG).code(), "dpkg -s after the purge");
        List<Path> left = owned.stream().filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList();
        assertEquals(List.of(), left, "left behind by the purge");
        assertFalse(Files.exists(Path.of("/usr/share/doc/" + PKG)));
    }

    /** The launcher uses the cache on this CPU (the build's), and the cache matches the installed image. */
    private static void installedAotCacheIsUsedAndMatches() throws Exception {
        assertEquals(Files.readString(Scenario.BASEDIR.resolve("src/main/image/" + PKG)),
                Files.readString(HOME.resolve("bin/" + PKG)), "the installed launcher (with its CPU guard)");
        Path app = HOME.resolve("lib/app");
        assertTrue(Files.isRegularFile(app.resolve("ethtoolsnoop.aot.cpuflags")), "the CPU flags the guard reads");
        Outcome x = run(List.of("bash", "-x", COMMAND.toString(), "--version"));
        assertEquals(0, x.code(), x.out());
        String exec = x.out().lines().filter(l -> l.startsWith("+ exec ")).findFirst().orElse(x.out());
        assertTrue(exec.contains("-XX:AOTCache=" + app.resolve("ethtoolsnoop.aot")), exec);
        // AOTMode=on: a cache the JVM would skip silently (a jar whose mtime
        // dpkg did not keep, say) is an error instead
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/java").toString()));
        cmd.add("@" + app.resolve("jvm.args"));
        cmd.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + app.resolve("ethtoolsnoop.aot"),
                "-jar", app.resolve("ethtoolsnoop.jar").toString(), "--version"));
        assertEquals(new Outcome(0, "ethtoolsnoop 0.1.0\n"), run(cmd), "the AOT cache as installed");
    }

    private static void tracesOneEthtoolCall() throws Exception {
        assertEquals(0, sh("ip link del " + DEV + " 2>/dev/null; ip link add " + DEV + " type veth peer name " + DEV
                + "p").code());
        Path out = DIR.resolve("trace.jsonl");
        Path err = DIR.resolve("trace.err");
        Files.deleteIfExists(err); // an earlier run's ready line must not end the wait
        Process p = withoutJava(List.of(COMMAND.toString(), "--json", "-i", DEV)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            TracerProcess.awaitReady(err, p);
            assertEquals(0, sh("ethtool -i " + DEV + " >/dev/null").code());
            Thread.sleep(300); // one poll interval and then some
            assertEquals(0, sh("kill -INT " + p.pid()).code());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tracer did not end on SIGINT: " + Files.readString(err));
            assertEquals(0, p.exitValue(), Files.readString(err));
            List<Map<String, Object>> events = Files.readAllLines(out).stream().map(Json::object).toList();
            assertTrue(events.stream().anyMatch(e -> DEV.equals(e.get("ifname")) && "ethtool".equals(e.get("comm"))
                    && "ETHTOOL_GDRVINFO".equals(e.get("cmd_name")) && Long.valueOf(0).equals(e.get("ret"))),
                    events.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    /** The package's dpkg status ("install ok installed", ...), or null if dpkg has no record of it. */
    static String installedState() throws Exception {
        Outcome o = sh("dpkg-query -W -f='${Status}' " + PKG + " 2>/dev/null");
        return o.code() == 0 && !o.out().isBlank() && !o.out().endsWith(" not-installed") ? o.out() : null;
    }

    static void purge() throws Exception {
        Outcome o = sh("apt-get -o DPkg::Lock::Timeout=600 purge -y " + PKG);
        assertEquals(0, o.code(), o.out());
    }

    /** A command with PATH = our tool links only and no JAVA_HOME. */
    static ProcessBuilder withoutJava(List<String> cmd) {
        return noJava.command(cmd);
    }

    /** Runs without java on PATH; stdout and stderr together. */
    static Outcome run(List<String> cmd) throws Exception {
        return finish(withoutJava(cmd).redirectErrorStream(true).start(), 120);
    }

    /** bash -c LINE as root, apt non-interactive; stdout and stderr together. */
    static Outcome sh(String line) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return finish(pb.start(), 900);
    }

    private static Outcome finish(Process p, int seconds) throws Exception {
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "hangs");
        return new Outcome(p.exitValue(), new String(out));
    }
}
