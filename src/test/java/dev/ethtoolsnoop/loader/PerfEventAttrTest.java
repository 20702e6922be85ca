// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.support.CProgram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jextract skips perf_event_attr's bit-fields, so PerfBuffer sets the
 * watermark flag by offset, and PerfRing reads the rings at offsets of its
 * own: these compile C programs against the kernel's header and compare.
 */
class PerfEventAttrTest {
    @Test
    void watermarkFlagIsWherePerfBufferSetsIt() throws Exception {
        String out = CProgram.output("""
                #include <stdio.h>
                #include <string.h>
                #include <linux/perf_event.h>
                int main(void) {
                    struct perf_event_attr a;
                    unsigned char *b = (unsigned char *)&a;
                    memset(&a, 0, sizeof(a));
                    a.watermark = 1;
                    for (unsigned i = 0; i < sizeof(a); i++)
                        for (int bit = 0; bit < 8; bit++)
                            if (b[i] & (1 << bit))
                                printf("%u %d\\n", i, bit);
                    return 0;
                }
                """);
        String[] set = out.strip().split("\n");
        assertEquals(1, set.length, String.join(";", set));
        String[] at = set[0].split(" ");
        long byteAt = Long.parseLong(at[0]);
        int bit = Integer.parseInt(at[1]);
        // little-endian: the flag word's bit N is in its byte N / 8
        assertEquals(PerfBuffer.FLAGS_OFFSET + Long.numberOfTrailingZeros(PerfBuffer.WATERMARK_BIT) / 8, byteAt);
        assertEquals(Long.numberOfTrailingZeros(PerfBuffer.WATERMARK_BIT) % 8, bit);
    }

    @Test
    void ringOffsetsAreTheKernelHeaders() throws Exception {
        String out = CProgram.output("""
                #include <stdio.h>
                #include <stddef.h>
                #include <linux/perf_event.h>
                int main(void) {
                    printf("%zu %zu %zu %zu %zu %zu\\n",
                           offsetof(struct perf_event_mmap_page, data_head),
                           offsetof(struct perf_event_mmap_page, data_tail),
                           offsetof(struct perf_event_mmap_page, data_offset),
                           offsetof(struct perf_event_mmap_page, data_size),
                           offsetof(struct perf_event_header, size),
                           sizeof(struct perf_event_header));
                    return 0;
                }
                """).strip();
        assertEquals(PerfRing.DATA_HEAD + " " + PerfRing.DATA_TAIL + " " + PerfRing.DATA_OFFSET + " "
                + PerfRing.DATA_SIZE + " " + PerfRing.RECORD_SIZE_AT + " " + PerfRing.HEADER_BYTES, out);
    }

    @Test
    void watermarkWakesLongBeforeTheRingIsFull() {
        assertEquals(1024, PerfBuffer.watermark(1));
        assertEquals(64 * 1024, PerfBuffer.watermark(1024));
        for (int pages = 1; pages <= 1 << 16; pages *= 2) {
            assertTrue(PerfBuffer.watermark(pages) <= pages * 4096 / 4, "pages " + pages);
        }
    }
}
