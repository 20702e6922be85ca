// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ethtool option a veth answers, run for real under the tracer on this
 * host: its events must name known commands, and at least one of them must
 * list that option in `args`. This checks the command tables against what
 * ethtool actually sends.
 *
 * Not exercised here: -P (ethtool reads the permanent address over rtnetlink,
 * not the ethtool family), --show-pse (ethtool sends nothing for a device
 * without PSE), -f (flashes firmware), and options for hardware veth lacks
 * entirely (--cable-test-tdr, -t on real NICs, --set-phy-tunable, --reset).
 */
class OptionsIT {
    static final String DEV = "etsnopt0";

    /** "flag|arguments after the device": each is one ethtool run. */
    static final List<String> OPTIONS = List.of("|", "-i|", "-k|", "-K|tso off", "-l|", "-L|rx 1", "-g|",
            "-G|rx 100", "-c|", "-C|rx-usecs 10", "-a|", "-A|rx off", "-S|", "-T|", "-d|", "-e|",
            "-E|magic 0 offset 0 value 0", "-m|", "--show-eee|", "--set-eee|eee off", "--show-priv-flags|",
            "--set-priv-flags|foo on", "-s|msglvl 1", "-s|speed 100 duplex full autoneg off", "-x|", "-X|equal 1",
            "-n|", "-u|", "-N|rx-flow-hash tcp4 sd", "--show-fec|", "-w|", "-W|1", "--show-module|",
            "--cable-test|", "-Q|queue_mask 0x1 --show-coalesce", "-r|", "-p|1", "-t|", "--show-tunnels|",
            "--get-phy-tunable|downshift", "--show-rxfh|", "--show-ntuple|", "--register-dump|");

    @TestFactory
    List<DynamicTest> everyOptionNamesItself() throws Exception {
        LiveGate.require(LiveGate.isRoot(), "live tracing needs root");
        LiveGate.require(Scenario.hasCommand("ethtool"), "needs the ethtool binary (apt install ethtool)");
        Path dir = Scenario.BASEDIR.resolve("target/live/options");
        Files.createDirectories(dir);
        LifecycleIT.sh("ip link del " + DEV + " 2>/dev/null; ip link add " + DEV + " type veth peer name "
                + DEV + "p");
        Path err = dir.resolve("tracer.err");
        Path out = dir.resolve("events.jsonl");
        Process tracer = new ProcessBuilder(Scenario.java(), "--enable-native-access=ALL-UNNAMED", "-jar",
                Scenario.JAR.toString(), "--json").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        List<long[]> runs = new ArrayList<>();
        try {
            LifecycleIT.awaitReady(err, tracer);
            for (String option : OPTIONS) {
                String[] parts = option.split("\\|", -1);
                List<String> cmd = new ArrayList<>(List.of("ethtool"));
                if (!parts[0].isEmpty()) {
                    cmd.add(parts[0]);
                }
                cmd.add(DEV);
                if (!parts[1].isEmpty()) {
                    cmd.addAll(Arrays.asList(parts[1].split(" ")));
                }
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), cmd + " hangs");
                runs.add(new long[] {p.pid(), p.exitValue()});
            }
            Thread.sleep(500);
        } finally {
            tracer.destroy(); // SIGTERM
            tracer.waitFor(10, TimeUnit.SECONDS);
            LifecycleIT.sh("ip link del " + DEV + " 2>/dev/null || true");
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            events.add(Json.object(line));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < OPTIONS.size(); i++) {
            String option = OPTIONS.get(i);
            String flag = option.split("\\|", -1)[0];
            long pid = runs.get(i)[0];
            tests.add(DynamicTest.dynamicTest("ethtool " + (flag.isEmpty() ? "DEV" : flag + " DEV " + option
                    .split("\\|", -1)[1]).trim(), () -> {
                List<Map<String, Object>> ev = events.stream().filter(e -> ((Long) e.get("pid")) == pid).toList();
                assertFalse(ev.isEmpty(), "no event from " + option);
                for (Map<String, Object> e : ev) {
                    assertFalse(((String) e.get("cmd_name")).startsWith("UNKNOWN"), "unknown command: " + e);
                }
                String want = flag.isEmpty() ? "(no option: ethtool DEVNAME)" : flag;
                assertTrue(ev.stream().anyMatch(e -> ((List<?>) e.get("args")).stream()
                                .anyMatch(a -> Arrays.asList(((String) a).split("\\|")).contains(want)
                                        || a.equals(want))),
                        "no event lists " + want + " in args: " + ev);
            }));
        }
        return tests;
    }
}
