// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * struct config of bpf/ethtoolsnoop.h, written into the object's
 * ".rodata.config" before load. EventLayoutTest pins these offsets.
 */
public final class ConfigLayout {
    public static final int MIN_LATENCY_NS = 0;
    public static final int FILTER_NETNS = 8;
    public static final int ETHTOOL_GENL_FAMILY = 12;
    public static final int FILTER_PID = 14;
    public static final int FAILED_ONLY = 15;
    public static final int IOCTL_USERADDR_ARG = 16;
    public static final int RTNL_MODE = 17;
    public static final int FILTER_CGROUP = 18;
    public static final int FILTER_COMM = 24;
    public static final int FILTER_IFNAME = 40;
    public static final int RTNL_REPORT_NS = 56;
    public static final int SIZE = 64;

    /** enum rtnl_mode */
    public static final int RTNL_OFF = 0;
    public static final int RTNL_CONTENTION = 1;
    public static final int RTNL_LOCK_PROBES = 2;

    private ConfigLayout() {
    }

    static void write(MemorySegment cfg, TraceConfig tc, int genlFamily, boolean ioctlUseraddrArg, int rtnlMode) {
        if (cfg.byteSize() < SIZE) {
            throw new IllegalStateException(".rodata.config is " + cfg.byteSize() + " bytes, expected " + SIZE);
        }
        cfg.set(ValueLayout.JAVA_LONG_UNALIGNED, MIN_LATENCY_NS, tc.minLatencyNs());
        cfg.set(ValueLayout.JAVA_INT_UNALIGNED, FILTER_NETNS, (int) tc.netns());
        cfg.set(ValueLayout.JAVA_SHORT_UNALIGNED, ETHTOOL_GENL_FAMILY, (short) genlFamily);
        cfg.set(ValueLayout.JAVA_BYTE, FILTER_PID, (byte) (tc.pids().isEmpty() ? 0 : 1));
        cfg.set(ValueLayout.JAVA_BYTE, FAILED_ONLY, (byte) (tc.failedOnly() ? 1 : 0));
        cfg.set(ValueLayout.JAVA_BYTE, IOCTL_USERADDR_ARG, (byte) (ioctlUseraddrArg ? 1 : 0));
        cfg.set(ValueLayout.JAVA_BYTE, RTNL_MODE, (byte) rtnlMode);
        cfg.set(ValueLayout.JAVA_BYTE, FILTER_CGROUP, (byte) (tc.cgroupIds() != null ? 1 : 0));
        cfg.set(ValueLayout.JAVA_LONG_UNALIGNED, RTNL_REPORT_NS, rtnlMode == RTNL_OFF ? 0 : tc.rtnlReportNs());
        putName(cfg, FILTER_COMM, tc.comm());
        putName(cfg, FILTER_IFNAME, tc.ifname());
    }

    /** Up to 15 bytes and a NUL, as the kernel stores comm and ifname. */
    private static void putName(MemorySegment cfg, int offset, String name) {
        cfg.asSlice(offset, 16).fill((byte) 0);
        if (name != null) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(MemorySegment.ofArray(b), 0, cfg, offset, Math.min(b.length, 15));
        }
    }
}
