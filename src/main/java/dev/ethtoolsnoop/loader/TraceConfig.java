// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.util.Set;

/**
 * What to trace. Filters are applied in BPF, so filtered operations never
 * cross the perf buffer.
 *
 * @param pids         tgids to keep; empty keeps all
 * @param comm         process name to keep (exact, up to 15 bytes); null keeps all
 * @param ifname       interface name to keep; null keeps all
 * @param netns        network namespace inode to keep; 0 keeps all
 * @param minLatencyNs keep only operations at least this slow
 * @param bufferPages  perf buffer pages per CPU (a power of two)
 * @param rtnl         trace RTNL holds and waits (what each operation cost others)
 * @param rtnlReportNs hand over each RTNL wait at least this long (--waits); 0: none
 * @param cgroupIds    --cgroup: cgroup v2 ids whose callers to keep; null keeps all
 */
public record TraceConfig(
        Set<Integer> pids,
        String comm,
        String ifname,
        long netns,
        boolean failedOnly,
        long minLatencyNs,
        int bufferPages,
        boolean verbose,
        boolean rtnl,
        long rtnlReportNs,
        Set<Long> cgroupIds) {

    /**
     * --buffer-pages' default on up to 4 CPUs: 4 MiB per CPU, which holds
     * three 1000-interface node_exporter scrapes (~5,000 records of 280
     * bytes each) on one CPU even while the tracer is not reading
     * (bench/scrape.sh, ScrapeIT).
     */
    public static final int DEFAULT_BUFFER_PAGES = 1024;

    public static TraceConfig everything() {
        return new TraceConfig(Set.of(), null, null, 0, false, 0, DEFAULT_BUFFER_PAGES, false, true, 0, null);
    }
}
