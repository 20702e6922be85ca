// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

/** A process above the caller, as the kernel saw it at the time of the call: pid and 15-byte name. */
public record Ancestor(int pid, byte[] comm) {
}
