// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A C program compiled by the host's gcc and run once: how the tests hold
 * the offsets we read native memory at against the C headers that define
 * them.
 */
public final class CProgram {
    private CProgram() {
    }

    /** What the program prints; fails the test if it does not compile (warnings included) or exits non-zero. */
    public static String output(String source) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cprog");
        Path src = dir.resolve("prog.c");
        Files.writeString(src, source);
        Path bin = dir.resolve("prog");
        Process cc = new ProcessBuilder("gcc", "-Wall", "-Werror", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), ccOut);
        Process run = new ProcessBuilder(bin.toString()).start();
        String out = new String(run.getInputStream().readAllBytes());
        assertEquals(0, run.waitFor(), "exit status of " + src);
        return out;
    }
}
