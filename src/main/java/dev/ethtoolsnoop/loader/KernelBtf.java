// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Questions about the running kernel answered from its BTF: which functions
 * exist and what they take. This is how one object fits 5.10 to 7.x.
 *
 * Parsed in Java (the format is a flat array of types): one pass over a few
 * MB is faster than a libbpf call per type through FFM, and testable.
 */
final class KernelBtf {
    static final int MAGIC = 0xeb9f;
    static final int KIND_INT = 1;
    static final int KIND_PTR = 2;
    static final int KIND_ARRAY = 3;
    static final int KIND_STRUCT = 4;
    static final int KIND_UNION = 5;
    static final int KIND_ENUM = 6;
    static final int KIND_TYPEDEF = 8;
    static final int KIND_VOLATILE = 9;
    static final int KIND_CONST = 10;
    static final int KIND_RESTRICT = 11;
    static final int KIND_FUNC = 12;
    static final int KIND_FUNC_PROTO = 13;
    static final int KIND_VAR = 14;
    static final int KIND_DATASEC = 15;
    static final int KIND_DECL_TAG = 17;
    static final int KIND_TYPE_TAG = 18;
    static final int KIND_ENUM64 = 19;
    private static final int TYPE_HEADER = 12;

    private final ByteBuffer buf;
    private final int types;   // offset of the type section
    private final int strings; // offset of the string section
    private final int[] offsets; // type id -> offset in buf (id 0 is void)
    private final int[] functions; // offsets of the FUNC records

    private KernelBtf(ByteBuffer buf) {
        this.buf = buf;
        if (buf.remaining() < 24 || Short.toUnsignedInt(buf.getShort(0)) != MAGIC) {
            throw new IllegalArgumentException("not BTF (bad magic)");
        }
        int hdrLen = buf.getInt(4);
        types = hdrLen + buf.getInt(8);
        int typesEnd = types + buf.getInt(12);
        strings = hdrLen + buf.getInt(16);
        // Names stay undecoded: a cold JVM would spend most of its start-up
        // turning ~60k function names into Strings.
        int[] offs = new int[1 << 17];
        int[] funcs = new int[1 << 16];
        int n = 1;
        int nf = 0;
        for (int pos = types; pos < typesEnd; pos += size(pos)) {
            if (n == offs.length) {
                offs = Arrays.copyOf(offs, n * 2);
            }
            offs[n++] = pos;
            if (kind(pos) == KIND_FUNC) {
                if (nf == funcs.length) {
                    funcs = Arrays.copyOf(funcs, nf * 2);
                }
                funcs[nf++] = pos;
            }
        }
        offsets = Arrays.copyOf(offs, n);
        functions = Arrays.copyOf(funcs, nf);
    }

    /**
     * Reads the BTF at {@code vmlinux}, answers {@code ask} from it, and lets
     * it go. It is read into native memory, freed on return: a byte[] of
     * the whole BTF (5 MB and more) would grow the old generation for good
     * (the collector shrinks it back only over several full collections), and
     * a heap ByteBuffer read would go through a temporary direct buffer that
     * NIO keeps cached for the thread.
     */
    static <T> T read(Path vmlinux, Function<KernelBtf, T> ask) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel in = FileChannel.open(vmlinux)) {
            MemorySegment raw = arena.allocate(in.size()); // sysfs knows the size
            ByteBuffer dst = raw.asByteBuffer();
            while (dst.hasRemaining() && in.read(dst) > 0) {
                // sysfs hands it over a page per read()
            }
            if (dst.hasRemaining() || in.read(ByteBuffer.allocate(1)) != -1) {
                throw new IOException(vmlinux + " changed size while read");
            }
            return ask.apply(parse(raw.asByteBuffer()));
        }
    }

    static KernelBtf parse(byte[] raw) {
        return parse(ByteBuffer.wrap(raw));
    }

    private static KernelBtf parse(ByteBuffer b) {
        // BTF is in the producer's byte order; the magic tells which
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (Short.toUnsignedInt(b.getShort(0)) != MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        return new KernelBtf(b);
    }

    private int kind(int pos) {
        return (buf.getInt(pos + 4) >>> 24) & 0x1f;
    }

    private int vlen(int pos) {
        return buf.getInt(pos + 4) & 0xffff;
    }

    private int ref(int pos) {
        return buf.getInt(pos + 8);
    }

    private String name(int pos) {
        int start = strings + buf.getInt(pos);
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Bytes this type record takes, its kind-specific tail included. */
    private int size(int pos) {
        int vlen = vlen(pos);
        return TYPE_HEADER + switch (kind(pos)) {
            case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 4;
            case KIND_ARRAY -> 12;
            case KIND_STRUCT, KIND_UNION, KIND_DATASEC, KIND_ENUM64 -> 12 * vlen;
            case KIND_ENUM, KIND_FUNC_PROTO -> 8 * vlen;
            default -> 0;
        };
    }

    /** Does the NUL-terminated name at this string offset start with (or, if exact, equal) want? */
    private boolean nameMatches(int pos, byte[] want, boolean exact) {
        int at = strings + buf.getInt(pos);
        for (int i = 0; i < want.length; i++) {
            if (buf.get(at + i) != want[i]) {
                return false;
            }
        }
        return !exact || buf.get(at + want.length) == 0;
    }

    private int function(String name) {
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        for (int pos : functions) {
            if (nameMatches(pos, want, true)) {
                return pos;
            }
        }
        return -1;
    }

    /** Is there a typedef of this name (e.g. btf_trace_TP, one per tracepoint)? */
    boolean hasTypedef(String name) {
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        for (int id = 1; id < offsets.length; id++) {
            int pos = offsets[id];
            if (kind(pos) == KIND_TYPEDEF && nameMatches(pos, want, true)) {
                return true;
            }
        }
        return false;
    }

    boolean hasFunction(String function) {
        return function(function) >= 0;
    }

    /** The BTF type id of a kernel function (what BPF_PROG_LOAD's attach_btf_id names), if it exists. */
    OptionalInt functionId(String function) {
        int pos = function(function);
        return pos < 0 ? OptionalInt.empty() : OptionalInt.of(Arrays.binarySearch(offsets, 1, offsets.length, pos));
    }

    /** Number of parameters of a kernel function, if the kernel has it. */
    OptionalInt paramCount(String function) {
        int pos = function(function);
        return pos < 0 ? OptionalInt.empty() : OptionalInt.of(vlen(offsets[ref(pos)]));
    }

    /**
     * Every ethtool netlink doit handler: the ethnl_* functions taking
     * (struct sk_buff *, struct genl_info *). Which ones exist depends on the
     * kernel version (per-command SET handlers before 6.3, shared ones after).
     */
    List<String> genlDoitHandlers() {
        byte[] prefix = "ethnl_".getBytes(StandardCharsets.US_ASCII);
        List<String> found = new ArrayList<>();
        for (int pos : functions) {
            if (!nameMatches(pos, prefix, false)) {
                continue;
            }
            int proto = offsets[ref(pos)];
            if (vlen(proto) == 2
                    && "sk_buff".equals(pointee(buf.getInt(proto + TYPE_HEADER + 4)))
                    && "genl_info".equals(pointee(buf.getInt(proto + TYPE_HEADER + 8 + 4)))) {
                String name = name(pos);
                if (!found.contains(name)) {
                    found.add(name);
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** Name of the struct a pointer type points to, modifiers skipped; null otherwise. */
    private String pointee(int typeId) {
        if (typeId <= 0 || typeId >= offsets.length || kind(offsets[typeId]) != KIND_PTR) {
            return null;
        }
        int pos = offsets[ref(offsets[typeId])];
        for (int k = kind(pos); k == KIND_CONST || k == KIND_VOLATILE || k == KIND_TYPEDEF || k == KIND_RESTRICT
                || k == KIND_TYPE_TAG; k = kind(pos)) {
            pos = offsets[ref(pos)];
        }
        return kind(pos) == KIND_STRUCT ? name(pos) : null;
    }
}
