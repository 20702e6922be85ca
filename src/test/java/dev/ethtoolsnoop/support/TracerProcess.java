// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged tracer run as the launcher runs it, stdout and stderr to files under DIR/NAME.{out,err}. */
public final class TracerProcess {
    /** The launchers' JVM flags, as an argfile. */
    public static final String JVM_FLAGS = "@" + Scenario.BASEDIR.resolve("src/main/image/jvm.args");
    private static final Pattern LOST = Pattern.compile("^(?:WARN )?Lost (\\d+) events", Pattern.MULTILINE);

    public final Process process;
    public final Path out;
    public final Path err;

    private TracerProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    public static TracerProcess start(Path dir, String name, List<String> jvmExtra, String... args) throws Exception {
        return start(dir, name, List.of(), jvmExtra, args);
    }

    /** With a command prefix that execs the tracer in place, e.g. ip netns exec NS (same pid). */
    public static TracerProcess start(Path dir, String name, List<String> prefix, List<String> jvmExtra, String... args)
            throws Exception {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Scenario.java());
        cmd.add(JVM_FLAGS);
        cmd.addAll(jvmExtra);
        cmd.addAll(List.of("-jar", Scenario.JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        TracerProcess t = new TracerProcess(p, out, err);
        awaitReady(err, p);
        return t;
    }

    /** SIGINT, as Ctrl-C; returns the exit code. */
    public int interrupt() throws Exception {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tracer did not end on SIGINT: " + stderr());
        return process.exitValue();
    }

    public String stderr() throws IOException {
        return Files.exists(err) ? Files.readString(err) : "";
    }

    /** Sum of the "Lost N events" lines on stderr. */
    public long lostReported() throws IOException {
        return lostIn(stderr());
    }

    /** Sum of the "Lost N events" lines in a tracer's stderr. */
    public static long lostIn(String stderr) {
        Matcher m = LOST.matcher(stderr);
        long n = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }

    /** Waits for a started tracer's ready line in err; returns the probe count it announced. */
    public static int awaitReady(Path err, Process p) throws Exception {
        Pattern ready = Pattern.compile("^Tracing ethtool operations \\(backend: \\w+, (\\d+) probes[;)]",
                Pattern.MULTILINE);
        for (int i = 0; i < 600; i++) {
            Matcher m = ready.matcher(Files.exists(err) ? Files.readString(err) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(p.isAlive(), "tracer died: " + Files.readString(err));
            Thread.sleep(50);
        }
        throw new AssertionError("tracer not ready: " + Files.readString(err));
    }
}
