// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output line built straight as UTF-8 bytes, reused from line to line:
 * what String.format, string concatenation and PrintStream's encoder cost
 * per event was most of the tracer's CPU. Widths count chars (UTF-16
 * units), as String.format's did, so columns stay what they were.
 */
final class LineBuilder {
    private byte[] buf = new byte[512];
    private int len;
    /** Chars (not bytes) appended since {@link #mark()}. */
    private int chars;

    void reset() {
        len = 0;
        chars = 0;
    }

    int length() {
        return len;
    }

    /** Starts counting the chars of a column. */
    void mark() {
        chars = 0;
    }

    /** Room for more bytes. Kept this small so that C1 inlines it into every append. */
    private void ensure(int more) {
        if (len + more > buf.length) {
            grow(more);
        }
    }

    private void grow(int more) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }

    LineBuilder ascii(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        chars++;
        return this;
    }

    LineBuilder spaces(int n) {
        if (n > 0) {
            ensure(n);
            Arrays.fill(buf, len, len + n, (byte) ' ');
            len += n;
            chars += n;
        }
        return this;
    }

    /** Any string, UTF-8 encoded as PrintStream(UTF-8) would. */
    LineBuilder str(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // rare: names are ASCII; the encoder handles the rest exactly
                byte[] tail = s.substring(i).getBytes(StandardCharsets.UTF_8);
                ensure(tail.length);
                System.arraycopy(tail, 0, buf, len, tail.length);
                len += tail.length;
                chars += n;
                return this;
            }
            buf[len++] = (byte) c;
        }
        chars += n;
        return this;
    }

    LineBuilder num(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return str(Long.toString(v));
            }
            ensure(1);
            buf[len++] = '-';
            chars++;
            v = -v;
        }
        if (v > Integer.MAX_VALUE) {
            // a timestamp, a netns inode: the high part, then nine digits (one long division)
            long high = v / 1_000_000_000L;
            num(high);
            return digits((int) (v - high * 1_000_000_000L), 9);
        }
        int x = (int) v;
        return digits(x, x < 100_000
                ? (x < 100 ? (x < 10 ? 1 : 2) : x < 1_000 ? 3 : x < 10_000 ? 4 : 5)
                : (x < 10_000_000 ? (x < 1_000_000 ? 6 : 7) : x < 100_000_000 ? 8 : x < 1_000_000_000 ? 9 : 10));
    }

    /** The last count digits of x >= 0, zeros in front if it has fewer. */
    private LineBuilder digits(int x, int count) {
        ensure(count);
        for (int i = len + count - 1; i >= len; i--) {
            // x / 10 as a multiply and shift, exact for every int >= 0: C1 would divide
            int q = (int) ((x * 0xCCCC_CCCDL) >>> 35);
            buf[i] = (byte) ('0' + (x - q * 10));
            x = q;
        }
        len += count;
        chars += count;
        return this;
    }

    /** Bytes known to be printable ASCII. */
    LineBuilder bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        chars += b.length;
        return this;
    }

    /** Pads the column begun at {@link #mark()} with spaces to width chars (String.format's %-Ns). */
    LineBuilder padTo(int width) {
        return spaces(width - chars);
    }

    /**
     * Right-aligns to width chars what was appended since byte position
     * start, which must be ASCII (String.format's %Ns).
     */
    LineBuilder alignRight(int start, int width) {
        int n = len - start;
        int pad = width - n;
        if (pad > 0) {
            ensure(pad);
            System.arraycopy(buf, start, buf, start + pad, n);
            Arrays.fill(buf, start, start + pad, (byte) ' ');
            len += pad;
            chars += pad;
        }
        return this;
    }

    /** Drops trailing spaces (only ever ASCII spaces are there to drop). */
    void stripTrailingSpaces() {
        while (len > 0 && buf[len - 1] == ' ') {
            len--;
        }
    }

    /** The line and its newline, in one write. */
    void writeLine(PrintStream out) {
        ensure(1);
        buf[len++] = '\n';
        out.write(buf, 0, len);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    /*
     * Arrays found plain lately, by identity: the decoder hands the same
     * name arrays over event after event, and their bytes never change.
     */
    private final byte[][] knownPlain = new byte[8][];
    private int nextKnown;

    /** plain(raw), remembered for the same array. */
    boolean isPlain(byte[] raw) {
        for (byte[] known : knownPlain) {
            if (known == raw) {
                return true;
            }
        }
        if (!plain(raw)) {
            return false;
        }
        knownPlain[nextKnown] = raw;
        nextKnown = (nextKnown + 1) & (knownPlain.length - 1);
        return true;
    }

    /** Printable ASCII other than the backslash and the double quote: shown as is by every escaping here. */
    static boolean plain(byte[] raw) {
        for (byte b : raw) {
            if (b < 0x20 || b > 0x7e || b == '\\' || b == '"') {
                return false;
            }
        }
        return true;
    }

    /** Only chars String.json and the terminal both keep as they are. */
    static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\\' || c == '"') {
                return false;
            }
        }
        return true;
    }
}
