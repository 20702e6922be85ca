// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/scenario/live-scenario.sh (here or, through the VM harness,
 * in a guest) and reads back what it left: steps, devices and the tracer's
 * JSON events.
 */
public final class Scenario {
    public static final Path BASEDIR = Path.of(System.getProperty("ethtoolsnoop.basedir", ".")).toAbsolutePath();
    public static final Path JAR = Path.of(System.getProperty("ethtoolsnoop.jar", "target/ethtoolsnoop.jar"))
            .toAbsolutePath();
    public static final Path SCRIPT = BASEDIR.resolve("src/test/scenario/live-scenario.sh");

    public record Step(String name, int pid, int rc) {
    }

    public record Iface(String name, int ifindex, long netns) {
    }

    /** One ethtool run of src/test/scenario/options.txt: its line there, pid and exit code. */
    public record OptionRun(int line, int pid, int rc) {
    }

    /** A filtered tracer that ran beside the unfiltered one. */
    public record Filtered(String name, String args, List<Map<String, Object>> output, int rc, String err) {
    }

    /**
     * The storm at the scenario's end: what the storm program issued (-1 if
     * it said nothing), and what its tracer printed of it and reported lost.
     */
    public record Storm(long issued, long failed, int pid, long printed, long otherEvents, long lost, int rc,
                        String err) {
    }

    /** What one backend's run left behind. */
    public record Result(String backend, Map<String, Step> steps, Map<String, Iface> ifaces, int parentPid,
                         String parentComm, List<Map<String, Object>> events, int tracerRc, String tracerErr,
                         Map<String, Filtered> filters, String kernel, List<OptionRun> options,
                         Map<String, List<Long>> bpfState, Storm storm, Path dir, List<Map<String, Object>> waits) {

        /** What a step printed (stdout and stderr). */
        public String stepOutput(String step) {
            try {
                return Files.readString(dir.resolve("step-" + step + ".out"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public List<Map<String, Object>> eventsOf(String step) {
            int pid = steps.get(step).pid();
            return events.stream().filter(e -> ((Long) e.get("pid")) == pid).toList();
        }
    }

    private Scenario() {
    }

    /** The java running this test: the toolchain JDK, >= 22. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * gcc-built raw SIOCETHTOOL helper, shared by host and guests (same paths);
     * the scenario finds the storm program beside it.
     */
    public static Path ioctlHelper() {
        testBinary("ethtool_storm");
        testBinary("ethtool_genl");
        testBinary("rtnl_hold");
        return testBinary("ethtool_ioctl");
    }

    /** src/test/c/NAME.c built (when stale) into target/test-bin/NAME. */
    public static synchronized Path testBinary(String name) {
        Path bin = BASEDIR.resolve("target/test-bin/" + name);
        Path src = BASEDIR.resolve("src/test/c/" + name + ".c");
        try {
            if (!Files.exists(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
                Files.createDirectories(bin.getParent());
                Path log = BASEDIR.resolve("target/test-bin/" + name + ".gcc.log");
                int rc = run(List.of("gcc", "-O2", "-Wall", "-Werror", "-pthread", "-o", bin.toString(), src.toString()),
                        log, 120);
                if (rc != 0) {
                    throw new IllegalStateException("gcc failed, see " + log);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bin;
    }

    /** What the scenario itself runs, here or (from the host's root) in a guest. */
    public static void requireTools() {
        LiveGate.require(hasCommand("ethtool"), "needs the ethtool binary (apt install ethtool)");
        LiveGate.require(hasCommand("ip"), "needs ip (apt install iproute2)");
        LiveGate.require(hasCommand("gcc"), "needs gcc for the raw ioctl helper");
        LiveGate.require(hasCommand("bpftool"), "needs bpftool (apt install bpftool) to count BPF links and programs");
    }

    public static boolean hasCommand(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name));
    }

    /** Runs the scenario on this host. */
    public static Result runHere(String backend, Path out) {
        try {
            Files.createDirectories(out);
            int rc = run(List.of("bash", SCRIPT.toString(), java(), JAR.toString(), ioctlHelper().toString(),
                    backend, out.toString()), out.resolve("scenario.log"), 300);
            if (rc != 0) {
                throw new AssertionError("live scenario failed (rc " + rc + "): "
                        + Files.readString(out.resolve("scenario.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return read(backend, out);
    }

    public static int run(List<String> cmd, Path log, int timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // a loaded machine slows TCG guests a lot: give the VM most of our own time limit
        pb.environment().putIfAbsent("ETHTOOLSNOOP_VM_TIMEOUT", String.valueOf(Math.max(60, timeoutSeconds - 60)));
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish in " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return p.exitValue();
    }

    private static List<Map<String, Object>> jsonLines(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(Json.object(line));
        }
        return out;
    }

    private static int rc(Path file) throws IOException {
        return Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) : -1;
    }

    /** Reads OUT/steps, OUT/events.jsonl, OUT/tracer.rc and OUT/tracer.err. */
    public static Result read(String backend, Path out) {
        try {
            Map<String, Step> steps = new LinkedHashMap<>();
            Map<String, Iface> ifaces = new LinkedHashMap<>();
            int parentPid = 0;
            String parentComm = null;
            String kernel = null;
            List<OptionRun> options = new ArrayList<>();
            Map<String, List<Long>> bpfState = new LinkedHashMap<>();
            Storm storm = null;
            for (String line : Files.readAllLines(out.resolve("steps"))) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "step" -> steps.put(f[1], new Step(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
                    case "iface" -> ifaces.put(f[1], new Iface(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3])));
                    case "parent" -> {
                        parentPid = Integer.parseInt(f[1]);
                        parentComm = f[2];
                    }
                    case "kernel" -> kernel = f[1];
                    case "bpf" -> bpfState.put(f[1], List.of(Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4])));
                    case "option" -> options.add(new OptionRun(Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                            Integer.parseInt(f[3])));
                    case "storm" -> storm = readStorm(out, Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Integer.parseInt(f[3]));
                    default -> throw new IllegalStateException("bad steps line: " + line);
                }
            }
            Map<String, Filtered> filters = new LinkedHashMap<>();
            for (String line : Files.readAllLines(out.resolve("filters"))) {
                String name = line.split(" ", 2)[0];
                filters.put(name, new Filtered(name, line.substring(name.length()).trim(),
                        jsonLines(out.resolve("filter-" + name + ".jsonl")), rc(out.resolve("filter-" + name + ".rc")),
                        Files.readString(out.resolve("filter-" + name + ".err"))));
            }
            List<Map<String, Object>> all = jsonLines(out.resolve("events.jsonl"));
            // the main tracer runs with --waits: its RTNL waits apart from the operations
            return new Result(backend, steps, ifaces, parentPid, parentComm,
                    all.stream().filter(e -> !e.containsKey("type")).toList(),
                    rc(out.resolve("tracer.rc")), Files.readString(out.resolve("tracer.err")), filters, kernel,
                    options, bpfState, storm, out,
                    all.stream().filter(e -> "rtnl_wait".equals(e.get("type"))).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Storm readStorm(Path out, long issued, long failed, int pid) throws IOException {
        long printed = 0;
        long other = 0;
        for (Map<String, Object> e : jsonLines(out.resolve("storm.jsonl"))) {
            if ((Long) e.get("pid") == pid && "ETHTOOL_GDRVINFO".equals(e.get("cmd_name"))) {
                printed++;
            } else {
                other++;
            }
        }
        String err = Files.readString(out.resolve("storm.err"));
        return new Storm(issued, failed, pid, printed, other, TracerProcess.lostIn(err), rc(out.resolve("storm.rc")),
                err);
    }
}
