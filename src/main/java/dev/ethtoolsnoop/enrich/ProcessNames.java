// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A caller's full name where the kernel's comm (15 bytes) cut it: the
 * basename of its executable and its command line, from /proc; unknown when
 * that cannot be told.
 *
 * <p>/proc is read after the event, and by then the process may have
 * exec'd another program or exited and left its pid to another. So every
 * answer is checked against /proc/PID/stat first: its comm must still be the
 * one the event carried (exec sets a new one), and the process must not
 * have started after the event. What was read is kept per pid with the
 * process's start time and comm, so a process is read once per program it
 * runs, at the cost of that one stat read per lookup.
 *
 * <p>Names are as the kernel gave them and may hold control characters: the
 * sinks escape them. Not thread-safe: one thread drains the events.
 */
public final class ProcessNames {
    /** Processes kept; the least recently used one is let go. */
    static final int MAX_CACHED = 4096;
    /** The bytes of a comm the kernel keeps (TASK_COMM_LEN less its NUL). */
    public static final int COMM_MAX = 15;
    /** Enough command line to tell invocations apart, short enough for a table cell. */
    public static final int CMDLINE_BYTES = 256;
    /** /proc/PID/stat counts start times in USER_HZ ticks, 100 a second. */
    private static final long NS_PER_TICK = 10_000_000L;
    /**
     * Start ticks are floored and /proc/uptime has the same resolution, so
     * only a start this much after the event surely came after it.
     */
    private static final long SLACK_NS = 2 * NS_PER_TICK;
    private static final String DELETED = " (deleted)";
    /** 52 numeric fields and a 64-byte kernel thread name fit with room to spare. */
    private static final int STAT_MAX = 2048;

    private record Stat(String comm, long startTicks) {
    }

    private static final class Known {
        final Stat stat;
        boolean exeRead;
        String exe;
        /** The command line's first cmdlineLimit bytes, or all of it when whole. */
        byte[] cmdline;
        int cmdlineLimit;
        boolean cmdlineWhole;

        Known(Stat stat) {
            this.stat = stat;
        }
    }

    private final Path proc;
    private final LongSupplier monotonic;
    private final Map<Integer, Known> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Known> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private final ByteBuffer statBuffer = ByteBuffer.allocate(STAT_MAX);
    /** CLOCK_BOOTTIME less CLOCK_MONOTONIC (the time suspended), as of the last new process. */
    private long bootOffsetNs;
    private boolean bootOffsetKnown;

    /**
     * @param proc      the proc file system
     * @param monotonic CLOCK_MONOTONIC, the clock of the events' times
     */
    ProcessNames(Path proc, LongSupplier monotonic) {
        this.proc = proc;
        this.monotonic = monotonic;
    }

    /** The running system's processes. */
    public static ProcessNames ofSystem() {
        return new ProcessNames(Path.of("/proc"), System::nanoTime);
    }

    /** The kernel cut this comm (raw, NUL-padded or not): a full name would tell more. */
    public static boolean truncated(byte[] comm) {
        return length(comm) >= COMM_MAX;
    }

    /**
     * The basename of the caller's executable ("prometheus-node-exporter");
     * null when the process is gone, runs another program than at the event,
     * or its executable cannot be read (a kernel thread; a process of another
     * user when not root).
     *
     * @param comm        the comm the event carried
     * @param startHintNs the event's time, CLOCK_MONOTONIC ns as the probes
     *                    stamp it; a process started after it is another one.
     *                    0 if unknown: then only the comm tells
     */
    public String exeName(int pid, byte[] comm, long startHintNs) {
        Known e = current(pid, comm, startHintNs);
        if (e == null) {
            return null;
        }
        if (!e.exeRead) {
            String exe = readExe(pid);
            if (!unchanged(pid, e)) {
                return null;
            }
            e.exe = exe;
            e.exeRead = true;
        }
        return e.exe;
    }

    /**
     * The caller's command line, arguments separated by spaces, at most
     * {@code maxBytes} bytes of it (cut at a character), as first read; null
     * as for {@link #exeName}, or when it is empty (a kernel thread, a zombie).
     */
    public String cmdline(int pid, byte[] comm, long startHintNs, int maxBytes) {
        Known e = current(pid, comm, startHintNs);
        if (e == null) {
            return null;
        }
        if (e.cmdline == null || !e.cmdlineWhole && e.cmdlineLimit < maxBytes) {
            byte[] raw = readCmdline(pid, maxBytes);
            if (!unchanged(pid, e)) {
                return null;
            }
            e.cmdline = raw;
            e.cmdlineLimit = maxBytes;
            e.cmdlineWhole = raw != null && raw.length <= maxBytes;
        }
        return e.cmdline == null ? null : text(e.cmdline, maxBytes);
    }

    /** The process's entry if it is still the event's process, read afresh if it is not the one kept. */
    private Known current(int pid, byte[] comm, long startHintNs) {
        if (pid <= 0) {
            return null;
        }
        Stat s = stat(pid);
        if (s == null) {
            cache.remove(pid);
            return null;
        }
        if (!s.comm().equals(new String(comm, 0, length(comm), StandardCharsets.ISO_8859_1))) {
            return null; // exec'd or renamed since the event, or another process has its pid
        }
        Known e = cache.get(pid);
        if (e == null || !e.stat.equals(s)) {
            e = new Known(s);
            cache.put(pid, e);
            bootOffsetKnown = false; // suspends move it; a new process is rare enough to read it again
        }
        if (startHintNs > 0 && startedAfter(s.startTicks(), startHintNs)) {
            return null;
        }
        return e;
    }

    /** Still the process the entry was read for: no exec, no new process with its pid. */
    private boolean unchanged(int pid, Known e) {
        Stat s = stat(pid);
        if (!e.stat.equals(s)) {
            cache.remove(pid);
            return false;
        }
        return true;
    }

    private boolean startedAfter(long startTicks, long eventMonotonicNs) {
        if (!bootOffsetKnown) {
            Long uptime = uptimeNs();
            if (uptime == null) {
                return false; // cannot tell: the comm check stands alone
            }
            bootOffsetNs = uptime - monotonic.getAsLong();
            bootOffsetKnown = true;
        }
        return startTicks * NS_PER_TICK > eventMonotonicNs + bootOffsetNs + SLACK_NS;
    }

    private Long uptimeNs() {
        try {
            String s = Files.readString(proc.resolve("uptime"), StandardCharsets.ISO_8859_1).trim();
            String seconds = s.split(" ")[0];
            int dot = seconds.indexOf('.');
            if (dot < 0) {
                return Long.parseLong(seconds) * 1_000_000_000L;
            }
            String frac = (seconds.substring(dot + 1) + "000000000").substring(0, 9);
            return Long.parseLong(seconds.substring(0, dot)) * 1_000_000_000L + Long.parseLong(frac);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * comm and start time (field 22) from /proc/PID/stat; the comm may hold
     * spaces and ')'. Read on every lookup, so with the fewest syscalls: the
     * kernel writes the line whole into one read() of a buffer kept for it,
     * with no fstat and no second read to find the end.
     */
    private Stat stat(int pid) {
        statBuffer.clear();
        try (FileChannel ch = FileChannel.open(proc.resolve(Integer.toString(pid)).resolve("stat"))) {
            ch.read(statBuffer);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!statBuffer.hasRemaining()) {
            return null; // longer than any stat line: not one
        }
        byte[] b = statBuffer.array();
        int n = statBuffer.position();
        int open = 0;
        while (open < n && b[open] != '(') {
            open++;
        }
        int close = n - 1;
        while (close > open && b[close] != ')') {
            close--;
        }
        if (close <= open) {
            return null;
        }
        // the fields after the comm begin with the third (the state): skip to the 22nd
        int i = close + 1;
        for (int field = 2; field < 22; field++) {
            while (i < n && b[i] != ' ') {
                i++;
            }
            i++;
        }
        long start = 0;
        int digits = 0;
        for (; i < n && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
            start = start * 10 + (b[i] - '0');
        }
        if (digits == 0 || digits > 18) {
            return null;
        }
        return new Stat(new String(b, open + 1, close - open - 1, StandardCharsets.ISO_8859_1), start);
    }

    private String readExe(int pid) {
        try {
            String target = Files.readSymbolicLink(proc.resolve(Integer.toString(pid)).resolve("exe")).toString();
            if (target.endsWith(DELETED)) {
                target = target.substring(0, target.length() - DELETED.length()); // replaced by an upgrade
            }
            String base = target.substring(target.lastIndexOf('/') + 1);
            return base.isEmpty() ? null : base;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Up to maxBytes + 1 bytes: the one more tells whether it was cut. */
    private byte[] readCmdline(int pid, int maxBytes) {
        try (InputStream in = Files.newInputStream(proc.resolve(Integer.toString(pid)).resolve("cmdline"))) {
            return in.readNBytes(maxBytes + 1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(byte[] raw, int maxBytes) {
        int n = raw.length;
        if (n > maxBytes) {
            n = maxBytes;
            while (n > 0 && (raw[n] & 0xc0) == 0x80) {
                n--; // raw[n] continues a character: cut before the character
            }
        }
        while (n > 0 && raw[n - 1] == 0) {
            n--; // the terminating NUL, and empty trailing arguments
        }
        if (n == 0) {
            return null;
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = raw[i] == 0 ? (byte) ' ' : raw[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int length(byte[] comm) {
        int n = 0;
        while (n < comm.length && comm[n] != 0) {
            n++;
        }
        return n;
    }
}
