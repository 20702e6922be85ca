// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit test of the flags every launcher of the tracer's JVM spells: stdout
 * carries events only, so the JVM's own output (the thread dump SIGQUIT
 * asks for, warnings) must go to stderr, whichever way the tracer starts.
 */
class LauncherFlagsTest {
    static final List<String> STDOUT_FLAGS = List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:all=warning:stderr",
            "-XX:-UsePerfData");

    @Test
    void everyLauncherKeepsTheJvmOffStdout() throws Exception {
        for (String launcher : List.of("ethtoolsnoop", "src/main/image/ethtoolsnoop",
                "src/test/scenario/live-scenario.sh")) {
            String text = Files.readString(Scenario.BASEDIR.resolve(launcher));
            for (String flag : STDOUT_FLAGS) {
                assertTrue(text.contains(flag), launcher + " lacks " + flag);
            }
        }
        for (String flag : STDOUT_FLAGS) {
            assertTrue(TracerProcess.JVM_FLAGS.contains(flag), "TracerProcess lacks " + flag);
        }
    }
}
