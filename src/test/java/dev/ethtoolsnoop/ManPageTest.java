// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.RtnlWait;
import dev.ethtoolsnoop.sink.JsonSink;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManPageTest {
    private final CommandLine cli = new CommandLine(new Main());
    private final String man = ManPage.roff(cli.getCommandSpec());

    @Test
    void hasEverySectionInOrder() {
        int at = -1;
        for (String section : ManPage.SECTIONS) {
            int i = man.indexOf("\n.SH " + section + "\n");
            assertTrue(i > at, section + " missing or out of order:\n" + man);
            at = i;
        }
    }

    @Test
    void namesEveryOptionJsonFieldAndExitCode() {
        for (OptionSpec o : cli.getCommandSpec().options()) {
            for (String name : o.names()) {
                assertTrue(man.contains("\\fB" + ManPage.esc(name) + "\\fR"), name + " missing");
            }
        }
        for (Manual.Field f : Manual.JSON_FIELDS) {
            assertTrue(man.contains(".B " + ManPage.esc(f.name()) + "\n"), f.name() + " missing");
        }
        for (String code : cli.getCommandSpec().usageMessage().exitCodeList().keySet()) {
            assertTrue(man.contains(".B " + code.strip() + "\n"), "exit code " + code + " missing");
        }
        assertTrue(man.contains("auto, fentry, kprobe, syscall"), "--backend's values");
    }

    @Test
    void theDocumentedJsonFieldsAreExactlyWhatJsonSinkWrites() {
        Operation op = new Operation(1, Backend.SYSCALL, Kind.IOCTL, "eth0".getBytes(), 2, 3, 4, 5,
                "x".getBytes(), 6, "y".getBytes(), 3, "ETHTOOL_GDRVINFO", null, null, List.of(), 7, 0,
                new dev.ethtoolsnoop.decode.RtnlCost(1L, 1, 2, 2, 9, "z".getBytes()),
                new dev.ethtoolsnoop.enrich.Origin(7, "/a.service", "a.service",
                        List.of(new dev.ethtoolsnoop.decode.Ancestor(6, "y".getBytes())), "x", "x -y"));
        assertEquals(Manual.JSON_FIELDS.stream().map(Manual.Field::name).toList(),
                List.copyOf(dev.ethtoolsnoop.support.Json.object(JsonSink.toJson(op)).keySet()), "the operation's fields");
        RtnlWait w = new RtnlWait(1, 2, 3, 3, "ip".getBytes(), 0, 4, 4, "x".getBytes(),
                new RtnlWait.HolderOp(Kind.IOCTL, "ETHTOOL_GDRVINFO", "eth0".getBytes(), 5));
        Matcher wm = Pattern.compile("\"([a-z_]+)\":").matcher(JsonSink.toJson(w));
        List<String> top = new ArrayList<>();
        while (wm.find()) {
            top.add(wm.group(1));
        }
        assertEquals(Manual.WAIT_FIELDS.stream().map(Manual.Field::name).toList(), top.subList(0, Manual.WAIT_FIELDS.size()),
                "a wait's top-level fields");
    }

    @Test
    void helpListsExitCodesAndBackendValues() {
        String help = cli.getUsageMessage();
        assertTrue(help.contains("Exit codes:"), help);
        assertTrue(help.contains("auto, fentry, kprobe, syscall"), help);
        assertEquals(10, cli.getCommandSpec().usageMessage().exitCodeList().size());
    }
}
