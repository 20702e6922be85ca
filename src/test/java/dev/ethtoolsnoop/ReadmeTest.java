// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README documents what the program does: every option, JSON field and exit code. */
class ReadmeTest {
    private static final Path README = Path.of(System.getProperty("ethtoolsnoop.basedir", "."), "README.md");

    @Test
    void namesEveryOptionJsonFieldAndExitCode() throws Exception {
        String readme = Files.readString(README);
        CommandLine cli = new CommandLine(new Main());
        for (OptionSpec o : cli.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            assertTrue(readme.contains("`" + o.longestName()) || readme.contains(o.longestName() + "`"),
                    o.longestName() + " missing from the README");
        }
        for (Manual.Field f : Manual.JSON_FIELDS) {
            assertTrue(readme.contains("`" + f.name() + "`"), "JSON field " + f.name() + " missing from the README");
        }
        String exitCodes = readme.substring(readme.indexOf("### Exit codes"));
        for (String code : cli.getCommandSpec().usageMessage().exitCodeList().keySet()) {
            assertTrue(exitCodes.matches("(?s).*(^|\\s|·)" + code.strip() + " [a-z(].*"),
                    "exit code " + code.strip() + " missing from the README's Exit codes");
        }
    }
}
