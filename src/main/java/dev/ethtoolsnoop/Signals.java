// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import sun.misc.Signal;

/**
 * Ctrl-C, SIGTERM and SIGHUP (the terminal closed) end tracing like
 * --duration does: the loop stops, probes detach, pending output (-s,
 * --hist) is written, and the exit code is 0 (a shutdown hook would race the
 * loop and exit 130/143/129). A signal ignored when we start (nohup) stays
 * ignored: the JVM leaves it alone. SIGQUIT (Ctrl-\) is the JVM's own, which
 * Java code cannot take over: it prints a thread dump, which the launchers
 * send to stderr (-XX:+DisplayVMOutputToStderr), and tracing goes on.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(name), sig -> stop.run());
        }
    }
}
