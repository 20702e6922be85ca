// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.support.LiveGate;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelBtfTest {
    /** Builds a BTF blob: types as (kind, name, vlen, sizeOrType, tail ints...). */
    private static final class Builder {
        final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        final ByteBuffer types = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

        Builder() {
            strings.write(0);
        }

        int str(String s) {
            int off = strings.size();
            strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return off;
        }

        Builder type(int kind, String name, int vlen, int sizeOrType, int... tail) {
            types.putInt(name == null ? 0 : str(name)).putInt((kind << 24) | vlen).putInt(sizeOrType);
            for (int t : tail) {
                types.putInt(t);
            }
            return this;
        }

        byte[] build() {
            byte[] s = strings.toByteArray();
            int typeLen = types.position();
            ByteBuffer b = ByteBuffer.allocate(24 + typeLen + s.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                    .putInt(0).putInt(typeLen).putInt(typeLen).putInt(s.length);
            b.put(types.array(), 0, typeLen).put(s);
            return b.array();
        }
    }

    static byte[] sample() {
        return new Builder()
                .type(KernelBtf.KIND_INT, "int", 0, 4, 0x20)                              // 1
                .type(KernelBtf.KIND_STRUCT, "sk_buff", 1, 8, 0, 1, 0)                    // 2
                .type(KernelBtf.KIND_PTR, null, 0, 2)                                      // 3
                .type(KernelBtf.KIND_STRUCT, "genl_info", 0, 8)                           // 4
                .type(KernelBtf.KIND_CONST, null, 0, 4)                                    // 5
                .type(KernelBtf.KIND_PTR, null, 0, 5)                                      // 6: const genl_info *
                .type(KernelBtf.KIND_FUNC_PROTO, null, 2, 1, 0, 3, 0, 6)                  // 7: (skb, info)
                .type(KernelBtf.KIND_FUNC, "ethnl_set_wol", 0, 7)                         // 8
                .type(KernelBtf.KIND_FUNC_PROTO, null, 3, 1, 0, 3, 0, 3, 0, 3)            // 9
                .type(KernelBtf.KIND_FUNC, "dev_ethtool", 0, 9)                           // 10
                .type(KernelBtf.KIND_FUNC_PROTO, null, 2, 1, 0, 3, 0, 3)                  // 11: (skb, skb)
                .type(KernelBtf.KIND_FUNC, "ethnl_not_a_handler", 0, 11)                  // 12
                .type(KernelBtf.KIND_ENUM, "e", 2, 4, 0, 0, 0, 1)                         // 13
                .type(KernelBtf.KIND_ARRAY, null, 0, 0, 1, 1, 4)                          // 14
                .type(KernelBtf.KIND_FUNC, "ethnl_default_doit", 0, 7)                    // 15
                .type(KernelBtf.KIND_FUNC, "genl_rcv_msg", 0, 7)                          // 16
                .build();
    }

    @Test
    void findsFunctionsAndTheirArity() {
        KernelBtf btf = KernelBtf.parse(sample());
        assertEquals(OptionalInt.of(3), btf.paramCount("dev_ethtool"));
        assertTrue(btf.hasFunction("ethnl_set_wol"));
        assertFalse(btf.hasFunction("dev_ethtoo"));
        assertFalse(btf.hasFunction("dev_ethtool_x"));
        assertEquals(OptionalInt.empty(), btf.paramCount("nope"));
    }

    @Test
    void functionIdsAreTypeIds() {
        KernelBtf btf = KernelBtf.parse(sample());
        assertEquals(OptionalInt.of(10), btf.functionId("dev_ethtool"));
        assertEquals(OptionalInt.of(15), btf.functionId("ethnl_default_doit"));
        assertEquals(OptionalInt.empty(), btf.functionId("nope"));
    }

    @Test
    void genlHandlersAreEthnlFunctionsTakingSkbAndGenlInfo() {
        // walking past ENUM and ARRAY tails proves the record sizes are right
        assertEquals(List.of("ethnl_default_doit", "ethnl_set_wol"), KernelBtf.parse(sample()).genlDoitHandlers());
    }

    @Test
    void rejectsWhatIsNotBtf() {
        assertThrows(IllegalArgumentException.class, () -> KernelBtf.parse(new byte[64]));
    }

    @Test
    void thisKernelsBtfHasTheEthtoolEntryPoints() throws Exception {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        LiveGate.require(Files.isReadable(vmlinux), "this kernel has no readable BTF");
        int params = KernelBtf.read(vmlinux, btf -> btf.paramCount("dev_ethtool").getAsInt());
        assertTrue(params >= 2);
        List<String> handlers = KernelBtf.read(vmlinux, KernelBtf::genlDoitHandlers);
        assertTrue(handlers.contains("ethnl_default_doit"), handlers.toString());
    }

    @Test
    void kernelsFrom516OnLookRtnlUpInBpf() throws Exception {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        LiveGate.require(Files.isReadable(vmlinux), "this kernel has no readable BTF");
        String[] v = System.getProperty("os.version").split("[.-]");
        boolean helper = Integer.parseInt(v[0]) > 5 || Integer.parseInt(v[0]) == 5 && Integer.parseInt(v[1]) >= 16;
        // bpf_kallsyms_lookup_name() came with 5.16: /proc/kallsyms is read only before
        assertEquals(helper, KernelBtf.read(vmlinux, Probes.KernelFacts::of).kallsymsLookup(),
                System.getProperty("os.version"));
    }

    @Test
    void devEthtoolIdMatchesBpftool() throws Exception {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        LiveGate.require(Files.isReadable(vmlinux), "this kernel has no readable BTF");
        LiveGate.require(dev.ethtoolsnoop.support.Scenario.hasCommand("bpftool"), "needs bpftool (apt install bpftool)");
        Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", vmlinux.toString()).start();
        String want = null;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).lines()) {
            want = lines.filter(l -> l.matches("\\[\\d+] FUNC 'dev_ethtool' .*")).findFirst().orElseThrow();
        }
        p.destroy();
        int id = Integer.parseInt(want.substring(1, want.indexOf(']')));
        assertEquals(OptionalInt.of(id), KernelBtf.read(vmlinux, btf -> btf.functionId("dev_ethtool")), want);
    }
}
