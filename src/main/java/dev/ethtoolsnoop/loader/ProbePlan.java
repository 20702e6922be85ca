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
 * @param probes one attachment each; a kprobe program attached to many
 *               functions appears once per function
 */
record ProbePlan(Backend backend, List<Probe> probes) {
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

    static ProbePlan of(Backend backend, Probes.KernelFacts facts) {
        List<Probe> p = new ArrayList<>();
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
        return new ProbePlan(backend, List.copyOf(p));
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
        return names;
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
