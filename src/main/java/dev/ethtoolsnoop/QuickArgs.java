// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The usual command lines, read without picocli. Building picocli's model
 * from Main's annotations costs a cold JVM some 150 ms, a third of the
 * start-up budget, and a tracer is mostly started with a few plain flags.
 * Anything less plain (help, version, a mistake, clustered short options,
 * attached values, @files, a value starting with '-') gives null, and
 * picocli, which stays the reference, handles it. QuickArgsTest holds both
 * to the same result for every option Options declares.
 */
final class QuickArgs {
    private QuickArgs() {
    }

    /** The options read, or null to leave the command line to picocli. */
    static Options parse(String... args) {
        Options m = new Options(); // with the options' defaults
        List<Integer> pids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
            } else if (arg.length() != 2 || arg.charAt(0) != '-') {
                return null;
            }
            String option = longName(name);
            if (option == null) {
                return null;
            }
            if (option.equals("--waits")) {
                // an optional value, as picocli reads one: a number, or nothing before the next option
                if (value == null && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                    value = args[++i];
                }
                if (value == null) {
                    value = "10";
                }
            } else if (!takesValue(option)) {
                if (value != null) {
                    return null;
                }
            } else if (value == null) {
                if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                    return null;
                }
                value = args[++i];
            }
            // picocli refuses a single-value option given twice
            if (!option.equals("--pid") && !seen.add(option)) {
                return null;
            }
            try {
                switch (option) {
                    case "--json" -> m.json = true;
                    case "--timestamp" -> m.timestamp = true;
                    case "--pid" -> pids.add(Integer.valueOf(value));
                    case "--comm" -> m.comm = value;
                    case "--interface" -> m.ifname = value;
                    case "--netns" -> m.netns = Long.parseLong(value);
                    case "--failed" -> m.failedOnly = true;
                    case "--min-latency" -> m.minLatencyMs = Double.parseDouble(value);
                    case "--summary" -> m.summary = true;
                    case "--hist" -> m.hist = true;
                    case "--duration" -> m.durationSeconds = Double.parseDouble(value);
                    case "--count" -> m.count = Long.parseLong(value);
                    case "--backend" -> m.backend = value;
                    case "--buffer-pages" -> m.bufferPages = Integer.parseInt(value);
                    case "--list-commands" -> m.listCommands = true;
                    case "--verbose" -> m.verbose = true;
                    case "--waits" -> m.waitsMs = Double.parseDouble(value);
                    case "--no-rtnl" -> m.noRtnl = true;
                    case "--cgroup" -> m.cgroup = value;
                    case "--ancestors" -> m.ancestors = Integer.parseInt(value);
                    case "--service" -> m.serviceColumn = true;
                    default -> {
                        return null;
                    }
                }
            } catch (NumberFormatException e) {
                return null; // picocli words the message
            }
        }
        if (!pids.isEmpty()) {
            m.pids = pids;
        }
        return m;
    }

    /** The option's long name for any of its names; null for what only picocli knows. */
    static String longName(String name) {
        return switch (name) {
            case "-j", "--json" -> "--json";
            case "-T", "--timestamp" -> "--timestamp";
            case "-p", "--pid" -> "--pid";
            case "-c", "--comm" -> "--comm";
            case "-i", "--interface" -> "--interface";
            case "--netns" -> "--netns";
            case "-x", "--failed" -> "--failed";
            case "-m", "--min-latency" -> "--min-latency";
            case "-s", "--summary" -> "--summary";
            case "--hist" -> "--hist";
            case "--duration" -> "--duration";
            case "--count" -> "--count";
            case "--backend" -> "--backend";
            case "--buffer-pages" -> "--buffer-pages";
            case "--list-commands" -> "--list-commands";
            case "-v", "--verbose" -> "--verbose";
            case "-w", "--waits" -> "--waits";
            case "--no-rtnl" -> "--no-rtnl";
            case "--cgroup" -> "--cgroup";
            case "--ancestors" -> "--ancestors";
            case "--service" -> "--service";
            default -> null;
        };
    }

    private static boolean takesValue(String option) {
        return switch (option) {
            case "--pid", "--comm", "--interface", "--netns", "--min-latency", "--duration", "--count", "--backend",
                 "--buffer-pages", "--cgroup", "--ancestors" -> true;
            default -> false;
        };
    }
}
