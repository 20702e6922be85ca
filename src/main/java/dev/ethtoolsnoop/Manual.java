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
            new Field("PID:Process", "the calling process (for ethtool itself, with its parent: "
                    + "PID:ethtool(parent PPID:PCOMM))"),
            new Field("IOCTL_CMD/GENL_CMD", "the ioctl ETHTOOL_* or netlink ETHTOOL_MSG_* command; "
                    + "ETHTOOL_PERQUEUE/SUB for per-queue ioctls; UNKNOWN(0xN) for a value no kernel defines; "
                    + "? when the command could not be read"),
            new Field("LAT(ms)", "time in the kernel, entry to return"),
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
                    + " read within 1 s)"));

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
            "The tracer is a JVM of about 60 MiB resident. Operations beyond what the buffer and the reader can"
                    + " take are counted as lost (Lost N events on stderr), never dropped silently;"
                    + " --buffer-pages trades memory for bursts.");
}
