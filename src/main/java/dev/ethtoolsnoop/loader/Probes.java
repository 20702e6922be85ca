// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.bpf_test_run_opts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The BPF object loaded with one backend's programs and all of them attached.
 * Backends are tried cheapest first; the first that loads and attaches wins.
 */
public final class Probes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Probes.class);
    private static final String OBJECT = "/dev/ethtoolsnoop/ethtoolsnoop.bpf.o";
    private static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");
    private static final Path KPTR_RESTRICT = Path.of("/proc/sys/kernel/kptr_restrict");

    private final BpfObject obj;
    private final PerfBuffer buffer;
    private final Backend backend;
    /** The ".data.counters" map (struct counters) and buffers to read it. */
    private final int countersFd;
    private final MemorySegment zeroKey;
    private final MemorySegment counters;

    private final EntrySkips entrySkips;
    private final RtnlSupport rtnl;

    /**
     * What this tracer sees of RTNL.
     *
     * @param waits        waits for RTNL are traced (the operations' waiter figures)
     * @param hold         the backend sees RTNL taken and let go (the hold time)
     * @param how          how waits are seen, for the ready line
     * @param unavailable  why waits are not traced (null when they are, or --no-rtnl)
     */
    public record RtnlSupport(boolean waits, boolean hold, String how, String unavailable) {
    }

    private Probes(BpfObject obj, PerfBuffer buffer, Backend backend, EntrySkips entrySkips, RtnlSupport rtnl)
            throws LibbpfException {
        this.obj = obj;
        this.buffer = buffer;
        this.backend = backend;
        this.entrySkips = entrySkips;
        this.rtnl = rtnl;
        // Read through the map fd: libbpf before 1.4 leaves initial_value
        // pointing at the pre-load copy rather than the kernel's memory.
        this.countersFd = obj.mapFd(".data.counters");
        this.zeroKey = obj.arena().allocate(ValueLayout.JAVA_INT);
        this.counters = obj.arena().allocate(CountersLayout.SIZE, Long.BYTES);
    }

    public Backend backend() {
        return backend;
    }

    public int probeCount() {
        return obj.linkCount();
    }

    public RtnlSupport rtnl() {
        return rtnl;
    }

    /** RTNL waits (--waits) the probes could not hand over. */
    public long lostWaits() throws LibbpfException {
        obj.lookupElem(countersFd, zeroKey, counters);
        return counters.get(ValueLayout.JAVA_LONG, CountersLayout.WAITS_LOST);
    }

    /**
     * Operations lost so far: the probes could not hand them over (perf
     * buffer full, too many in flight, an exit probe that never ran), or the
     * kernel skipped the entry probe. Exact, unlike the perf buffer's lost
     * records.
     */
    public long lostEvents() throws LibbpfException {
        obj.lookupElem(countersFd, zeroKey, counters);
        return counters.get(ValueLayout.JAVA_LONG, CountersLayout.DROPPED) + entrySkips.count();
    }

    /**
     * Operations the probes saw begin and not finish. Once detached, none
     * will: they were still inside the kernel, or their exit probe never ran.
     */
    public long unfinishedEvents() throws LibbpfException {
        obj.lookupElem(countersFd, zeroKey, counters);
        return counters.get(ValueLayout.JAVA_LONG, CountersLayout.INFLIGHT);
    }

    /**
     * Setup parsed megabytes of kernel BTF (ours and libbpf's) that are
     * garbage once the probes are attached: gives the memory back before the
     * long run. Tracing does this after its ready line, not before: a full GC
     * and malloc_trim cost a cold start tens of milliseconds, and the buffer
     * holds what arrives meanwhile.
     */
    public static void releaseSetupMemory() {
        System.gc();
        Native.releaseFreeNativeMemory();
    }

    /** The perf buffers the probes write to, open since before they attached. */
    public PerfBuffer buffer() {
        return buffer;
    }

    /** Fails with the user-facing message when libbpf is missing or lacks a function bound to it, before any binds. */
    public static void requireLibbpf() throws SetupException {
        Native.requireLibbpf();
    }

    /** Loads and attaches the probes of the first backend that works; after {@link #requireLibbpf()}. */
    public static Probes attach(TraceConfig config, BackendChoice choice) throws SetupException {
        Native.unmapLargeBlocksWhenFreed(); // before the first of the BTF copies is made
        FutureTask<KernelFacts> kernel = readKernelBtf();
        LibbpfLog.install(config.verbose());
        if (!Files.exists(VMLINUX_BTF)) {
            throw new SetupException(SetupException.NO_BTF, "this kernel has no BTF (" + VMLINUX_BTF
                    + " is missing): ethtoolsnoop needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
        }
        Privileges.require();
        byte[] elf = readObject();
        List<String> reasons = new ArrayList<>();
        if (choice.candidates().contains(Backend.FENTRY)) {
            Trampolines.prepare(); // while the BTF is still being read
        }
        KernelFacts facts;
        try {
            facts = kernel.get();
        } catch (ExecutionException e) {
            throw new SetupException(SetupException.NO_BTF,
                    "cannot read kernel BTF " + VMLINUX_BTF + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException(SetupException.NO_BTF, "interrupted while reading kernel BTF " + VMLINUX_BTF);
        }
        FutureTask<RtnlMutex.Symbols> symbols = readKallsyms(config.rtnl() && !facts.kallsymsLookup());
        String exhausted = null;
        for (Backend backend : choice.candidates()) {
            try {
                return attach(elf, backend, facts, config, symbols);
            } catch (LibbpfException | SetupException e) {
                // Capabilities were checked above, so EPERM here is the kernel
                // refusing this program type (e.g. no BPF trampolines).
                String reason = backend.label() + ": " + e.getMessage();
                if (exhausted == null && e instanceof LibbpfException l && Limits.exhausted(l.errno()) != null) {
                    exhausted = Limits.exhausted(l.errno()) + ": " + reason; // not the kernel's doing
                }
                LOG.debug("backend {} unavailable: {}", backend.label(), e.getMessage());
                reasons.add(reason);
                LibbpfLog.drainWarnings().forEach(w -> LOG.debug("  {}", w));
            }
        }
        if (exhausted != null) {
            throw new SetupException(SetupException.RESOURCE, exhausted);
        }
        throw new SetupException(SetupException.NO_BACKEND,
                "cannot trace ethtool on this kernel: " + String.join("; ", reasons));
    }

    /**
     * The kernel's BTF, read on a thread of its own: it comes out of sysfs a
     * page per read(), over a thousand of them, beside libbpf's set-up rather
     * than before it. Where there is none it fails at once: nobody waits.
     */
    private static FutureTask<KernelFacts> readKernelBtf() {
        FutureTask<KernelFacts> kernel = new FutureTask<>(() -> KernelBtf.read(VMLINUX_BTF, KernelFacts::of));
        if (Files.exists(VMLINUX_BTF)) {
            Thread.ofPlatform().daemon().name("kernel-btf").start(kernel);
        } else {
            kernel.run(); // fails at once: whoever waits for it is told, never left waiting
        }
        return kernel;
    }

    /**
     * Where rtnl_lock and rtnl_mutex are, read from /proc/kallsyms on a thread
     * of its own when RTNL is traced and no BPF program can look them up.
     */
    private static FutureTask<RtnlMutex.Symbols> readKallsyms(boolean rtnl) {
        FutureTask<RtnlMutex.Symbols> symbols = new FutureTask<>(() -> RtnlMutex.kallsyms(KALLSYMS));
        if (rtnl) {
            Thread.ofPlatform().daemon().name("kallsyms").start(symbols);
        } else {
            symbols.cancel(false); // never read: get() throws rather than waits
        }
        return symbols;
    }

    /**
     * Walks the start-up path short of loading anything into the kernel, for
     * the AOT cache's training run (no root needed): the classes and method
     * handles it touches are then ready when a real start takes the same path.
     * Whatever this machine lacks (libbpf, BTF) is skipped, never reported.
     */
    public static void rehearse(TraceConfig config) {
        try {
            Native.requireLibbpf(); // before the reader: a machine without libbpf trains no further
            FutureTask<KernelFacts> kernel = readKernelBtf();
            LibbpfLog.install(false);
            boolean mayLoad = Privileges.sufficient();
            KernelFacts facts = kernel.get();
            FutureTask<RtnlMutex.Symbols> symbols = readKallsyms(config.rtnl() && !facts.kallsymsLookup());
            try {
                symbols.get();
            } catch (ExecutionException | CancellationException e) {
                LOG.debug("rehearsal: no kallsyms: {}", e.toString()); // what follows needs none
            }
            if (!mayLoad) {
                // refusal() loads a program into the kernel when it may: only
                // where it may not, so that training never touches the kernel
                facts.devEthtoolId().ifPresent(Trampolines::refusal);
            }
            BpfObject obj = BpfObject.open(readObject());
            try {
                configure(obj, ProbePlan.of(Backend.SYSCALL, facts), facts, config);
            } finally {
                obj.close();
            }
        } catch (SetupException | LibbpfException | ExecutionException | RuntimeException | LinkageError e) {
            LOG.debug("rehearsal stopped early: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] readObject() {
        try (InputStream in = Probes.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new IllegalStateException("BPF object " + OBJECT + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the running kernel offers, from its BTF. dev_ethtool() finds its device with
     * __dev_get_by_name() under RTNL, or on newer kernels with netdev_get_by_name() (a
     * tracked reference taken before RTNL); whichever the BTF has is probed, never a
     * version guess. netdevGetByName also requires the (net, name, tracker, gfp)
     * signature that fexit_netdev_get_by_name is written for.
     */
    record KernelFacts(OptionalInt devEthtoolParams, OptionalInt devEthtoolId, boolean parseHeader,
                       boolean devGetByName, boolean netdevGetByName, List<String> genlHandlers, Rtnl rtnl) {
        static KernelFacts of(KernelBtf btf) {
            return new KernelFacts(btf.paramCount("dev_ethtool"), btf.functionId("dev_ethtool"),
                    btf.hasFunction("ethnl_parse_header_dev_get"),
                    btf.hasFunction("__dev_get_by_name"),
                    btf.paramCount("netdev_get_by_name").orElse(0) == 4,
                    btf.genlDoitHandlers(),
                    new Rtnl(btf.hasTypedef("btf_trace_contention_begin") && btf.hasTypedef("btf_trace_contention_end"),
                            btf.hasFunction("rtnl_lock"), btf.hasFunction("rtnl_lock_killable"),
                            btf.hasFunction("__rtnl_unlock"), btf.hasFunction("__mutex_lock_slowpath"),
                            btf.hasFunction("__mutex_lock_killable_slowpath"),
                            btf.hasFunction("bpf_kallsyms_lookup_name")));
        }

        /**
         * What the kernel offers to see RTNL with: the lock contention
         * tracepoints (every tracepoint has a btf_trace_NAME typedef in BTF),
         * which of RTNL's lock and unlock functions exist to probe, and
         * whether a BPF program can look rtnl_mutex up (the
         * bpf_kallsyms_lookup_name() helper, v5.16).
         */
        record Rtnl(boolean contentionTracepoints, boolean lock, boolean lockKillable, boolean unlock,
                    boolean mutexSlowpath, boolean mutexKillableSlowpath, boolean kallsymsLookup) {
        }

        boolean mutexSlowpath() {
            return rtnl.mutexSlowpath();
        }

        boolean mutexKillableSlowpath() {
            return rtnl.mutexKillableSlowpath();
        }

        boolean contentionTracepoints() {
            return rtnl.contentionTracepoints();
        }

        boolean rtnlLock() {
            return rtnl.lock();
        }

        boolean rtnlLockKillable() {
            return rtnl.lockKillable();
        }

        boolean rtnlUnlock() {
            return rtnl.unlock();
        }

        boolean kallsymsLookup() {
            return rtnl.kallsymsLookup();
        }

        /**
         * dev_ethtool() takes useraddr as its third argument (commit a554bf96b49d,
         * "dev_ioctl: pass SIOCDEVPRIVATE data separately", v5.15; assumed when unknown).
         */
        boolean devEthtoolTakesUseraddr() {
            return devEthtoolParams.orElse(3) >= 3;
        }

        /** The fentry/fexit pair written for this kernel's dev_ethtool() signature. */
        String devEthtoolTraceSuffix() {
            return devEthtoolTakesUseraddr() ? "" : "_2args";
        }
    }

    /** Everything before load: which programs load, and the read-only config they see. */
    private static void configure(BpfObject obj, ProbePlan plan, KernelFacts facts, TraceConfig config)
            throws LibbpfException {
        Backend backend = plan.backend();
        for (ProbePlan.Probe p : plan.probes()) {
            if (p.retarget()) {
                obj.setAttachTarget(p.program(), p.target());
            }
        }
        Set<String> enabled = plan.programs();
        for (String prog : obj.programNames()) {
            obj.setAutoload(prog, enabled.contains(prog));
        }
        int family = 0;
        if (backend == Backend.SYSCALL) {
            family = GenlFamily.resolve("ethtool").orElse(0);
            if (family == 0) {
                LOG.warn("kernel has no ethtool netlink family: tracing ioctls only");
            }
        }
        ConfigLayout.write(obj.initialValue(".rodata.config"), config, family, facts.devEthtoolTakesUseraddr(),
                plan.rtnlMode());
    }

    private static Probes attach(byte[] elf, Backend backend, KernelFacts facts, TraceConfig config,
                                 FutureTask<RtnlMutex.Symbols> symbols)
            throws LibbpfException, SetupException {
        precheck(backend, facts);
        ProbePlan plan = ProbePlan.of(backend, facts, config.rtnl());
        BpfObject obj = BpfObject.open(elf);
        PerfBuffer buffer = null;
        try {
            configure(obj, plan, facts, config);
            try {
                obj.load();
            } catch (LibbpfException e) {
                if (!plan.rtnlLookup()) {
                    throw e;
                }
                // the symbol-lookup program is a convenience: a kernel that
                // refuses it (one program fails the whole load) still traces
                LOG.debug("{}: loading again without {}: {}", backend.label(), ProbePlan.FIND_RTNL, e.getMessage());
                obj.close();
                obj = null; // closed: not again if the next open fails
                obj = BpfObject.open(elf);
                plan = plan.withoutLookup();
                configure(obj, plan, facts, config);
                obj.load();
            }
            String rtnlMissing = null;
            if (plan.rtnlMode() != ConfigLayout.RTNL_OFF) {
                rtnlMissing = locateRtnl(obj, plan, symbols);
                if (rtnlMissing != null) {
                    plan = plan.withoutRtnl();
                }
            } else if (config.rtnl()) {
                rtnlMissing = "this kernel has no lock:contention_begin/end tracepoints (v5.19+), and the "
                        + backend.label() + " backend cannot probe the mutex slow path instead";
            }
            if (!config.pids().isEmpty()) {
                for (int pid : config.pids()) {
                    MemorySegment key = obj.arena().allocateFrom(ValueLayout.JAVA_INT, pid);
                    MemorySegment one = obj.arena().allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1);
                    obj.updateElem("pid_filter", key, one);
                }
            }
            if (config.cgroupIds() != null) {
                MemorySegment one = obj.arena().allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1);
                for (long id : config.cgroupIds()) {
                    obj.updateElem("cgroup_filter", obj.arena().allocateFrom(ValueLayout.JAVA_LONG, id), one);
                }
            }
            // before attaching: with no buffer yet the kernel drops what the
            // probes emit, and a busy host would start with lost events
            buffer = new PerfBuffer(obj.mapFd("events"), config.bufferPages());
            attachAll(obj, plan);
            List<Integer> entryFds = new ArrayList<>();
            for (String prog : plan.beginPrograms()) {
                entryFds.add(obj.programFd(prog));
            }
            RtnlSupport rtnl = new RtnlSupport(plan.rtnlMode() != ConfigLayout.RTNL_OFF, plan.seesRtnlHold(),
                    plan.rtnlMode() == ConfigLayout.RTNL_CONTENTION ? "lock contention tracepoints"
                            : plan.rtnlMode() == ConfigLayout.RTNL_LOCK_PROBES ? "mutex slow-path probes" : "off",
                    rtnlMissing);
            return new Probes(obj, buffer, backend, new EntrySkips(entryFds), rtnl);
        } catch (LibbpfException | RuntimeException e) {
            if (buffer != null) {
                buffer.close();
            }
            if (obj != null) {
                obj.close();
            }
            throw e;
        }
    }

    /**
     * rtnl_mutex and rtnl_lock as the kernel's own symbol lookup finds them,
     * through the never-attached find_rtnl program.
     */
    private static RtnlMutex.Symbols lookUpRtnl(BpfObject obj) throws LibbpfException {
        // struct rtnl_syms: mutex, lock, hidden (then padding)
        MemorySegment syms = runOnce(obj, ProbePlan.FIND_RTNL, null, ".data.syms", 3 * Long.BYTES);
        return new RtnlMutex.Symbols(syms.get(ValueLayout.JAVA_LONG, 0), syms.get(ValueLayout.JAVA_LONG, Long.BYTES),
                syms.get(ValueLayout.JAVA_INT, 2 * Long.BYTES) != 0);
    }

    /**
     * Tells the loaded probes where rtnl_mutex is; null when done, else why
     * not. The plan says where to look: the kernel's own lookup, or the
     * /proc/kallsyms reader.
     */
    private static String locateRtnl(BpfObject obj, ProbePlan plan, FutureTask<RtnlMutex.Symbols> kallsyms)
            throws LibbpfException {
        RtnlMutex.Symbols syms = null;
        String table = "the kernel's symbol table";
        if (plan.rtnlLookup()) {
            try {
                syms = lookUpRtnl(obj);
            } catch (LibbpfException e) {
                LOG.debug("{} failed, reading {} instead: {}", ProbePlan.FIND_RTNL, KALLSYMS, e.getMessage());
            }
        }
        if (syms == null) {
            table = KALLSYMS.toString();
            try {
                // not started where the kernel's lookup was to do: read now
                syms = kallsyms.isCancelled() ? RtnlMutex.kallsyms(KALLSYMS) : kallsyms.get();
            } catch (ExecutionException e) {
                return "cannot read " + KALLSYMS + ": " + e.getCause().getMessage();
            } catch (IOException e) {
                return "cannot read " + KALLSYMS + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while reading " + KALLSYMS;
            }
        }
        long mutex = syms.mutex();
        if (mutex == 0 && syms.lockFunction() != 0) {
            mutex = RtnlMutex.fromCode(peek(obj, syms.lockFunction()), syms.lockFunction());
        }
        if (!RtnlMutex.plausible(mutex)) {
            return syms.lockFunction() == 0
                    ? RtnlMutex.notFound(syms, table, KPTR_RESTRICT)
                    : "rtnl_mutex is not in " + table + " (CONFIG_KALLSYMS_ALL is off) and rtnl_lock()'s code"
                            + " does not show it";
        }
        MemorySegment key = obj.arena().allocateFrom(ValueLayout.JAVA_INT, 0);
        MemorySegment value = obj.arena().allocateFrom(ValueLayout.JAVA_LONG, mutex);
        obj.updateElem(".data.rtnl", key, value);
        LOG.debug("rtnl_mutex at {} (from {})", Long.toHexString(mutex), table);
        return null;
    }

    /** The first bytes of kernel memory at address, read by the never-attached peek program. */
    private static byte[] peek(BpfObject obj, long address) throws LibbpfException {
        MemorySegment args = obj.arena().allocateFrom(ValueLayout.JAVA_LONG, address);
        return runOnce(obj, ProbePlan.PEEK, args, ".data.peek", 32).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Runs a never-attached program once (BPF_PROG_TEST_RUN) on ctx (none if
     * null) and returns what it left in its global data section.
     */
    private static MemorySegment runOnce(BpfObject obj, String program, MemorySegment ctx, String data, long size)
            throws LibbpfException {
        Arena a = obj.arena();
        MemorySegment opts = bpf_test_run_opts.allocate(a);
        bpf_test_run_opts.sz(opts, bpf_test_run_opts.sizeof());
        if (ctx != null) {
            bpf_test_run_opts.ctx_in(opts, ctx);
            bpf_test_run_opts.ctx_size_in(opts, (int) ctx.byteSize());
        }
        Native.check(Libbpf.bpf_prog_test_run_opts(obj.programFd(program), opts), "run " + program);
        MemorySegment key = a.allocateFrom(ValueLayout.JAVA_INT, 0);
        MemorySegment value = a.allocate(size, Long.BYTES);
        obj.lookupElem(obj.mapFd(data), key, value);
        return value;
    }

    /**
     * Rules a backend out before the object is opened: a failed full load costs
     * libbpf another parse of the kernel's BTF and a load of every program.
     */
    private static void precheck(Backend backend, KernelFacts facts) throws SetupException {
        switch (backend) {
            case FENTRY -> {
                requireDevEthtool(facts);
                String refused = Trampolines.refusal(facts.devEthtoolId().orElseThrow());
                if (refused != null) {
                    throw new SetupException(SetupException.NO_BACKEND,
                            "kernel refuses fentry programs (BPF trampolines): loading a minimal one at dev_ethtool gave "
                                    + refused);
                }
            }
            case KPROBE -> {
                requireDevEthtool(facts);
                if (!Files.isDirectory(KPROBE_PMU)) {
                    throw new SetupException(SetupException.NO_BACKEND,
                            "kernel has no kprobe support (CONFIG_KPROBES is off)");
                }
            }
            case SYSCALL -> {
            }
        }
    }

    private static void requireDevEthtool(KernelFacts facts) throws SetupException {
        if (facts.devEthtoolParams().isEmpty()) {
            throw new SetupException(SetupException.NO_BACKEND, "kernel BTF has no function dev_ethtool");
        }
    }

    private static void attachAll(BpfObject obj, ProbePlan plan) throws LibbpfException {
        for (ProbePlan.Probe p : plan.attachOrder()) {
            switch (p.attach()) {
                case TRACE -> obj.attachTrace(p.program(), p.target());
                case KPROBE -> obj.attachKprobe(p.program(), false, p.target());
                case KRETPROBE -> obj.attachKprobe(p.program(), true, p.target());
                case RAW_TRACEPOINT -> obj.attachRawTracepoint(p.program(), p.target());
            }
        }
    }

    /**
     * Stops the probes; the perf buffer and the drop count stay readable, so
     * what they emitted before this can still be drained and counted.
     */
    public void detach() {
        obj.detach();
        entrySkips.freeze();
    }

    @Override
    public void close() {
        buffer.close();
        obj.close();
    }
}
