// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

/** A reason tracing cannot start that the user can act on: one line, one exit code. */
public final class SetupException extends Exception {
    /*
     * Every exit code, declared here only (README "Exit codes" and the --help
     * footer, which is built from these). 7 belongs to the launcher script:
     * no JDK to run on.
     */
    public static final int OK = 0;
    /** An error nobody planned for (a bug, or something this list does not name). */
    public static final int ERROR = 1;
    /** Bad command line: one line on stderr, nothing traced. */
    public static final int USAGE = 2;
    public static final int PERMISSION = 3;
    public static final int NO_BTF = 4;
    public static final int LIBBPF = 5;
    public static final int NO_BACKEND = 6;
    /** The launcher's: no up-to-date runtime image, and no JDK 22 or newer (or no Maven) to run on. */
    public static final int NO_JDK = 7;
    /** stdout could not be written (full disk, closed); a reader that left (EPIPE) is no error. */
    public static final int OUTPUT = 8;
    /** Out of a resource the user can raise: open files, locked memory, memory. */
    public static final int RESOURCE = 9;

    private final int exitCode;

    public SetupException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
