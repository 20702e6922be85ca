// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

/**
 * A task that waited for RTNL longer than the --waits threshold, and who held
 * RTNL when its wait began.
 *
 * @param timeNs     wall-clock time the wait began, ns since the epoch
 * @param ret        0: it got RTNL; else it gave up (-EINTR: a killable wait killed)
 * @param holderPid  0 when RTNL's owner could not be read
 * @param holderOp   the ethtool operation the holder was inside; null when it
 *                   was not inside one
 */
public record RtnlWait(long timeNs, long waitNs, int pid, int tid, byte[] comm, int ret,
                       int holderPid, int holderTid, byte[] holderComm, HolderOp holderOp) {

    /**
     * @param timeNs the operation's start (wall clock, as its {@link Operation#timeNs()})
     * @param ifname empty when the probes could not tell (a netlink request
     *               seen only as the caller sent it) and no operation record
     *               said more
     */
    public record HolderOp(dev.ethtoolsnoop.decode.Kind kind, String command, byte[] ifname, long timeNs) {
    }

    /** The holder's operation as its own record tells it (device and command as printed). */
    public RtnlWait withHolder(Operation op) {
        return new RtnlWait(timeNs, waitNs, pid, tid, comm, ret, holderPid, holderTid, holderComm,
                new HolderOp(op.kind(), op.command(), op.ifname(), op.timeNs()));
    }
}
