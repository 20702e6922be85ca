// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/**
 * What an operation's hold on RTNL cost the other tasks that needed it, as
 * the probes measured it. Waits count only their part inside the hold.
 *
 * @param holdNs            how long it held RTNL; null where the backend cannot see
 *                          RTNL taken and released (syscall)
 * @param waiters           tasks that waited for RTNL while it held it
 * @param waitNs            their waits inside the hold, summed
 * @param waitMaxNs         the longest of those
 * @param longestWaiterPid  who waited longest (0: nobody, or not known)
 * @param longestWaiterComm its process name
 */
public record RtnlCost(Long holdNs, int waiters, long waitNs, long waitMaxNs, int longestWaiterPid,
                       byte[] longestWaiterComm) {
}
