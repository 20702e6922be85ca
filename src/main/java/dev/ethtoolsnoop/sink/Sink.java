// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.RtnlWait;

/** Where operations go. Output is flushed per poll batch, not per event. */
public interface Sink {
    void accept(Operation op);

    /** A long wait for RTNL (--waits); sinks that only count operations ignore it. */
    default void acceptWait(RtnlWait w) {
    }

    /** Ends a batch; returns false once the reader has gone (e.g. {@code | head -1}). */
    boolean flush();

    /** Called once when tracing stops (summaries print here). */
    default void finish() {
    }
}
