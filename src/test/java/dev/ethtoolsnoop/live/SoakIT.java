// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.TracerProcess;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracer left running under a steady ethtool load: resident memory, heap
 * after collection and open file descriptors stay flat. Two minutes by
 * default (CI); -Dethtoolsnoop.soak.seconds=14400 soaks for hours.
 */
class SoakIT {
    static final Path DIR = Scenario.BASEDIR.resolve("target/live/soak");
    static final String DEV = "etsnsoak0";
    /** GDRVINFO ioctls per second, from two threads (the tracer keeps only theirs: -c). */
    static final int RATE = 2000;
    static final int SAMPLE_SECONDS = 5;
    private static final Pattern GC_AFTER = Pattern.compile("Pause Young.* (\\d+)M->(\\d+)M\\(");

    record Sample(long second, long rssKb, int fds) {
    }

    @Test
    void memoryAndDescriptorsStayFlat() throws Exception {
        LiveGate.require(LiveGate.isRoot(), "live tracing needs root");
        Scenario.requireTools();
        long seconds = Long.getLong("ethtoolsnoop.soak.seconds", 120);
        Files.createDirectories(DIR);
        ReliabilityIT.sh("ip link del " + DEV + " 2>/dev/null; ip link add " + DEV + " type veth peer name "
                + DEV + "p");
        Path storm = Scenario.testBinary("ethtool_storm");
        Path gcLog = DIR.resolve("gc.log");
        Files.deleteIfExists(gcLog);
        TracerProcess tracer = TracerProcess.start(DIR, "soak", List.of("-Xlog:gc:file=" + gcLog), "-c",
                "ethtool_storm");
        long pid = tracer.process.pid();
        Process load = new ProcessBuilder(storm.toString(), DEV, "2", String.valueOf(RATE * seconds),
                String.valueOf(RATE)).redirectErrorStream(true).redirectOutput(DIR.resolve("storm.out").toFile())
                .start();
        List<Sample> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (long s = 0; s < seconds; s += SAMPLE_SECONDS) {
                Thread.sleep(SAMPLE_SECONDS * 1000L);
                assertTrue(tracer.process.isAlive(), tracer.stderr());
                samples.add(new Sample((System.nanoTime() - t0) / 1_000_000_000L, rssKb(pid), fds(pid)));
            }
            assertTrue(load.waitFor(60, TimeUnit.SECONDS), "storm did not finish");
        } finally {
            load.destroy();
            assertEquals(0, tracer.interrupt(), tracer.stderr());
            ReliabilityIT.sh("ip link del " + DEV + " 2>/dev/null; true");
        }
        Files.writeString(DIR.resolve("samples.txt"), samples.toString().replace("), ", ")\n"));

        // the first quarter is warm-up (class loading, C1, heap sizing)
        List<Sample> steady = samples.subList(samples.size() / 4, samples.size());
        int half = steady.size() / 2;
        long rssEarly = steady.subList(0, half).stream().mapToLong(Sample::rssKb).max().orElseThrow();
        long rssLate = steady.subList(half, steady.size()).stream().mapToLong(Sample::rssKb).max().orElseThrow();
        assertTrue(rssLate <= rssEarly + 4096, "RSS grew from " + rssEarly + " kB to " + rssLate + " kB: " + samples);
        // a sample can catch the JVM reading a cgroup or /proc file: a leak
        // raises the floor, a transient only one sample
        int fdsEarly = steady.subList(0, half).stream().mapToInt(Sample::fds).min().orElseThrow();
        int fdsLate = steady.subList(half, steady.size()).stream().mapToInt(Sample::fds).min().orElseThrow();
        assertEquals(fdsEarly, fdsLate, "open fds grew: " + samples);

        List<Integer> afterGc = new ArrayList<>();
        for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
            Matcher m = GC_AFTER.matcher(line);
            if (m.find()) {
                afterGc.add(Integer.parseInt(m.group(2)));
            }
        }
        assertTrue(afterGc.size() >= 8, "too few collections to judge the heap: " + afterGc);
        List<Integer> gcSteady = afterGc.subList(afterGc.size() / 4, afterGc.size());
        int gh = gcSteady.size() / 2;
        int heapEarly = gcSteady.subList(0, gh).stream().mapToInt(Integer::intValue).max().orElseThrow();
        int heapLate = gcSteady.subList(gh, gcSteady.size()).stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(heapLate <= heapEarly + 1, "heap after GC grew from " + heapEarly + "M to " + heapLate + "M: "
                + afterGc);

        long printed;
        try (Stream<String> lines = Files.lines(tracer.out)) {
            printed = lines.filter(l -> l.contains("ethtool_storm")).count();
        }
        assertEquals(RATE * seconds, printed + tracer.lostReported(), "storm operations printed + lost");
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    static int fds(long pid) throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }
}
