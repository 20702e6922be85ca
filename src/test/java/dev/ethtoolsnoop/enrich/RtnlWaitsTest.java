// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RtnlWaitsTest {
    private static final long OP_TIME = 1_700_000_000_000_000_000L;

    private static Operation op(int tid, String ifname) {
        return new Operation(OP_TIME, Backend.SYSCALL, Kind.GENL, ifname.getBytes(), 3, 1, 10, tid,
                "exporter".getBytes(), 1, "init".getBytes(), 0x1d, "ETHTOOL_MSG_MODULE_EEPROM_GET", null, null,
                List.of("-m"), 5_000_000, 0, null, Origin.UNKNOWN);
    }

    /** A wait on the operation op(tid) as the probes see it: a netlink request's device still unknown. */
    private static RtnlWait onOp(int tid) {
        return new RtnlWait(OP_TIME + 1, 20_000_000, 99, 99, "ip".getBytes(), 0, 10, tid, "exporter".getBytes(),
                new RtnlWait.HolderOp(Kind.GENL, "ETHTOOL_MSG_MODULE_EEPROM_GET", new byte[0], OP_TIME));
    }

    private static RtnlWait notEthtool() {
        return new RtnlWait(OP_TIME, 20_000_000, 99, 99, "ip".getBytes(), 0, 7, 7, "sshd".getBytes(), null);
    }

    @Test
    void aWaitFollowsItsOperationNamedAsTheOperationIs() {
        List<RtnlWait> out = new ArrayList<>();
        RtnlWaits waits = new RtnlWaits(false);
        waits.add(onOp(11), 0, out::add);
        assertEquals(List.of(), out, "held back until its operation is decided");
        waits.operation(op(11, "eth0"), true, out::add);
        assertEquals(1, out.size());
        assertArrayEquals("eth0".getBytes(), out.get(0).holderOp().ifname(), "the device the operation's line names");
        // one arriving after its operation is shown at once
        waits.add(onOp(11), 0, out::add);
        assertEquals(2, out.size());
    }

    @Test
    void withoutFilterEveryWaitIsShownEvenWhenItsOperationNeverCame() {
        List<RtnlWait> out = new ArrayList<>();
        RtnlWaits waits = new RtnlWaits(false);
        waits.add(notEthtool(), 0, out::add);
        waits.add(onOp(12), 0, out::add);
        assertEquals(1, out.size());
        waits.release(RtnlWaits.WAIT_FOR_OP_NS - 1, out::add);
        assertEquals(1, out.size());
        waits.release(RtnlWaits.WAIT_FOR_OP_NS, out::add);
        assertEquals(2, out.size());
        assertEquals(0, out.get(1).holderOp().ifname().length, "unknown, not guessed");
    }

    @Test
    void aFilterKeepsOnlyWaitsOnOperationsItShows() {
        List<RtnlWait> out = new ArrayList<>();
        RtnlWaits waits = new RtnlWaits(true);
        waits.add(notEthtool(), 0, out::add);
        waits.add(onOp(13), 0, out::add);
        waits.add(onOp(14), 0, out::add);
        waits.add(onOp(15), 0, out::add);
        waits.operation(op(13, "eth0"), false, out::add);
        waits.operation(op(14, "eth1"), true, out::add);
        waits.releaseAll(out::add);
        assertEquals(1, out.size(), "only the wait on the shown operation");
        assertEquals(14, out.get(0).holderTid());
        assertNull(notEthtool().holderOp());
    }
}
