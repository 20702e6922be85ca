// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Event;
import dev.ethtoolsnoop.decode.Kind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Adds names, ethtool options and wall-clock time to kernel events. */
public final class Enricher {
    /**
     * How long a sysfs answer is reused: a storm of calls about one device
     * costs one read per second instead of one per event (tens of
     * microseconds each), and a renamed or recreated device shows within it.
     */
    static final long SYSFS_CACHE_NS = 1_000_000_000L;
    /** Hostile or churning names must not grow the cache without bound. */
    private static final int SYSFS_CACHE_MAX = 1024;

    /** The name shown for a command or sub-command that could not be read. */
    public static final String UNREAD = "?";

    private record Answer(int ifindex, byte[] name, long atNs) {
    }

    private final long monotonicToEpochNs;
    private final long ownNetns;
    private final Path sysClassNet;
    private final LongSupplier clock;
    private final Map<String, Answer> byName = new HashMap<>();
    private final Map<Integer, Answer> byIndex = new HashMap<>();

    /**
     * @param monotonicToEpochNs add to a CLOCK_MONOTONIC timestamp to get epoch ns
     * @param ownNetns           the tracer's network namespace inode
     */
    public Enricher(long monotonicToEpochNs, long ownNetns, Path sysClassNet) {
        this(monotonicToEpochNs, ownNetns, sysClassNet, System::nanoTime);
    }

    Enricher(long monotonicToEpochNs, long ownNetns, Path sysClassNet, LongSupplier clock) {
        this.monotonicToEpochNs = monotonicToEpochNs;
        this.ownNetns = ownNetns;
        this.sysClassNet = sysClassNet;
        this.clock = clock;
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
        // The syscall backend sees names, not devices: resolve what we can see.
        if (!e.hasDevice() && e.netns() == ownNetns) {
            if (ifindex == 0 && ifname.length > 0) {
                ifindex = cachedIfindexOf(ifname);
            } else if (ifname.length == 0 && ifindex > 0) {
                ifname = cachedNameOf(ifindex);
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
                e.latencyNs(), e.ret());
    }

    private int cachedIfindexOf(byte[] ifname) {
        String key = new String(ifname, StandardCharsets.ISO_8859_1); // every byte kept apart
        long now = clock.getAsLong();
        Answer a = byName.get(key);
        if (a == null || now - a.atNs() > SYSFS_CACHE_NS) {
            if (byName.size() >= SYSFS_CACHE_MAX) {
                byName.clear();
            }
            a = new Answer(ifindexOf(ifname), ifname, now);
            byName.put(key, a);
        }
        return a.ifindex();
    }

    private byte[] cachedNameOf(int ifindex) {
        long now = clock.getAsLong();
        Answer a = byIndex.get(ifindex);
        if (a == null || now - a.atNs() > SYSFS_CACHE_NS) {
            if (byIndex.size() >= SYSFS_CACHE_MAX) {
                byIndex.clear();
            }
            a = new Answer(ifindex, nameOf(ifindex), now);
            byIndex.put(ifindex, a);
        }
        return Arrays.copyOf(a.name(), a.name().length);
    }

    private int ifindexOf(byte[] ifname) {
        String name = new String(ifname, StandardCharsets.UTF_8);
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return 0;
        }
        try {
            return Integer.parseInt(Files.readString(sysClassNet.resolve(name).resolve("ifindex")).trim());
        } catch (IOException | NumberFormatException | java.nio.file.InvalidPathException ex) {
            return 0;
        }
    }

    private byte[] nameOf(int ifindex) {
        try (var dirs = Files.list(sysClassNet)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try {
                    if (Integer.parseInt(Files.readString(dir.resolve("ifindex")).trim()) == ifindex) {
                        return dir.getFileName().toString().getBytes(StandardCharsets.UTF_8);
                    }
                } catch (IOException | NumberFormatException ignored) {
                    // a device that vanished or is not a device: keep looking
                }
            }
        } catch (IOException ignored) {
            // no sysfs: leave the name unknown
        }
        return new byte[0];
    }
}
