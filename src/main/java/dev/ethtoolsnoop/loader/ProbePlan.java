// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.decode.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one backend attaches on this kernel, as data: each BPF program, where
 * it goes and what it does for an operation. Enabling, retargeting, attaching,
 * entry-skip counting and the program-name check against the BPF object
 * (ProbePlanTest) all read this one list.
 *
 * @param probes   one attachment each; a kprobe program attached to many
 *                 functions appears once per function
 * @param rtnlMode how RTNL waits are seen (ConfigLayout.RTNL_*)
 * @param rtnlLookup rtnl_mutex is found by the kernel's symbol lookup
 *                   ({@link #FIND_RTNL}), not by reading /proc/kallsyms
 */
record ProbePlan(Backend backend, List<Probe> probes, int rtnlMode, boolean rtnlLookup) {
    private static final Logger LOG = LoggerFactory.getLogger(ProbePlan.class);
    /** fentry_genl_doit_N / fexit_genl_doit_N programs in the object. */
    static final int GENL_SLOTS = 32;

    /** How a program attaches. */
    enum Attach {
        /** fentry/fexit: a BPF trampoline, verified against its target at load */
        TRACE,
        KPROBE,
        KRETPROBE,
        RAW_TRACEPOINT
    }

    /** What a program does for an operation; also the attach order. */
    enum Role {
        /** ends an operation: attached first, so none starts without a way out */
        END,
        /** sees RTNL taken, let go and waited for */
        RTNL,
        /** adds a fact (the device) while an operation runs */
        HELPER,
        /** starts an operation: a skip by the kernel loses it, so it is counted */
        BEGIN
    }

    /**
     * @param retarget a trampoline slot program aimed at its target before
     *                 load (one copy per netlink handler)
     */
    record Probe(String program, Attach attach, String target, Role role, boolean retarget) {
    }

    /** The program user space runs once to read rtnl_lock()'s code (never attached). */
    static final String PEEK = "peek_kernel";
    /** The program user space runs once to look rtnl_mutex and rtnl_lock up (never attached; v5.16+). */
    static final String FIND_RTNL = "find_rtnl";

    static ProbePlan of(Backend backend, Probes.KernelFacts facts) {
        return of(backend, facts, true);
    }

    /** @param rtnl trace RTNL holds and waits where this kernel and backend allow */
    static ProbePlan of(Backend backend, Probes.KernelFacts facts, boolean rtnl) {
        List<Probe> p = new ArrayList<>();
        int mode = rtnl ? rtnlMode(backend, facts) : ConfigLayout.RTNL_OFF;
        rtnl(p, backend, facts, mode);
        switch (backend) {
            case FENTRY -> {
                String suffix = facts.devEthtoolTraceSuffix();
                trace(p, "fentry_dev_ethtool" + suffix, "fexit_dev_ethtool" + suffix, "dev_ethtool", false);
                helpers(p, facts, Attach.TRACE, "fexit_");
                if (facts.parseHeader()) {
                    p.add(new Probe("fexit_parse_header", Attach.TRACE, "ethnl_parse_header_dev_get", Role.HELPER,
                            false));
                }
                List<String> handlers = facts.genlHandlers();
                if (handlers.size() > GENL_SLOTS) {
                    LOG.warn("{} ethtool netlink handlers but {} fentry slots: not traced: {}",
                            handlers.size(), GENL_SLOTS, handlers.subList(GENL_SLOTS, handlers.size()));
                }
                for (int i = 0; i < Math.min(GENL_SLOTS, handlers.size()); i++) {
                    trace(p, "fentry_genl_doit_" + i, "fexit_genl_doit_" + i, handlers.get(i), true);
                }
            }
            case KPROBE -> {
                p.add(new Probe("kprobe_dev_ethtool", Attach.KPROBE, "dev_ethtool", Role.BEGIN, false));
                p.add(new Probe("kretprobe_dev_ethtool", Attach.KRETPROBE, "dev_ethtool", Role.END, false));
                helpers(p, facts, Attach.KRETPROBE, "kretprobe_");
                if (facts.parseHeader()) {
                    p.add(new Probe("kretprobe_parse_header", Attach.KRETPROBE, "ethnl_parse_header_dev_get",
                            Role.HELPER, false));
                    p.add(new Probe("kprobe_parse_header", Attach.KPROBE, "ethnl_parse_header_dev_get", Role.HELPER,
                            false));
                }
                for (String handler : facts.genlHandlers()) {
                    p.add(new Probe("kprobe_genl_doit", Attach.KPROBE, handler, Role.BEGIN, false));
                    p.add(new Probe("kretprobe_genl_doit", Attach.KRETPROBE, handler, Role.END, false));
                }
            }
            case SYSCALL -> {
                p.add(new Probe("raw_sys_enter", Attach.RAW_TRACEPOINT, "sys_enter", Role.BEGIN, false));
                p.add(new Probe("raw_sys_exit", Attach.RAW_TRACEPOINT, "sys_exit", Role.END, false));
            }
        }
        return new ProbePlan(backend, List.copyOf(p), mode, mode != ConfigLayout.RTNL_OFF && facts.kallsymsLookup());
    }

    /**
     * Waits are seen through lock:contention_begin/end where the kernel has
     * them (v5.19, commits 16edd9b511a1 and ee042be16cb4): only contended
     * acquisitions pay. Before that, probes on mutex_lock()'s slow path (also
     * paid only when a mutex is taken), which the syscall backend cannot
     * place.
     */
    static int rtnlMode(Backend backend, Probes.KernelFacts facts) {
        if (facts.contentionTracepoints()) {
            return ConfigLayout.RTNL_CONTENTION;
        }
        if (backend != Backend.SYSCALL && facts.mutexSlowpath()) {
            return ConfigLayout.RTNL_LOCK_PROBES;
        }
        return ConfigLayout.RTNL_OFF;
    }

    /**
     * RTNL probes: waits (tracepoints, or mutex slow paths), and on the
     * kernel backends where an operation takes RTNL (rtnl_lock*() return) and
     * lets it go (__rtnl_unlock(), which every rtnl_unlock() ends in).
     */
    private static void rtnl(List<Probe> p, Backend backend, Probes.KernelFacts facts, int mode) {
        if (mode == ConfigLayout.RTNL_OFF) {
            return;
        }
        if (mode == ConfigLayout.RTNL_CONTENTION) {
            p.add(new Probe("raw_contention_end", Attach.RAW_TRACEPOINT, "contention_end", Role.RTNL, false));
            p.add(new Probe("raw_contention_begin", Attach.RAW_TRACEPOINT, "contention_begin", Role.RTNL, false));
        }
        boolean slowPaths = mode == ConfigLayout.RTNL_LOCK_PROBES;
        switch (backend) {
            case FENTRY -> {
                if (slowPaths) {
                    p.add(new Probe("fexit_mutex_slowpath", Attach.TRACE, "__mutex_lock_slowpath", Role.RTNL, false));
                    p.add(new Probe("fentry_mutex_slowpath", Attach.TRACE, "__mutex_lock_slowpath", Role.RTNL,
                            false));
                    if (facts.mutexKillableSlowpath()) {
                        p.add(new Probe("fexit_mutex_killable_slowpath", Attach.TRACE,
                                "__mutex_lock_killable_slowpath", Role.RTNL, false));
                        p.add(new Probe("fentry_mutex_killable_slowpath", Attach.TRACE,
                                "__mutex_lock_killable_slowpath", Role.RTNL, false));
                    }
                }
                if (facts.rtnlLock()) {
                    p.add(new Probe("fexit_rtnl_lock", Attach.TRACE, "rtnl_lock", Role.RTNL, false));
                }
                if (facts.rtnlLockKillable()) {
                    p.add(new Probe("fexit_rtnl_lock_killable", Attach.TRACE, "rtnl_lock_killable", Role.RTNL, false));
                }
                if (facts.rtnlUnlock()) {
                    p.add(new Probe("fentry_rtnl_unlock", Attach.TRACE, "__rtnl_unlock", Role.RTNL, false));
                }
            }
            case KPROBE -> {
                if (slowPaths) {
                    p.add(new Probe("kretprobe_mutex_slowpath", Attach.KRETPROBE, "__mutex_lock_slowpath", Role.RTNL,
                            false));
                    p.add(new Probe("kprobe_mutex_slowpath", Attach.KPROBE, "__mutex_lock_slowpath", Role.RTNL,
                            false));
                    if (facts.mutexKillableSlowpath()) {
                        p.add(new Probe("kretprobe_mutex_killable_slowpath", Attach.KRETPROBE,
                                "__mutex_lock_killable_slowpath", Role.RTNL, false));
                        p.add(new Probe("kprobe_mutex_slowpath", Attach.KPROBE, "__mutex_lock_killable_slowpath",
                                Role.RTNL, false));
                    }
                }
                if (facts.rtnlLock()) {
                    p.add(new Probe("kretprobe_rtnl_lock", Attach.KRETPROBE, "rtnl_lock", Role.RTNL, false));
                }
                if (facts.rtnlLockKillable()) {
                    p.add(new Probe("kretprobe_rtnl_lock_killable", Attach.KRETPROBE, "rtnl_lock_killable",
                            Role.RTNL, false));
                }
                if (facts.rtnlUnlock()) {
                    p.add(new Probe("kprobe_rtnl_unlock", Attach.KPROBE, "__rtnl_unlock", Role.RTNL, false));
                }
            }
            case SYSCALL -> {
            }
        }
    }

    /** Whether a backend sees RTNL taken and let go (the hold time), and not only the waits. */
    boolean seesRtnlHold() {
        return rtnlMode != ConfigLayout.RTNL_OFF && backend != Backend.SYSCALL;
    }

    private static void trace(List<Probe> p, String entry, String exit, String target, boolean retarget) {
        p.add(new Probe(entry, Attach.TRACE, target, Role.BEGIN, retarget));
        p.add(new Probe(exit, Attach.TRACE, target, Role.END, retarget));
    }

    /** The device lookups dev_ethtool() makes, whichever this kernel has. */
    private static void helpers(List<Probe> p, Probes.KernelFacts facts, Attach attach, String prefix) {
        if (facts.devGetByName()) {
            p.add(new Probe(prefix + "dev_get_by_name", attach, "__dev_get_by_name", Role.HELPER, false));
        }
        if (facts.netdevGetByName()) {
            p.add(new Probe(prefix + "netdev_get_by_name", attach, "netdev_get_by_name", Role.HELPER, false));
        }
    }

    /** The programs to load; everything else in the object stays unloaded. */
    Set<String> programs() {
        Set<String> names = new LinkedHashSet<>();
        probes.forEach(pr -> names.add(pr.program()));
        if (rtnlMode != ConfigLayout.RTNL_OFF) {
            names.add(PEEK); // cheap, and set-up knows only once it has the symbols whether it is needed
        }
        if (rtnlLookup) {
            names.add(FIND_RTNL);
        }
        return names;
    }

    /** The same plan finding rtnl_mutex through /proc/kallsyms (the kernel refused {@link #FIND_RTNL}). */
    ProbePlan withoutLookup() {
        return new ProbePlan(backend, probes, rtnlMode, false);
    }

    /** The same plan without its RTNL probes (rtnl_mutex was not found). */
    ProbePlan withoutRtnl() {
        return new ProbePlan(backend, probes.stream().filter(pr -> pr.role() != Role.RTNL).toList(),
                ConfigLayout.RTNL_OFF, false);
    }

    /**
     * The programs that start an operation, whose skips by the kernel lose it.
     * Not the syscall backend's sys_enter: it runs for every system call, so
     * its skips say nothing about ethtool (and only an NMI can cause one).
     */
    List<String> beginPrograms() {
        if (backend == Backend.SYSCALL) {
            return List.of();
        }
        return probes.stream().filter(pr -> pr.role() == Role.BEGIN).map(Probe::program).distinct().toList();
    }

    /** Ends, then helpers, then beginnings: no operation is begun without a way out. */
    List<Probe> attachOrder() {
        return probes.stream().sorted(Comparator.comparing(Probe::role)).toList();
    }
}
