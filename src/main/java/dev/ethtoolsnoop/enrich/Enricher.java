// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Event;
import dev.ethtoolsnoop.decode.Kind;

import java.util.List;

/** Adds names, ethtool options and wall-clock time to kernel events. */
public final class Enricher implements AutoCloseable {
    private final long monotonicToEpochNs;
    private final DeviceNames devices;

    /**
     * @param monotonicToEpochNs add to a CLOCK_MONOTONIC timestamp to get epoch ns
     * @param devices            resolves the half of a device the kernel did not tell
     */
    public Enricher(long monotonicToEpochNs, DeviceNames devices) {
        this.monotonicToEpochNs = monotonicToEpochNs;
        this.devices = devices;
    }

    public Operation enrich(Event e) {
        byte[] ifname = e.ifname();
        int ifindex = e.ifindex();
        if (e.payload().length > 0) {
            NetlinkRequest req = NetlinkRequest.parse(e.payload());
            ifname = req.ifname();
            ifindex = req.ifindex();
        }
        // The syscall backend sees what the caller named: the kernel's answer
        // for the other half, as it was when the call began, or unknown.
        if (!e.hasDevice()) {
            if (ifindex == 0 && ifname.length > 0) {
                ifindex = devices.ifindexOf(e.netns(), e.tgid(), e.monotonicNs(), ifname);
            } else if (ifname.length == 0 && ifindex > 0) {
                ifname = devices.nameOf(e.netns(), e.tgid(), e.monotonicNs(), ifindex);
            }
        }
        String cmdName;
        List<String> args;
        Integer subCmd = null;
        String subCmdName = null;
        if (e.kind() == Kind.IOCTL) {
            cmdName = IoctlCommands.name(e.cmd());
            args = IoctlCommands.args(e.cmd(), e.subCmd());
            if (e.hasSubCmd()) {
                subCmd = e.subCmd();
                subCmdName = IoctlCommands.name(e.subCmd());
            }
        } else {
            cmdName = GenlCommands.name(e.cmd());
            args = GenlCommands.args(e.cmd());
        }
        return new Operation(
                e.monotonicNs() + monotonicToEpochNs,
                e.backend(), e.kind(), ifname, ifindex, e.netns(),
                e.tgid(), e.tid(), e.comm(), e.ppid(), e.pcomm(),
                e.cmd(), cmdName, subCmd, subCmdName, args,
                e.latencyNs(), e.ret());
    }

    /** Keeps the device lists current between events. */
    public void tick() {
        devices.tick();
    }

    @Override
    public void close() {
        devices.close();
    }
}
