// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GenlFamilyTest {
    private static ByteBuffer reply(short type, int familyId) {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        b.putInt(48).putShort(type).putShort((short) 0).putInt(1).putInt(0);
        b.put((byte) 1).put((byte) 2).putShort((short) 0);
        b.putShort((short) 12).putShort((short) 2).put("ethtool\0".getBytes()); // CTRL_ATTR_FAMILY_NAME
        b.putShort((short) 6).putShort((short) 1).putShort((short) familyId).putShort((short) 0); // FAMILY_ID
        return b;
    }

    @Test
    void findsTheFamilyIdAfterOtherAttributes() {
        assertEquals(OptionalInt.of(0x1d), GenlFamily.parseFamilyId(reply((short) 0x10, 0x1d)));
    }

    @Test
    void anErrorReplyMeansNoFamily() {
        assertEquals(OptionalInt.empty(), GenlFamily.parseFamilyId(reply((short) 2, 0x1d)));
    }
}
