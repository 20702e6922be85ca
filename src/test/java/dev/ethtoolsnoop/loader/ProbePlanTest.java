// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.support.LiveGate;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every program a plan names exists in the committed BPF object, and every
 * program of the object serves some plan: a rename fails here, at build time,
 * not in a VM.
 */
class ProbePlanTest {
    /** Kernels as old and as new as the plans know: every branch of every plan. */
    private static List<Probes.KernelFacts> kernels() {
        List<String> handlers = IntStream.range(0, 40).mapToObj(i -> "ethnl_handler_" + i).toList();
        return List.of(
                // 5.10: dev_ethtool(net, ifr), __dev_get_by_name
                // and no lock contention tracepoints
                new Probes.KernelFacts(OptionalInt.of(2), OptionalInt.of(1), true, true, false, handlers,
                        new Probes.KernelFacts.Rtnl(false, true, true, true, true, true, false)),
                // 7.x: dev_ethtool(net, ifr, useraddr), netdev_get_by_name, contention tracepoints
                new Probes.KernelFacts(OptionalInt.of(3), OptionalInt.of(1), true, false, true, handlers.subList(0, 5),
                        new Probes.KernelFacts.Rtnl(true, true, true, true, true, true, true)),
                // neither lookup, no netlink, nothing for RTNL
                new Probes.KernelFacts(OptionalInt.of(3), OptionalInt.of(1), false, false, false, List.of(),
                        new Probes.KernelFacts.Rtnl(false, false, false, false, false, false, true)));
    }

    @Test
    void everyPlannedProgramIsInTheObjectAndEveryProgramIsPlanned() throws Exception {
        LiveGate.require(LiveGate.hasLibbpf(), "needs libbpf.so.1 to read the BPF object");
        Set<String> inObject;
        BpfObject obj = BpfObject.open(Probes.readObject());
        try {
            inObject = new HashSet<>(obj.programNames());
        } finally {
            obj.close();
        }
        Set<String> planned = new HashSet<>();
        for (Probes.KernelFacts k : kernels()) {
            for (Backend b : Backend.values()) {
                ProbePlan plan = ProbePlan.of(b, k);
                for (String prog : plan.programs()) {
                    assertTrue(inObject.contains(prog), b + " plans " + prog + ", absent from the object");
                }
                planned.addAll(plan.programs());
            }
        }
        assertEquals(inObject, planned, "programs no plan uses, or plans naming none");
    }

    @Test
    void rtnlIsSeenTheCheapestWayEachKernelAndBackendAllow() {
        List<Probes.KernelFacts> k = kernels();
        // 5.10: no contention tracepoints; only the kernel backends can probe the mutex slow paths
        assertEquals(ConfigLayout.RTNL_OFF, ProbePlan.of(Backend.SYSCALL, k.get(0)).rtnlMode());
        assertEquals(ConfigLayout.RTNL_LOCK_PROBES, ProbePlan.of(Backend.FENTRY, k.get(0)).rtnlMode());
        assertTrue(ProbePlan.of(Backend.KPROBE, k.get(0)).programs().contains("kprobe_mutex_slowpath"));
        // 5.19+: the tracepoints on every backend; rtnl_lock() entry is not probed then
        for (Backend b : Backend.values()) {
            ProbePlan plan = ProbePlan.of(b, k.get(1));
            assertEquals(ConfigLayout.RTNL_CONTENTION, plan.rtnlMode(), b.label());
            assertTrue(plan.programs().contains("raw_contention_begin"), b.label());
            assertTrue(plan.programs().stream().noneMatch(p -> p.contains("slowpath")), b.label());
            assertEquals(b != Backend.SYSCALL, plan.seesRtnlHold(), b.label());
        }
        assertEquals(List.of("fexit_rtnl_lock", "fexit_rtnl_lock_killable", "fentry_rtnl_unlock"),
                ProbePlan.of(Backend.FENTRY, k.get(1)).probes().stream().filter(p -> p.target().contains("rtnl"))
                        .map(ProbePlan.Probe::program).toList());
        // asked not to, or nothing to see it with
        assertEquals(ConfigLayout.RTNL_OFF, ProbePlan.of(Backend.FENTRY, k.get(1), false).rtnlMode());
        assertTrue(ProbePlan.of(Backend.FENTRY, k.get(1), false).probes().stream()
                .noneMatch(p -> p.role() == ProbePlan.Role.RTNL));
        assertEquals(ConfigLayout.RTNL_OFF, ProbePlan.of(Backend.FENTRY, k.get(2)).rtnlMode());
    }

    @Test
    void rtnlMutexIsLookedUpByTheKernelWhereItCanAndOnlyWhenRtnlIsSeen() {
        List<Probes.KernelFacts> k = kernels();
        for (Backend b : Backend.values()) {
            // 7.x: bpf_kallsyms_lookup_name(), not a read of /proc/kallsyms
            ProbePlan plan = ProbePlan.of(b, k.get(1));
            assertTrue(plan.rtnlLookup(), b.label());
            assertTrue(plan.programs().containsAll(List.of(ProbePlan.FIND_RTNL, ProbePlan.PEEK)), b.label());
            assertFalse(plan.withoutRtnl().rtnlLookup(), b.label());
            assertFalse(plan.withoutRtnl().programs().contains(ProbePlan.FIND_RTNL), b.label());
            // the kernel refused the lookup program: the same probes, rtnl_mutex from /proc/kallsyms
            assertFalse(plan.withoutLookup().rtnlLookup(), b.label());
            assertFalse(plan.withoutLookup().programs().contains(ProbePlan.FIND_RTNL), b.label());
            assertTrue(plan.withoutLookup().programs().contains(ProbePlan.PEEK), b.label());
            assertEquals(plan.probes(), plan.withoutLookup().probes(), b.label());
            assertEquals(plan.rtnlMode(), plan.withoutLookup().rtnlMode(), b.label());
            assertFalse(ProbePlan.of(b, k.get(1), false).programs().contains(ProbePlan.FIND_RTNL), b.label());
            // 5.10: no such helper, so no such program to load
            assertFalse(ProbePlan.of(b, k.get(0)).rtnlLookup(), b.label());
            assertFalse(ProbePlan.of(b, k.get(0)).programs().contains(ProbePlan.FIND_RTNL), b.label());
            // the helper, but nothing to see RTNL with: nothing to look up
            assertFalse(ProbePlan.of(b, k.get(2)).rtnlLookup(), b.label());
        }
        assertTrue(ProbePlan.of(Backend.FENTRY, k.get(0)).programs().contains(ProbePlan.PEEK));
    }

    @Test
    void endsAttachBeforeBeginningsAndOnlyKernelBackendsCountEntrySkips() {
        Probes.KernelFacts k = kernels().get(0);
        for (Backend b : Backend.values()) {
            List<ProbePlan.Probe> order = ProbePlan.of(b, k).attachOrder();
            int lastEnd = -1;
            int firstBegin = Integer.MAX_VALUE;
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i).role() == ProbePlan.Role.END) {
                    lastEnd = i;
                } else if (order.get(i).role() == ProbePlan.Role.BEGIN) {
                    firstBegin = Math.min(firstBegin, i);
                }
            }
            assertTrue(lastEnd < firstBegin, b + ": " + order);
        }
        assertEquals(List.of(), ProbePlan.of(Backend.SYSCALL, k).beginPrograms());
        assertEquals(1 + ProbePlan.GENL_SLOTS, ProbePlan.of(Backend.FENTRY, k).beginPrograms().size(),
                "dev_ethtool and every handler slot, no more than the object has");
        assertEquals(List.of("fentry_dev_ethtool_2args", "fentry_genl_doit_0"),
                ProbePlan.of(Backend.FENTRY, k).beginPrograms().subList(0, 2));
        assertEquals(List.of("kprobe_dev_ethtool", "kprobe_genl_doit"), ProbePlan.of(Backend.KPROBE, k).beginPrograms());
    }
}
