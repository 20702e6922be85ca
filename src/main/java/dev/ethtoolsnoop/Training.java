// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.decode.EventDecoder;
import dev.ethtoolsnoop.decode.EventLayout;
import dev.ethtoolsnoop.enrich.Callers;
import dev.ethtoolsnoop.enrich.Cgroups;
import dev.ethtoolsnoop.enrich.DeviceNames;
import dev.ethtoolsnoop.enrich.Enricher;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.ProcessNames;
import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.Libc;
import dev.ethtoolsnoop.loader.Limits;
import dev.ethtoolsnoop.loader.Probes;
import dev.ethtoolsnoop.loader.TraceConfig;
import dev.ethtoolsnoop.sink.HistogramSink;
import dev.ethtoolsnoop.sink.JsonSink;
import dev.ethtoolsnoop.sink.PipeWatch;
import dev.ethtoolsnoop.sink.Sink;
import dev.ethtoolsnoop.sink.SummarySink;
import dev.ethtoolsnoop.sink.TableSink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run behind the AOT cache that `mvn package` builds: what a
 * start does, without root and without touching the kernel's BPF state
 * (option parsing, help, the command tables, the start up to the kernel's
 * BPF, decoding and every sink). Its output goes nowhere.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) {
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(devNull);
        System.setErr(devNull);
        Main.stdout = devNull;
        try {
            Main.run("--list-commands");
            Main.run("--list-commands", "--json");
            Main.run("--help");
            Main.run("--backend", "nosuch");
            QuickArgs.parse("-j", "-T", "-p", "1", "-c", "ethtool", "-i", "eth0", "--duration", "1", "--count", "1");
            rehearseStart();
            Enricher enricher = new Enricher(0, DeviceNames.none());
            for (Sink sink : List.of(new TableSink(devNull, true, 0), new JsonSink(devNull),
                    new SummarySink(devNull, false, () -> 0), new HistogramSink(devNull, true))) {
                for (int cmd : new int[] {0x3, 0x4b}) {
                    Operation op = enricher.enrich(new EventDecoder().decode(sample(cmd)));
                    sink.accept(op);
                }
                sink.finish();
                sink.flush();
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            Main.stdout = null;
        }
    }

    /**
     * A start as far as it goes without root: what trace() does before the
     * probes load (cgroups, this namespace, the device list), the loader's
     * rehearsal, and the classes tracing runs on once they have.
     */
    private static void rehearseStart() {
        Cgroups cgroups = Cgroups.ofSystem();
        new Main().warnings(Path.of("/sys/class/net"), Path.of("/proc"));
        Limits.possibleCpus();
        try (DeviceNames devices = DeviceNames.ofKernel(Main.ownNetns())) {
            // an event of this process, named as a traced caller is: its
            // /proc entries, cgroup and ancestors
            Enricher enricher = new Enricher(0, devices, new Callers(cgroups, ProcessNames.ofSystem()));
            int self = (int) ProcessHandle.current().pid();
            enricher.enrich(new EventDecoder().decode(sample(0x3, self, ownComm(), ownCgroup(cgroups))));
        }
        Probes.rehearse(TraceConfig.everything());
        PipeWatch.readerGone(1);
        for (String name : List.of("dev.ethtoolsnoop.Tracer", "dev.ethtoolsnoop.Tracer$1", "dev.ethtoolsnoop.Signals",
                "dev.ethtoolsnoop.loader.PerfBuffer", "dev.ethtoolsnoop.loader.EntrySkips",
                "dev.ethtoolsnoop.enrich.Answers", "dev.ethtoolsnoop.enrich.RtnlWait", "dev.ethtoolsnoop.loader.RtnlMutex",
                "dev.ethtoolsnoop.loader.Probes$RtnlSupport", "dev.ethtoolsnoop.loader.Probes$1",
                "dev.ethtoolsnoop.loader.Trampolines")) {
            load(name);
        }
        // The structs a load hands libbpf, and the reader's ring: their layouts
        // and var handles, made here, are kept with the JDK's lambdas behind
        // them. They need libbpf (the bindings load it): a build machine
        // without it trains without them.
        try {
            for (String name : List.of("dev.ethtoolsnoop.ffi.bpf_test_run_opts", "dev.ethtoolsnoop.ffi.perf_event_attr",
                    "dev.ethtoolsnoop.ffi.bpf_prog_load_opts", "dev.ethtoolsnoop.loader.PerfRing")) {
                Class.forName(name, true, Training.class.getClassLoader());
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("training names a class that is gone: " + e.getMessage(), e);
        } catch (LinkageError e) {
            // no libbpf on this machine: a start without these in the cache
        }
        // every binding, the ones only a load with root reaches too (each is
        // a class of its own: read from the jar and verified if not here)
        for (Class<?> binding : Libbpf.class.getDeclaredClasses()) {
            load(binding.getName());
        }
        for (Class<?> binding : Libc.class.getDeclaredClasses()) {
            load(binding.getName());
        }
    }

    private static void load(String name) {
        try {
            Class.forName(name, false, Training.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("training names a class that is gone: " + name, e);
        }
    }

    /** An ioctl event as the BPF side writes it. */
    private static MemorySegment sample(int cmd) {
        return sample(cmd, 1, "x", 0);
    }

    /** The id of this process's cgroup v2 (what a probe reads), 0 if none. */
    private static long ownCgroup(Cgroups cgroups) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    return cgroups.subtree(line.substring(3)).stream().findFirst().orElse(0L);
                }
            }
        } catch (IOException e) {
            // none: the sample has no cgroup
        }
        return 0;
    }

    /** This process's name as the kernel keeps it (what a probe reads). */
    private static String ownComm() {
        try {
            return Files.readString(Path.of("/proc/self/comm")).strip();
        } catch (IOException e) {
            return "java";
        }
    }

    /**
     * An ioctl event of process pid, with two ancestors and what RTNL cost
     * it, as the BPF side writes it.
     */
    private static MemorySegment sample(int cmd, int pid, String comm, long cgroupId) {
        ByteBuffer b = ByteBuffer.allocate(EventLayout.SIZE).order(ByteOrder.nativeOrder());
        b.putLong(EventLayout.LATENCY_NS, 12_345);
        b.putInt(EventLayout.TGID, pid);
        b.putInt(EventLayout.TID, pid);
        b.putLong(EventLayout.CGROUP_ID, cgroupId);
        b.putInt(EventLayout.ANCESTORS, pid);
        b.put(EventLayout.ANCESTORS + 4, (byte) 'x');
        b.putInt(EventLayout.ANCESTORS + EventLayout.ANCESTOR_SIZE, 1);
        b.put(EventLayout.ANCESTORS + EventLayout.ANCESTOR_SIZE + 4, (byte) 'y');
        b.put(EventLayout.RTNL_FLAGS, (byte) (EventLayout.RTNL_F_WAITS | EventLayout.RTNL_F_HOLD));
        b.putLong(EventLayout.RTNL_HOLD_NS, 2_000);
        b.putInt(EventLayout.RTNL_WAITERS, 1);
        b.putLong(EventLayout.RTNL_WAIT_NS, 1_000);
        b.putLong(EventLayout.RTNL_WAIT_MAX_NS, 1_000);
        b.putInt(EventLayout.CMD, cmd);
        b.putInt(EventLayout.SUB_CMD, 0xe);
        b.put(EventLayout.KIND, (byte) 1); // ioctl
        b.put(EventLayout.BACKEND, (byte) 3); // syscall
        b.put(EventLayout.FLAGS, (byte) (EventLayout.F_HAS_DEV | (cmd == 0x4b ? EventLayout.F_HAS_SUB_CMD : 0)));
        b.put(EventLayout.COMM, comm.getBytes(StandardCharsets.ISO_8859_1), 0,
                Math.min(comm.length(), EventLayout.COMM_LEN - 1));
        b.put(EventLayout.IFNAME, (byte) 'l').put(EventLayout.IFNAME + 1, (byte) 'o');
        return MemorySegment.ofArray(b.array());
    }
}
