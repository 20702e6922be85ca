// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.util.List;
import java.util.Objects;

/**
 * What one ethtool kernel command is, and which {@code ethtool} command-line
 * options send it.
 *
 * @param value       the command number: the ioctl {@code cmd} u32 of an
 *                    {@code ETHTOOL_*} request, or the genetlink {@code cmd}
 *                    of an {@code ETHTOOL_MSG_*} request
 * @param name        the uapi constant name, e.g. {@code ETHTOOL_GDRVINFO}
 * @param meaning     a one-line description
 * @param args        the ethtool options that send this command, each written
 *                    as all its spellings joined by {@code |}, short ones first
 *                    (e.g. {@code -K|--features|--offload}); {@link #NO_OPTION}
 *                    stands for plain {@code ethtool DEVNAME}. Empty when no
 *                    ethtool release these tables were taken from sends it. When
 *                    {@code manyOptions} is set, a single element
 *                    {@code (many: ...)} summarising the options instead.
 * @param since       kernel version that introduced the command ("5.6"); only
 *                    for netlink requests, null for ioctl commands
 * @param manyOptions true for helper commands that many options send on their
 *                    way to their real work (string sets and the like)
 */
public record CommandInfo(int value, String name, String meaning, List<String> args,
                          String since, boolean manyOptions) {

    /** The args element for plain {@code ethtool DEVNAME}, which has no option. */
    public static final String NO_OPTION = "(no option: ethtool DEVNAME)";

    public CommandInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(meaning, "meaning");
        args = List.copyOf(args);
    }

    /**
     * ethtool option spellings, exactly as ethtool's {@code args[]} table
     * (ethtool.c) has them in ethtool 6.1 and 7.0; shared by both tables so a
     * spelling is written once. {@code --monitor} is parsed in ethtool's main()
     * rather than in that table.
     */
    static final class Opt {
        static final String CHANGE = "-s|--change";
        static final String SHOW_PAUSE = "-a|--show-pause";
        static final String PAUSE = "-A|--pause";
        static final String SHOW_COALESCE = "-c|--show-coalesce";
        static final String COALESCE = "-C|--coalesce";
        static final String SHOW_RING = "-g|--show-ring";
        static final String SET_RING = "-G|--set-ring";
        static final String SHOW_FEATURES = "-k|--show-features|--show-offload";
        static final String FEATURES = "-K|--features|--offload";
        static final String DRIVER = "-i|--driver";
        static final String REGISTER_DUMP = "-d|--register-dump";
        static final String EEPROM_DUMP = "-e|--eeprom-dump";
        static final String CHANGE_EEPROM = "-E|--change-eeprom";
        static final String NEGOTIATE = "-r|--negotiate";
        static final String IDENTIFY = "-p|--identify";
        static final String TEST = "-t|--test";
        static final String STATISTICS = "-S|--statistics";
        static final String PHY_STATISTICS = "--phy-statistics";
        static final String SHOW_NFC = "-n|-u|--show-nfc|--show-ntuple";
        static final String CONFIG_NFC = "-N|-U|--config-nfc|--config-ntuple";
        static final String SHOW_TIME_STAMPING = "-T|--show-time-stamping";
        static final String GET_HWTSTAMP_CFG = "--get-hwtimestamp-cfg";
        static final String SET_HWTSTAMP_CFG = "--set-hwtimestamp-cfg";
        static final String SHOW_RXFH = "-x|--show-rxfh-indir|--show-rxfh";
        static final String SET_RXFH = "-X|--set-rxfh-indir|--rxfh";
        static final String FLASH = "-f|--flash";
        static final String SHOW_PERMADDR = "-P|--show-permaddr";
        static final String GET_DUMP = "-w|--get-dump";
        static final String SET_DUMP = "-W|--set-dump";
        static final String SHOW_CHANNELS = "-l|--show-channels";
        static final String SET_CHANNELS = "-L|--set-channels";
        static final String SHOW_PRIV_FLAGS = "--show-priv-flags";
        static final String SET_PRIV_FLAGS = "--set-priv-flags";
        static final String MODULE_INFO = "-m|--dump-module-eeprom|--module-info";
        static final String SHOW_EEE = "--show-eee";
        static final String SET_EEE = "--set-eee";
        static final String SET_PHY_TUNABLE = "--set-phy-tunable";
        static final String GET_PHY_TUNABLE = "--get-phy-tunable";
        static final String GET_TUNABLE = "--get-tunable";
        static final String SET_TUNABLE = "--set-tunable";
        static final String RESET = "--reset";
        static final String SHOW_FEC = "--show-fec";
        static final String SET_FEC = "--set-fec";
        static final String PER_QUEUE = "-Q|--per-queue";
        static final String CABLE_TEST = "--cable-test";
        static final String CABLE_TEST_TDR = "--cable-test-tdr";
        static final String SHOW_TUNNELS = "--show-tunnels";
        static final String SHOW_MODULE = "--show-module";
        static final String SET_MODULE = "--set-module";
        static final String GET_PLCA_CFG = "--get-plca-cfg";
        static final String SET_PLCA_CFG = "--set-plca-cfg";
        static final String GET_PLCA_STATUS = "--get-plca-status";
        static final String SHOW_MM = "--show-mm";
        static final String SET_MM = "--set-mm";
        static final String SHOW_PSE = "--show-pse";
        static final String SET_PSE = "--set-pse";
        static final String FLASH_MODULE_FIRMWARE = "--flash-module-firmware";
        static final String SHOW_PHYS = "--show-phys";
        static final String SHOW_MSE = "--show-mse";
        static final String MONITOR = "--monitor";

        private Opt() {
        }
    }
}
