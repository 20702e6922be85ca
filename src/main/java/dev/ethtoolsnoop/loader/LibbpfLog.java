// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.Libc;
import dev.ethtoolsnoop.ffi.libbpf_print_fn_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Routes libbpf's own messages to slf4j: shown with -v, otherwise kept (the
 * last few warnings) to explain a failure in one line.
 */
public final class LibbpfLog {
    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int KEEP = 16;
    private static final Deque<String> recentWarnings = new ArrayDeque<>();
    private static volatile boolean verbose;
    private static MemorySegment callback;

    private LibbpfLog() {
    }

    static synchronized void install(boolean beVerbose) {
        verbose = beVerbose;
        if (!beVerbose && !LOG.isDebugEnabled()) {
            // Every message would be dropped: libbpf is told to stay silent,
            // which spares making the upcall stub (tens of ms on a cold JVM).
            Libbpf.libbpf_set_print(MemorySegment.NULL);
            return;
        }
        if (callback == null) {
            callback = libbpf_print_fn_t.allocate(LibbpfLog::print, Arena.global());
            Libbpf.libbpf_set_print(callback);
        }
    }

    private static int print(int level, MemorySegment fmt, MemorySegment args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1 << 16); // verifier logs are long
            Libc.vsnprintf(buf, buf.byteSize(), fmt, args);
            String msg = buf.getString(0).stripTrailing();
            if (level == Libbpf.LIBBPF_WARN()) {
                synchronized (recentWarnings) {
                    if (recentWarnings.size() == KEEP) {
                        recentWarnings.removeFirst();
                    }
                    recentWarnings.addLast(msg);
                }
            }
            if (verbose) {
                LOG.info(msg);
            } else {
                LOG.debug(msg);
            }
        } catch (Throwable t) {
            // an exception must never unwind into native code
        }
        return 0;
    }

    /** Takes the warnings libbpf printed since the last call. */
    static List<String> drainWarnings() {
        synchronized (recentWarnings) {
            List<String> out = new ArrayList<>(recentWarnings);
            recentWarnings.clear();
            return out;
        }
    }
}
