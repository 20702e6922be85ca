// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinkMessageTest {
    static byte[] attr(int type, byte[] data) {
        int len = 4 + data.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(data);
        return b.array();
    }

    static byte[] str(String s) {
        return (s + "\0").getBytes();
    }

    static byte[] link(int type, int family, int index, byte[]... attrs) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] a : attrs) {
            body.writeBytes(a);
        }
        int len = 16 + 16 + body.size();
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) type).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) family).put((byte) 0).putShort((short) 1).putInt(index).putInt(0).putInt(0);
        b.put(body.toByteArray());
        return b.array();
    }

    static byte[] done() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.putInt(20).putShort((short) LinkMessage.NLMSG_DONE);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsIndexNameAndAltnamesOfEveryLinkMessage() {
        byte[] props = attr(52 | 0x8000, concat(attr(53, str("etsn-long-alt")), attr(53, str("etsnalt"))));
        byte[] buf = concat(
                link(LinkMessage.RTM_NEWLINK, 0, 4, attr(4, new byte[4]), attr(3, str("etsnA")), props),
                link(LinkMessage.RTM_DELLINK, 0, 5, attr(3, str("etsnB"))),
                link(LinkMessage.RTM_DELLINK, 7, 4, attr(3, str("etsnA"))), // AF_BRIDGE: a port left a bridge
                link(LinkMessage.RTM_NEWLINK, 0, 6), // no name: not a device we can use
                done(),
                link(LinkMessage.RTM_NEWLINK, 0, 9, attr(3, str("after"))));
        List<LinkMessage> got = new ArrayList<>();
        assertEquals(LinkMessage.End.DONE, LinkMessage.parse(buf, buf.length, got::add));
        assertEquals(2, got.size());
        assertEquals(new LinkMessage(false, 4, List.of("etsnA", "etsn-long-alt", "etsnalt")), got.get(0));
        assertEquals(new LinkMessage(true, 5, List.of("etsnB")), got.get(1));
    }

    @Test
    void keepsEveryByteOfAName() {
        byte[] raw = {'e', (byte) 0xff, 't', 0};
        byte[] buf = link(LinkMessage.RTM_NEWLINK, 0, 4, attr(3, raw));
        List<LinkMessage> got = new ArrayList<>();
        assertEquals(LinkMessage.End.MORE, LinkMessage.parse(buf, buf.length, got::add));
        assertEquals(3, got.get(0).names().get(0).length());
        assertEquals(0xff, got.get(0).names().get(0).charAt(1));
    }

    @Test
    void truncatedOrErrorMessagesEndTheRead() {
        byte[] buf = link(LinkMessage.RTM_NEWLINK, 0, 4, attr(3, str("etsnA")));
        assertEquals(LinkMessage.End.ERROR, LinkMessage.parse(buf, buf.length - 4, m -> { }));
        ByteBuffer err = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        err.putInt(36).putShort((short) LinkMessage.NLMSG_ERROR);
        assertEquals(LinkMessage.End.ERROR, LinkMessage.parse(err.array(), 36, m -> { }));
    }
}
