// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import picocli.CommandLine.Option;

import java.util.List;

/**
 * ethtoolsnoop's command-line options: what picocli fills (a mixin of Main's
 * command) and QuickArgs fills without it, the same way (QuickArgsTest holds
 * both to that). Defaults are the fields' initial values, written once:
 * picocli shows them as ${DEFAULT-VALUE}, QuickArgs starts from them.
 */
final class Options {
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

    @Option(names = "--backend", paramLabel = "NAME", completionCandidates = Backends.class,
            description = "${COMPLETION-CANDIDATES}: the probes to use (default: auto, the first that works).")
    String backend = "auto";

    @Option(names = "--buffer-pages", paramLabel = "N",
            description = "Perf buffer pages per CPU, a power of two (default: 1024, 4 MiB per CPU, on up to"
                    + " 4 CPUs; on more, 16 MiB in all and at least 64 pages each).")
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
}
