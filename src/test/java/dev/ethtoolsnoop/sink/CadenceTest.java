// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invocations are bursts of one process; the cadence is the median time between their starts. */
class CadenceTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;

    final Cadence<String> cadence = new Cadence<>(S);

    /** An invocation of {@code ops} operations 10 ms apart. */
    void invocation(String caller, long startNs, int pid, int ops) {
        for (int i = 0; i < ops; i++) {
            cadence.accept(caller, startNs + i * 10 * MS, pid);
        }
    }

    @Test
    void anExporterScrapingEveryFiveSeconds() {
        for (int i = 0; i < 10; i++) {
            invocation("node_exporter", 100 * S + i * 5 * S, 42, 3);
        }
        Cadence.Stats s = cadence.stats("node_exporter");
        assertEquals(10, s.invocations());
        assertEquals(5 * S, s.medianIntervalNs());
        assertEquals(3.0, s.medianOps());
    }

    @Test
    void jitteredPeriodsGiveTheirMedian() {
        Random r = new Random(7);
        long t = 0;
        for (int i = 0; i < 200; i++) {
            invocation("exporter", t, 42, 1 + r.nextInt(5));
            t += 15 * S + (long) (r.nextGaussian() * S); // 15 s scrapes, ~1 s jitter
        }
        long median = cadence.stats("exporter").medianIntervalNs();
        assertTrue(Math.abs(median - 15 * S) < 15 * S / 10, "median " + median);
    }

    @Test
    void eachForkedEthtoolIsOneInvocationOfOneCaller() {
        for (int i = 0; i < 6; i++) {
            invocation("ethtool", i * 60 * S, 1000 + 7 * i, 4);
        }
        Cadence.Stats s = cadence.stats("ethtool");
        assertEquals(6, s.invocations());
        assertEquals(60 * S, s.medianIntervalNs());
        assertEquals(4.0, s.medianOps());
    }

    @Test
    void backToBackRunsAreSeparatedByTheirPids() {
        for (int i = 0; i < 4; i++) {
            invocation("ethtool", i * 50 * MS, 2000 + i, 2); // a loop in a script: no gap between runs
        }
        Cadence.Stats s = cadence.stats("ethtool");
        assertEquals(4, s.invocations());
        assertEquals(50 * MS, s.medianIntervalNs());
        assertEquals(2.0, s.medianOps());
    }

    @Test
    void parallelRunsAreOneInvocationEach() {
        for (int i = 0; i < 5; i++) {
            cadence.accept("ethtool", i * 20 * MS, 300);
            cadence.accept("ethtool", i * 20 * MS + 5 * MS, 301);
        }
        Cadence.Stats s = cadence.stats("ethtool");
        assertEquals(2, s.invocations());
        assertEquals(5.0, s.medianOps());
    }

    @Test
    void aSingleInvocationHasNoCadence() {
        invocation("ethtool", 5 * S, 9, 3);
        Cadence.Stats s = cadence.stats("ethtool");
        assertEquals(1, s.invocations());
        assertNull(s.medianIntervalNs());
        assertEquals(3.0, s.medianOps());
        invocation("ethtool", 10 * S, 10, 3);
        assertNull(cadence.stats("ethtool").medianIntervalNs(), "one interval is no cadence yet");
        invocation("ethtool", 15 * S, 11, 3);
        assertEquals(5 * S, cadence.stats("ethtool").medianIntervalNs());
    }

    @Test
    void theGapSplitsAProcesssOperations() {
        cadence.accept("exporter", 0, 5);
        cadence.accept("exporter", S - 1, 5);
        cadence.accept("exporter", 2 * S - 1, 5);
        assertEquals(2, cadence.stats("exporter").invocations(), "a gap of exactly 1 s splits");
    }

    @Test
    void anOperationSeenLateStillCountsInItsInvocation() {
        cadence.accept("exporter", 100 * MS, 5);
        cadence.accept("exporter", 90 * MS, 5); // from another CPU's buffer
        cadence.accept("exporter", 110 * MS, 5);
        Cadence.Stats s = cadence.stats("exporter");
        assertEquals(1, s.invocations());
        assertEquals(3.0, s.medianOps());
        for (int i = 1; i <= 2; i++) {
            invocation("exporter", 90 * MS + i * 5 * S, 5, 1);
        }
        assertEquals(5 * S, cadence.stats("exporter").medianIntervalNs(), "the invocation began with the late one");
    }

    @Test
    void opsPerInvocationIsTheMedian() {
        invocation("exporter", 0, 5, 2);
        invocation("exporter", 10 * S, 5, 3);
        invocation("exporter", 20 * S, 5, 100);
        invocation("exporter", 30 * S, 5, 5);
        assertEquals(4.0, cadence.stats("exporter").medianOps(), "(3 + 5) / 2; the one big run does not count more");
    }

    @Test
    void onlyTheLatestInvocationsAreKept() {
        long t = 0;
        for (int i = 0; i < 3000; i++, t += 10 * S) {
            invocation("exporter", t, 5, 7);
        }
        for (int i = 0; i < Cadence.MAX_KEPT; i++, t += 2 * S) {
            invocation("exporter", t, 5, 1);
        }
        Cadence.Stats s = cadence.stats("exporter");
        assertEquals(3000 + Cadence.MAX_KEPT, s.invocations());
        assertEquals(2 * S, s.medianIntervalNs());
        assertEquals(1.0, s.medianOps());
    }

    @Test
    void callersAreApart() {
        invocation("a", 0, 1, 3);
        invocation("b", 0, 1, 5);
        assertEquals(3.0, cadence.stats("a").medianOps());
        assertEquals(5.0, cadence.stats("b").medianOps());
        assertNull(cadence.stats("c"));
    }

    @Test
    void theGapMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Cadence<String>(0));
    }
}
