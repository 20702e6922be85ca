// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NetlinkRequestTest {
    /** nlmsghdr + genlmsghdr + ETHTOOL_A_*_HEADER nest {attrs}, as ethtool sends it. */
    static byte[] request(byte[]... headerAttrs) {
        int nest = 4 + Arrays.stream(headerAttrs).mapToInt(a -> a.length).sum();
        ByteBuffer b = ByteBuffer.allocate(20 + nest + 8).order(ByteOrder.nativeOrder());
        b.putInt(20 + nest + 8).putShort((short) 0x14).putShort((short) 5).putInt(1).putInt(0);
        b.put((byte) 17).put((byte) 1).putShort((short) 0);
        b.putShort((short) nest).putShort((short) (1 | 0x8000)); // NLA_F_NESTED
        for (byte[] a : headerAttrs) {
            b.put(a);
        }
        b.putShort((short) 8).putShort((short) 2).putInt(99); // an attribute after the header
        return b.array();
    }

    static byte[] attr(int type, byte[] data) {
        int len = 4 + data.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(data);
        return b.array();
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void readsDeviceNameFromTheHeaderNest() {
        NetlinkRequest r = NetlinkRequest.parse(request(attr(2, "etsnA\0".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("etsnA", new String(r.ifname(), StandardCharsets.US_ASCII));
        assertEquals(0, r.ifindex());
    }

    @Test
    void readsDeviceIndexAndNameTogether() {
        NetlinkRequest r = NetlinkRequest.parse(request(attr(1, u32(42)), attr(3, u32(0)),
                attr(2, "eth0\0".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(42, r.ifindex());
        assertEquals("eth0", new String(r.ifname(), StandardCharsets.US_ASCII));
    }

    @Test
    void truncatedOrHeaderlessMessagesYieldNothingAndNeverThrow() {
        byte[] full = request(attr(2, "etsnA\0".getBytes(StandardCharsets.US_ASCII)));
        for (int cut = 0; cut < full.length; cut++) {
            NetlinkRequest.parse(Arrays.copyOf(full, cut));
        }
        assertEquals(0, NetlinkRequest.parse(Arrays.copyOf(full, 24)).ifname().length);
        assertEquals(0, NetlinkRequest.parse(request()).ifname().length);
        byte[] zeroLenAttr = request();
        zeroLenAttr[20] = 0;
        zeroLenAttr[21] = 0;
        assertEquals(0, NetlinkRequest.parse(zeroLenAttr).ifindex());
    }
}
