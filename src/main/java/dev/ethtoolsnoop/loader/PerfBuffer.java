// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.perf_buffer_lost_fn;
import dev.ethtoolsnoop.ffi.perf_buffer_sample_fn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The per-CPU perf ring buffers. libbpf calls back on the polling thread, so
 * consumers need no locking; their exceptions are carried out of native code
 * and rethrown from poll(). The buffers open before the probes attach (what
 * the probes emit into a map with no buffer is dropped), the consumers are
 * given later, before the first poll: samples are only handed over in poll().
 */
public final class PerfBuffer implements AutoCloseable {
    private static final int EINTR = 4;
    /**
     * All of memory, made once: a sample's bytes are sliced out of it.
     * reinterpret() per sample would be a restricted, caller-sensitive call,
     * and without C2 finding its caller walks the stack every time.
     */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment pb;
    private RuntimeException pending;
    /** Records (samples, loss notices) handled in the current poll: libbpf counts the rings that had data. */
    private int handled;
    private Consumer<MemorySegment> onSample;
    private LongConsumer onLost;

    PerfBuffer(int mapFd, int pagesPerCpu) throws LibbpfException {
        MemorySegment sample = perf_buffer_sample_fn.allocate((ctx, cpu, data, size) -> {
            if (pending != null) {
                return;
            }
            handled++;
            try {
                onSample.accept(ALL.asSlice(data.address(), Integer.toUnsignedLong(size)));
            } catch (RuntimeException e) {
                pending = e;
            }
        }, arena);
        MemorySegment lost = perf_buffer_lost_fn.allocate((ctx, cpu, count) -> {
            handled++;
            try {
                onLost.accept(count);
            } catch (RuntimeException e) {
                pending = e;
            }
        }, arena);
        this.pb = Native.check(Libbpf.perf_buffer__new(mapFd, pagesPerCpu, sample, lost,
                MemorySegment.NULL, MemorySegment.NULL), "perf buffer");
    }

    /** Who takes the samples and the counts of lost ones; before the first poll. */
    public void consume(Consumer<MemorySegment> onSample, LongConsumer onLost) {
        this.onSample = onSample;
        this.onLost = onLost;
    }

    /**
     * Waits up to timeoutMs and drains what arrived; returns the records
     * handled, samples and loss notices (libbpf's perf_buffer__poll() returns
     * how many rings had data: at most the CPU count, however many records).
     */
    public int poll(int timeoutMs) throws LibbpfException {
        if (onSample == null) {
            throw new IllegalStateException("poll() before consume()");
        }
        handled = 0;
        int n = Libbpf.perf_buffer__poll(pb, timeoutMs);
        if (pending != null) {
            RuntimeException e = pending;
            pending = null;
            throw e;
        }
        if (n == -EINTR) {
            return 0; // a signal (Ctrl-C) woke epoll: the caller checks its stop flag
        }
        Native.check(n, "poll perf buffer");
        return handled;
    }

    @Override
    public void close() {
        Libbpf.perf_buffer__free(pb);
        arena.close();
    }
}
