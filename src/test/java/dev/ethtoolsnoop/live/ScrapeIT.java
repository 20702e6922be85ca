// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.TracerProcess;
import dev.ethtoolsnoop.support.Json;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real burst with the default buffer: Debian's prometheus-node-exporter
 * (--collector.ethtool) scraping a network namespace of 1000 veth interfaces,
 * five SIOCETHTOOL ioctls each, about 5,000 per scrape, and the tracer with
 * none but --json and --netns (so that other ethtool users on the host do not
 * add to the burst).
 *
 * <p>First scrape: the tracer is SIGSTOPped while it lasts. That is the worst
 * case a busy host gives (on a loaded 2-core machine a scrape once ran with
 * the reader never scheduled: 64 pages printed exactly one full buffer and
 * lost the rest), made certain: the default buffer must hold a whole scrape
 * by itself. Then three back-to-back scrapes with the reader running. Nothing
 * may be lost, and every interface must show up as often as every other.
 */
class ScrapeIT {
    static final int IFACES = 1000;
    static final int BACK_TO_BACK = 3;
    static final String NS = "etsxscrape";
    static final Path DIR = Scenario.BASEDIR.resolve("target/live/scrape");
    /** Inside the namespace: no other process can hold it. */
    static final int PORT = 9100;
    static final String EXPORTER = "prometheus-node-exporter";

    static Process exporter;

    @BeforeAll
    static void setUp() throws Exception {
        LiveGate.require(LiveGate.isRoot(), "live tracing needs root");
        LiveGate.require(Scenario.hasCommand("ip"), "needs ip (apt install iproute2)");
        LiveGate.require(Scenario.hasCommand(EXPORTER), "needs " + EXPORTER + " (apt install " + EXPORTER + ")");
        Files.createDirectories(DIR);
        sh("ip netns del " + NS + " 2>/dev/null || true");
        sh("ip netns add " + NS + " && ip -n " + NS + " link set lo up");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < IFACES / 2; i++) {
            batch.append("link add etsxs").append(i).append("a type veth peer name etsxs").append(i).append("b\n");
        }
        Path batchFile = DIR.resolve("links.batch");
        Files.writeString(batchFile, batch);
        sh("ip -n " + NS + " -batch " + batchFile);
        // `ip netns exec` mounts the namespace's own /sys: the exporter sees only its devices
        exporter = new ProcessBuilder("ip", "netns", "exec", NS, EXPORTER,
                "--web.listen-address=127.0.0.1:" + PORT, "--collector.disable-defaults", "--collector.ethtool")
                .redirectErrorStream(true).redirectOutput(DIR.resolve("exporter.log").toFile()).start();
        for (int i = 0; i < 100 && !listening(); i++) {
            assertTrue(exporter.isAlive(), "exporter died: " + Files.readString(DIR.resolve("exporter.log")));
            Thread.sleep(100);
        }
        assertTrue(listening(), "exporter not listening: " + Files.readString(DIR.resolve("exporter.log")));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (exporter != null) {
            exporter.destroy();
            exporter.waitFor(10, TimeUnit.SECONDS);
        }
        if (LiveGate.isRoot()) {
            sh("ip netns del " + NS + " 2>/dev/null || true"); // takes its interfaces with it
        }
    }

    @Test
    void defaultBufferHoldsAThousandInterfaceScrape() throws Exception {
        String netns = String.valueOf(Files.getAttribute(Path.of("/run/netns", NS), "unix:ino"));
        TracerProcess t = TracerProcess.start(DIR, "tracer", List.of(), "--json", "--netns", netns);

        sh("kill -STOP " + t.process.pid());
        String first;
        try {
            first = scrape();
        } finally {
            sh("kill -CONT " + t.process.pid());
        }
        for (int i = 0; i < BACK_TO_BACK; i++) {
            scrape();
        }
        assertEquals(0, t.interrupt(), t.stderr());

        int scrapes = 1 + BACK_TO_BACK;
        long lost = t.lostReported();
        Map<String, Long> perIface = new TreeMap<>();
        for (String line : Files.readAllLines(t.out)) {
            perIface.merge((String) Json.object(line).get("ifname"), 1L, Long::sum);
        }
        long printed = perIface.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(0, lost, "lost " + lost + " of " + (printed + lost) + " events in " + scrapes
                + " scrapes with the default buffer; stderr: " + t.stderr());

        List<String> missing = new ArrayList<>();
        for (int i = 0; i < IFACES / 2; i++) {
            for (String end : new String[] {"a", "b"}) {
                if (!perIface.containsKey("etsxs" + i + end)) {
                    missing.add("etsxs" + i + end);
                }
            }
        }
        assertEquals(List.of(), missing, "interfaces the tracer printed nothing for");
        // the same ioctls for every veth in every scrape: any loss shows as an uneven count
        Map<Long, List<String>> byCount = perIface.entrySet().stream().filter(e -> e.getKey().startsWith("etsxs"))
                .collect(Collectors.groupingBy(Map.Entry::getValue, TreeMap::new,
                        Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
        assertEquals(1, byCount.size(), "events per interface differ: "
                + byCount.entrySet().stream().map(e -> e.getKey() + " for " + e.getValue().size()
                        + " interfaces (e.g. " + e.getValue().get(0) + ")").collect(Collectors.joining(", ")));
        long each = byCount.keySet().iterator().next();
        assertEquals(0, each % scrapes, each + " events per interface in " + scrapes + " scrapes");
        assertTrue(first.contains("node_ethtool_info{"), "the exporter's ethtool collector reported nothing");
    }

    /** One scrape, from inside the namespace; returns the body after checking the collector succeeded. */
    static String scrape() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", NS, "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + PORT + " && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String body = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "scrape hangs");
        assertEquals(0, p.exitValue(), body);
        assertTrue(body.contains("node_scrape_collector_success{collector=\"ethtool\"} 1"),
                "the ethtool collector failed: " + body.lines().filter(l -> l.contains("ethtool")).limit(20).toList());
        return body;
    }

    static boolean listening() throws IOException, InterruptedException {
        return new ProcessBuilder("ip", "netns", "exec", NS, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + PORT)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
    }

    static void sh(String line) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), line + ": " + out);
    }
}
