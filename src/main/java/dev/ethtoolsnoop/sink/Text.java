// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.nio.charset.StandardCharsets;

/**
 * Shows kernel-supplied strings safely. Any process can name itself (and any
 * admin can name a device) with terminal escape sequences or invalid UTF-8.
 */
public final class Text {
    private Text() {
    }

    /**
     * For a terminal or grep: valid printable UTF-8 as is; control characters,
     * invalid bytes and the backslash itself escaped as {@code \xNN} / {@code \\}.
     */
    public static String forTerminal(byte[] raw) {
        StringBuilder out = new StringBuilder(raw.length);
        int i = 0;
        while (i < raw.length) {
            int len = utf8Length(raw, i);
            if (len == 0) {
                hex(out, raw[i++]);
                continue;
            }
            int cp = new String(raw, i, len, StandardCharsets.UTF_8).codePointAt(0);
            if (cp == '\\') {
                out.append("\\\\");
            } else if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
                for (int k = i; k < i + len; k++) {
                    hex(out, raw[k]);
                }
            } else {
                out.appendCodePoint(cp);
            }
            i += len;
        }
        return out.toString();
    }

    /** Length of the well-formed UTF-8 sequence at i (RFC 3629), or 0 if there is none. */
    static int utf8Length(byte[] b, int i) {
        int lead = b[i] & 0xff;
        int len;
        int min2 = 0x80;
        int max2 = 0xbf;
        if (lead < 0x80) {
            return 1;
        } else if (lead >= 0xc2 && lead <= 0xdf) {
            len = 2;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            len = 3;
            if (lead == 0xe0) {
                min2 = 0xa0; // overlong
            } else if (lead == 0xed) {
                max2 = 0x9f; // surrogates
            }
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            len = 4;
            if (lead == 0xf0) {
                min2 = 0x90;
            } else if (lead == 0xf4) {
                max2 = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        int second = b[i + 1] & 0xff;
        if (second < min2 || second > max2) {
            return 0;
        }
        for (int k = i + 2; k < i + len; k++) {
            if ((b[k] & 0xc0) != 0x80) {
                return 0;
            }
        }
        return len;
    }

    private static void hex(StringBuilder out, byte b) {
        out.append("\\x").append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /** A JSON string literal; invalid UTF-8 becomes U+FFFD, controls are \\u escapes. */
    public static String json(byte[] raw) {
        return json(new String(raw, StandardCharsets.UTF_8));
    }

    /** A JSON string literal, or {@code null} for null. */
    public static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
