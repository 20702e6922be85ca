// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class IoctlCommandsTest {

    private static final int GDRVINFO = 0x03;
    private static final int SEEPROM = 0x0c;
    private static final int GCOALESCE = 0x0e;
    private static final int SCOALESCE = 0x0f;
    private static final int GRINGPARAM = 0x10;
    private static final int GSTRINGS = 0x1b;
    private static final int GFLAGS = 0x25;
    private static final int GSSET_INFO = 0x37;
    private static final int GFEATURES = 0x3a;
    private static final int SFEATURES = 0x3b;
    private static final int PERQUEUE = 0x4b;
    private static final int GLINKSETTINGS = 0x4c;
    private static final int SFECPARAM = 0x51;

    /**
     * Every option spelling of ethtool 7.0's args[] table (a superset of
     * 6.1's), written independently of the production constants, plus the
     * two forms that are not in that table.
     */
    static final Set<String> KNOWN_OPTIONS = Set.of(
            CommandInfo.NO_OPTION,
            "--monitor",
            "-s|--change",
            "-a|--show-pause",
            "-A|--pause",
            "-c|--show-coalesce",
            "-C|--coalesce",
            "-g|--show-ring",
            "-G|--set-ring",
            "-k|--show-features|--show-offload",
            "-K|--features|--offload",
            "-i|--driver",
            "-d|--register-dump",
            "-e|--eeprom-dump",
            "-E|--change-eeprom",
            "-r|--negotiate",
            "-p|--identify",
            "-t|--test",
            "-S|--statistics",
            "--phy-statistics",
            "-n|-u|--show-nfc|--show-ntuple",
            "-N|-U|--config-nfc|--config-ntuple",
            "-T|--show-time-stamping",
            "--get-hwtimestamp-cfg",
            "--set-hwtimestamp-cfg",
            "-x|--show-rxfh-indir|--show-rxfh",
            "-X|--set-rxfh-indir|--rxfh",
            "-f|--flash",
            "-P|--show-permaddr",
            "-w|--get-dump",
            "-W|--set-dump",
            "-l|--show-channels",
            "-L|--set-channels",
            "--show-priv-flags",
            "--set-priv-flags",
            "-m|--dump-module-eeprom|--module-info",
            "--show-eee",
            "--set-eee",
            "--set-phy-tunable",
            "--get-phy-tunable",
            "--get-tunable",
            "--set-tunable",
            "--reset",
            "--show-fec",
            "--set-fec",
            "-Q|--per-queue",
            "--cable-test",
            "--cable-test-tdr",
            "--show-tunnels",
            "--show-module",
            "--set-module",
            "--get-plca-cfg",
            "--set-plca-cfg",
            "--get-plca-status",
            "--show-mm",
            "--set-mm",
            "--show-pse",
            "--set-pse",
            "--flash-module-firmware",
            "--show-phys",
            "--show-mse");

    private static final Pattern SPELLINGS =
            Pattern.compile("(-[A-Za-z]\\|)*--[a-z][a-z0-9-]*(\\|--[a-z][a-z0-9-]*)*|-[A-Za-z](\\|-[A-Za-z])*");

    /** Checks the args of one table entry; shared with GenlCommandsTest. */
    static void checkArgsShape(CommandInfo c) {
        if (c.manyOptions()) {
            assertEquals(1, c.args().size(), c.name() + ": one summary element");
            String summary = c.args().get(0);
            assertTrue(summary.startsWith("(many: ") && summary.endsWith(")"), c.name() + ": " + summary);
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String a : c.args()) {
            assertTrue(seen.add(a), c.name() + ": duplicate arg " + a);
            assertTrue(KNOWN_OPTIONS.contains(a), c.name() + ": not an ethtool option spelling: " + a);
            if (!a.equals(CommandInfo.NO_OPTION)) {
                assertTrue(SPELLINGS.matcher(a).matches(), c.name() + ": short spellings first: " + a);
            }
        }
    }

    @Test
    void holesAreUnknown() {
        assertNull(IoctlCommands.lookup(0x0));
        assertNull(IoctlCommands.lookup(0xd));
        assertEquals("UNKNOWN(0x0)", IoctlCommands.name(0x0));
        assertEquals("UNKNOWN(0xd)", IoctlCommands.name(0xd));
        assertEquals(List.of(), IoctlCommands.args(0xd, 0));
        assertEquals(List.of(), IoctlCommands.args(0x0, 0));
    }

    @Test
    void neighboursOfTheHoleHaveTheirOwnNames() {
        assertEquals("ETHTOOL_SEEPROM", IoctlCommands.name(SEEPROM));
        assertEquals("ETHTOOL_GCOALESCE", IoctlCommands.name(GCOALESCE));
        assertEquals("ETHTOOL_SCOALESCE", IoctlCommands.name(SCOALESCE));
        assertEquals(GCOALESCE, IoctlCommands.lookup(GCOALESCE).value());
    }

    @Test
    void highestValueIsSfecparam() {
        int max = IoctlCommands.all().stream().mapToInt(CommandInfo::value).max().orElseThrow();
        assertEquals(SFECPARAM, max);
        assertEquals("ETHTOOL_SFECPARAM", IoctlCommands.name(SFECPARAM));
        assertNull(IoctlCommands.lookup(SFECPARAM + 1));
        assertEquals("UNKNOWN(0x52)", IoctlCommands.name(0x52));
    }

    @Test
    void unknownIsLowercaseUnsignedHex() {
        assertEquals("UNKNOWN(0xabcd)", IoctlCommands.name(0xABCD));
        assertEquals("UNKNOWN(0xffffffff)", IoctlCommands.name(-1));
    }

    @Test
    void spotChecksAgainstTheHeader() {
        assertEquals("ETHTOOL_GSET", IoctlCommands.name(0x01));
        assertEquals("ETHTOOL_GLINK", IoctlCommands.name(0x0a));
        assertEquals("ETHTOOL_GSTRINGS", IoctlCommands.name(GSTRINGS));
        assertEquals("ETHTOOL_GFLAGS", IoctlCommands.name(GFLAGS));
        assertEquals("ETHTOOL_GRXNTUPLE", IoctlCommands.name(0x36));
        assertEquals("ETHTOOL_GSSET_INFO", IoctlCommands.name(GSSET_INFO));
        assertEquals("ETHTOOL_GFEATURES", IoctlCommands.name(GFEATURES));
        assertEquals("ETHTOOL_GET_TS_INFO", IoctlCommands.name(0x41));
        assertEquals("ETHTOOL_PERQUEUE", IoctlCommands.name(PERQUEUE));
        assertEquals("ETHTOOL_GLINKSETTINGS", IoctlCommands.name(GLINKSETTINGS));
        assertEquals("ETHTOOL_PHY_GTUNABLE", IoctlCommands.name(0x4e));
        assertEquals("ETHTOOL_GFECPARAM", IoctlCommands.name(0x50));
    }

    @Test
    void everyValueUpToTheMaximumButTheHoleIsKnown() {
        for (int v = 0x1; v <= SFECPARAM; v++) {
            if (v == 0xd) {
                assertNull(IoctlCommands.lookup(v));
            } else {
                assertNotNull(IoctlCommands.lookup(v), String.format("0x%x", v));
            }
        }
    }

    @Test
    void tableIsSparseNotADenseArray() {
        // 0x1..0x51 without 0xd: a dense array indexed by value would have 0x52 slots.
        assertEquals(0x50, IoctlCommands.all().size());
        assertTrue(IoctlCommands.all().size() < SFECPARAM + 1);
    }

    @Test
    void gdrvinfoIsSentByDashI() {
        assertTrue(IoctlCommands.lookup(GDRVINFO).args().contains("-i|--driver"));
        assertEquals(IoctlCommands.lookup(GDRVINFO).args().get(0), "-i|--driver");
    }

    @Test
    void featuresMapToShowAndSetFeaturesNotCoalesce() {
        List<String> g = IoctlCommands.args(GFEATURES, 0);
        assertEquals("-k|--show-features|--show-offload", g.get(0));
        assertTrue(g.contains("-K|--features|--offload"), "-K reads before and after it writes");
        assertNoOption(g, "-C");
        assertNoOption(g, "-c");
        assertEquals(List.of("-K|--features|--offload"), IoctlCommands.args(SFEATURES, 0));
        List<String> flags = IoctlCommands.args(GFLAGS, 0);
        assertTrue(flags.contains("-k|--show-features|--show-offload"));
        assertNoOption(flags, "-C");
    }

    @Test
    void glinksettingsIsTheNoOptionFormAndChangeNotOffload() {
        List<String> a = IoctlCommands.args(GLINKSETTINGS, 0);
        assertNoOption(a, "-K");
        assertEquals(List.of(CommandInfo.NO_OPTION, "-s|--change"), a);
    }

    @Test
    void readModifyWriteGettersListTheSetterToo() {
        assertEquals(List.of("-c|--show-coalesce", "-C|--coalesce"), IoctlCommands.args(GCOALESCE, 0));
        assertEquals(List.of("-C|--coalesce"), IoctlCommands.args(SCOALESCE, 0));
        assertEquals(List.of("-g|--show-ring", "-G|--set-ring"), IoctlCommands.args(GRINGPARAM, 0));
    }

    @Test
    void perQueueAddsTheSubCommandsOptions() {
        List<String> get = IoctlCommands.args(PERQUEUE, GCOALESCE);
        assertEquals(List.of("-Q|--per-queue", "-c|--show-coalesce"), get.subList(0, 2));
        // -Q ... --coalesce also reads the per-queue values before writing them
        assertEquals(List.of("-Q|--per-queue", "-c|--show-coalesce", "-C|--coalesce"), get);
        assertEquals(List.of("-Q|--per-queue", "-C|--coalesce"), IoctlCommands.args(PERQUEUE, SCOALESCE));
        assertEquals(List.of("-Q|--per-queue"), IoctlCommands.args(PERQUEUE, 0));
        assertEquals(List.of("-Q|--per-queue"), IoctlCommands.args(PERQUEUE, GRINGPARAM));
    }

    @Test
    void subCommandIsIgnoredForOtherCommands() {
        assertEquals(IoctlCommands.args(GDRVINFO, 0), IoctlCommands.args(GDRVINFO, GCOALESCE));
    }

    @Test
    void allIsSortedWithoutDuplicatesAndComplete() {
        Collection<CommandInfo> all = IoctlCommands.all();
        List<Integer> values = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (CommandInfo c : all) {
            values.add(c.value());
            assertTrue(names.add(c.name()), "duplicate name " + c.name());
            assertTrue(c.name().startsWith("ETHTOOL_") && !c.name().startsWith("ETHTOOL_MSG_"), c.name());
            assertFalse(c.meaning().isBlank(), c.name());
            assertNull(c.since(), c.name() + ": ioctl commands carry no since");
            assertEquals(c, IoctlCommands.lookup(c.value()));
        }
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i - 1) < values.get(i), "not strictly ascending at " + values.get(i));
        }
    }

    @Test
    void argsAreEthtoolSpellings() {
        for (CommandInfo c : IoctlCommands.all()) {
            checkArgsShape(c);
        }
    }

    @Test
    void stringSetHelpersAreFlaggedMany() {
        Set<String> many = new HashSet<>();
        for (CommandInfo c : IoctlCommands.all()) {
            if (c.manyOptions()) {
                many.add(c.name());
            }
        }
        assertEquals(Set.of("ETHTOOL_GSSET_INFO", "ETHTOOL_GSTRINGS"), many);
        String summary = IoctlCommands.args(GSTRINGS, 0).get(0);
        for (String opt : List.of("-k,", "-K,", "-t,", "-S,", "--phy-statistics", "-x,", "--show-priv-flags")) {
            assertTrue(summary.contains(opt), summary + " lacks " + opt);
        }
        assertFalse(IoctlCommands.lookup(GDRVINFO).manyOptions());
    }

    @Test
    void argsAreImmutable() {
        List<String> a = IoctlCommands.args(GDRVINFO, 0);
        assertThrows(UnsupportedOperationException.class, () -> a.add("-x"));
        assertThrows(UnsupportedOperationException.class, () -> IoctlCommands.all().clear());
    }

    private static void assertNoOption(List<String> args, String shortOpt) {
        for (String a : args) {
            for (String spelling : a.split("\\|")) {
                if (spelling.equals(shortOpt)) {
                    fail(shortOpt + " must not be in " + args);
                }
            }
        }
    }
}
