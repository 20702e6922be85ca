// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where rtnl_mutex is, which the RTNL probes compare lock addresses with.
 * The kernel's symbol table (looked up by a BPF program on 5.16 and later,
 * else read from /proc/kallsyms) lists it only on kernels built with
 * CONFIG_KALLSYMS_ALL (Debian's are); elsewhere it lists rtnl_lock(), a
 * function whose whole body is mutex_lock(&rtnl_mutex), so the address is an
 * operand of its first real instruction, which a BPF program reads for us
 * ({@link #fromCode}).
 */
final class RtnlMutex {
    private RtnlMutex() {
    }

    /**
     * Addresses from the kernel's symbol table; 0 when absent or hidden.
     *
     * @param hidden the table holds a symbol it would not show the address of
     *               (kernel.kptr_restrict): an address of 0 is then no answer
     */
    record Symbols(long mutex, long lockFunction, boolean hidden) {
    }

    private static final byte[] MUTEX = " rtnl_mutex\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOCK = " rtnl_lock\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * One pass over the file (~120k lines), matching bytes, not Strings: it
     * runs beside the rest of set-up.
     */
    static Symbols kallsyms(Path file) throws IOException {
        long mutex = 0;
        long lock = 0;
        boolean hidden = false; // a line of ours with address 0: kptr_restrict shows zeros
        try (InputStream in = new FileInputStream(file.toFile())) {
            byte[] buf = new byte[1 << 16];
            int len = 0;
            int n;
            while ((n = in.read(buf, len, buf.length - len)) > 0) {
                len += n;
                int lineStart = 0;
                for (int i = 0; i < len; i++) {
                    if (buf[i] != '\n') {
                        continue;
                    }
                    if (endsWith(buf, i + 1, MUTEX)) {
                        mutex = address(buf, lineStart);
                        hidden |= mutex == 0;
                    } else if (endsWith(buf, i + 1, LOCK) && buf[i + 1 - LOCK.length - 1] != 'U') {
                        lock = address(buf, lineStart);
                        hidden |= lock == 0;
                    }
                    lineStart = i + 1;
                }
                System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
                len -= lineStart;
                if (mutex != 0 && lock != 0) {
                    break;
                }
            }
        }
        return new Symbols(mutex, lock, hidden);
    }

    /**
     * Why the table could not give an address: it hid them (what
     * kernel.kptr_restrict, read from file, does to this process), or it
     * lists neither symbol.
     */
    static String notFound(Symbols syms, String table, Path kptrRestrict) {
        if (!syms.hidden()) {
            return table + " lists neither rtnl_mutex nor rtnl_lock";
        }
        String setting;
        try {
            setting = Files.readString(kptrRestrict).strip();
        } catch (IOException e) {
            setting = "?";
        }
        return table + " hides kernel addresses from this process (kernel.kptr_restrict=" + setting
                + (setting.equals("2") ? ")" : ", and it lacks CAP_SYSLOG)");
    }

    private static boolean endsWith(byte[] buf, int end, byte[] suffix) {
        if (end < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (buf[end - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The hex address a kallsyms line starts with. */
    private static long address(byte[] buf, int at) {
        long v = 0;
        for (int i = at; i < buf.length && Character.digit(buf[i], 16) >= 0; i++) {
            v = v << 4 | Character.digit(buf[i], 16);
        }
        return v;
    }

    /**
     * rtnl_mutex's address from the first bytes of rtnl_lock() at address
     * at, or 0 when they are not what a mutex_lock(&rtnl_mutex) wrapper
     * compiles to on x86-64: padding the kernel may put first (endbr64 for
     * IBT, the 5-byte fentry site: a nop, or a call while something traces
     * it, other nops), then the mutex's address loaded into the first
     * argument register, as an immediate or RIP-relative.
     */
    static long fromCode(byte[] code, long at) {
        int i = 0;
        for (int guard = 0; guard < 8 && i < code.length; guard++) {
            if (starts(code, i, 0xf3, 0x0f, 0x1e, 0xfa)) { // endbr64
                i += 4;
            } else if (starts(code, i, 0x0f, 0x1f, 0x44, 0x00, 0x00)) { // nopl 0(%rax,%rax)
                i += 5;
            } else if (starts(code, i, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00)) {
                i += 6;
            } else if (starts(code, i, 0x0f, 0x1f, 0x40, 0x00)) {
                i += 4;
            } else if (starts(code, i, 0x0f, 0x1f, 0x00)) {
                i += 3;
            } else if (starts(code, i, 0x66, 0x90)) {
                i += 2;
            } else if (starts(code, i, 0x90)) {
                i += 1;
            } else if (starts(code, i, 0xe8) && i == 0 || starts(code, i, 0xe8) && i == 4) {
                i += 5; // the fentry site patched into a call: something traces rtnl_lock()
            } else {
                break;
            }
        }
        if (i + 7 > code.length) {
            return 0;
        }
        if (starts(code, i, 0x48, 0xc7, 0xc7)) { // mov $imm32 (sign-extended), %rdi
            return imm32(code, i + 3);
        }
        if (starts(code, i, 0x48, 0x8d, 0x3d)) { // lea rel32(%rip), %rdi
            return at + i + 7 + imm32(code, i + 3);
        }
        return 0;
    }

    private static boolean starts(byte[] code, int at, int... want) {
        if (at + want.length > code.length) {
            return false;
        }
        for (int k = 0; k < want.length; k++) {
            if ((code[at + k] & 0xff) != want[k]) {
                return false;
            }
        }
        return true;
    }

    private static long imm32(byte[] code, int at) {
        return (code[at] & 0xff) | (code[at + 1] & 0xff) << 8 | (code[at + 2] & 0xff) << 16 | (long) code[at + 3] << 24;
    }

    /** A kernel address (x86-64: the top half), not 0 and not a user one. */
    static boolean plausible(long address) {
        return address < 0 && address != -1;
    }
}
