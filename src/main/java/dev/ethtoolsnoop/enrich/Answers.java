// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Gives netlink requests seen by the syscall backend their real result.
 * The kernel handles an ethtool request inside the send and queues its
 * answer (NLMSG_ERROR with an error or 0, or a reply) on the socket; the
 * probes hand over the first header of every read on that socket, and this
 * pairs it with the request by (process, socket, nlmsg_seq).
 *
 * <p>Operations leave in the order they arrived: one waiting for its answer
 * holds back those behind it, for at most {@link #WAIT_NS} after it arrived.
 * A request still unanswered by then (its caller never read the answer, or
 * read it later) leaves with ret null: unknown. Answers can arrive before
 * their request (each CPU has its own buffer) and are kept as long.
 */
public final class Answers {
    /** How long a request waits for its answer to be read. */
    public static final long WAIT_NS = 1_000_000_000L;
    /**
     * Operations held back at most: beyond, the oldest leave at once, an
     * unanswered request with ret null. When answers are lost (a full
     * buffer) a second of requests waits for nothing, and at a flat-out
     * loop's rate that grew the heap by tens of MB.
     */
    public static final int MAX_HELD = 4096;

    private static final class Held {
        final Operation op;
        final Key key;
        /** When the send returned, kernel clock: its answer is read after that. */
        final long sentNs;
        final long deadlineNs;
        boolean answered;
        Integer ret;

        Held(Operation op, Key key, long sentNs, long deadlineNs) {
            this.op = op;
            this.key = key;
            this.sentNs = sentNs;
            this.deadlineNs = deadlineNs;
        }
    }

    private record Key(int tgid, int fd, int seq) {
    }

    private record Early(long readNs, int error, long deadlineNs) {
    }

    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    /** Unanswered requests by key, oldest first. */
    private final Map<Key, ArrayDeque<Held>> waiting = new HashMap<>();
    private final Map<Key, ArrayDeque<Early>> early = new HashMap<>();

    /** An operation whose result is known: leaves as soon as nothing before it waits. */
    public void add(Operation op, Consumer<Operation> out) {
        if (queue.isEmpty()) {
            out.accept(op);
        } else {
            Held h = new Held(op, null, 0, 0);
            h.answered = true;
            h.ret = op.ret();
            queue.add(h);
            bound(out);
        }
    }

    /**
     * A request whose result comes with its answer.
     *
     * @param sentNs     kernel clock when the send returned
     * @param receivedNs now, on the same clock
     */
    public void await(Operation op, int tgid, int fd, int seq, long sentNs, long receivedNs) {
        Key key = new Key(tgid, fd, seq);
        Held h = new Held(op, key, sentNs, receivedNs + WAIT_NS);
        queue.add(h);
        ArrayDeque<Early> answers = early.get(key);
        if (answers != null) {
            for (Iterator<Early> it = answers.iterator(); it.hasNext(); ) {
                Early a = it.next();
                if (a.readNs() >= sentNs) {
                    it.remove();
                    h.answered = true;
                    h.ret = a.error();
                    break;
                }
            }
            if (answers.isEmpty()) {
                early.remove(key);
            }
            if (h.answered) {
                return;
            }
        }
        waiting.computeIfAbsent(key, k -> new ArrayDeque<>(1)).add(h);
    }

    /**
     * An answer the caller read.
     *
     * @param readNs     kernel clock of the read
     * @param error      0, or the -errno an NLMSG_ERROR carried
     * @param receivedNs now, on the same clock
     */
    public void answer(int tgid, int fd, int seq, long readNs, int error, long receivedNs) {
        Key key = new Key(tgid, fd, seq);
        ArrayDeque<Held> held = waiting.get(key);
        if (held != null) {
            // the oldest request of that key sent before this read; a second
            // answer of one request (an ACK after its reply) finds none
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (h.sentNs <= readNs) {
                    it.remove();
                    h.answered = true;
                    h.ret = error;
                    if (held.isEmpty()) {
                        waiting.remove(key);
                    }
                    return;
                }
            }
        }
        if (early.size() >= MAX_HELD) {
            // answers to requests that were lost, as good as never: their
            // requests, should any still come, leave with ret null
            early.clear();
        }
        early.computeIfAbsent(key, k -> new ArrayDeque<>(1)).add(new Early(readNs, error, receivedNs + WAIT_NS));
    }

    /** Hands over, in order, every operation that no longer waits. */
    public void release(long nowNs, Consumer<Operation> out) {
        while (!queue.isEmpty()) {
            Held h = queue.peek();
            if (!h.answered && nowNs < h.deadlineNs) {
                break;
            }
            releaseOldest(out);
        }
        if (!early.isEmpty()) {
            early.values().removeIf(list -> {
                list.removeIf(a -> nowNs >= a.deadlineNs());
                return list.isEmpty();
            });
        }
    }

    /** Keeps at most {@link #MAX_HELD} operations held back: the oldest leave, answered or not. */
    public void bound(Consumer<Operation> out) {
        while (queue.size() > MAX_HELD) {
            releaseOldest(out);
        }
    }

    private void releaseOldest(Consumer<Operation> out) {
        Held h = queue.poll();
        if (!h.answered) {
            ArrayDeque<Held> held = waiting.get(h.key);
            if (held != null) {
                held.remove(h);
                if (held.isEmpty()) {
                    waiting.remove(h.key);
                }
            }
        }
        out.accept(h.key == null ? h.op : h.op.withRet(h.answered ? h.ret : null));
    }

    /** Hands over everything, unanswered requests with ret null (tracing ends). */
    public void releaseAll(Consumer<Operation> out) {
        release(Long.MAX_VALUE, out);
        early.clear();
    }

    /** Operations held back. */
    public int held() {
        return queue.size();
    }
}
