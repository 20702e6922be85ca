// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EntrySkipsTest {
    @Test
    void readsRecursionMissesFromFdinfo(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("7"), """
                pos:\t0
                flags:\t02000002
                prog_type:\t26
                prog_id:\t41
                run_time_ns:\t0
                run_cnt:\t0
                recursion_misses:\t1741
                verified_insns:\t95
                """);
        assertEquals(1741, EntrySkips.misses(p));
    }

    @Test
    void anOldKernelsFdinfoOrAClosedFdCountsNothing(@TempDir Path dir) throws Exception {
        Path old = Files.writeString(dir.resolve("7"), "pos:\t0\nprog_type:\t26\nprog_id:\t41\n");
        assertEquals(0, EntrySkips.misses(old));
        assertEquals(0, EntrySkips.misses(dir.resolve("missing")));
    }
}
