// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Event;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What user space adds about a caller while it still runs: its cgroup's path
 * and name, its executable and command line. Looked up when the event is
 * read (a forked ethtool is gone soon after), and remembered per process
 * for a second: a busy caller's every operation would otherwise cost a read
 * of /proc.
 */
public final class Callers {
    private static final long REUSE_NS = 1_000_000_000L;
    private static final int REMEMBERED = 4096;

    private record Known(byte[] comm, long cgroupId, long atNs, String cgroup, String service, String exe,
                         String cmdline) {
    }

    private final Cgroups cgroups;
    private final ProcessNames names;
    private final Map<Integer, Known> known = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Known> eldest) {
            return size() > REMEMBERED;
        }
    };

    public Callers(Cgroups cgroups, ProcessNames names) {
        this.cgroups = cgroups;
        this.names = names;
    }

    public Origin origin(Event e) {
        Known k = known.get(e.tgid());
        long now = e.monotonicNs();
        if (k == null || k.cgroupId() != e.cgroupId() || !Arrays.equals(k.comm(), e.comm())
                || now - k.atNs() > REUSE_NS || now < k.atNs()) {
            String exe = names.exeName(e.tgid(), e.comm(), now);
            String cmdline = exe == null ? null : names.cmdline(e.tgid(), e.comm(), now, ProcessNames.CMDLINE_BYTES);
            k = new Known(e.comm(), e.cgroupId(), now, cgroups.path(e.cgroupId()).orElse(null),
                    cgroups.name(e.cgroupId(), e.tgid()), exe, cmdline);
            known.put(e.tgid(), k);
        }
        return new Origin(e.cgroupId(), k.cgroup(), k.service(), e.ancestors(), k.exe(), k.cmdline());
    }
}
