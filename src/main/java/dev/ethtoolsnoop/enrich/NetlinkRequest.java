// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The device named in an ethtool netlink request, read from the message prefix
 * the syscall backend copies (nlmsghdr, genlmsghdr, then attributes). Every
 * ethtool request carries its device in attribute 1, the request header nest.
 */
public record NetlinkRequest(byte[] ifname, int ifindex) {
    private static final int NLMSG_HDRLEN = 16;
    private static final int GENL_HDRLEN = 4;
    private static final int NLA_HDRLEN = 4;
    private static final int NLA_TYPE_MASK = 0x3fff; // drops NLA_F_NESTED / NLA_F_NET_BYTEORDER
    private static final int A_REQUEST_HEADER = 1;
    private static final int A_HEADER_DEV_INDEX = 1;
    private static final int A_HEADER_DEV_NAME = 2;

    public static final NetlinkRequest NONE = new NetlinkRequest(new byte[0], 0);

    /** Parses what fits in the prefix; a truncated or odd message yields what was found. */
    public static NetlinkRequest parse(byte[] msg) {
        ByteBuffer buf = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());
        int end = msg.length;
        if (end >= 4) {
            end = Math.min(end, buf.getInt(0)); // nlmsg_len
        }
        int pos = NLMSG_HDRLEN + GENL_HDRLEN;
        while (pos + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt(buf.getShort(pos));
            int type = Short.toUnsignedInt(buf.getShort(pos + 2)) & NLA_TYPE_MASK;
            if (len < NLA_HDRLEN) {
                break;
            }
            if (type == A_REQUEST_HEADER) {
                return parseHeader(buf, pos + NLA_HDRLEN, Math.min(end, pos + len));
            }
            pos += align4(len);
        }
        return NONE;
    }

    private static NetlinkRequest parseHeader(ByteBuffer buf, int pos, int end) {
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
        return new NetlinkRequest(name, index);
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
