// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

/** A reason tracing cannot start that the user can act on: one line, one exit code. */
public final class SetupException extends Exception {
    /** Exit codes a script can tell apart (README: "Exit codes"). */
    public static final int PERMISSION = 3;
    public static final int NO_BTF = 4;
    public static final int LIBBPF = 5;
    public static final int NO_BACKEND = 6;

    private final int exitCode;

    public SetupException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
