// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import dev.ethtoolsnoop.decode.Event;
import dev.ethtoolsnoop.decode.EventDecoder;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.enrich.Answers;
import dev.ethtoolsnoop.enrich.Enricher;
import dev.ethtoolsnoop.enrich.NetlinkRequest;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.RtnlWait;
import dev.ethtoolsnoop.enrich.RtnlWaits;
import dev.ethtoolsnoop.loader.LibbpfException;
import dev.ethtoolsnoop.loader.PerfBuffer;
import dev.ethtoolsnoop.loader.Probes;
import dev.ethtoolsnoop.sink.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The pipeline's main loop: perf buffer -> decoder -> enricher -> (netlink
 * answers) -> filter -> sink, until told to stop.
 */
final class Tracer {
    private static final Logger LOG = LoggerFactory.getLogger(Tracer.class);
    /**
     * Longest wait for records: the kernel wakes us only after a watermark's
     * worth has been written to a ring (see PerfBuffer), so what trickles in
     * slower is shown this long after it came, at most.
     */
    private static final int POLL_MS = 20;
    /**
     * Right after the ready line a shorter wait, so that the first events a
     * user waits for show up at once rather than a poll later.
     */
    private static final int FIRST_POLL_MS = 2;
    private static final long FIRST_POLLS_NS = 200_000_000L;
    /**
     * Setup's garbage (the kernel BTF's copies) is given back at least this
     * long after the ready line, at a poll that read few records: a full GC
     * and malloc_trim take ~25 ms, which would delay the first events, or a
     * burst being read.
     */
    private static final long RELEASE_AFTER_NS = 1_000_000_000L;
    private static final int RELEASE_BELOW_RECORDS = 64;
    /** Drop counter and stdout's reader: looked at this often, not per wake-up (each is a syscall). */
    private static final long CHECK_EVERY_NS = 100_000_000L;
    /** Bound on the final drain's reads, each of which empties every ring. */
    private static final int DRAIN_ROUNDS = 1024;

    private final Probes probes;
    private final Enricher enricher;
    private final Predicate<Operation> filter;
    private final Sink sink;
    private final long maxCount;
    private final long deadlineNanos;
    private final AtomicLong lost;
    private final BooleanSupplier outputGone;
    private final Answers answers = new Answers();
    /*
     * Made once: a method reference bound to an object is a new object each
     * time it is evaluated, and without C2 each one is made through the
     * JVM's runtime, a noticeable part of an event's cost.
     */
    private final Consumer<Operation> emitter = this::emit;
    private final Consumer<RtnlWait> waitSink;
    /** --waits: long RTNL waits, put after their holder's operation; null without --waits. */
    private final RtnlWaits waits;
    private boolean warnedTruncatedSend;
    private volatile boolean stopRequested;
    private long emitted;
    /** The probes' drop count already reported as lost. */
    private long reported;
    private int bufferPages;

    /**
     * @param lost          counts events the perf buffer dropped
     * @param outputGone    true once nobody reads our output any more
     * @param maxCount      stop after this many operations (0: no limit)
     * @param durationNanos stop after this long (0: no limit)
     * @param waits         where RTNL waits go (--waits), or null
     */
    Tracer(Probes probes, Enricher enricher, Predicate<Operation> filter, Sink sink, AtomicLong lost,
           BooleanSupplier outputGone, long maxCount, long durationNanos, RtnlWaits waits) {
        this.waits = waits;
        this.waitSink = sink::acceptWait;
        this.lost = lost;
        this.outputGone = outputGone;
        this.probes = probes;
        this.enricher = enricher;
        this.filter = filter;
        this.sink = sink;
        this.maxCount = maxCount;
        this.deadlineNanos = durationNanos > 0 ? System.nanoTime() + durationNanos : Long.MAX_VALUE;
    }

    private void reportDropped() throws LibbpfException {
        reportLost(probes.lostEvents());
    }

    private void reportLost(long now) {
        if (now > reported) {
            lost.addAndGet(now - reported);
            if (reported == 0 && bufferPages > 0) {
                // the first time, say what helps: almost always a burst the buffer could not hold
                LOG.warn("Lost {} events (a burst larger than the buffer; --buffer-pages {} holds four times"
                        + " as much, {} KiB per CPU)", now - reported, bufferPages * 4, bufferPages * 16);
            } else {
                LOG.warn("Lost {} events", now - reported);
            }
            reported = now;
        }
    }

    void requestStop() {
        stopRequested = true;
    }

    /**
     * Calls onReady, then shows what the probes hand over until told to stop,
     * the count or the duration is reached, or the reader of stdout is gone.
     */
    void run(int bufferPages, Runnable onReady) throws LibbpfException {
        this.bufferPages = bufferPages;
        PerfBuffer buffer = probes.buffer();
        EventDecoder decoder = new EventDecoder();
        buffer.consume(new PerfBuffer.Records() {
            @Override
            public void sample(byte[] bytes, int offset, int size) {
                take(decoder.decode(bytes, offset, size));
            }

            @Override
            public void lost(long count) {
                LOG.debug("perf buffer lost {} records (counted by the probes)", count);
            }
        });
        onReady.run();
        long readyAt = System.nanoTime();
        boolean setupMemoryReleased = false;
        long nextCheck = 0;
        while (!stopRequested) {
            long sinceReady = System.nanoTime() - readyAt;
            int read = buffer.poll(sinceReady < FIRST_POLLS_NS ? FIRST_POLL_MS : POLL_MS);
            long now = System.nanoTime();
            if (!setupMemoryReleased && sinceReady >= RELEASE_AFTER_NS && read < RELEASE_BELOW_RECORDS) {
                setupMemoryReleased = true;
                Probes.releaseSetupMemory();
            }
            answers.release(now, emitter);
            if (now >= nextCheck) {
                nextCheck = now + CHECK_EVERY_NS;
                // link monitors only need draining before they overflow; a
                // lookup drains its own namespace first anyway
                enricher.tick();
                if (waits != null) {
                    waits.release(now, waitSink);
                }
                reportDropped();
                if (outputGone.getAsBoolean()) {
                    return; // the reader went away: nothing more can be shown
                }
            }
            if (!sink.flush()) {
                return;
            }
            if ((maxCount > 0 && emitted >= maxCount) || now >= deadlineNanos) {
                break;
            }
        }
        // Detach first, then drain: with the probes still attached, what they
        // emitted after the last poll would go with the buffer, neither
        // shown nor counted. After it every operation that ended while we
        // traced is printed or counted as lost.
        probes.detach();
        // Detaching waited for the programs still running: the rings hold
        // all there is, and reading them needs no wake-up.
        for (int i = 0; i < DRAIN_ROUNDS && buffer.poll(0) > 0; i++) {
            if (maxCount > 0 && emitted >= maxCount) {
                break;
            }
        }
        answers.releaseAll(emitter);
        if (waits != null) {
            waits.releaseAll(waitSink);
            long lostWaits = probes.lostWaits();
            if (lostWaits > 0) {
                LOG.warn("Lost {} RTNL waits (the buffer was full; not shown)", lostWaits);
            }
        }
        // begun and never finished: the probes saw them, nobody will see more
        reportLost(probes.lostEvents() + probes.unfinishedEvents());
        sink.finish();
        sink.flush();
    }

    private void take(Event e) {
        long now = System.nanoTime();
        if (e.kind() == Kind.RTNL_WAIT) {
            if (waits != null) {
                waits.add(enricher.wait(e), now, waitSink);
            }
            return;
        }
        if (e.kind() == Kind.GENL_REPLY) {
            answers.answer(e.tgid(), e.sockFd(), e.nlSeq(), e.monotonicNs(), e.ret(), now);
            return;
        }
        if (e.payload().length == 0) {
            answers.add(enricher.enrich(e), emitter);
            return;
        }
        // a send of the syscall backend: each request in it is an operation
        NetlinkRequest.Batch batch = NetlinkRequest.parseAll(e.payload());
        if (batch.truncated() && !warnedTruncatedSend) {
            warnedTruncatedSend = true;
            LOG.warn("pid {} sent more netlink requests in one send than the tracer copies; "
                    + "those after the first {} are not shown", e.tgid(), batch.requests().size());
        }
        for (NetlinkRequest r : batch.requests()) {
            Operation op = enricher.enrich(e, r);
            if (e.awaitsAnswer()) {
                answers.await(op, e.tgid(), e.sockFd(), r.seq(), e.monotonicNs() + e.latencyNs(), now);
                answers.bound(emitter);
            } else {
                answers.add(op, emitter);
            }
        }
    }

    private void emit(Operation op) {
        boolean shown = (maxCount == 0 || emitted < maxCount) && filter.test(op);
        if (shown) {
            sink.accept(op);
            emitted++;
        }
        if (waits != null) {
            waits.operation(op, shown, waitSink);
        }
    }
}
