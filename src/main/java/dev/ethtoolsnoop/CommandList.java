// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.enrich.CommandInfo;
import dev.ethtoolsnoop.enrich.GenlCommands;
import dev.ethtoolsnoop.enrich.IoctlCommands;
import dev.ethtoolsnoop.sink.Text;

import java.io.PrintStream;
import java.util.stream.Collectors;

/** --list-commands: the whole command knowledge base, greppable. */
final class CommandList {
    /** Most descriptions fit; a longer one pushes its args right rather than being cut. */
    private static final int MEANING_WIDTH = 48;

    private CommandList() {
    }

    static void print(PrintStream out, boolean json) {
        if (!json) {
            out.printf("%-6s %-6s %-34s %-6s %-" + MEANING_WIDTH + "s %s%n", "KIND", "CMD", "NAME", "SINCE",
                    "WHAT IT DOES", "ethtool args");
        }
        for (CommandInfo c : IoctlCommands.all()) {
            line(out, json, "ioctl", c);
        }
        for (CommandInfo c : GenlCommands.all()) {
            line(out, json, "genl", c);
        }
    }

    private static void line(PrintStream out, boolean json, String kind, CommandInfo c) {
        if (json) {
            out.println("{\"kind\":" + Text.json(kind)
                    + ",\"cmd\":" + c.value()
                    + ",\"cmd_name\":" + Text.json(c.name())
                    + ",\"args\":[" + c.args().stream().map(Text::json).collect(Collectors.joining(",")) + "]"
                    + ",\"since\":" + Text.json(c.since())
                    + ",\"meaning\":" + Text.json(c.meaning())
                    + "}");
        } else {
            out.printf("%-6s 0x%-4x %-34s %-6s %-" + MEANING_WIDTH + "s %s%n", kind, c.value(), c.name(),
                    c.since() == null ? "-" : c.since(), c.meaning(), String.join(", ", c.args()));
        }
    }
}
