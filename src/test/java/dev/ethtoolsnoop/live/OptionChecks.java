// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.Scenario;

import dev.ethtoolsnoop.enrich.CommandInfo;
import dev.ethtoolsnoop.enrich.GenlCommands;
import dev.ethtoolsnoop.enrich.IoctlCommands;

import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-option half of the live scenario: every line of
 * src/test/scenario/options.txt was one real ethtool run on the veth etsnP;
 * its events must name the command ethtool 6.1 sends for that option on this
 * kernel and list the option in {@code args}. Which command that is depends
 * on the kernel: a netlink request newer than the kernel ({@code since} in
 * GenlCommands) means the ioctl fallback, or nothing at all.
 */
final class OptionChecks {
    static final Path OPTIONS = Scenario.BASEDIR.resolve("src/test/scenario/options.txt");
    static final String DEV = "etsnP";

    /** One line of options.txt. */
    record Option(int line, String flag, String args, List<String> commands) {
        String label() {
            return ("ethtool " + (flag.isEmpty() ? "" : flag + " ") + DEV + " " + args).trim();
        }

        /** How the option appears in an {@code args} entry ("-k|--show-features|..."). */
        String spelling() {
            return flag.isEmpty() ? CommandInfo.NO_OPTION : flag;
        }
    }

    private static final Map<String, String> SINCE = GenlCommands.all().stream()
            .collect(Collectors.toMap(CommandInfo::name, CommandInfo::since));
    private static final Set<String> IOCTLS = IoctlCommands.all().stream().map(CommandInfo::name)
            .collect(Collectors.toSet());

    private OptionChecks() {
    }

    static Map<Integer, Option> read() {
        try {
            Map<Integer, Option> options = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(OPTIONS);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                if (f.length != 3) {
                    throw new IllegalStateException("options.txt:" + (i + 1) + ": want 3 fields: " + line);
                }
                options.put(i + 1, new Option(i + 1, f[0].trim(), f[1].trim(),
                        Arrays.asList(f[2].trim().split("\\s+"))));
            }
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "5.10.0-35-amd64" / "7.0.3+deb14-amd64" / "5.13" -> {major, minor}. */
    static int[] version(String release) {
        String[] f = release.split("[^0-9]+");
        return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
    }

    static boolean atLeast(String kernel, String since) {
        int[] k = version(kernel);
        int[] s = version(since);
        return k[0] != s[0] ? k[0] > s[0] : k[1] >= s[1];
    }

    /**
     * The commands of this option ethtool 6.1 sends on this kernel: the
     * netlink ones the kernel has, else the ioctl fallbacks (ethtool checks
     * the family's operations first), possibly none.
     */
    static List<String> expected(Option o, String kernel) {
        for (String c : o.commands()) {
            if (!SINCE.containsKey(c) && !IOCTLS.contains(c)) {
                throw new IllegalStateException("options.txt:" + o.line() + ": not in the command tables: " + c);
            }
        }
        List<String> netlink = o.commands().stream().filter(SINCE::containsKey)
                .filter(c -> atLeast(kernel, SINCE.get(c))).toList();
        return !netlink.isEmpty() ? netlink : o.commands().stream().filter(IOCTLS::contains).toList();
    }

    static List<DynamicTest> tests(Scenario.Result r) {
        Map<Integer, Option> options = read();
        Map<Integer, Scenario.OptionRun> runs = r.options().stream()
                .collect(Collectors.toMap(Scenario.OptionRun::line, Function.identity()));
        Scenario.Iface dev = r.ifaces().get(DEV);
        List<DynamicTest> t = new ArrayList<>();
        t.add(DynamicTest.dynamicTest("every line of options.txt ran", () ->
                assertEquals(options.keySet(), runs.keySet())));
        for (Option o : options.values()) {
            Scenario.OptionRun run = runs.get(o.line());
            if (run == null) {
                continue;
            }
            List<Map<String, Object>> ev = r.events().stream().filter(e -> ((Long) e.get("pid")) == run.pid())
                    .toList();
            List<String> want = expected(o, r.kernel());
            if (want.isEmpty()) {
                t.add(DynamicTest.dynamicTest(o.label() + ": not sent on " + r.kernel() + " (" + o.commands()
                        + " since " + o.commands().stream().map(SINCE::get).toList() + ")", () -> {
                    assertNotEquals(0, run.rc(), "ethtool should refuse: " + ev);
                    assertFalse(ev.stream().anyMatch(e -> lists(e, o.spelling())), ev.toString());
                }));
                continue;
            }
            t.add(DynamicTest.dynamicTest(o.label() + " -> " + String.join("|", want), () -> {
                assertFalse(ev.isEmpty(), "no event from " + o.label() + " (pid " + run.pid() + ", rc "
                        + run.rc() + ")");
                for (Map<String, Object> e : ev) {
                    assertFalse(((String) e.get("cmd_name")).startsWith("UNKNOWN"), "unknown command: " + e);
                }
                List<Map<String, Object>> hits = ev.stream().filter(e -> want.contains(e.get("cmd_name"))).toList();
                assertFalse(hits.isEmpty(), "none of " + want + " among " + ev);
                assertTrue(hits.stream().anyMatch(e -> lists(e, o.spelling())),
                        "no " + want + " event lists " + o.spelling() + " in args: " + hits);
                for (Map<String, Object> e : hits) {
                    assertEquals(DEV, e.get("ifname"), e.toString());
                    assertEquals(dev.netns(), e.get("netns"), e.toString());
                }
            }));
        }
        return t;
    }

    /** Whether one of the event's args entries is this option (among its spellings). */
    private static boolean lists(Map<String, Object> e, String spelling) {
        return ((List<?>) e.get("args")).stream()
                .anyMatch(a -> a.equals(spelling) || Arrays.asList(((String) a).split("\\|")).contains(spelling));
    }
}
