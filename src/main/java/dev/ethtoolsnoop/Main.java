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

    /** The options, as picocli or QuickArgs read them. */
    @CommandLine.Mixin
    final Options o;

    public Main() {
        this(new Options());
    }

    Main(Options options) {
        this.o = options;
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
        Options options = QuickArgs.parse(args);
        Main quick = options == null ? null : new Main(options);
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
        if (o.listCommands) {
            List<String> ignored = tracingOptionsGiven();
            if (!ignored.isEmpty()) {
                return "--list-commands prints the command list and exits; it takes only --json, not "
                        + String.join(", ", ignored);
            }
        }
        if (backendChoice() == null) {
            return "--backend must be auto, fentry, kprobe or syscall, got '" + o.backend + "'";
        }
        if (o.bufferPages != null && (o.bufferPages <= 0 || Integer.bitCount(o.bufferPages) != 1)) {
            return "--buffer-pages must be a power of two, got " + o.bufferPages;
        }
        if (o.count != null && o.count < 1) {
            return "--count must be at least 1 (leave it out for no limit), got " + o.count;
        }
        if (o.durationSeconds != null && !(o.durationSeconds >= 0.001 && o.durationSeconds <= MAX_DURATION_S)) {
            return "--duration takes seconds from 0.001 to " + MAX_DURATION_S + " (leave it out for no limit), got "
                    + o.durationSeconds;
        }
        if (!(o.minLatencyMs >= 0 && o.minLatencyMs <= MAX_MIN_LATENCY_MS)) {
            return "--min-latency takes milliseconds from 0 to " + (long) MAX_MIN_LATENCY_MS + ", got " + o.minLatencyMs;
        }
        if (o.waitsMs != null && !(o.waitsMs >= 0 && o.waitsMs <= MAX_MIN_LATENCY_MS)) {
            return "--waits takes milliseconds from 0 to " + (long) MAX_MIN_LATENCY_MS + ", got " + o.waitsMs;
        }
        if (o.ancestors != null && (o.ancestors < 0 || o.ancestors > 4)) {
            return "--ancestors takes 0 to 4 (what the probes keep), got " + o.ancestors;
        }
        if (o.cgroup != null && (o.cgroup.isEmpty() || o.cgroup.contains("\0"))) {
            return "--cgroup: a cgroup path such as /system.slice/NAME.service, got '" + o.cgroup + "'";
        }
        if (o.waitsMs != null && o.noRtnl) {
            return "--waits shows RTNL waits, which --no-rtnl turns off: give one of them";
        }
        if (new HashSet<>(o.pids).size() > MAX_PIDS) {
            return "--pid: at most " + MAX_PIDS + " processes (what the BPF filter holds), got "
                    + new HashSet<>(o.pids).size();
        }
        for (int pid : o.pids) {
            if (pid < 1 || pid > MAX_PID) {
                return "--pid: " + pid + " can never be a process id (1 to " + MAX_PID + ")";
            }
        }
        if (o.netns != null && (o.netns < MIN_NETNS || o.netns > MAX_NETNS)) {
            return "--netns: " + o.netns + " can never be a network namespace inode (" + MIN_NETNS + " to "
                    + MAX_NETNS + "; see ls -L -i /proc/PID/ns/net)";
        }
        if (o.comm != null && (o.comm.isEmpty() || o.comm.getBytes(StandardCharsets.UTF_8).length > 15)) {
            return "--comm: a process name has 1 to 15 bytes (what the kernel keeps), got '" + o.comm + "'";
        }
        if (o.ifname != null && (o.ifname.isEmpty() || o.ifname.getBytes(StandardCharsets.UTF_8).length > 15)) {
            return "--interface: an interface name has 1 to 15 bytes, got '" + o.ifname + "'";
        }
        if (o.ifname != null && !validInterfaceName(o.ifname)) {
            return "--interface: '" + o.ifname + "' can never name an interface (the kernel refuses '.', '..', "
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
        if (o.timestamp) {
            given.add("--timestamp");
        }
        if (!o.pids.isEmpty()) {
            given.add("--pid");
        }
        if (o.comm != null) {
            given.add("--comm");
        }
        if (o.ifname != null) {
            given.add("--interface");
        }
        if (o.netns != null) {
            given.add("--netns");
        }
        if (o.cgroup != null) {
            given.add("--cgroup");
        }
        if (o.ancestors != null) {
            given.add("--ancestors");
        }
        if (o.serviceColumn) {
            given.add("--service");
        }
        if (o.failedOnly) {
            given.add("--failed");
        }
        if (o.minLatencyMs != 0) {
            given.add("--min-latency");
        }
        if (o.summary) {
            given.add("--summary");
        }
        if (o.hist) {
            given.add("--hist");
        }
        if (o.waitsMs != null) {
            given.add("--waits");
        }
        if (o.noRtnl) {
            given.add("--no-rtnl");
        }
        if (o.durationSeconds != null) {
            given.add("--duration");
        }
        if (o.count != null) {
            given.add("--count");
        }
        if (!o.backend.equals("auto")) {
            given.add("--backend");
        }
        if (o.bufferPages != null) {
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
        if (o.ifname != null && !Files.exists(sysClassNet.resolve(o.ifname))) {
            warnings.add("interface " + escape(o.ifname) + " does not exist (yet) in this namespace; tracing anyway");
        }
        for (int pid : new java.util.TreeSet<>(o.pids)) {
            if (!Files.exists(proc.resolve(String.valueOf(pid)))) {
                warnings.add("no process " + pid + " is running (yet); tracing anyway");
            }
        }
        if (o.netns != null && !netnsExists(o.netns, proc)) {
            warnings.add("no process is in network namespace " + o.netns + " and /run/netns names none; "
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
        String name = o.backend.toUpperCase(java.util.Locale.ROOT);
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
            if (o.listCommands) {
                CommandList.print(out, o.json);
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
        int pages = o.bufferPages != null ? o.bufferPages : defaultBufferPages(Limits.possibleCpus());
        Cgroups cgroups = Cgroups.ofSystem();
        java.util.Set<Long> cgroupIds = null;
        if (o.cgroup != null) {
            cgroupIds = cgroups.subtree(o.cgroup);
            if (cgroupIds.isEmpty()) {
                System.err.println("ethtoolsnoop: --cgroup: no cgroup " + escape(o.cgroup)
                        + " in the cgroup v2 hierarchy (try 'ethtoolsnoop --help')");
                return USAGE;
            }
            if (cgroupIds.size() > MAX_CGROUPS) {
                System.err.println("ethtoolsnoop: --cgroup: " + escape(o.cgroup) + " has " + cgroupIds.size()
                        + " cgroups below it, more than the BPF filter holds (" + MAX_CGROUPS + ")");
                return USAGE;
            }
        }
        TraceConfig config = new TraceConfig(new HashSet<>(o.pids), o.comm, o.ifname, o.netns == null ? 0 : o.netns,
                o.failedOnly, (long) (o.minLatencyMs * 1e6), pages, o.verbose, !o.noRtnl,
                o.waitsMs == null ? 0 : Math.max(1, (long) (o.waitsMs * 1e6)), cgroupIds);
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
                            rtnl.unavailable(), o.waitsMs != null ? ", --waits prints nothing" : "");
                }
                RtnlWaits waits = o.waitsMs != null && rtnl.waits() ? new RtnlWaits(filtered()) : null;
                Tracer tracer = new Tracer(probes, enricher, userSpaceFilter(), sink(out, ownNetns, lost::get), lost,
                        outputGone, o.count == null ? 0 : o.count,
                        o.durationSeconds == null ? 0 : (long) (o.durationSeconds * TimeUnit.SECONDS.toNanos(1)), waits);
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
     * node_exporter scrape of 1,000 interfaces: 5,003 ioctls of 280 bytes
     * each in the ring, 1.34 MiB) must fit there even while the reader gets no
     * CPU: 1024 pages hold three. The buffers are per CPU and locked in the
     * kernel, so on many CPUs the total stays at 16 MiB (512 pages each on 8
     * CPUs, still one scrape), never under 64 pages (256 KiB) each.
     */
    static int defaultBufferPages(int cpus) {
        int pages = TraceConfig.DEFAULT_BUFFER_PAGES;
        while (pages > 64 && (long) pages * cpus > 4096) { // 4096 pages: 16 MiB
            pages /= 2;
        }
        return pages;
    }

    private Sink sink(PrintStream out, long ownNetns, java.util.function.LongSupplier lost) {
        if (!o.summary && !o.hist) {
            return o.json ? new JsonSink(out) : new TableSink(out, o.timestamp, ownNetns,
                    o.ancestors == null ? TableSink.DEFAULT_ANCESTORS : o.ancestors, o.serviceColumn);
        }
        List<Sink> sinks = new java.util.ArrayList<>();
        if (o.summary) {
            sinks.add(new SummarySink(out, o.json, lost));
        }
        if (o.hist) {
            sinks.add(new HistogramSink(out, o.json));
        }
        return sinks.size() == 1 ? sinks.get(0) : new Tee(sinks);
    }

    /** Whether any option selects operations (then --waits shows only waits on those). */
    private boolean filtered() {
        return !o.pids.isEmpty() || o.comm != null || o.ifname != null || o.netns != null || o.failedOnly || o.minLatencyMs > 0
                || o.cgroup != null;
    }

    /**
     * BPF already filtered; this re-checks what only user space can know (the
     * device a netlink message names, and its result, for the syscall backend).
     */
    private Predicate<Operation> userSpaceFilter() {
        byte[] want = o.ifname == null ? null : o.ifname.getBytes(StandardCharsets.UTF_8);
        // a netlink result arrives with its answer, after the probes' -x check
        boolean failed = o.failedOnly;
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
