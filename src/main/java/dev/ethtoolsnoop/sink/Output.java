// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * stdout as the tracer writes it: whole lines only, and write errors told
 * apart. PrintStream, which the sinks print with, swallows every
 * IOException; under it this stream keeps what is printed until flush(),
 * then writes the complete lines and keeps a line's unfinished tail for
 * later. A reader that went away (EPIPE) is the normal end of
 * {@code ethtoolsnoop | head}: the IOException goes to PrintStream, whose
 * checkError() then says so. Any other error (a full disk, a closed or
 * read-only stdout) is an {@link OutputException}, which PrintStream does
 * not catch. After either, nothing more is written; if the failing write had
 * put part of a line into a regular file, the file is cut back to the last
 * whole line, so a JSON stream never ends in half a line.
 */
public final class Output extends OutputStream {
    private static final int FLUSH_AT = 1 << 16;

    private final FileChannel channel;
    private byte[] buf = new byte[FLUSH_AT];
    private int len;
    private IOException failure;

    public Output(FileOutputStream target) {
        this.channel = target.getChannel();
    }

    /** Our stdout, fd 1. */
    public static Output stdout() {
        return new Output(new FileOutputStream(FileDescriptor.out));
    }

    /**
     * Why fd 1 cannot take events, or null: closed (the JVM may reuse the
     * number for a file of its own, read-only) or opened for reading only.
     * Without /proc this cannot tell and says nothing.
     */
    public static String stdoutProblem() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/1"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("flags:")) {
                    int flags = Integer.parseInt(line.substring(6).trim(), 8);
                    return (flags & 3) == 0 /* O_RDONLY */ ? "stdout is closed or open for reading only" : null;
                }
            }
            return null;
        } catch (NoSuchFileException e) {
            return Files.isDirectory(Path.of("/proc/self/fdinfo")) ? "stdout is closed" : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Whether an IOException from a write means the reader has gone (EPIPE). */
    static boolean readerGone(IOException e) {
        return "Broken pipe".equals(e.getMessage());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int n) throws IOException {
        if (failure != null) {
            fail(); // and drop it: after a failed write nothing more goes out
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
        if (len >= FLUSH_AT) {
            writeLines();
        }
    }

    /** Writes every complete line; an unfinished one waits for its end. */
    @Override
    public void flush() throws IOException {
        if (failure != null) {
            fail();
        }
        writeLines();
    }

    @Override
    public void close() throws IOException {
        flush(); // fd 1 itself stays open
    }

    private void writeLines() throws IOException {
        int end = len;
        while (end > 0 && buf[end - 1] != '\n') {
            end--;
        }
        if (end == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(buf, 0, end);
        long start = position();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            failure = e;
            len = 0;
            cutToWholeLine(start, bytes.position());
            fail();
        }
        System.arraycopy(buf, end, buf, 0, len - end);
        len -= end;
    }

    /** Where the next write lands in a seekable file; -1 for a pipe or a terminal. */
    private long position() {
        try {
            return channel.position();
        } catch (IOException e) {
            return -1;
        }
    }

    /** After a write stopped in the middle of a line: the file back to the last whole line, if it can be. */
    private void cutToWholeLine(long start, int written) {
        int whole = written;
        while (whole > 0 && buf[whole - 1] != '\n') {
            whole--;
        }
        if (start < 0 || whole == written) {
            return;
        }
        try {
            channel.truncate(start + whole);
        } catch (IOException | RuntimeException e) {
            // not a regular file (a device): nothing to cut
        }
    }

    private void fail() throws IOException {
        if (readerGone(failure)) {
            throw failure;
        }
        throw new OutputException(failure);
    }
}
