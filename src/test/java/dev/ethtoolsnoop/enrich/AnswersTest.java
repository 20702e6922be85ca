// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswersTest {
    private final List<Operation> out = new ArrayList<>();
    private final Answers answers = new Answers();

    private static Operation op(int cmd, Integer ret) {
        return new Operation(cmd, Backend.SYSCALL, Kind.GENL, new byte[0], 0, 1, 10, 10, "ethtool".getBytes(), 1,
                "sh".getBytes(), cmd, "C" + cmd, null, null, List.of(), 5, ret, null, Origin.UNKNOWN);
    }

    private List<String> shown() {
        return out.stream().map(o -> o.cmd() + "=" + o.ret()).toList();
    }

    @Test
    void aRequestTakesTheErrorOfItsAnswerBySequenceNumber() {
        answers.await(op(1, 0), 10, 3, 7, 100, 1_000);
        answers.await(op(2, 0), 10, 3, 8, 200, 1_000);
        answers.release(1_000, out::add);
        assertEquals(List.of(), shown(), "nothing leaves before its answer");
        answers.answer(10, 3, 8, 300, -19, 1_001);
        answers.release(1_001, out::add);
        assertEquals(List.of(), shown(), "the first still waits, and holds the second back");
        answers.answer(10, 3, 7, 310, 0, 1_002);
        answers.release(1_002, out::add);
        assertEquals(List.of("1=0", "2=-19"), shown());
        assertEquals(0, answers.held());
    }

    @Test
    void otherProcessesSocketsAndSequencesDoNotAnswer() {
        answers.await(op(1, 0), 10, 3, 7, 100, 0);
        answers.answer(11, 3, 7, 300, -1, 0);
        answers.answer(10, 4, 7, 300, -1, 0);
        answers.answer(10, 3, 6, 300, -1, 0);
        answers.release(Answers.WAIT_NS - 1, out::add);
        assertEquals(List.of(), shown());
        answers.answer(10, 3, 7, 300, -95, 0);
        answers.release(Answers.WAIT_NS - 1, out::add);
        assertEquals(List.of("1=-95"), shown());
    }

    @Test
    void anUnreadAnswerLeavesWithAnUnknownResultAfterTheWait() {
        answers.await(op(1, 0), 10, 3, 7, 100, 1_000);
        answers.release(1_000 + Answers.WAIT_NS - 1, out::add);
        assertEquals(List.of(), shown());
        answers.release(1_000 + Answers.WAIT_NS, out::add);
        assertEquals(List.of("1=null"), shown());
        // its answer, read too late, is no one's
        answers.answer(10, 3, 7, 5_000, -1, 2_000 + Answers.WAIT_NS);
        answers.await(op(2, 0), 10, 3, 7, 6_000, 2_000 + Answers.WAIT_NS);
        answers.releaseAll(out::add);
        assertEquals(List.of("1=null", "2=null"), shown(), "an answer read before a request was sent is not its");
    }

    @Test
    void anAnswerReadBeforeItsRequestArrivesIsKept() {
        // each CPU has its own buffer: the read may be decoded first
        answers.answer(10, 3, 7, 300, -1, 0);
        answers.await(op(1, 0), 10, 3, 7, 200, 0);
        answers.release(0, out::add);
        assertEquals(List.of("1=-1"), shown());
    }

    @Test
    void aSecondAnswerOfOneRequestDoesNotAnswerTheNextWithTheSameSequence() {
        // a reply, then its ACK: libraries that always send seq 0 reuse it
        answers.await(op(1, 0), 10, 3, 0, 100, 0);
        answers.answer(10, 3, 0, 150, 0, 0);
        answers.answer(10, 3, 0, 160, 0, 0);
        answers.await(op(2, 0), 10, 3, 0, 200, 0);
        answers.answer(10, 3, 0, 250, -22, 0);
        answers.release(0, out::add);
        assertEquals(List.of("1=0", "2=-22"), shown());
    }

    @Test
    void knownResultsKeepTheirOrderBehindAWaitingRequest() {
        answers.add(op(1, -5), out::add);
        assertEquals(List.of("1=-5"), shown(), "nothing waits: straight through");
        answers.await(op(2, 0), 10, 3, 7, 100, 0);
        answers.add(op(3, 0), out::add);
        assertEquals(List.of("1=-5"), shown());
        answers.answer(10, 3, 7, 300, -1, 0);
        answers.release(0, out::add);
        assertEquals(List.of("1=-5", "2=-1", "3=0"), shown());
        assertTrue(out.get(2).ret() == 0);
    }

    @Test
    void batchedRequestsSplitIntoOperations() {
        byte[] a = NetlinkRequestTest.request(NetlinkRequestTest.attr(2, "etsnA\0".getBytes()));
        byte[] b = NetlinkRequestTest.request(NetlinkRequestTest.attr(1, NetlinkRequestTest.u32(42)));
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).putInt(8, 2);
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        NetlinkRequest.Batch batch = NetlinkRequest.parseAll(both);
        assertEquals(2, batch.requests().size());
        assertEquals(false, batch.truncated());
        assertEquals("etsnA", new String(batch.requests().get(0).ifname()));
        assertEquals(1, batch.requests().get(0).seq());
        assertEquals(42, batch.requests().get(1).ifindex());
        assertEquals(2, batch.requests().get(1).seq());
        // cut inside the second message's header: the first is whole, more may exist
        NetlinkRequest.Batch cut = NetlinkRequest.parseAll(Arrays.copyOf(both, a.length + 10));
        assertEquals(1, cut.requests().size());
        assertTrue(cut.truncated());
        // one message longer than the copy (a large SET request): nothing more is known to follow
        NetlinkRequest.Batch longOne = NetlinkRequest.parseAll(Arrays.copyOf(a, a.length - 4));
        assertEquals(1, longOne.requests().size());
        assertEquals(false, longOne.truncated());
    }

    @Test
    void beyondTheBoundTheOldestLeaveUnansweredInOrder() {
        for (int i = 0; i <= Answers.MAX_HELD + 1; i++) {
            answers.await(op(i, 0), 10, 3, i, 100, 1_000);
            answers.bound(out::add);
        }
        assertEquals(List.of("0=null", "1=null"), shown(), "the two oldest left, result unknown");
        assertEquals(Answers.MAX_HELD, answers.held());
        answers.answer(10, 3, 1, 300, 0, 1_001);
        answers.answer(10, 3, 2, 300, -95, 1_001);
        answers.release(1_001, out::add);
        assertEquals(List.of("0=null", "1=null", "2=-95"), shown(), "a late answer pairs with nothing gone");
    }
}
