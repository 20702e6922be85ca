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
import dev.ethtoolsnoop.loader.Probes;
import dev.ethtoolsnoop.loader.TraceConfig;
import dev.ethtoolsnoop.sink.HistogramSink;
import dev.ethtoolsnoop.sink.JsonSink;
import dev.ethtoolsnoop.sink.PipeWatch;
import dev.ethtoolsnoop.sink.Sink;
import dev.ethtoolsnoop.sink.SummarySink;
import dev.ethtoolsnoop.sink.TableSink;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
        try (DeviceNames devices = DeviceNames.ofKernel(Main.ownNetns())) {
            new Enricher(0, devices, new Callers(cgroups, ProcessNames.ofSystem()));
        }
        Probes.rehearse(TraceConfig.everything());
        PipeWatch.readerGone(1);
        for (String name : List.of("dev.ethtoolsnoop.Tracer", "dev.ethtoolsnoop.Signals",
                "dev.ethtoolsnoop.loader.PerfBuffer", "dev.ethtoolsnoop.loader.PerfRing",
                "dev.ethtoolsnoop.loader.EntrySkips", "dev.ethtoolsnoop.enrich.Answers")) {
            try {
                Class.forName(name, false, Training.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("training names a class that is gone: " + name, e);
            }
        }
    }

    /** An ioctl event as the BPF side writes it. */
    private static MemorySegment sample(int cmd) {
        ByteBuffer b = ByteBuffer.allocate(EventLayout.SIZE).order(ByteOrder.nativeOrder());
        b.putLong(EventLayout.LATENCY_NS, 12_345);
        b.putInt(EventLayout.TGID, 1);
        b.putInt(EventLayout.TID, 1);
        b.putInt(EventLayout.CMD, cmd);
        b.putInt(EventLayout.SUB_CMD, 0xe);
        b.put(EventLayout.KIND, (byte) 1); // ioctl
        b.put(EventLayout.BACKEND, (byte) 3); // syscall
        b.put(EventLayout.FLAGS, (byte) (EventLayout.F_HAS_DEV | (cmd == 0x4b ? EventLayout.F_HAS_SUB_CMD : 0)));
        b.put(EventLayout.COMM, (byte) 'x');
        b.put(EventLayout.IFNAME, (byte) 'l').put(EventLayout.IFNAME + 1, (byte) 'o');
        return MemorySegment.ofArray(b.array());
    }
}
