// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jextract skips perf_event_attr's bit-fields, so PerfBuffer sets the
 * watermark flag by offset: this compiles a C program that sets it through
 * the kernel's header and finds where the bit landed.
 */
class PerfEventAttrTest {
    @Test
    void watermarkFlagIsWherePerfBufferSetsIt() throws Exception {
        Path dir = Files.createTempDirectory("attr");
        Path src = dir.resolve("attr.c");
        Files.writeString(src, """
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
        Path bin = dir.resolve("attr");
        Process cc = new ProcessBuilder("gcc", "-Wall", "-Werror", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), ccOut);
        Process run = new ProcessBuilder(bin.toString()).start();
        String[] set = new String(run.getInputStream().readAllBytes()).strip().split("\n");
        assertEquals(0, run.waitFor());
        assertEquals(1, set.length, String.join(";", set));
        String[] at = set[0].split(" ");
        long byteAt = Long.parseLong(at[0]);
        int bit = Integer.parseInt(at[1]);
        // little-endian: the flag word's bit N is in its byte N / 8
        assertEquals(PerfBuffer.FLAGS_OFFSET + Long.numberOfTrailingZeros(PerfBuffer.WATERMARK_BIT) / 8, byteAt);
        assertEquals(Long.numberOfTrailingZeros(PerfBuffer.WATERMARK_BIT) % 8, bit);
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
