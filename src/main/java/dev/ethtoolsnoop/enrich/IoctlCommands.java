// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import static dev.ethtoolsnoop.enrich.CommandInfo.NO_OPTION;

import dev.ethtoolsnoop.enrich.CommandInfo.Opt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SIOCETHTOOL ioctl commands: the {@code cmd} u32 at the start of the
 * user buffer.
 *
 * <p>Names and values: every {@code ETHTOOL_*} command defined in the newest
 * include/uapi/linux/ethtool.h, as copied into ethtool 7.0 (released
 * 2026-04-28, headers of the Linux 7.0 cycle), 0x1 to ETHTOOL_SFECPARAM
 * (0x51); the per-release installed headers of Linux 5.6 to 6.17 agree. The
 * ioctl command set no longer grows: new features are netlink-only. The numbers are
 * sparse: 0x0 and 0xd were never assigned, so the table is keyed by value and
 * anything not in it is unknown.
 *
 * <p>Options: from ethtool's own source, ethtool 6.1 (Debian 12) and ethtool
 * 7.0 (the newest release), union of the two: the ioctl handler each option
 * runs (do_gdrv, do_gset, do_gfeatures, ..., in ethtool.c and rxclass.c), the
 * helpers those call (get_stringset, get_features, do_ioctl_glinksettings,
 * ...), and netlink/rss.c, whose {@code -x} path asks for the RX ring count by
 * ioctl. Options that have a netlink handler send these ioctls only when
 * netlink is unavailable or the kernel lacks the netlink request. Getters done
 * as the first half of a read-modify-write are mapped to the setting option
 * too (ETHTOOL_GCOALESCE: {@code -c} and {@code -C}); the option the command
 * is named after comes first. Fallbacks that no kernel able to run this tracer
 * takes are left out: get_stringset() sends ETHTOOL_GDRVINFO only if
 * ETHTOOL_GSSET_INFO fails with EOPNOTSUPP, which kernels since 2.6.34 never
 * do.
 */
public final class IoctlCommands {

    /** ETHTOOL_GCOALESCE, a getter and a per-queue sub-command. */
    public static final int ETHTOOL_GCOALESCE = 0x0e;
    /** ETHTOOL_SCOALESCE, a setter and a per-queue sub-command. */
    public static final int ETHTOOL_SCOALESCE = 0x0f;
    /** ETHTOOL_PERQUEUE: the buffer carries a sub_command after cmd. */
    public static final int ETHTOOL_PERQUEUE = 0x4b;

    private static final CommandTable TABLE = build();

    private IoctlCommands() {
    }

    /** The command with this value, or null if ethtool.h defines none. */
    public static CommandInfo lookup(int cmd) {
        return TABLE.lookup(cmd);
    }

    /** The command's name, or {@code UNKNOWN(0x..)} (lowercase hex). */
    public static String name(int cmd) {
        return TABLE.name(cmd);
    }

    /**
     * The ethtool options that send this command; empty if unknown. For
     * ETHTOOL_PERQUEUE, {@code -Q|--per-queue} followed by the options that,
     * under {@code -Q}, send the sub-command (ethtool's do_perqueue only sends
     * ETHTOOL_GCOALESCE and ETHTOOL_SCOALESCE; any other sub-command gets
     * {@code -Q} alone). {@code subCmd} is ignored for other commands.
     */
    public static List<String> args(int cmd, int subCmd) {
        if (cmd != ETHTOOL_PERQUEUE) {
            return TABLE.args(cmd);
        }
        List<String> out = new ArrayList<>(TABLE.args(cmd));
        if (subCmd == ETHTOOL_GCOALESCE) {
            // -Q ... --show-coalesce reads; -Q ... --coalesce reads, then writes.
            out.add(Opt.SHOW_COALESCE);
            out.add(Opt.COALESCE);
        } else if (subCmd == ETHTOOL_SCOALESCE) {
            out.add(Opt.COALESCE);
        }
        return List.copyOf(out);
    }

    /** Every known command, in ascending value order. */
    public static Collection<CommandInfo> all() {
        return TABLE.all();
    }

    private static final String STRING_USERS =
            "-k, -K, -t, -S, --phy-statistics, -x, -X, --show-priv-flags, --set-priv-flags";

    private static CommandTable build() {
        CommandTable.Builder t = new CommandTable.Builder();
        t.add(0x01, "ETHTOOL_GSET",
                "Get link settings (deprecated: ETHTOOL_GLINKSETTINGS replaces it)",
                // no-option form and -s: only after ETHTOOL_GLINKSETTINGS fails
                NO_OPTION, Opt.CHANGE, Opt.SHOW_PAUSE);
        t.add(0x02, "ETHTOOL_SSET",
                "Set link settings (deprecated: ETHTOOL_SLINKSETTINGS replaces it)",
                Opt.CHANGE);
        t.add(0x03, "ETHTOOL_GDRVINFO", "Get driver information",
                Opt.DRIVER, Opt.REGISTER_DUMP, Opt.EEPROM_DUMP, Opt.CHANGE_EEPROM);
        t.add(0x04, "ETHTOOL_GREGS", "Get NIC registers", Opt.REGISTER_DUMP);
        t.add(0x05, "ETHTOOL_GWOL", "Get wake-on-lan options", NO_OPTION, Opt.CHANGE);
        t.add(0x06, "ETHTOOL_SWOL", "Set wake-on-lan options", Opt.CHANGE);
        t.add(0x07, "ETHTOOL_GMSGLVL", "Get driver message level", NO_OPTION, Opt.CHANGE);
        t.add(0x08, "ETHTOOL_SMSGLVL", "Set driver message level", Opt.CHANGE);
        t.add(0x09, "ETHTOOL_NWAY_RST", "Restart autonegotiation", Opt.NEGOTIATE);
        t.add(0x0a, "ETHTOOL_GLINK", "Get link status (interface and physical port up)",
                NO_OPTION);
        t.add(0x0b, "ETHTOOL_GEEPROM", "Get EEPROM data", Opt.EEPROM_DUMP);
        t.add(0x0c, "ETHTOOL_SEEPROM", "Set EEPROM data", Opt.CHANGE_EEPROM);
        // 0x0d: never assigned
        t.add(0x0e, "ETHTOOL_GCOALESCE", "Get interrupt coalescing parameters",
                Opt.SHOW_COALESCE, Opt.COALESCE);
        t.add(0x0f, "ETHTOOL_SCOALESCE", "Set interrupt coalescing parameters",
                Opt.COALESCE);
        t.add(0x10, "ETHTOOL_GRINGPARAM", "Get ring parameters", Opt.SHOW_RING, Opt.SET_RING);
        t.add(0x11, "ETHTOOL_SRINGPARAM", "Set ring parameters", Opt.SET_RING);
        t.add(0x12, "ETHTOOL_GPAUSEPARAM", "Get pause parameters", Opt.SHOW_PAUSE, Opt.PAUSE);
        t.add(0x13, "ETHTOOL_SPAUSEPARAM", "Set pause parameters", Opt.PAUSE);
        // Legacy per-offload getters: get_features() sends each one for -k and
        // for -K (before and after the change). The matching setters are sent
        // by -K only when the kernel has no named features (ETHTOOL_SFEATURES).
        t.add(0x14, "ETHTOOL_GRXCSUM", "Get RX checksum offload on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x15, "ETHTOOL_SRXCSUM", "Set RX checksum offload on/off (legacy)", Opt.FEATURES);
        t.add(0x16, "ETHTOOL_GTXCSUM", "Get TX checksum offload on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x17, "ETHTOOL_STXCSUM", "Set TX checksum offload on/off (legacy)", Opt.FEATURES);
        t.add(0x18, "ETHTOOL_GSG", "Get scatter-gather on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x19, "ETHTOOL_SSG", "Set scatter-gather on/off (legacy)", Opt.FEATURES);
        t.add(0x1a, "ETHTOOL_TEST", "Execute NIC self-test", Opt.TEST);
        t.addMany(0x1b, "ETHTOOL_GSTRINGS",
                "Get a string set (feature, statistic, test, flag names ...)",
                "(many: string sets for " + STRING_USERS + ")");
        t.add(0x1c, "ETHTOOL_PHYS_ID", "Identify the NIC (e.g. blink its LEDs)", Opt.IDENTIFY);
        t.add(0x1d, "ETHTOOL_GSTATS", "Get NIC-specific statistics", Opt.STATISTICS);
        t.add(0x1e, "ETHTOOL_GTSO", "Get TCP segmentation offload on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x1f, "ETHTOOL_STSO", "Set TCP segmentation offload on/off (legacy)",
                Opt.FEATURES);
        t.add(0x20, "ETHTOOL_GPERMADDR", "Get permanent hardware address", Opt.SHOW_PERMADDR);
        t.add(0x21, "ETHTOOL_GUFO", "Get UDP fragmentation offload on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x22, "ETHTOOL_SUFO", "Set UDP fragmentation offload on/off (legacy)",
                Opt.FEATURES);
        t.add(0x23, "ETHTOOL_GGSO", "Get generic segmentation offload on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x24, "ETHTOOL_SGSO", "Set generic segmentation offload on/off (legacy)",
                Opt.FEATURES);
        t.add(0x25, "ETHTOOL_GFLAGS", "Get offload flags bitmap (LRO, VLAN, ntuple, rxhash)",
                // -N: checks the ntuple flag before adding an n-tuple filter
                Opt.SHOW_FEATURES, Opt.FEATURES, Opt.CONFIG_NFC);
        t.add(0x26, "ETHTOOL_SFLAGS", "Set offload flags bitmap (legacy)", Opt.FEATURES);
        t.add(0x27, "ETHTOOL_GPFLAGS", "Get driver-private flags bitmap",
                Opt.SHOW_PRIV_FLAGS, Opt.SET_PRIV_FLAGS);
        t.add(0x28, "ETHTOOL_SPFLAGS", "Set driver-private flags bitmap", Opt.SET_PRIV_FLAGS);
        t.add(0x29, "ETHTOOL_GRXFH", "Get RX flow hash fields", Opt.SHOW_NFC);
        t.add(0x2a, "ETHTOOL_SRXFH", "Set RX flow hash fields", Opt.CONFIG_NFC);
        t.add(0x2b, "ETHTOOL_GGRO", "Get generic receive offload on/off (legacy)",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x2c, "ETHTOOL_SGRO", "Set generic receive offload on/off (legacy)",
                Opt.FEATURES);
        t.add(0x2d, "ETHTOOL_GRXRINGS", "Get number of RX rings available for load balancing",
                Opt.SHOW_NFC, Opt.SHOW_RXFH, Opt.SET_RXFH);
        t.add(0x2e, "ETHTOOL_GRXCLSRLCNT", "Get RX classification rule count",
                Opt.SHOW_NFC, Opt.CONFIG_NFC);
        t.add(0x2f, "ETHTOOL_GRXCLSRULE", "Get an RX classification rule", Opt.SHOW_NFC);
        t.add(0x30, "ETHTOOL_GRXCLSRLALL", "Get all RX classification rule locations",
                Opt.SHOW_NFC, Opt.CONFIG_NFC);
        t.add(0x31, "ETHTOOL_SRXCLSRLDEL", "Delete an RX classification rule", Opt.CONFIG_NFC);
        t.add(0x32, "ETHTOOL_SRXCLSRLINS", "Insert an RX classification rule", Opt.CONFIG_NFC);
        t.add(0x33, "ETHTOOL_FLASHDEV", "Flash firmware to the device", Opt.FLASH);
        t.add(0x34, "ETHTOOL_RESET", "Reset hardware components", Opt.RESET);
        t.add(0x35, "ETHTOOL_SRXNTUPLE", "Add an n-tuple filter (fallback for -N rules)",
                Opt.CONFIG_NFC);
        t.add(0x36, "ETHTOOL_GRXNTUPLE", "Get n-tuple filters (deprecated; ethtool does not send it)");
        t.addMany(0x37, "ETHTOOL_GSSET_INFO", "Get string set sizes",
                "(many: string set sizes for " + STRING_USERS + ")");
        t.add(0x38, "ETHTOOL_GRXFHINDIR", "Get RX flow hash indirection table",
                // only when ETHTOOL_GRSSH fails
                Opt.SHOW_RXFH, Opt.SET_RXFH);
        t.add(0x39, "ETHTOOL_SRXFHINDIR", "Set RX flow hash indirection table", Opt.SET_RXFH);
        t.add(0x3a, "ETHTOOL_GFEATURES", "Get device offload features",
                Opt.SHOW_FEATURES, Opt.FEATURES);
        t.add(0x3b, "ETHTOOL_SFEATURES", "Set device offload features", Opt.FEATURES);
        t.add(0x3c, "ETHTOOL_GCHANNELS", "Get channel (queue) counts",
                // -Q without queue_mask: counts the queues
                Opt.SHOW_CHANNELS, Opt.SET_CHANNELS, Opt.PER_QUEUE);
        t.add(0x3d, "ETHTOOL_SCHANNELS", "Set channel (queue) counts", Opt.SET_CHANNELS);
        t.add(0x3e, "ETHTOOL_SET_DUMP", "Set firmware dump flag", Opt.SET_DUMP);
        t.add(0x3f, "ETHTOOL_GET_DUMP_FLAG", "Get firmware dump flag and length", Opt.GET_DUMP);
        t.add(0x40, "ETHTOOL_GET_DUMP_DATA", "Get firmware dump data", Opt.GET_DUMP);
        t.add(0x41, "ETHTOOL_GET_TS_INFO", "Get time stamping and PHC info",
                Opt.SHOW_TIME_STAMPING);
        t.add(0x42, "ETHTOOL_GMODULEINFO", "Get plug-in module type and EEPROM length",
                Opt.MODULE_INFO);
        t.add(0x43, "ETHTOOL_GMODULEEEPROM", "Get plug-in module EEPROM", Opt.MODULE_INFO);
        t.add(0x44, "ETHTOOL_GEEE", "Get Energy-Efficient Ethernet settings",
                Opt.SHOW_EEE, Opt.SET_EEE);
        t.add(0x45, "ETHTOOL_SEEE", "Set Energy-Efficient Ethernet settings", Opt.SET_EEE);
        t.add(0x46, "ETHTOOL_GRSSH", "Get RSS indirection table, hash key and function",
                Opt.SHOW_RXFH, Opt.SET_RXFH);
        t.add(0x47, "ETHTOOL_SRSSH", "Set RSS indirection table, hash key and function",
                Opt.SET_RXFH);
        t.add(0x48, "ETHTOOL_GTUNABLE", "Get a driver tunable", Opt.GET_TUNABLE);
        t.add(0x49, "ETHTOOL_STUNABLE", "Set a driver tunable", Opt.SET_TUNABLE);
        t.add(0x4a, "ETHTOOL_GPHYSTATS", "Get PHY-specific statistics", Opt.PHY_STATISTICS);
        t.add(ETHTOOL_PERQUEUE, "ETHTOOL_PERQUEUE",
                "Per-queue get/set; sub_command says which", Opt.PER_QUEUE);
        t.add(0x4c, "ETHTOOL_GLINKSETTINGS", "Get link settings (speed, duplex, link modes)",
                NO_OPTION, Opt.CHANGE);
        t.add(0x4d, "ETHTOOL_SLINKSETTINGS", "Set link settings (speed, duplex, link modes)",
                Opt.CHANGE);
        t.add(0x4e, "ETHTOOL_PHY_GTUNABLE", "Get a PHY tunable", Opt.GET_PHY_TUNABLE);
        t.add(0x4f, "ETHTOOL_PHY_STUNABLE", "Set a PHY tunable", Opt.SET_PHY_TUNABLE);
        t.add(0x50, "ETHTOOL_GFECPARAM", "Get forward error correction settings", Opt.SHOW_FEC);
        t.add(0x51, "ETHTOOL_SFECPARAM", "Set forward error correction settings", Opt.SET_FEC);
        return t.done();
    }

    /** Builds a value-keyed table and refuses duplicate values or names. */
}
