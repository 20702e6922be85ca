// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Ancestor;

import java.util.List;

/**
 * Who really called: the caller's ancestry and cgroup as the kernel saw them
 * at the call, and what user space could add while the process still ran.
 *
 * @param cgroupId  cgroup v2 id (0: unknown)
 * @param cgroup    its path under the cgroup2 mount; null when not found
 * @param service   what an operator calls it: systemd unit, container, pod; null when nothing telling
 * @param ancestors parent first
 * @param exe       the executable's name, past the kernel's 15-byte comm; null when the process was gone
 * @param cmdline   its command line, bounded; null when gone
 */
public record Origin(long cgroupId, String cgroup, String service, List<Ancestor> ancestors, String exe,
                     String cmdline) {
    public static final Origin UNKNOWN = new Origin(0, null, null, List.of(), null, null);
}
