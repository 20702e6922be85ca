// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.Libc;
import dev.ethtoolsnoop.ffi.perf_event_attr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-CPU perf ring buffers, read in batches on the polling thread (so
 * consumers need no locking). libbpf opens and maps the rings; we read them
 * ourselves ({@link PerfRing}) because libbpf's own reading calls back into
 * Java for every record, a transition per event. The buffers open before
 * the probes attach (what the probes emit into a map with no buffer is
 * dropped), the consumers are given later, before the first poll: records
 * are only handed over in poll().
 *
 * <p>The kernel wakes the reader after every watermark's worth of bytes
 * written to a ring, not after each record (what libbpf's perf_buffer__new()
 * would ask for): a wake-up is an irq_work the writing CPU raises, a
 * self-IPI, and under virtualization a VM exit, several microseconds added
 * to the traced call. What lies below the watermark is read on every poll:
 * the rings' positions are in memory, no system call.
 */
public final class PerfBuffer implements AutoCloseable {
    private static final int EINTR = 4;
    private static final int MAX_POLL_FAILURES = 100;
    private static final int ENOENT = 2;
    /** Records are copied out of a ring this much at a time (~470 events); at least a record's largest size. */
    static final int COPY_BYTES = 128 * 1024;
    /** perf_event_attr's flag bits follow read_format; watermark is bit 14 (PerfEventAttrTest checks both). */
    static final long FLAGS_OFFSET = perf_event_attr.read_format$offset() + 8;
    static final long WATERMARK_BIT = 1L << 14;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment pb;
    private final PerfRing[] rings;
    /** struct pollfd for libbpf's epoll fd, which is readable once any ring is past its watermark. */
    private final MemorySegment pollfd;
    private Records records;
    /** poll() failures in a row: one is a signal; many, a broken descriptor. */
    private int pollFailures;

    /** Takes what the rings hand over. */
    public interface Records {
        /** A sample's bytes: bytes[offset, offset + size), valid only during the call. */
        void sample(byte[] bytes, int offset, int size);

        /** The kernel's count of records it could not write (a full ring). */
        void lost(long count);
    }

    PerfBuffer(int mapFd, int pagesPerCpu) throws LibbpfException {
        MemorySegment attr = arena.allocate(perf_event_attr.layout());
        perf_event_attr.type(attr, Libbpf.PERF_TYPE_SOFTWARE());
        perf_event_attr.size(attr, (int) perf_event_attr.sizeof());
        perf_event_attr.config(attr, Libbpf.PERF_COUNT_SW_BPF_OUTPUT());
        perf_event_attr.sample_type(attr, Libbpf.PERF_SAMPLE_RAW());
        perf_event_attr.sample_period(attr, 1);
        attr.set(ValueLayout.JAVA_LONG, FLAGS_OFFSET, WATERMARK_BIT);
        perf_event_attr.wakeup_watermark(attr, watermark(pagesPerCpu));
        // no callback: libbpf's poll and consume, which would call it, are never used
        this.pb = Native.check(Libbpf.perf_buffer__new_raw(mapFd, pagesPerCpu, attr, MemorySegment.NULL,
                MemorySegment.NULL, MemorySegment.NULL), "perf buffer");
        try {
            this.rings = rings();
        } catch (LibbpfException | RuntimeException e) {
            Libbpf.perf_buffer__free(pb);
            arena.close();
            throw e;
        }
        this.pollfd = arena.allocate(8, 4); // struct pollfd { int fd; short events, revents; }
        pollfd.set(ValueLayout.JAVA_INT, 0, Libbpf.perf_buffer__epoll_fd(pb));
        pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) Libc.POLLIN());
    }

    /** Every mapped ring (an offline CPU has none). */
    private PerfRing[] rings() throws LibbpfException {
        int count = (int) Libbpf.perf_buffer__buffer_cnt(pb);
        MemorySegment base = arena.allocate(ValueLayout.ADDRESS);
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        byte[] copy = new byte[COPY_BYTES];
        int sample = Libbpf.PERF_RECORD_SAMPLE();
        int lost = Libbpf.PERF_RECORD_LOST();
        List<PerfRing> found = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int rc = Libbpf.perf_buffer__buffer(pb, i, base, size);
            if (rc == -ENOENT) {
                continue;
            }
            Native.check(rc, "perf buffer ring");
            MemorySegment header = base.get(ValueLayout.ADDRESS, 0).reinterpret(PerfRing.DATA_SIZE + 8);
            long dataAt = header.get(ValueLayout.JAVA_LONG, PerfRing.DATA_OFFSET);
            long dataSize = header.get(ValueLayout.JAVA_LONG, PerfRing.DATA_SIZE);
            if (dataSize != size.get(ValueLayout.JAVA_LONG, 0)) {
                throw new LibbpfException("perf buffer ring of " + dataSize + " bytes, libbpf mapped "
                        + size.get(ValueLayout.JAVA_LONG, 0), 22 /* EINVAL */);
            }
            MemorySegment whole = header.reinterpret(dataAt + dataSize);
            found.add(new PerfRing(whole, whole.asSlice(dataAt, dataSize), copy, sample, lost));
        }
        return found.toArray(new PerfRing[0]);
    }

    /**
     * Bytes a ring holds before its reader is woken: a quarter of the ring,
     * at most 64 KiB (~230 records), so that a burst wakes the reader long
     * before it fills the ring.
     */
    static int watermark(int pagesPerCpu) {
        return (int) Math.min(64 * 1024, (long) pagesPerCpu * 4096 / 4);
    }

    /** Who takes the samples and the counts of lost ones; before the first poll. */
    public void consume(Records records) {
        this.records = records;
    }

    /**
     * Waits up to timeoutMs for a ring to reach its watermark (not at all for
     * 0), then reads every ring, below the watermark too; returns the
     * records read. Reading whatever is there without waiting would hand
     * over a few records per pass, each pass with its own write of the
     * output: the waiting is what batches the work.
     */
    public int poll(int timeoutMs) throws LibbpfException {
        if (records == null) {
            throw new IllegalStateException("poll() before consume()");
        }
        if (timeoutMs > 0) {
            if (Libc.poll(pollfd, 1, timeoutMs) >= 0) {
                pollFailures = 0;
            } else if (++pollFailures >= MAX_POLL_FAILURES) {
                // errno is read after the call returned to Java, which may have
                // changed it meanwhile: only a failure that repeats is trusted to
                // be one, a single one is taken for a signal (Ctrl-C, EINTR)
                int err = Native.errno();
                throw new LibbpfException("poll perf buffer", err == 0 || err == EINTR ? 5 /* EIO */ : err);
            }
        }
        return readAll();
    }

    private int readAll() {
        int n = 0;
        for (PerfRing ring : rings) {
            n += ring.read(records);
        }
        return n;
    }

    @Override
    public void close() {
        Libbpf.perf_buffer__free(pb);
        arena.close();
    }
}
