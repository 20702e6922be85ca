// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.enrich.DeviceNames;
import dev.ethtoolsnoop.enrich.Enricher;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.loader.BackendChoice;
import dev.ethtoolsnoop.loader.LibbpfException;
import dev.ethtoolsnoop.loader.Probes;
import dev.ethtoolsnoop.loader.SetupException;
import dev.ethtoolsnoop.loader.TraceConfig;
import dev.ethtoolsnoop.sink.JsonSink;
import dev.ethtoolsnoop.sink.PipeWatch;
import dev.ethtoolsnoop.sink.HistogramSink;
import dev.ethtoolsnoop.sink.Sink;
import dev.ethtoolsnoop.sink.SummarySink;
import dev.ethtoolsnoop.sink.Tee;
import dev.ethtoolsnoop.sink.TableSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "ethtoolsnoop",
        mixinStandardHelpOptions = true,
        version = "ethtoolsnoop 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
                "Trace ethtool operations (SIOCETHTOOL ioctls and ethtool netlink requests) live:",
                "interface, process and parent, command, the ethtool options behind it,",
                "kernel latency and result. Needs root (CAP_BPF + CAP_PERFMON)."},
        footer = {"", "Examples:",
                "  ethtoolsnoop                     # trace all ethtool operations",
                "  ethtoolsnoop -T                  # with a timestamp column",
                "  ethtoolsnoop -j --duration 10    # JSON lines for 10 seconds",
                "  ethtoolsnoop -p 1234 -p 5678     # only these processes",
                "  ethtoolsnoop -i eth0 -x          # only failures on eth0",
                "  ethtoolsnoop -m 50               # only operations slower than 50 ms",
                "  ethtoolsnoop -m 50 -s            # who makes them, summed up at Ctrl-C",
                "  ethtoolsnoop --hist -c exporter  # latency histogram per command of one program",
                "  ethtoolsnoop --backend kprobe    # force a backend",
                "",
                "Exit codes: 0 ok, 1 error, 2 bad usage, 3 not permitted, 4 no kernel BTF,",
                "5 libbpf missing or too old, 6 no backend can attach."})
public final class Main implements Callable<Integer> {

    @Option(names = {"-j", "--json"}, description = "One JSON object per line instead of the table.")
    boolean json;

    @Option(names = {"-T", "--timestamp"}, description = "Add a wall-clock time column (HH:MM:SS.mmm).")
    boolean timestamp;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Only this process (repeatable).")
    List<Integer> pids = List.of();

    @Option(names = {"-c", "--comm"}, paramLabel = "COMM", description = "Only processes with this name.")
    String comm;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFNAME", description = "Only this interface.")
    String ifname;

    @Option(names = "--netns", paramLabel = "INODE",
            description = "Only devices in this network namespace (inode, as in `ls -L -i /proc/PID/ns/net`).")
    long netns;

    @Option(names = {"-x", "--failed"}, description = "Only failed operations (RET != 0).")
    boolean failedOnly;

    @Option(names = {"-m", "--min-latency"}, paramLabel = "MS",
            description = "Only operations at least this slow, in milliseconds.")
    double minLatencyMs;

    @Option(names = {"-s", "--summary"},
            description = "Instead of events, print at exit a table per (process, interface, command): "
                    + "count, failures, total/avg/max latency, most total time first.")
    boolean summary;

    @Option(names = "--hist", description = "Instead of events, print at exit a log2 latency histogram per command.")
    boolean hist;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    double durationSeconds;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N operations.")
    long count;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (default), fentry, kprobe or syscall.")
    String backend;

    @Option(names = "--buffer-pages", paramLabel = "N", defaultValue = "64",
            description = "Perf buffer pages per CPU, a power of two (default: ${DEFAULT-VALUE}).")
    int bufferPages;

    @Option(names = "--list-commands", description = "Print every known ioctl and netlink command and exit.")
    boolean listCommands;

    @Option(names = {"-v", "--verbose"}, description = "Show libbpf's own log on stderr.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Tests capture stdout here; otherwise events go straight to fd 1, buffered. */
    static PrintStream stdout;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        // picocli only when the command line needs it: see QuickArgs
        Main quick = QuickArgs.parse(args);
        if (quick != null && quick.problem() == null) {
            try {
                return quick.call();
            } catch (Exception e) {
                System.err.println("ethtoolsnoop: error: " + e);
                return 1;
            }
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("ethtoolsnoop: error: " + e);
            return 1;
        });
        return cli.execute(args);
    }

    private void validate() {
        String problem = problem();
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    /** What is wrong with the options that picocli cannot tell by itself; null when nothing. */
    String problem() {
        if (backendChoice() == null) {
            return "--backend must be auto, fentry, kprobe or syscall, got '" + backend + "'";
        }
        if (bufferPages <= 0 || Integer.bitCount(bufferPages) != 1) {
            return "--buffer-pages must be a power of two, got " + bufferPages;
        }
        if (count < 0 || durationSeconds < 0 || minLatencyMs < 0 || netns < 0) {
            return "--count, --duration, --min-latency and --netns take non-negative values";
        }
        if (comm != null && comm.getBytes(StandardCharsets.UTF_8).length > 15) {
            return "--comm: the kernel keeps 15 bytes of a process name; '" + comm + "' is longer";
        }
        if (ifname != null && (ifname.isEmpty() || ifname.getBytes(StandardCharsets.UTF_8).length > 15)) {
            return "--interface: an interface name has 1 to 15 bytes";
        }
        return null;
    }

    private BackendChoice backendChoice() {
        String name = backend.toUpperCase(java.util.Locale.ROOT);
        for (BackendChoice c : BackendChoice.values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    @Override
    public Integer call() throws IOException {
        validate();
        PrintStream out = stdout != null ? stdout : new PrintStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        if (listCommands) {
            CommandList.print(out, json);
            out.flush();
            return 0;
        }
        TraceConfig config = new TraceConfig(new HashSet<>(pids), comm, ifname, netns, failedOnly,
                (long) (minLatencyMs * 1e6), bufferPages, verbose);
        if (ifname != null && !Files.exists(Path.of("/sys/class/net", ifname))) {
            org.slf4j.LoggerFactory.getLogger(Main.class)
                    .warn("interface {} does not exist (yet) in this namespace; tracing anyway", ifname);
        }
        long ownNetns = ownNetns();
        try {
            Probes.requireLibbpf();
            // our namespace's devices are watched before the probes exist, so
            // that every event of it can be resolved
            try (DeviceNames devices = DeviceNames.ofKernel(ownNetns);
                 Probes probes = Probes.attach(config, backendChoice())) {
                long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
                Enricher enricher = new Enricher(offset, devices);
                AtomicLong lost = new AtomicLong();
                BooleanSupplier outputGone = stdout != null ? () -> false : () -> PipeWatch.readerGone(1);
                Tracer tracer = new Tracer(probes, enricher, userSpaceFilter(), sink(out, ownNetns, lost::get), lost,
                        outputGone, count, (long) (durationSeconds * TimeUnit.SECONDS.toNanos(1)));
                Signals.onTermination(tracer::requestStop);
                tracer.run(bufferPages, () -> System.err.println("Tracing ethtool operations (backend: "
                        + probes.backend().label() + ", " + probes.probeCount() + " probes). Hit Ctrl-C to end."));
                return 0;
            }
        } catch (SetupException e) {
            System.err.println("ethtoolsnoop: " + e.getMessage());
            return e.exitCode();
        } catch (LibbpfException e) {
            System.err.println("ethtoolsnoop: " + e.getMessage());
            return 1;
        }
    }

    private Sink sink(PrintStream out, long ownNetns, java.util.function.LongSupplier lost) {
        if (!summary && !hist) {
            return json ? new JsonSink(out) : new TableSink(out, timestamp, ownNetns);
        }
        List<Sink> sinks = new java.util.ArrayList<>();
        if (summary) {
            sinks.add(new SummarySink(out, json, lost));
        }
        if (hist) {
            sinks.add(new HistogramSink(out, json));
        }
        return sinks.size() == 1 ? sinks.get(0) : new Tee(sinks);
    }

    /**
     * BPF already filtered; this re-checks what only user space can know (the
     * device a netlink message names, and its result, for the syscall backend).
     */
    private Predicate<Operation> userSpaceFilter() {
        byte[] want = ifname == null ? null : ifname.getBytes(StandardCharsets.UTF_8);
        // a netlink result arrives with its answer, after the probes' -x check
        boolean failed = failedOnly;
        return op -> (want == null || java.util.Arrays.equals(op.ifname(), want)) && (!failed || op.failed());
    }

    /** Inode of our own network namespace: /proc/self/ns/net -> "net:[4026531840]". */
    static long ownNetns() {
        try {
            Matcher m = Pattern.compile("net:\\[(\\d+)]")
                    .matcher(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
            return m.matches() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}
