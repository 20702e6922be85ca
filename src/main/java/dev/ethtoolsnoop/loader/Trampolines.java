// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.Libc;
import dev.ethtoolsnoop.ffi.bpf_prog_load_opts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Asks the kernel whether it loads fentry programs at all, with the smallest
 * one there is. Kernels without BPF trampolines refuse it at BPF_PROG_LOAD
 * just as they would refuse the real ones, for a fraction of the cost.
 */
final class Trampolines {
    private static final byte MOV64_IMM = (byte) 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
    private static final byte EXIT = (byte) 0x95;      // BPF_JMP | BPF_EXIT
    private static final int INSN_SIZE = 8;

    private Trampolines() {
    }

    /**
     * Links the native calls refusal() makes. Linking is most of its cost on
     * a cold JVM, and needs no BTF, so it can overlap reading it.
     */
    static void prepare() {
        Libbpf.bpf_prog_load$handle();
        Libc.close$handle();
        bpf_prog_load_opts.layout();
    }

    /** null when the kernel loads an fentry program at this BTF function id; otherwise why not. */
    static String refusal(int functionBtfId) {
        try (Arena arena = Arena.ofConfined()) {
            // "r0 = 0; exit": fentry programs must return 0. Byte-wise, so the
            // opcode lands in the first byte whatever the host's byte order.
            MemorySegment insns = arena.allocate(2 * INSN_SIZE, 8);
            insns.set(ValueLayout.JAVA_BYTE, 0, MOV64_IMM);
            insns.set(ValueLayout.JAVA_BYTE, INSN_SIZE, EXIT);
            MemorySegment opts = bpf_prog_load_opts.allocate(arena);
            opts.fill((byte) 0);
            bpf_prog_load_opts.sz(opts, bpf_prog_load_opts.sizeof());
            bpf_prog_load_opts.expected_attach_type(opts, Libbpf.BPF_TRACE_FENTRY());
            bpf_prog_load_opts.attach_btf_id(opts, functionBtfId);
            int fd = Libbpf.bpf_prog_load(Libbpf.BPF_PROG_TYPE_TRACING(), arena.allocateFrom("etsn_probe"),
                    arena.allocateFrom("Dual BSD/GPL"), insns, 2, opts);
            if (fd >= 0) {
                Libc.close(fd);
                return null;
            }
            return Native.strerror(-fd);
        }
    }
}
