// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import java.util.List;

/**
 * What the man page says beyond --help's model (options, examples, exit
 * codes come from the picocli annotations on {@link Main}): the output's
 * fields, the backends and the overhead. ManPageTest checks the JSON fields
 * here against what JsonSink writes, so the two cannot drift apart.
 */
public final class Manual {
    private Manual() {
    }

    /** A field of the output, and what it means. */
    public record Field(String name, String meaning) {
    }

    public static final List<Field> COLUMNS = List.of(
            new Field("TIME", "with -T: wall-clock time of entry, HH:MM:SS.mmm"),
            new Field("Interface", "the device; with @netns:INODE when it is in another network namespace than the"
                    + " tracer's; - when the operation names none"),
            new Field("PID:Process", "the calling process and its ancestors, PID:NAME<PARENT<GRANDPARENT(PID of the"
                    + " last) (--ancestors sets how many); NAME is the executable's when the kernel's 15-byte name"
                    + " is cut short of it"),
            new Field("SERVICE", "with --service: the caller's systemd unit, container or pod, else its cgroup"),
            new Field("IOCTL_CMD/GENL_CMD", "the ioctl ETHTOOL_* or netlink ETHTOOL_MSG_* command; "
                    + "ETHTOOL_PERQUEUE/SUB for per-queue ioctls; UNKNOWN(0xN) for a value no kernel defines; "
                    + "? when the command could not be read"),
            new Field("LAT(ms)", "time in the kernel, entry to return"),
            new Field("BLOCKED(ms)", "what holding RTNL cost other tasks: their waits for RTNL inside this"
                    + " operation's hold, summed, then /N, how many waited (1496.3/3); 0 when nobody waited;"
                    + " - when RTNL waits are not traced"),
            new Field("RET", "the result, 0 or -errno; ? when unknown"),
            new Field("ethtool args", "the ethtool options that send this command"));

    /** JSON fields, in the order JsonSink writes them. */
    public static final List<Field> JSON_FIELDS = List.of(
            new Field("ts_ns", "wall-clock time of entry, ns since the epoch"),
            new Field("backend", "fentry, kprobe or syscall"),
            new Field("kind", "ioctl or genl"),
            new Field("ifname", "device name; empty when unknown or when the operation names none"),
            new Field("ifindex", "device index; 0 when unknown"),
            new Field("netns", "inode of the device's network namespace"),
            new Field("pid", "process (tgid)"),
            new Field("tid", "thread"),
            new Field("comm", "process name (the kernel's, 15 bytes at most)"),
            new Field("ppid", "parent process, read in the kernel at the time of the call"),
            new Field("pcomm", "parent's name"),
            new Field("cmd", "ioctl ETHTOOL_* or netlink ETHTOOL_MSG_* number; null when it could not be read"),
            new Field("cmd_name", "its name; \"?\" when it could not be read"),
            new Field("sub_cmd", "ETHTOOL_PERQUEUE's sub-command, else null"),
            new Field("sub_cmd_name", "its name, else null"),
            new Field("args", "the ethtool options that send this command, e.g. [\"-i|--driver\"]"),
            new Field("latency_ns", "time in the kernel, entry to return"),
            new Field("ret", "the result: 0 or -errno; null when unknown (a netlink answer its caller did not"
                    + " read within 1 s)"),
            new Field("rtnl_hold_ns", "how long the operation held RTNL; null on the syscall backend, which"
                    + " cannot see RTNL taken and let go, and where RTNL waits are not traced"),
            new Field("rtnl_waiters", "how many other tasks waited for RTNL while the operation held it;"
                    + " null where RTNL waits are not traced"),
            new Field("rtnl_wait_ns", "their waits summed, each only the part inside the hold"),
            new Field("rtnl_wait_max_ns", "the longest of those"),
            new Field("rtnl_longest_waiter", "{\"pid\", \"comm\"} of the task that waited longest; null when"
                    + " nobody waited"),
            new Field("ancestors", "the caller's parent, its parent, ... (up to 4), [{\"pid\", \"comm\"}], read in"
                    + " the kernel at the call, so they survive short-lived processes"),
            new Field("exe", "the executable's name (beyond comm's 15 bytes); null when the process was gone before"
                    + " the tracer read the event"),
            new Field("cmdline", "its command line, up to 256 bytes; null when gone"),
            new Field("cgroup_id", "the caller's cgroup v2 id (the inode of its cgroup directory)"),
            new Field("cgroup", "that cgroup's path in the cgroup v2 hierarchy; null when not found"),
            new Field("service", "what an operator calls it: a systemd unit (node_exporter.service), a container"
                    + " (docker:ID, containerd:ID, crio:ID), a Kubernetes pod (pod:UID), else the cgroup's path;"
                    + " null when nothing tells"));

    /** --waits: one object per long wait for RTNL, in the order JsonSink writes them. */
    public static final List<Field> WAIT_FIELDS = List.of(
            new Field("type", "\"rtnl_wait\""),
            new Field("ts_ns", "wall-clock time the wait began"),
            new Field("pid", "the waiting process"),
            new Field("tid", "its thread"),
            new Field("comm", "its name"),
            new Field("wait_ns", "how long it waited"),
            new Field("ret", "0: it got RTNL; -EINTR: a killable wait gave up"),
            new Field("holder", "who held RTNL when the wait began: {\"pid\", \"tid\", \"comm\","
                    + " \"ethtool\"}, where ethtool is the operation the holder was inside ({\"kind\","
                    + " \"cmd_name\", \"ifname\", \"ts_ns\"}) or null when it was not ethtool; holder is"
                    + " null when RTNL's owner could not be read"));

    /** What the tool sees of RTNL, per kernel and backend. */
    public static final List<String> RTNL = List.of(
            "Every ethtool operation that takes RTNL (the kernel's rtnl_mutex) makes everything else that"
                    + " needs it wait: ip, NetworkManager, CNI plugins, the kernel's own workers. Each"
                    + " operation reports how many tasks waited for RTNL while it held it and for how long"
                    + " (BLOCKED, rtnl_*), and --waits prints each long wait with who held RTNL.",
            "Waits are seen through the lock:contention_begin/end tracepoints (Linux 5.19 and later, every"
                    + " backend), or on older kernels through probes on mutex_lock()'s slow path (fentry and"
                    + " kprobe backends only). The hold time needs the fentry or kprobe backend (probes on"
                    + " rtnl_lock() and __rtnl_unlock()); the syscall backend counts the waits that began while"
                    + " the operation held RTNL and ends the hold where a waiter took RTNL over.",
            "Where neither is possible (the syscall backend before 5.19) the tracer says so once on stderr and"
                    + " the RTNL fields are null, never 0. rtnl_mutex's address comes from the kernel's symbol"
                    + " lookup (5.16+) or /proc/kallsyms, or, without CONFIG_KALLSYMS_ALL, from the code of"
                    + " rtnl_lock().");


    public static final List<String> BACKENDS = List.of(
            "fentry: BPF trampolines on dev_ethtool() and every ethtool netlink handler (found in the"
                    + " kernel's BTF); the handler's return is ret.",
            "kprobe: the same functions with kprobes and kretprobes.",
            "syscall: the raw sys_enter/sys_exit tracepoints, for kernels with neither: SIOCETHTOOL ioctls,"
                    + " and ethtool netlink requests with the kernel's answers as their callers read them."
                    + " The device's other half (index or name) comes from the caller's network namespace as it"
                    + " was at the call, or stays unknown.",
            "auto (the default) takes the first that works, in this order.");

    public static final List<String> OVERHEAD = List.of(
            "A traced operation costs a few microseconds more in the kernel; operations the filters drop never"
                    + " leave it. With the syscall backend every system call also passes one compare in a"
                    + " tracepoint program (the kernel's syscall-tracing path, which any such tracer pays).",
            "The tracer is a JVM of about 65 MiB resident. Operations beyond what the buffer and the reader can"
                    + " take are counted as lost (Lost N events on stderr), never dropped silently;"
                    + " --buffer-pages trades memory for bursts.");
}
