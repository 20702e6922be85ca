// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A kernel's devices per namespace, and the notifications their changes
 * queue on every monitor open at the time, with a queue that can overflow.
 */
final class FakeLinks implements LinkSource {
    final Map<Long, Map<Integer, List<String>>> devices = new HashMap<>();
    final List<FakeMonitor> monitors = new ArrayList<>();
    /** Namespaces that cannot be reached (open() says null). */
    final List<Long> unreachable = new ArrayList<>();
    int opens;
    int dumps;
    int drains;

    final class FakeMonitor implements Monitor {
        final long netns;
        final List<LinkMessage> queue = new ArrayList<>();
        boolean overflowed;
        boolean closed;

        FakeMonitor(long netns) {
            this.netns = netns;
        }

        @Override
        public boolean dump(Consumer<LinkMessage> sink) {
            dumps++;
            devices.getOrDefault(netns, Map.of()).forEach((i, n) -> sink.accept(new LinkMessage(false, i, n)));
            return true;
        }

        @Override
        public boolean drain(Consumer<LinkMessage> sink) {
            drains++;
            List<LinkMessage> q = new ArrayList<>(queue);
            queue.clear();
            q.forEach(sink);
            boolean whole = !overflowed;
            overflowed = false;
            return whole;
        }

        @Override
        public void close() {
            closed = true;
            monitors.remove(this);
        }
    }

    @Override
    public Monitor open(long netns, int tgid) {
        opens++;
        if (unreachable.contains(netns)) {
            return null;
        }
        FakeMonitor m = new FakeMonitor(netns);
        monitors.add(m);
        return m;
    }

    DeviceNames names(LongSupplier clock) {
        return new DeviceNames(this, clock);
    }

    private void notify(long netns, LinkMessage m) {
        for (FakeMonitor mon : monitors) {
            if (mon.netns == netns) {
                mon.queue.add(m);
            }
        }
    }

    /** A new device (or one moved in). */
    void add(long netns, int index, String... names) {
        devices.computeIfAbsent(netns, k -> new LinkedHashMap<>()).put(index, List.of(names));
        notify(netns, new LinkMessage(false, index, List.of(names)));
    }

    void rename(long netns, int index, String name) {
        List<String> names = new ArrayList<>(devices.get(netns).get(index));
        names.set(0, name);
        devices.get(netns).put(index, List.copyOf(names));
        notify(netns, new LinkMessage(false, index, List.copyOf(names)));
    }

    /** A change of state (carrier, MTU...): RTM_NEWLINK with the same names. */
    void touch(long netns, int index) {
        notify(netns, new LinkMessage(false, index, devices.get(netns).get(index)));
    }

    void delete(long netns, int index) {
        List<String> names = devices.get(netns).remove(index);
        notify(netns, new LinkMessage(true, index, names));
    }

    /** The queue was full: the kernel dropped the next notifications and flags the socket. */
    void overflow(long netns) {
        for (FakeMonitor mon : monitors) {
            if (mon.netns == netns) {
                mon.overflowed = true;
            }
        }
    }

    /** A change whose notification the kernel dropped. */
    void renameUnseen(long netns, int index, String name) {
        List<String> names = new ArrayList<>(devices.get(netns).get(index));
        names.set(0, name);
        devices.get(netns).put(index, List.copyOf(names));
        overflow(netns);
    }
}
