// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.perf_buffer_event_fn;
import dev.ethtoolsnoop.ffi.perf_event_attr;
import dev.ethtoolsnoop.ffi.perf_event_header;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The per-CPU perf ring buffers, read in batches. libbpf calls back on the
 * polling thread, so consumers need no locking; their exceptions are carried
 * out of native code and rethrown from poll(). The buffers open before the
 * probes attach (what the probes emit into a map with no buffer is dropped),
 * the consumers are given later, before the first poll: samples are only
 * handed over in poll() and consume().
 *
 * <p>The kernel wakes the reader only once a ring holds a watermark's worth
 * of records, not for each one (libbpf's perf_buffer__new() asks for that):
 * a wake-up is an irq_work the writing CPU raises, a self-IPI, and under
 * virtualization (a VM exit) it cost a GDRVINFO ioctl ~8 us of its ~10 us
 * added time here. What lies below the watermark is read by consume(),
 * which the reader calls after every poll: it reads the rings' positions in
 * memory, no system call.
 */
public final class PerfBuffer implements AutoCloseable {
    private static final int EINTR = 4;
    /** perf_event_attr's flag bits follow read_format; watermark is bit 14 (PerfEventAttrTest checks both). */
    static final long FLAGS_OFFSET = perf_event_attr.read_format$offset() + 8;
    static final long WATERMARK_BIT = 1L << 14;
    /** A PERF_RECORD_SAMPLE of PERF_SAMPLE_RAW: the header, a u32 size, the bytes. */
    private static final long SAMPLE_SIZE_AT = perf_event_header.sizeof();
    private static final long SAMPLE_DATA_AT = SAMPLE_SIZE_AT + 4;
    /** A PERF_RECORD_LOST: the header, u64 id, u64 count. */
    private static final long LOST_COUNT_AT = perf_event_header.sizeof() + 8;
    /**
     * All of memory, made once: a record's bytes are sliced out of it.
     * reinterpret() per record would be a restricted, caller-sensitive call,
     * and without C2 finding its caller walks the stack every time.
     */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment pb;
    private final int recordSample = Libbpf.PERF_RECORD_SAMPLE();
    private final int recordLost = Libbpf.PERF_RECORD_LOST();
    private RuntimeException pending;
    /** Records (samples, loss notices) handed over in the current poll or consume. */
    private int handled;
    private Consumer<MemorySegment> onSample;
    private LongConsumer onLost;

    PerfBuffer(int mapFd, int pagesPerCpu) throws LibbpfException {
        int cont = Libbpf.LIBBPF_PERF_EVENT_CONT();
        MemorySegment event = perf_buffer_event_fn.allocate((ctx, cpu, header) -> {
            if (pending == null) {
                handled++;
                try {
                    take(header.address());
                } catch (RuntimeException e) {
                    pending = e;
                }
            }
            return cont;
        }, arena);
        MemorySegment attr = arena.allocate(perf_event_attr.layout());
        perf_event_attr.type(attr, Libbpf.PERF_TYPE_SOFTWARE());
        perf_event_attr.size(attr, (int) perf_event_attr.sizeof());
        perf_event_attr.config(attr, Libbpf.PERF_COUNT_SW_BPF_OUTPUT());
        perf_event_attr.sample_type(attr, Libbpf.PERF_SAMPLE_RAW());
        perf_event_attr.sample_period(attr, 1);
        attr.set(ValueLayout.JAVA_LONG, FLAGS_OFFSET, WATERMARK_BIT);
        perf_event_attr.wakeup_watermark(attr, watermark(pagesPerCpu));
        this.pb = Native.check(Libbpf.perf_buffer__new_raw(mapFd, pagesPerCpu, attr, event,
                MemorySegment.NULL, MemorySegment.NULL), "perf buffer");
    }

    /**
     * Bytes a ring holds before its reader is woken: a quarter of the ring,
     * at most 64 KiB (~230 records), so that a burst wakes the reader long
     * before it fills the ring.
     */
    static int watermark(int pagesPerCpu) {
        return (int) Math.min(64 * 1024, (long) pagesPerCpu * 4096 / 4);
    }

    private void take(long record) {
        int type = ALL.get(ValueLayout.JAVA_INT, record);
        if (type == recordSample) {
            int size = ALL.get(ValueLayout.JAVA_INT_UNALIGNED, record + SAMPLE_SIZE_AT);
            onSample.accept(ALL.asSlice(record + SAMPLE_DATA_AT, Integer.toUnsignedLong(size)));
        } else if (type == recordLost) {
            onLost.accept(ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, record + LOST_COUNT_AT));
        }
    }

    /** Who takes the samples and the counts of lost ones; before the first poll. */
    public void consume(Consumer<MemorySegment> onSample, LongConsumer onLost) {
        this.onSample = onSample;
        this.onLost = onLost;
    }

    /**
     * Waits up to timeoutMs for a ring to reach its watermark, then reads
     * every ring, below the watermark too; returns the records handled.
     */
    public int poll(int timeoutMs) throws LibbpfException {
        if (onSample == null) {
            throw new IllegalStateException("poll() before consume()");
        }
        handled = 0;
        int n = Libbpf.perf_buffer__poll(pb, timeoutMs);
        rethrow();
        if (n == -EINTR) {
            n = 0; // a signal (Ctrl-C) woke epoll: the caller checks its stop flag
        }
        Native.check(n, "poll perf buffer");
        Native.check(Libbpf.perf_buffer__consume(pb), "read perf buffer");
        rethrow();
        return handled;
    }

    private void rethrow() {
        if (pending != null) {
            RuntimeException e = pending;
            pending = null;
            throw e;
        }
    }

    @Override
    public void close() {
        Libbpf.perf_buffer__free(pb);
        arena.close();
    }
}
