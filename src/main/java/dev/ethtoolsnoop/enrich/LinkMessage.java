// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One device as an rtnetlink RTM_NEWLINK / RTM_DELLINK message describes it
 * (a dump entry or a notification): its ifindex and every name that finds it,
 * the primary first, then its alternative names.
 *
 * @param names ISO-8859-1 strings, so that every byte of a name is kept apart
 */
record LinkMessage(boolean deleted, int ifindex, List<String> names) {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    private static final int NLMSG_HDRLEN = 16;
    private static final int IFINFOMSG_LEN = 16;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_PROP_LIST = 52;
    private static final int IFLA_ALT_IFNAME = 53;
    private static final int NLA_TYPE_MASK = 0x3fff;
    private static final int AF_UNSPEC = 0;

    /** What a datagram of netlink messages ended with. */
    enum End { MORE, DONE, ERROR }

    /**
     * Feeds every link message in {@code buf[0, len)} to {@code sink}. Messages
     * of other families (a bridge's per-port RTM_NEWLINK/RTM_DELLINK carry
     * AF_BRIDGE: the device itself did not change) are skipped.
     */
    static End parse(byte[] buf, int len, Consumer<LinkMessage> sink) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len).order(ByteOrder.nativeOrder());
        int pos = 0;
        while (pos + NLMSG_HDRLEN <= len) {
            int msgLen = b.getInt(pos);
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            if (msgLen < NLMSG_HDRLEN || pos + msgLen > len) {
                return End.ERROR;
            }
            if (type == NLMSG_DONE) {
                return End.DONE;
            }
            if (type == NLMSG_ERROR) {
                return End.ERROR;
            }
            if ((type == RTM_NEWLINK || type == RTM_DELLINK) && msgLen >= NLMSG_HDRLEN + IFINFOMSG_LEN
                    && b.get(pos + NLMSG_HDRLEN) == AF_UNSPEC) {
                int index = b.getInt(pos + NLMSG_HDRLEN + 4);
                List<String> names = new ArrayList<>(1);
                attributes(b, pos + NLMSG_HDRLEN + IFINFOMSG_LEN, pos + msgLen, names);
                if (index > 0 && !names.isEmpty()) {
                    sink.accept(new LinkMessage(type == RTM_DELLINK, index, List.copyOf(names)));
                }
            }
            pos += align4(msgLen);
        }
        return End.MORE;
    }

    private static void attributes(ByteBuffer b, int pos, int end, List<String> names) {
        while (pos + 4 <= end) {
            int len = Short.toUnsignedInt(b.getShort(pos));
            int type = Short.toUnsignedInt(b.getShort(pos + 2)) & NLA_TYPE_MASK;
            if (len < 4 || pos + len > end) {
                return;
            }
            if (type == IFLA_IFNAME) {
                names.add(0, string(b, pos + 4, pos + len));
            } else if (type == IFLA_PROP_LIST) {
                int p = pos + 4;
                while (p + 4 <= pos + len) {
                    int l = Short.toUnsignedInt(b.getShort(p));
                    int t = Short.toUnsignedInt(b.getShort(p + 2)) & NLA_TYPE_MASK;
                    if (l < 4 || p + l > pos + len) {
                        break;
                    }
                    if (t == IFLA_ALT_IFNAME) {
                        names.add(string(b, p + 4, p + l));
                    }
                    p += align4(l);
                }
            }
            pos += align4(len);
        }
    }

    private static String string(ByteBuffer b, int from, int to) {
        int end = from;
        while (end < to && b.get(end) != 0) {
            end++;
        }
        return new String(b.array(), from, end - from, StandardCharsets.ISO_8859_1);
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
