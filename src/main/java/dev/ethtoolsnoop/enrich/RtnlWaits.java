// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The waiters' view (--waits): shows each long RTNL wait after the ethtool
 * operation that held RTNL, named as that operation's own line names it.
 * The wait usually comes first (it ends when the holder lets RTNL go, the
 * operation a little later), so a wait on an operation is held back until
 * the operation is decided, or {@link #WAIT_FOR_OP_NS} passed.
 * <p>
 * Operation filters select operations, so with any filter on, only waits
 * held by a shown operation are shown; without one, every long wait is,
 * whoever held RTNL.
 */
public final class RtnlWaits {
    /** Longer than a netlink answer may take to arrive (Answers waits 1 s). */
    static final long WAIT_FOR_OP_NS = 2_000_000_000L;
    /** Operations remembered for waits that arrive after them. */
    private static final int RECENT = 4096;

    private record Key(int tid, long timeNs) {
    }

    private record Parked(RtnlWait rtnlWait, long deadlineNs) {
    }

    private final boolean filtered;
    private final Map<Key, List<Parked>> parked = new HashMap<>();
    /** Decided operations: the operation when shown, null when filtered out. */
    private final Map<Key, Operation> recent = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Operation> eldest) {
            return size() > RECENT;
        }
    };

    /** @param filtered an operation filter is on (-p, -c, -i, --netns, -x, -m) */
    public RtnlWaits(boolean filtered) {
        this.filtered = filtered;
    }

    public void add(RtnlWait w, long nowNs, Consumer<RtnlWait> out) {
        if (w.holderOp() == null) {
            if (!filtered) {
                out.accept(w);
            }
            return;
        }
        Key k = new Key(w.holderTid(), w.holderOp().timeNs());
        if (recent.containsKey(k)) {
            Operation op = recent.get(k);
            if (op != null) {
                out.accept(w.withHolder(op));
            }
            return;
        }
        parked.computeIfAbsent(k, x -> new ArrayList<>(2)).add(new Parked(w, nowNs + WAIT_FOR_OP_NS));
    }

    /** An operation was decided: shown, or filtered out. Its waits follow it, or go with it. */
    public void operation(Operation op, boolean shown, Consumer<RtnlWait> out) {
        Key k = new Key(op.tid(), op.timeNs());
        recent.put(k, shown ? op : null);
        List<Parked> waits = parked.remove(k);
        if (waits != null && shown) {
            waits.forEach(p -> out.accept(p.rtnlWait().withHolder(op)));
        }
    }

    /**
     * Waits whose operation never came (lost, or dropped by a filter the
     * probes apply): shown as the probes saw the holder, unless a filter is on.
     */
    public void release(long nowNs, Consumer<RtnlWait> out) {
        if (parked.isEmpty()) {
            return;
        }
        for (Iterator<List<Parked>> it = parked.values().iterator(); it.hasNext(); ) {
            List<Parked> waits = it.next();
            if (waits.get(0).deadlineNs() <= nowNs) {
                it.remove();
                if (!filtered) {
                    waits.forEach(p -> out.accept(p.rtnlWait()));
                }
            }
        }
    }

    public void releaseAll(Consumer<RtnlWait> out) {
        release(Long.MAX_VALUE, out);
    }
}
