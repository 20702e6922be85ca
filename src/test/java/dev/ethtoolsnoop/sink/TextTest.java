// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.support.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextTest {
    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void terminalEscapesControlBytes() {
        // prctl(PR_SET_NAME, "\e[31mevil") must not paint the terminal red
        assertEquals("\\x1b[31mevil", Text.forTerminal("\u001b[31mevil".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\\x07b\\x7f", Text.forTerminal(b('a', 7, 'b', 0x7f)));
        assertEquals("tab\\x09nl\\x0a", Text.forTerminal("tab\tnl\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void terminalEscapesInvalidUtf8AndKeepsValid() {
        assertEquals("eth\\xff0", Text.forTerminal(b('e', 't', 'h', 0xff, '0')));
        assertEquals("\\xc3", Text.forTerminal(b(0xc3)));                  // truncated sequence
        assertEquals("\\xc0\\xaf", Text.forTerminal(b(0xc0, 0xaf)));      // overlong '/'
        assertEquals("\\xed\\xa0\\x80", Text.forTerminal(b(0xed, 0xa0, 0x80))); // surrogate
        assertEquals("wlan-café", Text.forTerminal("wlan-café".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\\xc2\\x9b", Text.forTerminal("\u009b".getBytes(StandardCharsets.UTF_8))); // C1 CSI
    }

    @Test
    void terminalEscapesTheBackslashSoEscapesAreUnambiguous() {
        assertEquals("a\\\\x1b", Text.forTerminal("a\\x1b".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void jsonIsValidAndKeepsTheRealValue() {
        String lit = Text.json("\u001b[31mevil\"\\".getBytes(StandardCharsets.UTF_8));
        assertEquals("\"\\u001b[31mevil\\\"\\\\\"", lit);
        assertEquals("\u001b[31mevil\"\\", Json.parse(lit));
        assertEquals("\"eth\ufffd0\"", Text.json(b('e', 't', 'h', 0xff, '0')));
        assertEquals("null", Text.json((String) null));
    }
}
