// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;

import java.util.List;

/**
 * An ethtool operation with everything a sink prints: the kernel's facts plus
 * command names and the ethtool options behind them.
 *
 * @param timeNs     wall-clock time of entry, ns since the epoch
 * @param ifname     raw bytes; empty when no device was named
 * @param subCmd     ETHTOOL_PERQUEUE sub-command, or null
 * @param subCmdName its name, or null
 */
public record Operation(
        long timeNs,
        Backend backend,
        Kind kind,
        byte[] ifname,
        int ifindex,
        long netns,
        int pid,
        int tid,
        byte[] comm,
        int ppid,
        byte[] pcomm,
        int cmd,
        String cmdName,
        Integer subCmd,
        String subCmdName,
        List<String> args,
        long latencyNs,
        int ret) {

    /** The command as shown: "ETHTOOL_PERQUEUE/ETHTOOL_GCOALESCE" for a per-queue ioctl. */
    public String command() {
        return subCmdName == null ? cmdName : cmdName + "/" + subCmdName;
    }
}
