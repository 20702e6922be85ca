// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.decode.RtnlCost;

import java.util.List;

/**
 * An ethtool operation with everything a sink prints: the kernel's facts plus
 * command names and the ethtool options behind them.
 *
 * @param timeNs     wall-clock time of entry, ns since the epoch
 * @param ifname     raw bytes; empty when no device was named
 * @param subCmd     ETHTOOL_PERQUEUE sub-command, or null
 * @param subCmdName its name, or null
 * @param cmd        null when the command could not be read (cmdName is then "?")
 * @param ret        0 or -errno; null when the result is unknown (a netlink
 *                   answer its caller did not read in time)
 * @param rtnl       what holding RTNL cost other tasks; null where RTNL waits
 *                   are not traced (shown as unknown, never as zero)
 * @param origin     ancestry, cgroup and full name of the caller ({@link Origin#UNKNOWN} when none)
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
        Integer cmd,
        String cmdName,
        Integer subCmd,
        String subCmdName,
        List<String> args,
        long latencyNs,
        Integer ret,
        RtnlCost rtnl,
        Origin origin) {

    /** Known to have failed. */
    public boolean failed() {
        return ret != null && ret != 0;
    }

    /** The same operation with the result its netlink answer carried (null: none came). */
    public Operation withRet(Integer answer) {
        return new Operation(timeNs, backend, kind, ifname, ifindex, netns, pid, tid, comm, ppid, pcomm,
                cmd, cmdName, subCmd, subCmdName, args, latencyNs, answer, rtnl, origin);
    }

    /** The command as shown: "ETHTOOL_PERQUEUE/ETHTOOL_GCOALESCE" for a per-queue ioctl. */
    public String command() {
        return subCmdName == null ? cmdName : cmdName + "/" + subCmdName;
    }
}
