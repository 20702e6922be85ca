// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The picocli-free fast path must read a command line exactly as picocli does, or leave it to picocli. */
class QuickArgsTest {
    /** Every @Option field, by name, as picocli or QuickArgs left it. */
    private static Map<String, Object> options(Options m) throws IllegalAccessException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : Options.class.getDeclaredFields()) {
            if (f.isAnnotationPresent(CommandLine.Option.class)) {
                f.setAccessible(true);
                Object v = f.get(m);
                values.put(f.getName(), v instanceof List<?> l ? List.copyOf(l) : v);
            }
        }
        return values;
    }

    private static Map<String, Object> viaPicocli(String... args) throws IllegalAccessException {
        Main m = new Main();
        new CommandLine(m).parseArgs(args);
        return options(m.o);
    }

    private static void agrees(String... args) throws IllegalAccessException {
        Options quick = QuickArgs.parse(args);
        assertNotNull(quick, "fast path refused " + List.of(args));
        assertEquals(viaPicocli(args), options(quick), List.of(args).toString());
    }

    /** A value picocli converts for an option of this type. */
    private static String sample(OptionSpec o) {
        Class<?> t = o.type();
        if (t == List.class) {
            return "42";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "64";
        }
        if (t == double.class || t == Double.class) {
            return "2.5";
        }
        return "syscall";
    }

    @Test
    void everyOptionMainDeclaresIsReadLikePicocliDoes() throws Exception {
        for (OptionSpec o : new CommandLine(new Main()).getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            for (String name : o.names()) {
                if (o.arity().max() == 0) {
                    agrees(name);
                } else {
                    agrees(name, sample(o));
                    if (name.startsWith("--")) {
                        agrees(name + "=" + sample(o));
                    }
                }
            }
        }
    }

    @Test
    void anOptionalValueIsTakenOnlyWhereItIsOne() throws Exception {
        agrees("-w");
        agrees("--waits");
        agrees("-w", "-j");
        agrees("-j", "--waits", "50", "-s");
        agrees("--waits=0.5");
    }

    @Test
    void usualCommandLinesAgree() throws Exception {
        agrees();
        agrees("-j", "--duration", "1");
        agrees("-p", "1", "-p", "2", "-c", "ethtool", "-i", "eth0", "-x", "-T");
        agrees("-m", "50", "-s", "--hist", "--count", "10", "--backend", "KPROBE", "--buffer-pages", "128");
        agrees("--netns=4026531840", "--comm=", "-v", "--list-commands");
        agrees("--duration", "1e1", "--min-latency", "0x1p-2");
    }

    @Test
    void anythingLessPlainIsLeftToPicocli() {
        List<List<String>> picocliOnly = new ArrayList<>(List.of(
                List.of("--help"), List.of("-h"), List.of("-V"), List.of("--version"),
                List.of("--bogus"), List.of("positional"), List.of("-jT"), List.of("-p42"),
                List.of("@args.txt"), List.of("--json=true"), List.of("--comm"), List.of("--comm", "--json"),
                List.of("--count", "-1"), List.of("--count", "many"), List.of("-p", "1,2"),
                List.of("--comm", "a", "--comm", "b"), List.of("--", "-j")));
        for (List<String> args : picocliOnly) {
            assertNull(QuickArgs.parse(args.toArray(String[]::new)), args.toString());
        }
    }

    /** The fast path hands a refused command line to picocli, which reports the same problem. */
    @Test
    void refusedValuesAreTheSameProblemBothWays() throws Exception {
        List<List<String>> lines = List.of(List.of("--duration", "NaN"), List.of("--duration", "0"),
                List.of("--count", "0"), List.of("-m", "Infinity"), List.of("-p", "0"), List.of("--netns", "1"),
                List.of("-c", ""), List.of("-i", ".."), List.of("-i", "a/b"), List.of("--list-commands", "-x"));
        for (List<String> args : lines) {
            String[] a = args.toArray(String[]::new);
            Options options = QuickArgs.parse(a);
            assertNotNull(options, args.toString());
            Main quick = new Main(options);
            Main viaPicocli = new Main();
            new CommandLine(viaPicocli).parseArgs(a);
            assertNotNull(viaPicocli.problem(), args.toString());
            assertEquals(viaPicocli.problem(), quick.problem(), args.toString());
        }
    }
}
