// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One ethtool netlink request, read from the bytes of a send the syscall
 * backend copies (nlmsghdr, genlmsghdr, then attributes). Every ethtool
 * request carries its device in attribute 1, the request header nest.
 *
 * @param cmd     the genl command (ETHTOOL_MSG_*)
 * @param seq     nlmsg_seq: its answer carries the same
 * @param ifname  ETHTOOL_A_HEADER_DEV_NAME, or empty
 * @param ifindex ETHTOOL_A_HEADER_DEV_INDEX, or 0
 */
public record NetlinkRequest(int cmd, int seq, byte[] ifname, int ifindex) {
    private static final int NLMSG_HDRLEN = 16;
    private static final int GENL_HDRLEN = 4;
    private static final int NLA_HDRLEN = 4;
    private static final int NLA_TYPE_MASK = 0x3fff; // drops NLA_F_NESTED / NLA_F_NET_BYTEORDER
    private static final int A_REQUEST_HEADER = 1;
    private static final int A_HEADER_DEV_INDEX = 1;
    private static final int A_HEADER_DEV_NAME = 2;

    /**
     * The requests of one send: several messages may be batched in it, each
     * an operation of its own. Only messages of the first one's type (the
     * ethtool family, as the probe checked) count; a message whose header is
     * cut off by the end of the copy is not guessed at.
     *
     * @param sent the copied prefix of the send
     */
    public static Batch parseAll(byte[] sent) {
        return parseAll(sent, Integer.MAX_VALUE);
    }

    /** The first request of a send, or an empty one when it holds none. */
    public static NetlinkRequest parse(byte[] sent) {
        List<NetlinkRequest> r = parseAll(sent, 1).requests();
        return r.isEmpty() ? new NetlinkRequest(0, 0, new byte[0], 0) : r.get(0);
    }

    private static Batch parseAll(byte[] sent, int most) {
        ByteBuffer buf = ByteBuffer.wrap(sent).order(ByteOrder.nativeOrder());
        List<NetlinkRequest> requests = new ArrayList<>(1);
        int pos = 0;
        int family = sent.length >= 6 ? Short.toUnsignedInt(buf.getShort(4)) : -1;
        while (pos + NLMSG_HDRLEN + GENL_HDRLEN <= sent.length && requests.size() < most) {
            int len = buf.getInt(pos);
            if (len < NLMSG_HDRLEN + GENL_HDRLEN) {
                break; // not a message: nothing after it can be trusted
            }
            if (Short.toUnsignedInt(buf.getShort(pos + 4)) == family) {
                int end = (int) Math.min(sent.length, (long) pos + len);
                requests.add(parseOne(buf, pos, end));
            }
            long next = (long) pos + align4(len);
            if (next >= sent.length) {
                // the copy ends inside this message (a large SET request, say):
                // nothing says another one follows it
                return new Batch(requests, false);
            }
            pos = (int) next;
        }
        // what is left is shorter than a header: a cut-off message, or nothing
        return new Batch(requests, pos < sent.length);
    }

    /**
     * @param truncated another message begins where the copy ends: it, and
     *                  any after it, are not known
     */
    public record Batch(List<NetlinkRequest> requests, boolean truncated) {
    }

    private static NetlinkRequest parseOne(ByteBuffer buf, int start, int end) {
        int cmd = Byte.toUnsignedInt(buf.get(start + NLMSG_HDRLEN));
        int seq = buf.getInt(start + 8);
        int pos = start + NLMSG_HDRLEN + GENL_HDRLEN;
        while (pos + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt(buf.getShort(pos));
            int type = Short.toUnsignedInt(buf.getShort(pos + 2)) & NLA_TYPE_MASK;
            if (len < NLA_HDRLEN) {
                break;
            }
            if (type == A_REQUEST_HEADER) {
                return parseHeader(cmd, seq, buf, pos + NLA_HDRLEN, Math.min(end, pos + len));
            }
            pos += align4(len);
        }
        return new NetlinkRequest(cmd, seq, new byte[0], 0);
    }

    private static NetlinkRequest parseHeader(int cmd, int seq, ByteBuffer buf, int pos, int end) {
        byte[] name = new byte[0];
        int index = 0;
        while (pos + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt(buf.getShort(pos));
            int type = Short.toUnsignedInt(buf.getShort(pos + 2)) & NLA_TYPE_MASK;
            if (len < NLA_HDRLEN) {
                break;
            }
            int dataLen = Math.min(len, end - pos) - NLA_HDRLEN;
            if (type == A_HEADER_DEV_INDEX && dataLen >= 4) {
                index = buf.getInt(pos + NLA_HDRLEN);
            } else if (type == A_HEADER_DEV_NAME && dataLen > 0) {
                byte[] raw = Arrays.copyOfRange(buf.array(), pos + NLA_HDRLEN, pos + NLA_HDRLEN + dataLen);
                int n = 0;
                while (n < raw.length && raw[n] != 0) {
                    n++;
                }
                name = Arrays.copyOf(raw, Math.min(n, 15));
            }
            pos += align4(len);
        }
        return new NetlinkRequest(cmd, seq, name, index);
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
