// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Event;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.decode.RtnlHolder;

import java.util.List;

/** Adds names, ethtool options and wall-clock time to kernel events. */
public final class Enricher implements AutoCloseable {
    /** The name shown for a command or sub-command that could not be read. */
    public static final String UNREAD = "?";

    private final long monotonicToEpochNs;
    private final DeviceNames devices;
    private final Callers callers;

    /**
     * @param monotonicToEpochNs add to a CLOCK_MONOTONIC timestamp to get epoch ns
     * @param devices            resolves the half of a device the kernel did not tell
     */
    public Enricher(long monotonicToEpochNs, DeviceNames devices) {
        this(monotonicToEpochNs, devices, null);
    }

    /** @param callers adds the caller's cgroup and full name; null: only what the kernel said */
    public Enricher(long monotonicToEpochNs, DeviceNames devices, Callers callers) {
        this.monotonicToEpochNs = monotonicToEpochNs;
        this.devices = devices;
        this.callers = callers;
    }

    public Operation enrich(Event e) {
        return enrich(e, e.payload().length > 0 ? NetlinkRequest.parse(e.payload()) : null);
    }

    /**
     * @param request one of the requests the event's send carried (syscall
     *                backend, netlink), whose command and device it is; null
     *                for every other event
     */
    public Operation enrich(Event e, NetlinkRequest request) {
        byte[] ifname = e.ifname();
        int ifindex = e.ifindex();
        int cmd = e.cmd();
        if (request != null) {
            ifname = request.ifname();
            ifindex = request.ifindex();
            cmd = request.cmd();
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
        if (!e.cmdKnown()) {
            // the caller's memory could not be read: say so, never guess a command
            cmdName = UNREAD;
            args = List.of();
        } else if (e.kind() == Kind.IOCTL) {
            cmdName = IoctlCommands.name(cmd);
            if (e.hasSubCmd() && e.subCmdKnown()) {
                subCmd = e.subCmd();
                subCmdName = IoctlCommands.name(e.subCmd());
                args = IoctlCommands.args(cmd, e.subCmd());
            } else {
                subCmdName = e.hasSubCmd() ? UNREAD : null;
                args = IoctlCommands.args(cmd, -1);
            }
        } else {
            cmdName = GenlCommands.name(cmd);
            args = GenlCommands.args(cmd);
        }
        return new Operation(
                e.monotonicNs() + monotonicToEpochNs,
                e.backend(), e.kind(), ifname, ifindex, e.netns(),
                e.tgid(), e.tid(), e.comm(), e.ppid(), e.pcomm(),
                e.cmdKnown() ? cmd : null, cmdName, subCmd, subCmdName, args,
                e.latencyNs(), e.ret(), e.rtnl(), callers == null
                        ? new Origin(e.cgroupId(), null, null, e.ancestors(), null, null) : callers.origin(e));
    }

    /** A {@link Kind#RTNL_WAIT} event: the wait, and the holder as the probes saw it. */
    public RtnlWait wait(Event e) {
        RtnlHolder h = e.holder();
        RtnlWait.HolderOp op = null;
        if (h.opKind() != null) {
            byte[] ifname = e.ifname();
            if (ifname.length == 0 && e.ifindex() > 0) {
                ifname = devices.nameOf(e.netns(), h.pid(), h.opTsNs(), e.ifindex());
            }
            String command = h.opKind() == Kind.IOCTL ? IoctlCommands.name(e.cmd()) : GenlCommands.name(e.cmd());
            op = new RtnlWait.HolderOp(h.opKind(), command, ifname, h.opTsNs() + monotonicToEpochNs);
        }
        return new RtnlWait(e.monotonicNs() + monotonicToEpochNs, e.latencyNs(), e.tgid(), e.tid(), e.comm(),
                e.ret(), h.pid(), h.tid(), h.comm(), op);
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
