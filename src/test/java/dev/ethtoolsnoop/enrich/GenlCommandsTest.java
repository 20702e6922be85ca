// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class GenlCommandsTest {

    private static final int STRSET_GET = 1;
    private static final int LINKINFO_GET = 2;
    private static final int LINKMODES_SET = 5;
    private static final int FEATURES_GET = 11;
    private static final int FEATURES_SET = 12;
    private static final int RINGS_GET = 15;
    private static final int RINGS_SET = 16;
    private static final int CHANNELS_GET = 17;
    private static final int COALESCE_GET = 19;
    private static final int CABLE_TEST_ACT = 26;
    private static final int MODULE_EEPROM_GET = 31;
    private static final int STATS_GET = 32;
    private static final int PHC_VCLOCKS_GET = 33;
    private static final int MSE_GET = 51;

    @Test
    void userNoneAndBeyondTheEndAreUnknown() {
        assertNull(GenlCommands.lookup(0));
        assertEquals("UNKNOWN(0x0)", GenlCommands.name(0));
        assertEquals(List.of(), GenlCommands.args(0));
        assertNull(GenlCommands.lookup(MSE_GET + 1));
        assertEquals("UNKNOWN(0x34)", GenlCommands.name(MSE_GET + 1));
        assertEquals("UNKNOWN(0xff)", GenlCommands.name(0xff));
    }

    @Test
    void highestValueIsMseGet() {
        int max = GenlCommands.all().stream().mapToInt(CommandInfo::value).max().orElseThrow();
        assertEquals(MSE_GET, max);
        assertEquals("ETHTOOL_MSG_MSE_GET", GenlCommands.name(MSE_GET));
        assertEquals("6.19", GenlCommands.lookup(MSE_GET).since());
        assertEquals(List.of("--show-mse"), GenlCommands.args(MSE_GET));
    }

    @Test
    void everyValueFromOneToTheMaximumIsKnown() {
        for (int v = 1; v <= MSE_GET; v++) {
            assertNotNull(GenlCommands.lookup(v), "cmd " + v);
        }
        assertEquals(MSE_GET, GenlCommands.all().size());
    }

    @Test
    void spotChecksAgainstTheHeader() {
        assertEquals("ETHTOOL_MSG_STRSET_GET", GenlCommands.name(STRSET_GET));
        assertEquals("ETHTOOL_MSG_LINKINFO_GET", GenlCommands.name(LINKINFO_GET));
        assertEquals("ETHTOOL_MSG_WOL_SET", GenlCommands.name(10));
        assertEquals("ETHTOOL_MSG_TSINFO_GET", GenlCommands.name(25));
        assertEquals("ETHTOOL_MSG_MODULE_EEPROM_GET", GenlCommands.name(MODULE_EEPROM_GET));
        assertEquals("ETHTOOL_MSG_PHC_VCLOCKS_GET", GenlCommands.name(PHC_VCLOCKS_GET));
        assertEquals("ETHTOOL_MSG_RSS_GET", GenlCommands.name(38));
        assertEquals("ETHTOOL_MSG_MM_SET", GenlCommands.name(43));
        assertEquals("ETHTOOL_MSG_PHY_GET", GenlCommands.name(45));
        assertEquals("ETHTOOL_MSG_RSS_DELETE_ACT", GenlCommands.name(50));
    }

    @Test
    void sinceVersions() {
        assertEquals("5.6", GenlCommands.lookup(STRSET_GET).since());
        assertEquals("5.6", GenlCommands.lookup(LINKINFO_GET).since());
        assertEquals("5.7", GenlCommands.lookup(FEATURES_GET).since());
        assertEquals("5.8", GenlCommands.lookup(CABLE_TEST_ACT).since());
        assertEquals("5.13", GenlCommands.lookup(MODULE_EEPROM_GET).since());
        assertEquals("5.13", GenlCommands.lookup(STATS_GET).since());
        assertEquals("5.14", GenlCommands.lookup(PHC_VCLOCKS_GET).since());
        assertEquals("6.1", GenlCommands.lookup(36).since());
        assertEquals("6.12", GenlCommands.lookup(45).since());
        assertEquals("6.17", GenlCommands.lookup(48).since());
    }

    @Test
    void sinceNeverGoesBackwards() {
        // The enum only grows at its end, so versions must not decrease with the value.
        int[] prev = {0, 0};
        for (CommandInfo c : GenlCommands.all()) {
            assertNotNull(c.since(), c.name());
            assertTrue(c.since().matches("\\d+\\.\\d+"), c.name() + ": " + c.since());
            String[] p = c.since().split("\\.");
            int[] v = {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            assertTrue(v[0] > prev[0] || (v[0] == prev[0] && v[1] >= prev[1]),
                    c.name() + " " + c.since() + " is older than the entry before it");
            prev = v;
        }
    }

    @Test
    void linkinfoGetIsThePlainForm() {
        assertEquals(List.of(CommandInfo.NO_OPTION), GenlCommands.args(LINKINFO_GET));
        assertFalse(GenlCommands.lookup(LINKINFO_GET).manyOptions());
    }

    @Test
    void optionsOfCommonRequests() {
        assertEquals(List.of("-k|--show-features|--show-offload"), GenlCommands.args(FEATURES_GET));
        assertEquals(List.of("-K|--features|--offload"), GenlCommands.args(FEATURES_SET));
        assertEquals(List.of("-l|--show-channels"), GenlCommands.args(CHANNELS_GET));
        assertEquals(List.of("-g|--show-ring"), GenlCommands.args(RINGS_GET));
        assertEquals(List.of("-G|--set-ring"), GenlCommands.args(RINGS_SET));
        assertEquals(List.of("-m|--dump-module-eeprom|--module-info"), GenlCommands.args(MODULE_EEPROM_GET));
        assertEquals(List.of("-S|--statistics"), GenlCommands.args(STATS_GET));
        assertEquals(List.of("-c|--show-coalesce"), GenlCommands.args(COALESCE_GET));
        assertEquals(List.of("-s|--change"), GenlCommands.args(LINKMODES_SET));
        assertEquals(List.of("--cable-test"), GenlCommands.args(CABLE_TEST_ACT));
    }

    @Test
    void requestsEthtoolNeverSendsHaveNoOptions() {
        assertEquals(List.of(), GenlCommands.args(PHC_VCLOCKS_GET));
        assertEquals(List.of(), GenlCommands.args(48));
    }

    @Test
    void onlyStrsetGetIsFlaggedMany() {
        Set<String> many = new HashSet<>();
        for (CommandInfo c : GenlCommands.all()) {
            if (c.manyOptions()) {
                many.add(c.name());
            }
        }
        assertEquals(Set.of("ETHTOOL_MSG_STRSET_GET"), many);
        String summary = GenlCommands.args(STRSET_GET).get(0);
        for (String opt : List.of("-k,", "-K,", "-S,", "-T,", "--show-priv-flags", "--monitor", "no-option")) {
            assertTrue(summary.contains(opt), summary + " lacks " + opt);
        }
    }

    @Test
    void allIsSortedWithoutDuplicates() {
        List<Integer> values = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (CommandInfo c : GenlCommands.all()) {
            values.add(c.value());
            assertTrue(names.add(c.name()), "duplicate name " + c.name());
            assertTrue(c.name().startsWith("ETHTOOL_MSG_"), c.name());
            assertFalse(c.meaning().isBlank(), c.name());
            assertEquals(c, GenlCommands.lookup(c.value()));
        }
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i - 1) < values.get(i), "not strictly ascending at " + values.get(i));
        }
    }

    @Test
    void argsAreEthtoolSpellings() {
        for (CommandInfo c : GenlCommands.all()) {
            IoctlCommandsTest.checkArgsShape(c);
        }
    }
}
