// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.enrich.Callers;
import dev.ethtoolsnoop.enrich.Cgroups;
import dev.ethtoolsnoop.enrich.DeviceNames;
import dev.ethtoolsnoop.enrich.ProcessNames;
import dev.ethtoolsnoop.enrich.Enricher;
import dev.ethtoolsnoop.enrich.RtnlWaits;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.loader.BackendChoice;
import dev.ethtoolsnoop.loader.LibbpfException;
import dev.ethtoolsnoop.loader.Limits;
import dev.ethtoolsnoop.loader.Probes;
import dev.ethtoolsnoop.loader.SetupException;
import dev.ethtoolsnoop.loader.TraceConfig;
import dev.ethtoolsnoop.sink.JsonSink;
import dev.ethtoolsnoop.sink.Output;
import dev.ethtoolsnoop.sink.OutputException;
import dev.ethtoolsnoop.sink.PipeWatch;
import dev.ethtoolsnoop.sink.HistogramSink;
import dev.ethtoolsnoop.sink.Sink;
import dev.ethtoolsnoop.sink.SummarySink;
import dev.ethtoolsnoop.sink.Tee;
import dev.ethtoolsnoop.sink.TableSink;
import dev.ethtoolsnoop.sink.Text;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.ethtoolsnoop.loader.SetupException.ERROR;
import static dev.ethtoolsnoop.loader.SetupException.LIBBPF;
import static dev.ethtoolsnoop.loader.SetupException.NO_BACKEND;
import static dev.ethtoolsnoop.loader.SetupException.NO_BTF;
import static dev.ethtoolsnoop.loader.SetupException.NO_JDK;
import static dev.ethtoolsnoop.loader.SetupException.OK;
import static dev.ethtoolsnoop.loader.SetupException.OUTPUT;
import static dev.ethtoolsnoop.loader.SetupException.PERMISSION;
import static dev.ethtoolsnoop.loader.SetupException.RESOURCE;
import static dev.ethtoolsnoop.loader.SetupException.USAGE;

@Command(name = "ethtoolsnoop",
        mixinStandardHelpOptions = true,
        version = "ethtoolsnoop 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
                "Trace ethtool operations (SIOCETHTOOL ioctls and ethtool netlink requests) live:",
                "interface, process and parent, command, the ethtool options behind it,",
                "kernel latency and result, and what each cost others: how many tasks waited for RTNL",
                "while it held it, and for how long (BLOCKED). Needs root (CAP_BPF + CAP_PERFMON)."},
        footer = {"", "Examples:",
                "  ethtoolsnoop                     # trace all ethtool operations",
                "  ethtoolsnoop -w                  # and every RTNL wait over 10 ms, with who held RTNL",
                "  ethtoolsnoop -s --duration 60    # who made others wait for RTNL most, over a minute",
                "  ethtoolsnoop -T                  # with a timestamp column",
                "  ethtoolsnoop -j --duration 10    # JSON lines for 10 seconds",
                "  ethtoolsnoop -p 1234 -p 5678     # only these processes",
                "  ethtoolsnoop -i eth0 -x          # only failures on eth0",
                "  ethtoolsnoop -m 50               # only operations slower than 50 ms",
                "  ethtoolsnoop -m 50 -s            # who makes them, summed up at Ctrl-C",
                "  ethtoolsnoop --hist -c exporter  # latency histogram per command of one program",
                "  ethtoolsnoop --backend kprobe    # force a backend",
                "",
                "Ctrl-C, SIGTERM and SIGHUP end tracing: summaries are printed, probes detached, exit 0."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                OK + ":ok (also after Ctrl-C, SIGTERM, SIGHUP, or a reader that left)",
                ERROR + ":unexpected error",
                USAGE + ":bad usage (one line on stderr)",
                PERMISSION + ":not permitted (not root: needs CAP_BPF and CAP_PERFMON)",
                NO_BTF + ":the kernel has no BTF (/sys/kernel/btf/vmlinux)",
                LIBBPF + ":libbpf.so.1 missing or older than 1.0",
                NO_BACKEND + ":no backend can attach (the message says why for each)",
                NO_JDK + ":(launcher) no runtime image and no JDK 22 or newer, or no Maven to build with",
                OUTPUT + ":cannot write to stdout (full disk, stdout closed; not a closed pipe)",
                RESOURCE + ":out of a resource: open files, memory for BPF (the message names which)"})
public final class Main implements Callable<Integer> {

    @Option(names = {"-j", "--json"}, description = "One JSON object per line instead of the table.")
    boolean json;

    @Option(names = {"-T", "--timestamp"}, description = "Add a wall-clock time column (HH:MM:SS.mmm).")
    boolean timestamp;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID",
            description = "Only this process (repeatable, up to " + Main.MAX_PIDS + ").")
    List<Integer> pids = List.of();

    @Option(names = {"-c", "--comm"}, paramLabel = "COMM", description = "Only processes with this name.")
    String comm;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFNAME", description = "Only this interface.")
    String ifname;

    @Option(names = "--cgroup", paramLabel = "PATH",
            description = "Only callers in this cgroup or below it (its path in the cgroup v2 hierarchy, e.g. "
                    + "/system.slice/node_exporter.service, or a directory under the cgroup2 mount).")
    String cgroup;

    @Option(names = "--netns", paramLabel = "INODE",
            description = "Only devices in this network namespace (inode, as in `ls -L -i /proc/PID/ns/net`).")
    Long netns;

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

    @Option(names = {"-w", "--waits"}, paramLabel = "MS", arity = "0..1", fallbackValue = "10",
            description = "Also print each wait for RTNL longer than MS milliseconds (default 10), and who held "
                    + "RTNL meanwhile: the ethtool operation, or a process marked (not ethtool). With a filter, "
                    + "only the waits on operations it keeps.")
    Double waitsMs;

    @Option(names = "--ancestors", paramLabel = "N",
            description = "How many of the caller's ancestors the table names, PID:NAME<PARENT<...(PID) "
                    + "(0 to 4, default 2; JSON always has all 4).")
    Integer ancestors;

    @Option(names = "--service",
            description = "Add a SERVICE column: the caller's systemd unit, container or pod, else its cgroup.")
    boolean serviceColumn;

    @Option(names = "--no-rtnl",
            description = "Do not trace RTNL: no BLOCKED figures, no --waits, no probes on the lock.")
    boolean noRtnl;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this many seconds (0.001 to " + Main.MAX_DURATION_S + ").")
    Double durationSeconds;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N operations (N >= 1).")
    Long count;

    // Defaults are the fields' initial values, which picocli shows as ${DEFAULT-VALUE}
    // and QuickArgs, starting from a new Main, keeps: written once.
    @Option(names = "--backend", paramLabel = "NAME", completionCandidates = Backends.class,
            description = "${COMPLETION-CANDIDATES}: the probes to use (default: auto, the first that works).")
    String backend = "auto";

    @Option(names = "--buffer-pages", paramLabel = "N",
            description = "Perf buffer pages per CPU, a power of two (default: 256, 1 MiB per CPU, on up to"
                    + " 16 CPUs; on more, 16 MiB in all and at least 64 pages each).")
    Integer bufferPages;

    @Option(names = "--list-commands",
            description = "Print every known ioctl and netlink command and exit (takes only --json).")
    boolean listCommands;

    @Option(names = {"-v", "--verbose"}, description = "Show libbpf's own log on stderr.")
    boolean verbose;

    /** --backend's values, for --help, the man page and completion. */
    static final class Backends extends java.util.ArrayList<String> {
        Backends() {
            super(List.of("auto", "fentry", "kprobe", "syscall"));
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The BPF pid_filter map's size. */
    static final int MAX_PIDS = 64;
    /** The BPF cgroup_filter map's size. */
    static final int MAX_CGROUPS = 4096;
    /** The largest pid Linux can give (PID_MAX_LIMIT on 64-bit). */
    static final int MAX_PID = 4_194_304;
    /** Beyond some 290 years, a deadline in nanoseconds would overflow; well below. */
    static final long MAX_DURATION_S = 1_000_000_000L;
    static final double MAX_MIN_LATENCY_MS = 1e9;
    /**
     * Network namespace inodes: the kernel numbers its initial namespaces
     * just below 0xF0000000 and every other one from there up, in 32 bits.
     */
    static final long MIN_NETNS = 0xE000_0000L;
    static final long MAX_NETNS = 0xFFFF_FFFFL;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Main.class);

    /** Tests capture stdout here; otherwise events go straight to fd 1 (see Output). */
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
                return unexpected(e, System.err);
            }
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> unexpected(e, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println(usageError(e.getMessage()));
            return USAGE;
        });
        return cli.execute(args);
    }

    /** A usage error as printed: one line, user input in it escaped, and where to look. */
    static String usageError(String problem) {
        String line = String.join("; ", problem.strip().lines().map(String::strip).toList());
        return "ethtoolsnoop: " + escape(line) + " (try 'ethtoolsnoop --help')";
    }

    /** Text a user typed, safe to echo to a terminal: control characters as \xNN. */
    static String escape(String s) {
        return Text.forTerminal(s.getBytes(StandardCharsets.UTF_8));
    }

    private static int unexpected(Exception e, PrintWriter err) {
        String exhausted = Limits.exhausted(e);
        if (exhausted != null) {
            err.println("ethtoolsnoop: " + exhausted + ": " + e.getMessage());
            return RESOURCE;
        }
        err.println("ethtoolsnoop: error: " + e);
        return ERROR;
    }

    private static int unexpected(Exception e, PrintStream err) {
        PrintWriter w = new PrintWriter(err, true);
        int code = unexpected(e, w);
        w.flush();
        return code;
    }

    private void validate() {
        String problem = problem();
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    /**
     * What is wrong with the options that picocli cannot tell by itself; null
     * when nothing. Refused here: whatever could never do what it says (a
     * value no process, device or namespace can have, a number out of range),
     * so the kernel is never asked about it. What merely does not exist yet
     * is warned about when tracing starts (see warnings()).
     */
    String problem() {
        if (listCommands) {
            List<String> ignored = tracingOptionsGiven();
            if (!ignored.isEmpty()) {
                return "--list-commands prints the command list and exits; it takes only --json, not "
                        + String.join(", ", ignored);
            }
        }
        if (backendChoice() == null) {
            return "--backend must be auto, fentry, kprobe or syscall, got '" + backend + "'";
        }
        if (bufferPages != null && (bufferPages <= 0 || Integer.bitCount(bufferPages) != 1)) {
            return "--buffer-pages must be a power of two, got " + bufferPages;
        }
        if (count != null && count < 1) {
            return "--count must be at least 1 (leave it out for no limit), got " + count;
        }
        if (durationSeconds != null && !(durationSeconds >= 0.001 && durationSeconds <= MAX_DURATION_S)) {
            return "--duration takes seconds from 0.001 to " + MAX_DURATION_S + " (leave it out for no limit), got "
                    + durationSeconds;
        }
        if (!(minLatencyMs >= 0 && minLatencyMs <= MAX_MIN_LATENCY_MS)) {
            return "--min-latency takes milliseconds from 0 to " + (long) MAX_MIN_LATENCY_MS + ", got " + minLatencyMs;
        }
        if (waitsMs != null && !(waitsMs >= 0 && waitsMs <= MAX_MIN_LATENCY_MS)) {
            return "--waits takes milliseconds from 0 to " + (long) MAX_MIN_LATENCY_MS + ", got " + waitsMs;
        }
        if (ancestors != null && (ancestors < 0 || ancestors > 4)) {
            return "--ancestors takes 0 to 4 (what the probes keep), got " + ancestors;
        }
        if (cgroup != null && (cgroup.isEmpty() || cgroup.contains("\0"))) {
            return "--cgroup: a cgroup path such as /system.slice/NAME.service, got '" + cgroup + "'";
        }
        if (waitsMs != null && noRtnl) {
            return "--waits shows RTNL waits, which --no-rtnl turns off: give one of them";
        }
        if (new HashSet<>(pids).size() > MAX_PIDS) {
            return "--pid: at most " + MAX_PIDS + " processes (what the BPF filter holds), got "
                    + new HashSet<>(pids).size();
        }
        for (int pid : pids) {
            if (pid < 1 || pid > MAX_PID) {
                return "--pid: " + pid + " can never be a process id (1 to " + MAX_PID + ")";
            }
        }
        if (netns != null && (netns < MIN_NETNS || netns > MAX_NETNS)) {
            return "--netns: " + netns + " can never be a network namespace inode (" + MIN_NETNS + " to "
                    + MAX_NETNS + "; see ls -L -i /proc/PID/ns/net)";
        }
        if (comm != null && (comm.isEmpty() || comm.getBytes(StandardCharsets.UTF_8).length > 15)) {
            return "--comm: a process name has 1 to 15 bytes (what the kernel keeps), got '" + comm + "'";
        }
        if (ifname != null && (ifname.isEmpty() || ifname.getBytes(StandardCharsets.UTF_8).length > 15)) {
            return "--interface: an interface name has 1 to 15 bytes, got '" + ifname + "'";
        }
        if (ifname != null && !validInterfaceName(ifname)) {
            return "--interface: '" + ifname + "' can never name an interface (the kernel refuses '.', '..', "
                    + "and names with '/', ':' or white space)";
        }
        return null;
    }

    /** The kernel's dev_valid_name(), but for the length checked above. */
    static boolean validInterfaceName(String name) {
        if (name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r')) {
                return false;
            }
        }
        return true;
    }

    /** The options besides --json and --verbose that were given (for --list-commands, which ignores them). */
    private List<String> tracingOptionsGiven() {
        List<String> given = new ArrayList<>();
        if (timestamp) {
            given.add("--timestamp");
        }
        if (!pids.isEmpty()) {
            given.add("--pid");
        }
        if (comm != null) {
            given.add("--comm");
        }
        if (ifname != null) {
            given.add("--interface");
        }
        if (netns != null) {
            given.add("--netns");
        }
        if (cgroup != null) {
            given.add("--cgroup");
        }
        if (ancestors != null) {
            given.add("--ancestors");
        }
        if (serviceColumn) {
            given.add("--service");
        }
        if (failedOnly) {
            given.add("--failed");
        }
        if (minLatencyMs != 0) {
            given.add("--min-latency");
        }
        if (summary) {
            given.add("--summary");
        }
        if (hist) {
            given.add("--hist");
        }
        if (waitsMs != null) {
            given.add("--waits");
        }
        if (noRtnl) {
            given.add("--no-rtnl");
        }
        if (durationSeconds != null) {
            given.add("--duration");
        }
        if (count != null) {
            given.add("--count");
        }
        if (!backend.equals("auto")) {
            given.add("--backend");
        }
        if (bufferPages != null) {
            given.add("--buffer-pages");
        }
        return given;
    }

    /**
     * Filters naming what does not exist now, but may by the time it acts:
     * traced anyway, with a warning (names escaped: they come from the user).
     */
    List<String> warnings(Path sysClassNet, Path proc) {
        List<String> warnings = new ArrayList<>();
        if (ifname != null && !Files.exists(sysClassNet.resolve(ifname))) {
            warnings.add("interface " + escape(ifname) + " does not exist (yet) in this namespace; tracing anyway");
        }
        for (int pid : new java.util.TreeSet<>(pids)) {
            if (!Files.exists(proc.resolve(String.valueOf(pid)))) {
                warnings.add("no process " + pid + " is running (yet); tracing anyway");
            }
        }
        if (netns != null && !netnsExists(netns, proc)) {
            warnings.add("no process is in network namespace " + netns + " and /run/netns names none; "
                    + "tracing anyway");
        }
        return warnings;
    }

    /** Whether a process is in network namespace INODE, or /run/netns holds it. */
    private static boolean netnsExists(long inode, Path proc) {
        String link = "net:[" + inode + "]";
        try (Stream<Path> pids = Files.list(proc)) {
            if (pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> link.equals(readLink(p.resolve("ns/net"))))) {
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return true; // cannot tell: say nothing
        }
        try (Stream<Path> named = Files.list(Path.of("/run/netns"))) {
            return named.anyMatch(p -> {
                try {
                    return Long.valueOf(inode).equals(Files.getAttribute(p, "unix:ino"));
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
        if (stdout == null) {
            String closed = Output.stdoutProblem();
            if (closed != null) {
                System.err.println("ethtoolsnoop: " + closed + ": nowhere to write events");
                return OUTPUT;
            }
        }
        PrintStream out = stdout != null ? stdout : new PrintStream(Output.stdout(), false, StandardCharsets.UTF_8);
        try {
            if (listCommands) {
                CommandList.print(out, json);
                out.flush();
                return OK;
            }
            return trace(out);
        } catch (OutputException e) {
            System.err.println("ethtoolsnoop: cannot write to stdout: " + e.getMessage());
            return OUTPUT;
        }
    }

    private int trace(PrintStream out) throws IOException {
        int pages = bufferPages != null ? bufferPages : defaultBufferPages(Limits.possibleCpus());
        Cgroups cgroups = Cgroups.ofSystem();
        java.util.Set<Long> cgroupIds = null;
        if (cgroup != null) {
            cgroupIds = cgroups.subtree(cgroup);
            if (cgroupIds.isEmpty()) {
                System.err.println("ethtoolsnoop: --cgroup: no cgroup " + escape(cgroup)
                        + " in the cgroup v2 hierarchy (try 'ethtoolsnoop --help')");
                return USAGE;
            }
            if (cgroupIds.size() > MAX_CGROUPS) {
                System.err.println("ethtoolsnoop: --cgroup: " + escape(cgroup) + " has " + cgroupIds.size()
                        + " cgroups below it, more than the BPF filter holds (" + MAX_CGROUPS + ")");
                return USAGE;
            }
        }
        TraceConfig config = new TraceConfig(new HashSet<>(pids), comm, ifname, netns == null ? 0 : netns,
                failedOnly, (long) (minLatencyMs * 1e6), pages, verbose, !noRtnl,
                waitsMs == null ? 0 : Math.max(1, (long) (waitsMs * 1e6)), cgroupIds);
        warnings(Path.of("/sys/class/net"), Path.of("/proc")).forEach(LOG::warn);
        long ownNetns = ownNetns();
        try {
            Probes.requireLibbpf();
            // our namespace's devices are watched before the probes exist, so
            // that every event of it can be resolved
            try (DeviceNames devices = DeviceNames.ofKernel(ownNetns);
                 Probes probes = Probes.attach(config, backendChoice())) {
                long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
                Enricher enricher = new Enricher(offset, devices, new Callers(cgroups, ProcessNames.ofSystem()));
                AtomicLong lost = new AtomicLong();
                BooleanSupplier outputGone = stdout != null ? () -> false : () -> PipeWatch.readerGone(1);
                Probes.RtnlSupport rtnl = probes.rtnl();
                if (rtnl.unavailable() != null) {
                    LOG.warn("RTNL waits are not traced: {}; BLOCKED shows -, JSON rtnl_* fields are null{}",
                            rtnl.unavailable(), waitsMs != null ? ", --waits prints nothing" : "");
                }
                RtnlWaits waits = waitsMs != null && rtnl.waits() ? new RtnlWaits(filtered()) : null;
                Tracer tracer = new Tracer(probes, enricher, userSpaceFilter(), sink(out, ownNetns, lost::get), lost,
                        outputGone, count == null ? 0 : count,
                        durationSeconds == null ? 0 : (long) (durationSeconds * TimeUnit.SECONDS.toNanos(1)), waits);
                Signals.onTermination(tracer::requestStop);
                String rtnlHow = !rtnl.waits() ? "" : "; RTNL: " + rtnl.how() + (rtnl.hold() ? ", holds" : "");
                tracer.run(pages, () -> System.err.println("Tracing ethtool operations (backend: "
                        + probes.backend().label() + ", " + probes.probeCount() + " probes" + rtnlHow
                        + "). Hit Ctrl-C to end."));
                return OK;
            }
        } catch (SetupException e) {
            System.err.println("ethtoolsnoop: " + e.getMessage());
            return e.exitCode();
        } catch (LibbpfException e) {
            String exhausted = Limits.exhausted(e.errno());
            System.err.println("ethtoolsnoop: " + (exhausted != null ? exhausted + ": " : "") + e.getMessage());
            return exhausted != null ? RESOURCE : ERROR;
        }
    }

    /**
     * Perf buffer pages per CPU when none are asked for. A burst lands on the
     * CPU its sender runs on, and the largest real one we know (a
     * node_exporter scrape of 1,000 interfaces: 5,058 ioctls of 128 bytes
     * each in the ring, before a cold JVM drains much) needs 1 MiB there:
     * 256 pages. The buffers are per CPU and locked in the kernel, so on many
     * CPUs the total stays at 16 MiB, never under 64 pages (256 KiB) each.
     */
    static int defaultBufferPages(int cpus) {
        int pages = TraceConfig.DEFAULT_BUFFER_PAGES;
        while (pages > 64 && (long) pages * cpus > 4096) { // 4096 pages: 16 MiB
            pages /= 2;
        }
        return pages;
    }

    private Sink sink(PrintStream out, long ownNetns, java.util.function.LongSupplier lost) {
        if (!summary && !hist) {
            return json ? new JsonSink(out) : new TableSink(out, timestamp, ownNetns,
                    ancestors == null ? TableSink.DEFAULT_ANCESTORS : ancestors, serviceColumn);
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

    /** Whether any option selects operations (then --waits shows only waits on those). */
    private boolean filtered() {
        return !pids.isEmpty() || comm != null || ifname != null || netns != null || failedOnly || minLatencyMs > 0
                || cgroup != null;
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
