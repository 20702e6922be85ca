// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.enrich.CommandInfo;
import dev.ethtoolsnoop.enrich.GenlCommands;
import dev.ethtoolsnoop.enrich.IoctlCommands;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit test (no root, no kernel) of every mapping the live option runs
 * exercise: each command options.txt expects for an option must exist in the
 * tables and list that option, so a table edit that breaks one fails here
 * before any VM boots.
 */
class OptionsFileTest {
    static final Map<String, CommandInfo> BY_NAME = Stream.concat(IoctlCommands.all().stream(),
            GenlCommands.all().stream()).collect(Collectors.toMap(CommandInfo::name, c -> c));

    @Test
    void everyExpectedCommandListsItsOption() {
        Map<Integer, OptionChecks.Option> options = OptionChecks.read();
        assertTrue(options.size() >= 50, "options.txt shrank: " + options.size());
        for (OptionChecks.Option o : options.values()) {
            for (String cmd : o.commands()) {
                CommandInfo info = BY_NAME.get(cmd);
                assertTrue(info != null, "options.txt:" + o.line() + ": unknown command " + cmd);
                assertTrue(info.args().stream().anyMatch(a -> a.equals(o.spelling())
                                || Arrays.asList(a.split("\\|")).contains(o.spelling())),
                        "options.txt:" + o.line() + ": " + cmd + " does not list " + o.spelling() + ": "
                                + info.args());
            }
        }
    }

    @Test
    void kernelVersionsCompare() {
        assertTrue(OptionChecks.atLeast("5.10.0-32-amd64", "5.9"));
        assertTrue(OptionChecks.atLeast("6.1.0-40-amd64", "5.16"));
        assertTrue(!OptionChecks.atLeast("5.10.0-32-amd64", "5.13"));
        assertTrue(OptionChecks.atLeast("7.2.13+deb14-amd64", "6.19"));
        assertTrue(!OptionChecks.atLeast("6.12.57+deb13-amd64", "6.19"));
    }

    @Test
    void olderKernelsGetTheIoctlFallbackOrNothing() {
        Map<Integer, OptionChecks.Option> options = OptionChecks.read();
        OptionChecks.Option fec = options.values().stream().filter(o -> o.flag().equals("--show-fec")).findFirst()
                .orElseThrow();
        assertEquals(List.of("ETHTOOL_MSG_FEC_GET"), OptionChecks.expected(fec, "6.1.0-40-amd64"));
        assertEquals(List.of("ETHTOOL_GFECPARAM"), OptionChecks.expected(fec, "5.10.0-32-amd64"));
        OptionChecks.Option module = options.values().stream().filter(o -> o.flag().equals("--show-module"))
                .findFirst().orElseThrow();
        assertEquals(List.of(), OptionChecks.expected(module, "5.10.0-32-amd64"));
    }
}
