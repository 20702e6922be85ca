// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The live scenario on Debian's own kernels in qemu (TCG), for the fentry and
 * kprobe backends, which this host's kernel lacks. Each kernel boots once and
 * runs both backends; the assertions then read what the guest left behind.
 *
 * <p>Beside each backend's main tracer run filtered ones, a JVM start each
 * (about ten seconds of TCG, most of this class's time). What a filter keeps
 * is BPF code every kernel and backend share, fed by fields the main tracer's
 * checks hold to the truth on each of them, so the nine filtered tracers run
 * where the ways RTNL is seen differ: fentry on bullseye (5.10: mutex slow
 * path probes) and sid (the newest: lock contention tracepoints), kprobe on
 * bullseye (its own kretprobes). Everywhere else only the two ended by SIGINT
 * and SIGKILL run, since what a backend leaves behind after those is its own;
 * the second has every filter on at once, so each filter's code still passes
 * each kernel's verifier. While developing, -Dethtoolsnoop.vm.filters=false
 * leaves them all out, and -Dethtoolsnoop.vm.kernels=bookworm,sid narrows the
 * matrix.
 */
class VmMatrixIT {
    static final List<String> KERNELS = List.of("bullseye", "bookworm", "trixie", "sid");
    static final List<String> BACKENDS = List.of("fentry", "kprobe");
    /** Where each backend runs every filtered tracer. */
    static final java.util.Map<String, Set<String>> ALL_FILTERS_ON = java.util.Map.of(
            "fentry", Set.of("bullseye", "sid"), "kprobe", Set.of("bullseye"));
    static final Path RUN = Scenario.BASEDIR.resolve("src/test/vm/run.sh");
    static final Path GUEST = Scenario.BASEDIR.resolve("src/test/vm/guest-scenarios.sh");

    @TestFactory
    Stream<DynamicNode> scenarioOnEveryKernelAndBackend() {
        LiveGate.require(LiveGate.isRoot(), "the VM tier needs root (qemu, apt-get download)");
        Scenario.requireTools(); // the guests run the host's own binaries
        List<String> kernels = Arrays.stream(System.getProperty("ethtoolsnoop.vm.kernels",
                String.join(",", KERNELS)).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (LiveGate.inCi()) {
            org.junit.jupiter.api.Assertions.assertEquals(KERNELS, kernels, "CI runs the whole matrix");
            org.junit.jupiter.api.Assertions.assertEquals("true",
                    System.getProperty("ethtoolsnoop.vm.filters", "true"), "CI runs the filter checks");
        }
        Path helper = Scenario.ioctlHelper();
        return kernels.stream().map(kernel -> DynamicContainer.dynamicContainer(kernel,
                Stream.of(kernel).flatMap(k -> boot(k, helper).stream())));
    }

    /** Boots the kernel once (lazily, when JUnit reaches it) and turns its results into tests. */
    private static List<DynamicNode> boot(String kernel, Path helper) {
        Path out = Scenario.BASEDIR.resolve("target/live/vm-" + kernel);
        List<DynamicNode> nodes = new ArrayList<>();
        int rc;
        try {
            Files.createDirectories(out);
            List<String> cmd = new ArrayList<>(List.of("bash", RUN.toString(), kernel, out.toString(),
                    GUEST.toString(), Scenario.java(), Scenario.JAR.toString(), helper.toString(), out.toString()));
            for (String b : BACKENDS) {
                cmd.add(b + ":" + filterMode(kernel, b));
            }
            rc = Scenario.run(cmd, out.resolve("vm.log"), 2400);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int bootRc = rc;
        nodes.add(DynamicTest.dynamicTest("boots and runs the scenario", () -> {
            String log = Files.readString(out.resolve("vm.log"));
            org.junit.jupiter.api.Assertions.assertTrue(bootRc == 0 || bootRc == 1,
                    "VM failed (rc " + bootRc + "): " + log);
            org.junit.jupiter.api.Assertions.assertTrue(Files.exists(out.resolve("uname")), log);
        }));
        nodes.add(DynamicTest.dynamicTest("--backend auto picks fentry (from the runtime image when built)", () -> {
            String err = readOrEmpty(out.resolve("auto.err"));
            if (!Boolean.getBoolean("ethtoolsnoop.image.skip")) {
                org.junit.jupiter.api.Assertions.assertEquals("image", readOrEmpty(out.resolve("auto.how")).trim());
            }
            org.junit.jupiter.api.Assertions.assertTrue(
                    err.lines().anyMatch(l -> l.startsWith("Tracing ethtool operations (backend: fentry,")), err);
        }));
        String release = readOrEmpty(out.resolve("uname")).trim();
        nodes.add(DynamicTest.dynamicTest("syscall backend: RTNL waits where the kernel has contention tracepoints,"
                + " else said once", () -> {
            String err = readOrEmpty(out.resolve("syscall-rtnl.err"));
            org.junit.jupiter.api.Assertions.assertFalse(release.isEmpty(), "the guest wrote no uname");
            String[] v = release.split("[.-]");
            boolean tracepoints = Integer.parseInt(v[0]) > 5 || Integer.parseInt(v[0]) == 5 && Integer.parseInt(v[1]) >= 19;
            long said = err.lines().filter(l -> l.contains("RTNL waits are not traced")).count();
            org.junit.jupiter.api.Assertions.assertEquals(tracepoints ? 0 : 1, said, err);
            org.junit.jupiter.api.Assertions.assertTrue(err.lines().anyMatch(l -> l.startsWith(
                    "Tracing ethtool operations (backend: syscall,") && l.contains("RTNL: lock contention tracepoints")
                    == tracepoints), err);
        }));
        for (String backend : BACKENDS) {
            Path dir = out.resolve(backend);
            if (!Files.exists(dir.resolve("steps")) || !Files.exists(dir.resolve("events.jsonl"))) {
                nodes.add(DynamicTest.dynamicTest(backend, () -> {
                    throw new AssertionError(backend + " scenario left no results; tracer said: "
                            + readOrEmpty(dir.resolve("tracer.err")) + "\nVM log: " + readOrEmpty(out.resolve("vm.log")));
                }));
                continue;
            }
            Set<String> filters = switch (filterMode(kernel, backend)) {
                case "filters" -> ScenarioChecks.ALL_FILTERS;
                case "endings" -> ScenarioChecks.ENDINGS;
                default -> Set.of();
            };
            nodes.add(DynamicContainer.dynamicContainer(backend, ScenarioChecks.tests(Scenario.read(backend, dir),
                    filters)));
        }
        return nodes;
    }

    /** Which filtered tracers run beside a backend's main one on a kernel (live-scenario.sh's FILTERS). */
    static String filterMode(String kernel, String backend) {
        if (!Boolean.parseBoolean(System.getProperty("ethtoolsnoop.vm.filters", "true"))) {
            return "nofilters";
        }
        return ALL_FILTERS_ON.get(backend).contains(kernel) ? "filters" : "endings";
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
