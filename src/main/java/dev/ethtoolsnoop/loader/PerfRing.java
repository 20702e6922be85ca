// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One CPU's perf ring, read in place of libbpf's perf_buffer__poll(), which
 * calls into Java once per record. The records between our data_tail and
 * the kernel's data_head are copied out in one piece (a record that wraps
 * round the ring's end comes out whole), their space is given back to the
 * kernel at once, and then they are handed over from the copy: in a burst
 * the kernel writes on into the freed space while the reader decodes, and
 * no record costs a call of its own into native memory.
 *
 * <p>Bytes that are not records (which only a kernel bug could write) are
 * skipped with a warning: what they held cannot be counted as events.
 */
final class PerfRing {
    /** Offsets in struct perf_event_mmap_page (PerfEventAttrTest checks them against the header). */
    static final long DATA_HEAD = 1024;
    static final long DATA_TAIL = 1032;
    static final long DATA_OFFSET = 1040;
    static final long DATA_SIZE = 1048;
    /** A record: u32 type, u16 misc, u16 size, then its body. */
    static final int RECORD_SIZE_AT = 6;
    static final int HEADER_BYTES = 8;
    /** A PERF_RECORD_SAMPLE of PERF_SAMPLE_RAW: the header, a u32 size, the bytes. */
    static final int SAMPLE_SIZE_AT = HEADER_BYTES;
    static final int SAMPLE_DATA_AT = SAMPLE_SIZE_AT + 4;
    /** A PERF_RECORD_LOST: the header, u64 id, u64 count. */
    static final int LOST_COUNT_AT = HEADER_BYTES + 8;
    /** The largest record: its size is a u16. A copy of at least this much always holds one whole. */
    static final int MAX_RECORD = 0xffff;

    /** data_head is read with acquire, data_tail written with release: the kernel's side of the same pairing. */
    private static final VarHandle RING_LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private static final Logger LOG = LoggerFactory.getLogger(PerfRing.class);

    private final MemorySegment header;
    private final MemorySegment data;
    private final long mask;
    private final byte[] copy;
    private final MemorySegment copySegment;
    private final int sampleType;
    private final int lostType;

    /**
     * @param header the ring's first page (struct perf_event_mmap_page)
     * @param data   the ring's data area, a power of two in size
     * @param copy   where records are copied to, at least {@link #MAX_RECORD}
     *               bytes; the rings of one reader can share it
     */
    PerfRing(MemorySegment header, MemorySegment data, byte[] copy, int sampleType, int lostType) {
        if (Long.bitCount(data.byteSize()) != 1 || copy.length < MAX_RECORD) {
            throw new IllegalArgumentException("ring of " + data.byteSize() + " bytes, copy " + copy.length);
        }
        this.header = header;
        this.data = data;
        this.mask = data.byteSize() - 1;
        this.copy = copy;
        this.copySegment = MemorySegment.ofArray(copy);
        this.sampleType = sampleType;
        this.lostType = lostType;
    }

    /** Gives the ring back from tail up to head, unread. */
    private void skip(long tail, long head, String why) {
        LOG.warn("perf ring: skipped {} bytes at {} ({}): events in them are neither shown nor counted",
                head - tail, tail, why);
        RING_LONG.setRelease(header, DATA_TAIL, head);
    }

    /**
     * Reads the records written up to now (at most one ring's worth, so that
     * one busy CPU cannot keep the others waiting); returns how many. If
     * taking one throws, the others of its copy are not handed over.
     */
    int read(PerfBuffer.Records to) {
        long head = (long) RING_LONG.getAcquire(header, DATA_HEAD);
        long tail = header.get(ValueLayout.JAVA_LONG, DATA_TAIL);
        int n = 0;
        while (tail != head) {
            long available = head - tail;
            if (available < 0 || available > data.byteSize()) {
                skip(tail, head, "positions out of range");
                return n;
            }
            int len = (int) Math.min(available, copy.length);
            long at = tail & mask;
            long first = Math.min(len, data.byteSize() - at);
            MemorySegment.copy(data, at, copySegment, 0, first);
            if (first < len) {
                MemorySegment.copy(data, 0, copySegment, first, len - first);
            }
            // the whole records of the copy
            int whole = 0;
            while (whole + HEADER_BYTES <= len) {
                int size = Short.toUnsignedInt((short) SHORT.get(copy, whole + RECORD_SIZE_AT));
                if (size < HEADER_BYTES || whole + size > len) {
                    break;
                }
                whole += size;
            }
            if (whole == 0) {
                // the kernel publishes whole records only, and a copy holds the
                // largest: what does not end before head is not a record
                skip(tail, head, "not a record");
                return n;
            }
            tail += whole;
            RING_LONG.setRelease(header, DATA_TAIL, tail);
            for (int pos = 0; pos < whole; ) {
                int size = Short.toUnsignedInt((short) SHORT.get(copy, pos + RECORD_SIZE_AT));
                int type = (int) INT.get(copy, pos);
                if (type == sampleType && size >= SAMPLE_DATA_AT) {
                    long raw = Integer.toUnsignedLong((int) INT.get(copy, pos + SAMPLE_SIZE_AT));
                    to.sample(copy, pos + SAMPLE_DATA_AT, (int) Math.min(raw, size - SAMPLE_DATA_AT));
                } else if (type == lostType && size >= LOST_COUNT_AT + 8) {
                    to.lost((long) LONG.get(copy, pos + LOST_COUNT_AT));
                }
                pos += size;
                n++;
            }
        }
        return n;
    }
}
