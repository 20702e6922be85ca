// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Asks the kernel's generic netlink controller for the "ethtool" family id:
 * the syscall backend recognises ethtool requests by that nlmsg_type.
 */
final class GenlFamily {
    private static final int NETLINK_GENERIC = 16;
    private static final short GENL_ID_CTRL = 0x10;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLMSG_ERROR = 2;
    private static final byte CTRL_CMD_GETFAMILY = 3;
    private static final short CTRL_ATTR_FAMILY_ID = 1;
    private static final short CTRL_ATTR_FAMILY_NAME = 2;

    private GenlFamily() {
    }

    /** The family id, or empty when the kernel has no ethtool netlink (before 5.6). */
    static OptionalInt resolve(String family) {
        byte[] name = (family + "\0").getBytes(StandardCharsets.US_ASCII);
        int attrLen = 4 + name.length;
        int msgLen = 16 + 4 + align4(attrLen);
        ByteBuffer req = ByteBuffer.allocate(msgLen).order(ByteOrder.nativeOrder());
        req.putInt(msgLen).putShort(GENL_ID_CTRL).putShort(NLM_F_REQUEST).putInt(1).putInt(0);
        req.put(CTRL_CMD_GETFAMILY).put((byte) 1).putShort((short) 0);
        req.putShort((short) attrLen).putShort(CTRL_ATTR_FAMILY_NAME).put(name);

        int fd = Libc.socket(Libc.AF_NETLINK(), Libc.SOCK_RAW() | Libc.SOCK_CLOEXEC(), NETLINK_GENERIC);
        if (fd < 0) {
            return OptionalInt.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(msgLen);
            out.copyFrom(MemorySegment.ofArray(req.array()));
            // an unconnected netlink socket sends to the kernel (port 0); send()
            // shares recv()'s signature, so the two share one downcall stub
            if (Libc.send(fd, out, msgLen, 0) != msgLen) {
                return OptionalInt.empty();
            }
            MemorySegment in = arena.allocate(8192);
            long n = Libc.recv(fd, in, in.byteSize(), 0);
            if (n < 20) {
                return OptionalInt.empty();
            }
            return parseFamilyId(ByteBuffer.wrap(in.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE))
                    .order(ByteOrder.nativeOrder()));
        } finally {
            Libc.close(fd);
        }
    }

    static OptionalInt parseFamilyId(ByteBuffer reply) {
        if (reply.getShort(4) == NLMSG_ERROR) {
            return OptionalInt.empty();
        }
        int end = Math.min(reply.limit(), reply.getInt(0));
        int pos = 20;
        while (pos + 4 <= end) {
            int len = Short.toUnsignedInt(reply.getShort(pos));
            int type = reply.getShort(pos + 2) & 0x3fff;
            if (len < 4) {
                break;
            }
            if (type == CTRL_ATTR_FAMILY_ID && len >= 6) {
                return OptionalInt.of(Short.toUnsignedInt(reply.getShort(pos + 4)));
            }
            pos += align4(len);
        }
        return OptionalInt.empty();
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
