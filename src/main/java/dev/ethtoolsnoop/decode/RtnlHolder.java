// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/**
 * Who held RTNL when a wait for it began ({@link Kind#RTNL_WAIT}).
 *
 * @param pid    0 when RTNL's owner could not be read
 * @param opKind the holder's ethtool operation's kind; null when the holder
 *               was not inside an ethtool operation
 * @param opTsNs that operation's start (CLOCK_MONOTONIC), which with tid
 *               names it
 */
public record RtnlHolder(int pid, int tid, byte[] comm, Kind opKind, long opTsNs) {
}
