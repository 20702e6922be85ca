// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtnlMutexTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[32];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void readsTheMutexOutOfRtnlLocksCode() {
        // 6.18 without IBT: nop5 (fentry site), mov $0xffffffff82ff41e0,%rdi, jmp mutex_lock
        assertEquals(0xffffffff82ff41e0L, RtnlMutex.fromCode(
                bytes(0x0f, 0x1f, 0x44, 0x00, 0x00, 0x48, 0xc7, 0xc7, 0xe0, 0x41, 0xff, 0x82, 0xe9, 0xcf, 0xc0, 0x37),
                0xffffffff81ec1ad0L));
        // IBT's endbr64 first, and the fentry site patched into a call (something traces rtnl_lock)
        assertEquals(0xffffffff83001000L, RtnlMutex.fromCode(
                bytes(0xf3, 0x0f, 0x1e, 0xfa, 0xe8, 1, 2, 3, 4, 0x48, 0xc7, 0xc7, 0x00, 0x10, 0x00, 0x83, 0xe9),
                0xffffffff81000000L));
        // RIP-relative: the address after the 7-byte lea plus its displacement
        assertEquals(0xffffffff81000000L + 7 + 0x100, RtnlMutex.fromCode(
                bytes(0x48, 0x8d, 0x3d, 0x00, 0x01, 0x00, 0x00), 0xffffffff81000000L));
        // anything else is not guessed at
        assertEquals(0, RtnlMutex.fromCode(bytes(0x55, 0x48, 0x89, 0xe5), 0xffffffff81000000L));
        assertEquals(0, RtnlMutex.fromCode(new byte[32], 0xffffffff81000000L));
        assertFalse(RtnlMutex.plausible(0));
        assertFalse(RtnlMutex.plausible(0x7fff00001000L));
        assertTrue(RtnlMutex.plausible(0xffffffff82ff41e0L));
    }

    @Test
    void findsBothSymbolsAndOnlyExactNames(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kallsyms");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5000; i++) { // more than one read buffer
            s.append(String.format("ffffffff81%06x t filler_%d%n", i, i));
        }
        s.append("ffffffff81ec1ad0 T rtnl_lock\n");
        s.append("ffffffff81ece820 T rtnl_lock_killable\n");
        s.append("ffffffffc0001000 t rtnl_lock\t[some_module]\n");
        s.append("ffffffff82ff41e0 d rtnl_mutex\n");
        Files.writeString(f, s);
        RtnlMutex.Symbols syms = RtnlMutex.kallsyms(f);
        assertEquals(0xffffffff81ec1ad0L, syms.lockFunction());
        assertEquals(0xffffffff82ff41e0L, syms.mutex());
        assertFalse(syms.hidden());
        Files.writeString(f, "0000000000000000 T rtnl_lock\n");
        assertEquals(new RtnlMutex.Symbols(0, 0, true), RtnlMutex.kallsyms(f), "kptr_restrict hides addresses");
        Files.writeString(f, "ffffffff81000000 T other\n");
        assertEquals(new RtnlMutex.Symbols(0, 0, false), RtnlMutex.kallsyms(f), "absent, not hidden");
    }

    /** The user is told which it was: addresses hidden (and by what), or symbols absent. */
    @Test
    void saysWhetherTheTableHidAddressesOrLacksTheSymbols(@TempDir Path dir) throws Exception {
        Path knob = dir.resolve("kptr_restrict");
        Files.writeString(knob, "2\n");
        assertEquals("/proc/kallsyms hides kernel addresses from this process (kernel.kptr_restrict=2)",
                RtnlMutex.notFound(new RtnlMutex.Symbols(0, 0, true), "/proc/kallsyms", knob));
        Files.writeString(knob, "1\n");
        assertEquals("the kernel's symbol table hides kernel addresses from this process (kernel.kptr_restrict=1,"
                        + " and it lacks CAP_SYSLOG)",
                RtnlMutex.notFound(new RtnlMutex.Symbols(0, 0, true), "the kernel's symbol table", knob));
        assertEquals("/proc/kallsyms lists neither rtnl_mutex nor rtnl_lock",
                RtnlMutex.notFound(new RtnlMutex.Symbols(0, 0, false), "/proc/kallsyms", knob));
    }
}
