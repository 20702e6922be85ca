// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A sparse table of commands keyed by value (the ioctl commands, the netlink
 * requests): anything not in it is unknown, never a neighbour's entry.
 */
final class CommandTable {
    private final Map<Integer, CommandInfo> byValue;
    /**
     * The same, indexed by value for the lookups made per event (cheaper
     * than a tree walk with a boxed key); the values are small, the holes
     * null.
     */
    private final CommandInfo[] dense;

    private CommandTable(Map<Integer, CommandInfo> byValue) {
        this.byValue = Collections.unmodifiableMap(new TreeMap<>(byValue));
        int size = 0;
        for (int value : byValue.keySet()) {
            if (value >= 0 && value < DENSE_MAX) {
                size = Math.max(size, value + 1);
            }
        }
        this.dense = new CommandInfo[size];
        for (CommandInfo info : byValue.values()) {
            if (info.value() >= 0 && info.value() < size) {
                dense[info.value()] = info;
            }
        }
    }

    /** Values below this are looked up in the array; ethtool's go up to ~0x60. */
    private static final int DENSE_MAX = 1024;

    /** The command with this value, or null. */
    CommandInfo lookup(int value) {
        if (value >= 0 && value < dense.length) {
            return dense[value];
        }
        return value >= DENSE_MAX ? byValue.get(value) : null;
    }

    /** The command's name, or {@code UNKNOWN(0x..)} (lowercase hex). */
    String name(int value) {
        CommandInfo info = lookup(value);
        return info != null ? info.name() : "UNKNOWN(0x" + Integer.toHexString(value) + ")";
    }

    /** The ethtool options that send this command; empty if unknown. */
    List<String> args(int value) {
        CommandInfo info = lookup(value);
        return info != null ? info.args() : List.of();
    }

    /** Every command, in ascending value order. */
    Collection<CommandInfo> all() {
        return byValue.values();
    }

    /** Fills a table; a value or a name given twice is a mistake in the table's source. */
    static final class Builder {
        private final TreeMap<Integer, CommandInfo> byValue = new TreeMap<>();
        private final Set<String> names = new HashSet<>();

        /** An ioctl command: no "since". */
        void add(int value, String name, String meaning, String... args) {
            put(new CommandInfo(value, name, meaning, List.of(args), null, false));
        }

        void addSince(int value, String name, String sinceVersion, String meaning, String... args) {
            put(new CommandInfo(value, name, meaning, List.of(args), sinceVersion, false));
        }

        void addMany(int value, String name, String meaning, String summary) {
            put(new CommandInfo(value, name, meaning, List.of(summary), null, true));
        }

        void addManySince(int value, String name, String sinceVersion, String meaning, String summary) {
            put(new CommandInfo(value, name, meaning, List.of(summary), sinceVersion, true));
        }

        private void put(CommandInfo info) {
            if (byValue.containsKey(info.value()) || !names.add(info.name())) {
                throw new IllegalStateException("duplicate command " + info);
            }
            byValue.put(info.value(), info);
        }

        CommandTable done() {
            return new CommandTable(byValue);
        }
    }
}
