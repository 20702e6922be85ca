// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.live.LiveGate;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                new Probes.KernelFacts(OptionalInt.of(2), OptionalInt.of(1), true, true, false, handlers),
                // 7.x: dev_ethtool(net, ifr, useraddr), netdev_get_by_name
                new Probes.KernelFacts(OptionalInt.of(3), OptionalInt.of(1), true, false, true, handlers.subList(0, 5)),
                // neither lookup, no netlink
                new Probes.KernelFacts(OptionalInt.of(3), OptionalInt.of(1), false, false, false, List.of()));
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
