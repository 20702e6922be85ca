// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The half of a device an event lacks (the ifindex of a name, the name of an
 * ifindex), as it was when the event happened, in the event's network
 * namespace; unknown when that cannot be told.
 *
 * <p>Per namespace it keeps the kernel's device list: read whole when the
 * namespace is first met, then kept current by the link notifications of a
 * monitor subscribed before that read. No lookup costs a syscall beyond
 * draining the monitor.
 *
 * <p>Events are read after they happened, and devices may have been renamed,
 * moved or deleted meanwhile. So every notification that gave a name or an
 * ifindex to another device, or took it away, marks that name and ifindex
 * with the time it was seen (taken after the read that returned it: the
 * change happened before). An event that began at or before a mark on what
 * it is resolved through, or on the answer, is not resolved: between the
 * call and now, the answer may have been another device's. Before an
 * event is resolved the monitor is drained unless a drain began after the
 * event did: then every change before the event is in the list, and every
 * change after it is marked. Also unknown: events from before the monitor
 * existed, and from before the monitor last overflowed (the kernel dropped
 * notifications; the list is read again).
 */
public final class DeviceNames implements AutoCloseable {
    /** Namespaces watched at once; the least recently used one is let go. */
    static final int MAX_NAMESPACES = 32;
    /** Marks kept one by one per namespace; beyond, they merge into one for the whole namespace. */
    static final int MAX_MARKS = 4096;

    private static final byte[] NO_NAME = new byte[0];

    private record Device(String name, List<String> names) {
    }

    private final class Namespace {
        final LinkSource.Monitor monitor;
        /** Events that began at or before this are not resolved. */
        long trustedAfter;
        /** Start of the last drain: every change before it is in the maps (or marked). */
        long lastDrainStart;
        final Map<Integer, Device> byIndex = new HashMap<>();
        final Map<String, Integer> byName = new HashMap<>();
        final Map<Integer, Long> indexMarks = new HashMap<>();
        final Map<String, Long> nameMarks = new HashMap<>();
        /** Changes whenever the maps or the marks do: what was looked up before still holds while it stays. */
        long version;

        Namespace(LinkSource.Monitor monitor, long subscribedAt) {
            this.monitor = monitor;
            this.trustedAfter = subscribedAt;
        }

        boolean read() {
            version++;
            byIndex.clear();
            byName.clear();
            lastDrainStart = clock.getAsLong();
            return monitor.dump(m -> apply(m, Long.MIN_VALUE));
        }

        /** Drains the monitor; after an overflow, forgets everything before now and reads the list again. */
        boolean drain() {
            long start = clock.getAsLong();
            boolean whole = monitor.drain(pending::add);
            long end = clock.getAsLong(); // after the reads: every change drained happened before it
            for (LinkMessage m : pending) {
                apply(m, end);
            }
            pending.clear();
            lastDrainStart = start;
            if (!whole) {
                // dropped notifications: any device may have changed up to now
                trustedAfter = Math.max(trustedAfter, end);
                version++;
                indexMarks.clear();
                nameMarks.clear();
                return read();
            }
            return true;
        }

        void apply(LinkMessage m, long seenAt) {
            Device old = byIndex.get(m.ifindex());
            if (!m.deleted() && old != null && old.names().equals(m.names())) {
                return; // a change of state, not of identity
            }
            version++;
            if (old != null) {
                for (String n : old.names()) {
                    byName.remove(n, m.ifindex());
                    mark(n, seenAt);
                }
            }
            if (m.deleted()) {
                byIndex.remove(m.ifindex());
            } else {
                byIndex.put(m.ifindex(), new Device(m.names().get(0), m.names()));
                for (String n : m.names()) {
                    byName.put(n, m.ifindex());
                }
            }
            for (String n : m.names()) {
                mark(n, seenAt);
            }
            if (seenAt != Long.MIN_VALUE) {
                indexMarks.merge(m.ifindex(), seenAt, Math::max);
                bound();
            }
        }

        private void mark(String name, long seenAt) {
            if (seenAt != Long.MIN_VALUE) {
                nameMarks.merge(name, seenAt, Math::max);
            }
        }

        private void bound() {
            if (indexMarks.size() + nameMarks.size() > MAX_MARKS) {
                long latest = trustedAfter;
                for (long t : indexMarks.values()) {
                    latest = Math.max(latest, t);
                }
                for (long t : nameMarks.values()) {
                    latest = Math.max(latest, t);
                }
                trustedAfter = latest;
                version++;
                indexMarks.clear();
                nameMarks.clear();
            }
        }

        /** Brings the list up to the event's start; false if it is unknown. */
        boolean current(long eventNs) {
            if (lastDrainStart <= eventNs && !drain()) {
                return false;
            }
            return eventNs > trustedAfter;
        }

        boolean unchangedSince(long eventNs, int ifindex, String name) {
            return lastMark(ifindex, name) < eventNs;
        }

        /** When the ifindex or the name last changed hands; Long.MIN_VALUE: not since the list was read. */
        long lastMark(int ifindex, String name) {
            return Math.max(indexMarks.getOrDefault(ifindex, Long.MIN_VALUE),
                    nameMarks.getOrDefault(name, Long.MIN_VALUE));
        }
    }

    private final LinkSource source;
    private final LongSupplier clock;
    private final List<LinkMessage> pending = new java.util.ArrayList<>();
    private final LinkedHashMap<Long, Namespace> namespaces = new LinkedHashMap<>(16, 0.75f, true);
    /*
     * The last name looked up and what it gave (a burst names one device
     * over and over): its namespace and that namespace's version then, the
     * ifindex (0: none) and the latest mark on it. Reused while the version
     * holds; the mark is compared with each event's own start.
     */
    private Namespace lastNs;
    private long lastVersion;
    private byte[] lastName;
    private int lastIndex;
    private long lastMark;

    DeviceNames(LinkSource source, LongSupplier clock) {
        this.source = source;
        this.clock = clock;
    }

    /** The kernel's answers, in any namespace a sender can lead us to; our own is watched from now. */
    public static DeviceNames ofKernel(long ownNetns) {
        DeviceNames names = new DeviceNames(new NetnsLinks(ownNetns), System::nanoTime);
        names.watch(ownNetns, 0);
        return names;
    }

    /** Resolves nothing: every missing half stays unknown. */
    public static DeviceNames none() {
        return new DeviceNames((netns, tgid) -> null, System::nanoTime);
    }

    /**
     * Starts watching a namespace now, so that its events from now on can be
     * resolved (our own, before the probes are attached).
     */
    public void watch(long netns, int tgid) {
        namespace(netns, tgid);
    }

    /** The ifindex {@code name} had in {@code netns} when the event began at {@code eventNs}; 0 if unknown. */
    public int ifindexOf(long netns, int tgid, long eventNs, byte[] name) {
        Namespace ns = namespace(netns, tgid);
        if (ns == null || name.length == 0 || !ns.current(eventNs)) {
            return 0;
        }
        if (ns != lastNs || ns.version != lastVersion || !Arrays.equals(name, lastName)) {
            String key = new String(name, StandardCharsets.ISO_8859_1);
            Integer index = ns.byName.get(key);
            lastNs = ns;
            lastVersion = ns.version;
            lastName = name;
            lastIndex = index == null ? 0 : index;
            lastMark = index == null ? Long.MIN_VALUE : ns.lastMark(index, key);
        }
        return lastMark < eventNs ? lastIndex : 0;
    }

    /** The name {@code ifindex} had in {@code netns} when the event began at {@code eventNs}; empty if unknown. */
    public byte[] nameOf(long netns, int tgid, long eventNs, int ifindex) {
        Namespace ns = namespace(netns, tgid);
        if (ns == null || ifindex <= 0 || !ns.current(eventNs)) {
            return NO_NAME;
        }
        Device d = ns.byIndex.get(ifindex);
        if (d == null || !ns.unchangedSince(eventNs, ifindex, d.name())) {
            return NO_NAME;
        }
        return d.name().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Drains every monitor, so that none overflows while its namespace is quiet. */
    public void tick() {
        for (Namespace ns : namespaces.values()) {
            ns.drain();
        }
    }

    private Namespace namespace(long netns, int tgid) {
        Namespace ns = namespaces.get(netns);
        if (ns != null) {
            return ns;
        }
        LinkSource.Monitor monitor = source.open(netns, tgid);
        if (monitor == null) {
            return null;
        }
        ns = new Namespace(monitor, clock.getAsLong());
        if (!ns.read()) {
            monitor.close();
            return null;
        }
        if (namespaces.size() >= MAX_NAMESPACES) {
            Iterator<Namespace> eldest = namespaces.values().iterator();
            eldest.next().monitor.close();
            eldest.remove();
        }
        namespaces.put(netns, ns);
        return ns;
    }

    @Override
    public void close() {
        for (Namespace ns : namespaces.values()) {
            ns.monitor.close();
        }
        namespaces.clear();
    }
}
