// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

/** A libbpf call failed; carries the errno and libbpf's own wording of it. */
public final class LibbpfException extends Exception {
    private final int errno;

    LibbpfException(String what, int errno) {
        super(what + ": " + Native.strerror(errno));
        this.errno = errno;
    }

    /** Positive errno (EPERM, ENOENT, ...). */
    public int errno() {
        return errno;
    }
}
