// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM end tracing like --duration does: the loop stops,
 * probes detach, pending output is written, and the exit code is 0 (a
 * shutdown hook would race the loop and exit 130/143).
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), sig -> stop.run());
        }
    }
}
