// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Event;
import dev.ethtoolsnoop.decode.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EnricherTest {
    private static Event event(Kind kind, Backend backend, int cmd, int sub, String ifname, int ifindex, long netns,
                               boolean hasDev, byte[] payload) {
        return new Event(1_000, 500, 10, 11, 1, netns, 0, ifindex, cmd, sub, kind, backend, hasDev,
                "ethtool".getBytes(), "bash".getBytes(), ifname.getBytes(StandardCharsets.UTF_8), payload,
                true, true, false, 0, 0, null, null, 0, java.util.List.of());
    }

    @Test
    void namesIoctlCommandsAndPerQueueSubCommands() {
        Enricher en = new Enricher(5_000, DeviceNames.none());
        Operation op = en.enrich(event(Kind.IOCTL, Backend.FENTRY, 0x4b, 0xe, "eth0", 2, 7, true, new byte[0]));
        assertEquals(6_000, op.timeNs());
        assertEquals("ETHTOOL_PERQUEUE", op.cmdName());
        assertEquals(14, op.subCmd());
        assertEquals("ETHTOOL_GCOALESCE", op.subCmdName());
        assertEquals("-Q|--per-queue", op.args().get(0));
        Operation hole = en.enrich(event(Kind.IOCTL, Backend.FENTRY, 0xd, -1, "eth0", 2, 7, true, new byte[0]));
        assertEquals("UNKNOWN(0xd)", hole.cmdName());
        assertEquals(List.of(), hole.args());
        assertNull(hole.subCmd());
    }

    /** Names of namespace NETNS, watched from time 0, read at 5000 (events happen at 1000). */
    private static DeviceNames watching(FakeLinks links, long netns) {
        long[] now = {0};
        DeviceNames names = links.names(() -> now[0]);
        names.watch(netns, 0);
        now[0] = 5_000;
        return names;
    }

    @Test
    void aCommandTheProbesCouldNotReadIsShownAsUnknownNeverAsZero() {
        Enricher en = new Enricher(0, watching(new FakeLinks(), 7));
        Operation op = en.enrich(new Event(1_000, 500, 10, 11, 1, 7, 0, 2, 0, -1, Kind.IOCTL, Backend.SYSCALL,
                false, "x".getBytes(), "y".getBytes(), "eth0".getBytes(), new byte[0], false, true, false, 0, 0, null, null, 0, java.util.List.of()));
        assertNull(op.cmd());
        assertEquals(Enricher.UNREAD, op.cmdName());
        assertEquals(List.of(), op.args());
        Operation sub = en.enrich(new Event(1_000, 500, 10, 11, 1, 7, 0, 2, 0x4b, 0, Kind.IOCTL, Backend.SYSCALL,
                false, "x".getBytes(), "y".getBytes(), "eth0".getBytes(), new byte[0], true, false, false, 0, 0, null, null, 0, java.util.List.of()));
        assertEquals("ETHTOOL_PERQUEUE/?", sub.command());
        assertNull(sub.subCmd());
        assertEquals(List.of("-Q|--per-queue"), sub.args());
    }

    @Test
    void syscallNetlinkTakesTheDeviceFromThePayloadAndResolvesItsIndex() {
        FakeLinks links = new FakeLinks();
        links.add(7, 9, "etsnA");
        byte[] msg = NetlinkRequestTest.request(NetlinkRequestTest.attr(2, "etsnA\0".getBytes()));
        Operation op = new Enricher(0, watching(links, 7))
                .enrich(event(Kind.GENL, Backend.SYSCALL, 17, -1, "", 0, 7, false, msg));
        assertEquals("etsnA", new String(op.ifname()));
        assertEquals(9, op.ifindex());
        assertEquals("ETHTOOL_MSG_CHANNELS_GET", op.cmdName());
        assertEquals(List.of("-l|--show-channels"), op.args());
    }

    @Test
    void syscallNetlinkByIndexGetsTheName() {
        FakeLinks links = new FakeLinks();
        links.add(7, 9, "etsnA");
        byte[] index = new byte[4];
        java.nio.ByteBuffer.wrap(index).order(java.nio.ByteOrder.nativeOrder()).putInt(9);
        byte[] msg = NetlinkRequestTest.request(NetlinkRequestTest.attr(1, index));
        Operation op = new Enricher(0, watching(links, 7))
                .enrich(event(Kind.GENL, Backend.SYSCALL, 17, -1, "", 0, 7, false, msg));
        assertEquals("etsnA", new String(op.ifname()));
        assertEquals(9, op.ifindex());
    }

    @Test
    void unreachableNamespacesStayUnknownAndTheKernelsAnswerIsKept() {
        FakeLinks links = new FakeLinks();
        links.add(7, 9, "etsnA");
        Enricher en = new Enricher(0, watching(links, 7));
        assertEquals(0, en.enrich(event(Kind.IOCTL, Backend.SYSCALL, 3, -1, "etsnA", 0, 8, false, new byte[0]))
                .ifindex(), "namespace 8 cannot be reached");
        // the kernel's own answer is never second-guessed
        assertEquals(4, en.enrich(event(Kind.IOCTL, Backend.KPROBE, 3, -1, "etsnA", 4, 7, true, new byte[0]))
                .ifindex());
    }
}
