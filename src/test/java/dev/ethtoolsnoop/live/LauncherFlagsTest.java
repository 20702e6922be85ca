// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.TracerProcess;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit test of the tracer's JVM flags (src/main/image/jvm.args), which
 * every launcher uses: stdout carries events only, so the JVM's own output
 * (the thread dump SIGQUIT asks for, warnings) must go to stderr, whichever
 * way the tracer starts.
 */
class LauncherFlagsTest {
    static final List<String> STDOUT_FLAGS = List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:all=warning:stderr",
            "-XX:-UsePerfData");

    @Test
    void everyLauncherKeepsTheJvmOffStdout() throws Exception {
        String args = Files.readString(Scenario.BASEDIR.resolve("src/main/image/jvm.args"));
        for (String flag : STDOUT_FLAGS) {
            assertTrue(args.lines().anyMatch(flag::equals), "jvm.args lacks " + flag);
        }
        // and every way the tracer's JVM starts takes its flags from there
        for (String launcher : List.of("ethtoolsnoop", "src/main/image/ethtoolsnoop",
                "src/test/scenario/live-scenario.sh", "src/test/vm/guest-scenarios.sh", "src/build/Image.java")) {
            String text = Files.readString(Scenario.BASEDIR.resolve(launcher));
            assertTrue(text.contains("jvm.args"), launcher + " does not use jvm.args");
            assertTrue(!text.contains("-XX:+UseSerialGC"), launcher + " spells the flags itself");
        }
        assertTrue(TracerProcess.JVM_FLAGS.endsWith("src/main/image/jvm.args"), TracerProcess.JVM_FLAGS);
    }
}
