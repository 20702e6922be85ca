// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/**
 * One ethtool operation as the kernel reported it. Strings stay raw bytes:
 * comm and interface names are chosen by whoever runs on the host, and only
 * the sinks know how to show them safely.
 * The arrays are shared (the decoder hands the same array over while a name
 * repeats, and the sinks and the device lookup remember arrays by identity):
 * nothing may write to them.
 *
 * @param netns   inode number of the network namespace (unsigned)
 * @param subCmd  ETHTOOL_PERQUEUE sub-command, or -1
 * @param ifindex 0 when the kernel did not resolve a device
 * @param payload netlink message prefix (syscall backend), else empty
 * @param cmdKnown    false when the command could not be read from the caller's memory
 * @param subCmdKnown false when an ETHTOOL_PERQUEUE sub-command could not be read
 * @param awaitsAnswer syscall backend, netlink: ret is not the result yet, the
 *                     answer the caller reads on sockFd is (a {@link Kind#GENL_REPLY})
 * @param sockFd  the caller's netlink socket (syscall backend)
 * @param nlSeq   a {@link Kind#GENL_REPLY}'s nlmsg_seq; its ret is the answer's error
 * @param rtnl    an operation's cost to RTNL's other users; null where RTNL waits are not traced
 * @param holder  a {@link Kind#RTNL_WAIT}'s RTNL holder (its ethtool operation's kind, cmd,
 *                ifname, ifindex and netns are in those fields); else null
 * @param cgroupId  the caller's cgroup v2 id (0 in a {@link Kind#RTNL_WAIT})
 * @param ancestors the caller's parent, its parent, ... (up to 4), as they were at the call
 */
public record Event(
        long monotonicNs,
        long latencyNs,
        int tgid,
        int tid,
        int ppid,
        long netns,
        int ret,
        int ifindex,
        int cmd,
        int subCmd,
        Kind kind,
        Backend backend,
        boolean hasDevice,
        byte[] comm,
        byte[] pcomm,
        byte[] ifname,
        byte[] payload,
        boolean cmdKnown,
        boolean subCmdKnown,
        boolean awaitsAnswer,
        int sockFd,
        int nlSeq,
        RtnlCost rtnl,
        RtnlHolder holder,
        long cgroupId,
        java.util.List<Ancestor> ancestors) {

    public boolean hasSubCmd() {
        return subCmd >= 0;
    }
}
