// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Notices that the reader of stdout has gone (`ethtoolsnoop | head -1`)
 * without waiting for the next event to fail to write: poll() reports
 * POLLERR on a pipe whose read end is closed.
 */
public final class PipeWatch {
    private PipeWatch() {
    }

    /** True once fd can never be written again (pipe reader gone, tty hung up). */
    public static boolean readerGone(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(8, 4); // struct pollfd { int fd; short events, revents; }
            pfd.set(ValueLayout.JAVA_INT, 0, fd);
            if (Libc.poll(pfd, 1, 0) != 1) {
                return false;
            }
            short revents = pfd.get(ValueLayout.JAVA_SHORT, 6);
            return (revents & (Libc.POLLERR() | Libc.POLLHUP())) != 0;
        }
    }
}
