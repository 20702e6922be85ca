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

    private CommandTable(Map<Integer, CommandInfo> byValue) {
        this.byValue = Collections.unmodifiableMap(new TreeMap<>(byValue));
    }

    /** The command with this value, or null. */
    CommandInfo lookup(int value) {
        return byValue.get(value);
    }

    /** The command's name, or {@code UNKNOWN(0x..)} (lowercase hex). */
    String name(int value) {
        CommandInfo info = byValue.get(value);
        return info != null ? info.name() : String.format("UNKNOWN(0x%x)", value);
    }

    /** The ethtool options that send this command; empty if unknown. */
    List<String> args(int value) {
        CommandInfo info = byValue.get(value);
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
