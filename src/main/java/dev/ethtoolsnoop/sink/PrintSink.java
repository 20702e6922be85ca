// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.io.PrintStream;

/** A sink writing to a stream, which notices when the stream's reader has gone. */
abstract class PrintSink implements Sink {
    protected final PrintStream out;

    PrintSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public boolean flush() {
        out.flush();
        return !out.checkError();
    }
}
