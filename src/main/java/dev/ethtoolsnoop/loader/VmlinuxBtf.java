// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Questions about the running kernel answered from its BTF: which functions
 * exist and what they take. This is how one object fits 5.10 to 7.x.
 */
final class VmlinuxBtf implements AutoCloseable {
    private static final int KIND_TYPEDEF = 8;
    private static final int KIND_VOLATILE = 9;
    private static final int KIND_CONST = 10;
    private static final int KIND_RESTRICT = 11;
    private static final int KIND_TYPE_TAG = 18;
    private static final int TYPE_HEADER = 12; // struct btf_type
    private static final int PARAM_SIZE = 8;   // struct btf_param

    private final MemorySegment btf;
    private final Arena arena = Arena.ofConfined();

    private VmlinuxBtf(MemorySegment btf) {
        this.btf = btf;
    }

    static VmlinuxBtf load() throws LibbpfException {
        return new VmlinuxBtf(Native.check(Libbpf.btf__load_vmlinux_btf(), "load kernel BTF"));
    }

    private MemorySegment type(int id) {
        return Libbpf.btf__type_by_id(btf, id).reinterpret(TYPE_HEADER + 64L * PARAM_SIZE);
    }

    private static int kind(MemorySegment t) {
        return (t.get(ValueLayout.JAVA_INT, 4) >>> 24) & 0x1f;
    }

    private static int vlen(MemorySegment t) {
        return t.get(ValueLayout.JAVA_INT, 4) & 0xffff;
    }

    private static int ref(MemorySegment t) {
        return t.get(ValueLayout.JAVA_INT, 8);
    }

    private String name(MemorySegment t) {
        return Libbpf.btf__name_by_offset(btf, t.get(ValueLayout.JAVA_INT, 0)).getString(0);
    }

    private int functionId(String function) {
        return Libbpf.btf__find_by_name_kind(btf, arena.allocateFrom(function), Libbpf.BTF_KIND_FUNC());
    }

    boolean hasFunction(String function) {
        return functionId(function) > 0;
    }

    /** Number of parameters of a kernel function, if the kernel has it. */
    OptionalInt paramCount(String function) {
        int id = functionId(function);
        return id > 0 ? OptionalInt.of(vlen(type(ref(type(id))))) : OptionalInt.empty();
    }

    /**
     * Every ethtool netlink doit handler: the ethnl_* functions taking
     * (struct sk_buff *, struct genl_info *). Which ones exist depends on the
     * kernel version (per-command SET handlers before 6.3, shared ones after).
     */
    List<String> genlDoitHandlers() {
        List<String> found = new ArrayList<>();
        int count = Libbpf.btf__type_cnt(btf);
        for (int id = 1; id < count; id++) {
            MemorySegment t = type(id);
            if (kind(t) != Libbpf.BTF_KIND_FUNC()) {
                continue;
            }
            String name = name(t);
            if (!name.startsWith("ethnl_")) {
                continue;
            }
            MemorySegment proto = type(ref(t));
            if (vlen(proto) == 2
                    && "sk_buff".equals(pointee(proto.get(ValueLayout.JAVA_INT, TYPE_HEADER + 4)))
                    && "genl_info".equals(pointee(proto.get(ValueLayout.JAVA_INT, TYPE_HEADER + PARAM_SIZE + 4)))) {
                found.add(name);
            }
        }
        return found;
    }

    /** Name of the struct a pointer type points to, modifiers skipped; null otherwise. */
    private String pointee(int typeId) {
        MemorySegment t = type(typeId);
        if (kind(t) != Libbpf.BTF_KIND_PTR()) {
            return null;
        }
        t = type(ref(t));
        while (true) {
            int k = kind(t);
            if (k == KIND_CONST || k == KIND_VOLATILE || k == KIND_TYPEDEF || k == KIND_RESTRICT
                    || k == KIND_TYPE_TAG) {
                t = type(ref(t));
            } else {
                break;
            }
        }
        return kind(t) == Libbpf.BTF_KIND_STRUCT() ? name(t) : null;
    }

    @Override
    public void close() {
        Libbpf.btf__free(btf);
        arena.close();
    }
}
