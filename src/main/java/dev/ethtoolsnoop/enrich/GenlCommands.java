// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import static dev.ethtoolsnoop.enrich.CommandInfo.NO_OPTION;

import dev.ethtoolsnoop.enrich.CommandInfo.Opt;

import java.util.Collection;
import java.util.List;

/**
 * The ethtool generic-netlink requests: the genlmsghdr {@code cmd} of a
 * user-to-kernel message, i.e. the {@code ETHTOOL_MSG_*} user enum.
 *
 * <p>Names and values: the user enum in
 * include/uapi/linux/ethtool_netlink_generated.h (generated from
 * Documentation/netlink/specs/ethtool.yaml; before 6.14 the enum lived in
 * ethtool_netlink.h) as copied into ethtool 7.0 (released 2026-04-28, headers
 * of the Linux 7.0 cycle): 1 (ETHTOOL_MSG_STRSET_GET) to 51
 * (ETHTOOL_MSG_MSE_GET). 0, ETHTOOL_MSG_USER_NONE, is not a request and is
 * unknown here. (LOOPBACK_GET/SET were still patches under review in March
 * 2026 and are not included.)
 *
 * <p>{@code since}: the first kernel release whose installed uapi headers
 * have the value, checked release by release (5.6 ... 6.17); MSE_GET was
 * applied to net-next in autumn 2025, after 6.18-rc1, so 6.19 (ethtool's
 * 6.19 header sync, February 2026, is the first to carry it).
 *
 * <p>Options: from ethtool 6.1 (Debian 12) and ethtool 7.0 (the newest
 * release), union of the two: the {@code .nlfunc} each option of ethtool.c's
 * {@code args[]} table runs and what the netlink/*.c code behind it sends,
 * including reply callbacks that load string sets and the extra requests some
 * handlers make (plain {@code ethtool DEVNAME} sends seven GET requests; -a
 * asks LINKMODES_GET for autonegotiation results). Empty where no ethtool
 * release sends the request (PHC_VCLOCKS_GET; RSS_SET and RSS_CREATE_ACT /
 * RSS_DELETE_ACT, as ethtool 7.0's -X still uses ioctls).
 */
public final class GenlCommands {

    private static final CommandTable TABLE = build();

    private GenlCommands() {
    }

    /** The request with this genetlink cmd, or null if it is not one. */
    public static CommandInfo lookup(int cmd) {
        return TABLE.lookup(cmd);
    }

    /** The request's name, or {@code UNKNOWN(0x..)} (lowercase hex). */
    public static String name(int cmd) {
        return TABLE.name(cmd);
    }

    /** The ethtool options that send this request; empty if unknown. */
    public static List<String> args(int cmd) {
        return TABLE.args(cmd);
    }

    /** Every known request, in ascending value order. */
    public static Collection<CommandInfo> all() {
        return TABLE.all();
    }

    private static CommandTable build() {
        CommandTable.Builder t = new CommandTable.Builder();
        t.addManySince(1, "ETHTOOL_MSG_STRSET_GET", "5.6",
                "Get string sets (link mode, feature, statistic, flag names ...)",
                "(many: string sets for the no-option form, -k, -K, -S, -T, -x,"
                        + " --show-priv-flags, --show-eee, --show-fec, --show-tunnels,"
                        + " --get-hwtimestamp-cfg, --set-hwtimestamp-cfg, --monitor)");
        t.addSince(2, "ETHTOOL_MSG_LINKINFO_GET", "5.6",
                "Get link info (port, PHY address, MDI-X, transceiver)", NO_OPTION);
        t.addSince(3, "ETHTOOL_MSG_LINKINFO_SET", "5.6",
                "Set link info (port, PHY address, MDI-X)", Opt.CHANGE);
        t.addSince(4, "ETHTOOL_MSG_LINKMODES_GET", "5.6",
                "Get link modes (autoneg, speed, duplex, advertised modes)",
                // -s: when speed/duplex is set without an advertise list;
                // -a: link partner pause advertisement when autonegotiating
                NO_OPTION, Opt.CHANGE, Opt.SHOW_PAUSE);
        t.addSince(5, "ETHTOOL_MSG_LINKMODES_SET", "5.6",
                "Set link modes (autoneg, speed, duplex, advertised modes)", Opt.CHANGE);
        t.addSince(6, "ETHTOOL_MSG_LINKSTATE_GET", "5.6",
                "Get link state (link up, SQI, extended state)", NO_OPTION);
        t.addSince(7, "ETHTOOL_MSG_DEBUG_GET", "5.6", "Get debug message mask", NO_OPTION);
        t.addSince(8, "ETHTOOL_MSG_DEBUG_SET", "5.6", "Set debug message mask", Opt.CHANGE);
        t.addSince(9, "ETHTOOL_MSG_WOL_GET", "5.6", "Get wake-on-lan settings", NO_OPTION);
        t.addSince(10, "ETHTOOL_MSG_WOL_SET", "5.6", "Set wake-on-lan settings", Opt.CHANGE);
        t.addSince(11, "ETHTOOL_MSG_FEATURES_GET", "5.7", "Get device features",
                Opt.SHOW_FEATURES);
        t.addSince(12, "ETHTOOL_MSG_FEATURES_SET", "5.7", "Set device features", Opt.FEATURES);
        t.addSince(13, "ETHTOOL_MSG_PRIVFLAGS_GET", "5.7", "Get driver-private flags",
                Opt.SHOW_PRIV_FLAGS);
        t.addSince(14, "ETHTOOL_MSG_PRIVFLAGS_SET", "5.7", "Set driver-private flags",
                Opt.SET_PRIV_FLAGS);
        t.addSince(15, "ETHTOOL_MSG_RINGS_GET", "5.7", "Get ring sizes", Opt.SHOW_RING);
        t.addSince(16, "ETHTOOL_MSG_RINGS_SET", "5.7", "Set ring sizes", Opt.SET_RING);
        t.addSince(17, "ETHTOOL_MSG_CHANNELS_GET", "5.7", "Get channel counts",
                Opt.SHOW_CHANNELS);
        t.addSince(18, "ETHTOOL_MSG_CHANNELS_SET", "5.7", "Set channel counts",
                Opt.SET_CHANNELS);
        t.addSince(19, "ETHTOOL_MSG_COALESCE_GET", "5.7", "Get interrupt coalescing parameters",
                Opt.SHOW_COALESCE);
        t.addSince(20, "ETHTOOL_MSG_COALESCE_SET", "5.7", "Set interrupt coalescing parameters",
                Opt.COALESCE);
        t.addSince(21, "ETHTOOL_MSG_PAUSE_GET", "5.7", "Get pause parameters", Opt.SHOW_PAUSE);
        t.addSince(22, "ETHTOOL_MSG_PAUSE_SET", "5.7", "Set pause parameters", Opt.PAUSE);
        t.addSince(23, "ETHTOOL_MSG_EEE_GET", "5.7", "Get Energy-Efficient Ethernet settings",
                Opt.SHOW_EEE);
        t.addSince(24, "ETHTOOL_MSG_EEE_SET", "5.7", "Set Energy-Efficient Ethernet settings",
                Opt.SET_EEE);
        t.addSince(25, "ETHTOOL_MSG_TSINFO_GET", "5.7", "Get time stamping capabilities",
                Opt.SHOW_TIME_STAMPING);
        t.addSince(26, "ETHTOOL_MSG_CABLE_TEST_ACT", "5.8", "Start a cable test",
                Opt.CABLE_TEST);
        t.addSince(27, "ETHTOOL_MSG_CABLE_TEST_TDR_ACT", "5.8",
                "Start a cable test with raw TDR data", Opt.CABLE_TEST_TDR);
        t.addSince(28, "ETHTOOL_MSG_TUNNEL_INFO_GET", "5.9", "Get tunnel offload info",
                Opt.SHOW_TUNNELS);
        t.addSince(29, "ETHTOOL_MSG_FEC_GET", "5.13", "Get forward error correction settings",
                Opt.SHOW_FEC);
        t.addSince(30, "ETHTOOL_MSG_FEC_SET", "5.13", "Set forward error correction settings",
                Opt.SET_FEC);
        t.addSince(31, "ETHTOOL_MSG_MODULE_EEPROM_GET", "5.13",
                "Read plug-in module EEPROM pages", Opt.MODULE_INFO);
        t.addSince(32, "ETHTOOL_MSG_STATS_GET", "5.13",
                // netlink only when -S has arguments (--groups, --all-groups, --src)
                "Get standard statistics groups", Opt.STATISTICS);
        t.addSince(33, "ETHTOOL_MSG_PHC_VCLOCKS_GET", "5.14",
                "Get PHC virtual clocks (ethtool does not send it)");
        t.addSince(34, "ETHTOOL_MSG_MODULE_GET", "5.16", "Get transceiver module settings",
                Opt.SHOW_MODULE);
        t.addSince(35, "ETHTOOL_MSG_MODULE_SET", "5.16", "Set transceiver module settings",
                Opt.SET_MODULE);
        t.addSince(36, "ETHTOOL_MSG_PSE_GET", "6.1", "Get Power Sourcing Equipment status",
                Opt.SHOW_PSE);
        t.addSince(37, "ETHTOOL_MSG_PSE_SET", "6.1", "Set Power Sourcing Equipment settings",
                Opt.SET_PSE);
        t.addSince(38, "ETHTOOL_MSG_RSS_GET", "6.2",
                "Get RSS indirection table, hash key and function", Opt.SHOW_RXFH);
        t.addSince(39, "ETHTOOL_MSG_PLCA_GET_CFG", "6.3", "Get PLCA configuration",
                Opt.GET_PLCA_CFG, NO_OPTION);
        t.addSince(40, "ETHTOOL_MSG_PLCA_SET_CFG", "6.3", "Set PLCA configuration",
                Opt.SET_PLCA_CFG);
        t.addSince(41, "ETHTOOL_MSG_PLCA_GET_STATUS", "6.3", "Get PLCA status",
                Opt.GET_PLCA_STATUS, NO_OPTION);
        t.addSince(42, "ETHTOOL_MSG_MM_GET", "6.3", "Get MAC merge layer state", Opt.SHOW_MM);
        t.addSince(43, "ETHTOOL_MSG_MM_SET", "6.3", "Set MAC merge layer parameters",
                Opt.SET_MM);
        t.addSince(44, "ETHTOOL_MSG_MODULE_FW_FLASH_ACT", "6.11",
                "Flash transceiver module firmware", Opt.FLASH_MODULE_FIRMWARE);
        t.addSince(45, "ETHTOOL_MSG_PHY_GET", "6.12", "Get PHY devices on the link",
                Opt.SHOW_PHYS);
        t.addSince(46, "ETHTOOL_MSG_TSCONFIG_GET", "6.14",
                "Get hardware time stamping configuration", Opt.GET_HWTSTAMP_CFG);
        t.addSince(47, "ETHTOOL_MSG_TSCONFIG_SET", "6.14",
                "Set hardware time stamping configuration", Opt.SET_HWTSTAMP_CFG);
        t.addSince(48, "ETHTOOL_MSG_RSS_SET", "6.17",
                "Set RSS configuration (ethtool 7.0 still uses ioctls for -X)");
        t.addSince(49, "ETHTOOL_MSG_RSS_CREATE_ACT", "6.17",
                "Create an additional RSS context (ethtool 7.0 still uses ioctls)");
        t.addSince(50, "ETHTOOL_MSG_RSS_DELETE_ACT", "6.17",
                "Delete an additional RSS context (ethtool 7.0 still uses ioctls)");
        t.addSince(51, "ETHTOOL_MSG_MSE_GET", "6.19", "Get PHY mean square error diagnostics",
                Opt.SHOW_MSE);
        return t.done();
    }
}
