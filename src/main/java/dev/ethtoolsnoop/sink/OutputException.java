// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.io.IOException;

/**
 * Events could not be written (a full disk, a closed stdout): the run ends
 * with one line on stderr and its own exit code. Unchecked, so it passes
 * through PrintStream (which swallows IOExceptions) and through the sinks.
 * A reader that went away is no such error: see {@link Output}.
 */
public final class OutputException extends RuntimeException {
    public OutputException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
