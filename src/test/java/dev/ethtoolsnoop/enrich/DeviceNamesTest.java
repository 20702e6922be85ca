// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules that keep a device's identity true: the answer is the one of
 * the event's time, or unknown (ifindex 0, empty name), never another
 * device's. Time is a fake CLOCK_MONOTONIC; events carry their start in it.
 */
class DeviceNamesTest {
    static final long NS = 7;
    final long[] now = {0};
    FakeLinks links;
    DeviceNames names;

    @BeforeEach
    void twoDevicesWatchedFromTime100() {
        links = new FakeLinks();
        links.add(NS, 2, "etsnA");
        links.add(NS, 3, "etsnB");
        now[0] = 100;
        names = links.names(() -> now[0]);
        names.watch(NS, 0);
    }

    int index(long eventNs, String name) {
        return names.ifindexOf(NS, 1, eventNs, name.getBytes(StandardCharsets.UTF_8));
    }

    String name(long eventNs, int index) {
        return new String(names.nameOf(NS, 1, eventNs, index), StandardCharsets.UTF_8);
    }

    @Test
    void resolvesBothWaysFromTheKernelsList() {
        now[0] = 200;
        assertEquals(2, index(150, "etsnA"));
        assertEquals("etsnB", name(150, 3));
        assertEquals(0, index(150, "nosuch"));
        assertEquals("", name(150, 99));
        assertEquals(0, index(150, ""));
        assertEquals(1, links.dumps, "the list is read once");
    }

    @Test
    void eventsFromBeforeTheNamespaceWasWatchedAreUnknown() {
        now[0] = 200;
        assertEquals(0, index(100, "etsnA"), "a rename before the monitor existed would be unseen");
        assertEquals("", name(50, 2));
        assertEquals(2, index(101, "etsnA"));
    }

    @Test
    void namesSwappedAfterTheCallAreNotLent() {
        // ethtool -i etsnA at 150 (ifindex 2), then the names swap at 160..170, read at 300
        now[0] = 160;
        links.rename(NS, 2, "etsnT");
        links.rename(NS, 3, "etsnA");
        links.rename(NS, 2, "etsnB");
        now[0] = 300;
        assertEquals(0, index(150, "etsnA"), "never ifindex 3, the device named etsnA after the call");
        assertEquals("", name(150, 2), "ifindex 2 was etsnA at the call, not etsnB");
        assertEquals("", name(150, 3));
        // calls after the drain that saw the swap get today's answer
        assertEquals(3, index(301, "etsnA"));
        assertEquals("etsnB", name(301, 2));
    }

    @Test
    void aRenameSeenOnlyAfterTheCallMakesTheCallUnknownEvenIfItCameFirst() {
        // the change happened before the call, but nothing tells: it was seen at the drain at 300
        now[0] = 160;
        links.rename(NS, 2, "etsnC");
        now[0] = 300;
        assertEquals(0, index(200, "etsnC"));
        assertEquals("", name(200, 2));
        assertEquals(2, index(350, "etsnC"));
    }

    @Test
    void aNameLookedUpOverAndOverFollowsChangesAndEachEventsOwnTime() {
        now[0] = 200;
        assertEquals(2, index(150, "etsnA"));
        assertEquals(2, index(160, "etsnA"));
        now[0] = 210;
        links.rename(NS, 2, "etsnZ");
        links.rename(NS, 3, "etsnA");
        now[0] = 300;
        assertEquals(0, index(250, "etsnA"), "the drain at 300 saw the swap");
        assertEquals(0, index(170, "etsnA"), "an older event of the same name, read later");
        assertEquals(3, index(301, "etsnA"));
        assertEquals(3, index(302, "etsnA"));
        assertEquals(0, index(299, "etsnA"));
        assertEquals(2, index(302, "etsnZ"));
        assertEquals(3, index(303, "etsnA"));
    }

    @Test
    void changesOfStateAreNotChangesOfIdentity() {
        now[0] = 160;
        links.touch(NS, 2);
        now[0] = 300;
        assertEquals(2, index(150, "etsnA"));
        assertEquals("etsnA", name(150, 2));
    }

    @Test
    void unrelatedDevicesKeepTheirAnswers() {
        now[0] = 160;
        links.rename(NS, 3, "etsnC");
        links.add(NS, 4, "etsnD");
        now[0] = 300;
        assertEquals(2, index(150, "etsnA"));
        assertEquals("etsnA", name(150, 2));
    }

    @Test
    void aNameCreatedAfterTheCallIsNotItsDevice() {
        // the call named a device that did not exist yet (ENODEV)
        now[0] = 160;
        links.add(NS, 4, "etsnC");
        now[0] = 300;
        assertEquals(0, index(150, "etsnC"));
        assertEquals(4, index(301, "etsnC"));
    }

    @Test
    void aDeletedDeviceIsUnknownForCallsBeforeTheDrainThatSawIt() {
        now[0] = 160;
        links.delete(NS, 2);
        links.add(NS, 5, "etsnA"); // recreated under the same name
        now[0] = 300;
        assertEquals(0, index(150, "etsnA"));
        assertEquals("", name(150, 2));
        assertEquals("", name(301, 2));
        assertEquals(5, index(301, "etsnA"));
    }

    @Test
    void aDrainThatBeganAfterTheEventIsEnough() {
        now[0] = 300;
        assertEquals(2, index(150, "etsnA"));
        int drains = links.drains;
        assertEquals("etsnB", name(299, 3), "a drain began at 300, after this event");
        assertEquals(drains, links.drains);
        now[0] = 400;
        assertEquals(2, index(300, "etsnA"), "began with the drain: drain again");
        assertEquals(drains + 1, links.drains);
    }

    @Test
    void aChangeAfterTheLastDrainIsSeenBeforeALaterEventIsResolved() {
        now[0] = 300;
        assertEquals(2, index(150, "etsnA"));
        // renamed at 310, then a call naming the new name at 320, read at 330
        now[0] = 310;
        links.rename(NS, 2, "etsnC");
        now[0] = 330;
        assertEquals(0, index(320, "etsnC"), "the rename was seen at 330, after the call");
        assertEquals(0, index(320, "etsnA"));
        assertEquals(2, index(331, "etsnC"));
        assertEquals(0, index(331, "etsnA"));
    }

    @Test
    void anOverflowedMonitorMakesEverythingBeforeItUnknownAndReadsTheListAgain() {
        now[0] = 160;
        links.renameUnseen(NS, 2, "etsnC");
        now[0] = 300;
        assertEquals(0, index(150, "etsnB"), "even a device whose change nothing tells");
        assertEquals("", name(150, 3));
        assertEquals(2, links.dumps, "read again");
        assertEquals(2, index(301, "etsnC"), "the list read after the overflow");
        assertEquals(3, index(301, "etsnB"));
        assertEquals(0, index(301, "etsnA"));
    }

    @Test
    void alternativeNamesFindTheirDeviceAndTheirRemovalIsAChange() {
        links.add(NS, 6, "etsnE", "etsn-alt-e");
        now[0] = 300;
        assertEquals(6, index(301, "etsn-alt-e"));
        now[0] = 310;
        links.add(NS, 6, "etsnE"); // the altname was removed: same primary name
        now[0] = 320;
        assertEquals(0, index(305, "etsn-alt-e"));
        assertEquals(0, index(321, "etsn-alt-e"));
        assertEquals(6, index(321, "etsnE"));
    }

    @Test
    void otherNamespacesAreSeparateAndUnreachableOnesUnknown() {
        links.add(8, 2, "etsnX");
        links.unreachable.add(9L);
        now[0] = 200;
        assertEquals(0, names.ifindexOf(8, 1, 150, "etsnX".getBytes()), "watched from 200, after the call");
        assertEquals(2, names.ifindexOf(8, 1, 201, "etsnX".getBytes()));
        assertEquals(0, names.ifindexOf(8, 1, 201, "etsnA".getBytes()));
        assertEquals(0, names.ifindexOf(9, 1, 201, "etsnA".getBytes()));
        int opens = links.opens;
        names.ifindexOf(9, 1, 202, "etsnA".getBytes());
        assertEquals(opens + 1, links.opens, "tried again: a later sender may lead there");
    }

    @Test
    void namespacesAreBoundedTheLeastRecentlyUsedLetGo() {
        now[0] = 200;
        for (long ns = 100; ns < 100 + DeviceNames.MAX_NAMESPACES; ns++) {
            links.add(ns, 2, "etsnN");
            names.ifindexOf(ns, 1, 201, "etsnN".getBytes());
        }
        assertEquals(DeviceNames.MAX_NAMESPACES, links.monitors.size());
        assertFalse(links.monitors.stream().anyMatch(m -> m.netns == NS), "ours was the least recently used");
        names.close();
        assertTrue(links.monitors.isEmpty());
    }

    @Test
    void marksAreBoundedByMergingThemIntoOneForTheNamespace() {
        now[0] = 160;
        for (int i = 0; i < DeviceNames.MAX_MARKS; i++) {
            links.add(NS, 1000 + i, "etsnM" + i);
        }
        now[0] = 300;
        assertEquals(0, index(150, "etsnA"), "merged: every call before the last mark is unknown");
        assertEquals(2, index(301, "etsnA"));
        assertEquals(1000, index(301, "etsnM0"));
    }

    @Test
    void tickDrainsEveryNamespaceSoNoQueueFillsUp() {
        links.add(8, 2, "etsnX");
        now[0] = 200;
        names.ifindexOf(8, 1, 201, "etsnX".getBytes());
        int drains = links.drains;
        names.tick();
        assertEquals(drains + 2, links.drains);
    }
}
