// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stdout's stream: whole lines only, EPIPE an end, any other write error an OutputException. */
class OutputTest {
    @Test
    void writesWholeLinesOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out");
        try (PrintStream out = new PrintStream(new Output(new FileOutputStream(file.toFile())), false,
                StandardCharsets.UTF_8)) {
            out.print("{\"a\":1}\n{\"b\":");
            out.flush();
            assertEquals("{\"a\":1}\n", Files.readString(file));
            out.println("2}");
            out.flush();
            assertEquals("{\"a\":1}\n{\"b\":2}\n", Files.readString(file));
        }
    }

    @Test
    void aFullDeviceIsAnOutputException() throws Exception {
        PrintStream out = new PrintStream(new Output(new FileOutputStream("/dev/full")), false,
                StandardCharsets.UTF_8);
        out.println("event");
        OutputException e = assertThrows(OutputException.class, out::flush);
        assertEquals("No space left on device", e.getMessage());
        assertThrows(OutputException.class, () -> {
            out.println("more");
            out.flush();
        });
    }

    @Test
    void aReaderThatLeftIsTheNormalEnd(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CompletableFuture<FileInputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileInputStream(fifo.toFile()); // blocks until the writer opens
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        PrintStream out = new PrintStream(new Output(new FileOutputStream(fifo.toFile())), false,
                StandardCharsets.UTF_8);
        reader.get(10, TimeUnit.SECONDS).close();
        out.println("event");
        out.flush(); // EPIPE: no exception, checkError() says the reader left
        assertTrue(out.checkError());
        out.println("more");
        out.flush();
        assertTrue(out.checkError());
    }

    @Test
    void stdoutOfTheTestRunIsWritable() {
        assertFalse(Output.stdoutProblem() != null && Files.exists(Path.of("/proc/self/fdinfo/1")),
                Output.stdoutProblem());
    }
}
