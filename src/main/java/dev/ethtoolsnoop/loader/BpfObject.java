// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * An opened (and later loaded) BPF object with the links attached from it.
 * Links are fd-based bpf_links, so the kernel detaches them when the process
 * dies, even by SIGKILL; close() detaches them earlier, in reverse order.
 */
final class BpfObject implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment obj;
    private final List<MemorySegment> links = new ArrayList<>();

    private BpfObject(MemorySegment obj) {
        this.obj = obj;
    }

    /** Opens from memory: nothing is written to disk. */
    static BpfObject open(byte[] elf) throws LibbpfException {
        Arena arena = Arena.global(); // libbpf keeps pointing into the buffer
        MemorySegment buf = arena.allocate(elf.length, 8);
        buf.copyFrom(MemorySegment.ofArray(elf));
        return new BpfObject(Native.check(
                Libbpf.bpf_object__open_mem(buf, elf.length, MemorySegment.NULL), "open BPF object"));
    }

    List<String> programNames() {
        List<String> names = new ArrayList<>();
        MemorySegment prog = MemorySegment.NULL;
        while (!(prog = Libbpf.bpf_object__next_program(obj, prog)).equals(MemorySegment.NULL)) {
            names.add(Libbpf.bpf_program__name(prog).getString(0));
        }
        return names;
    }

    private MemorySegment program(String name) {
        MemorySegment prog = Libbpf.bpf_object__find_program_by_name(obj, arena.allocateFrom(name));
        if (prog.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("BPF object has no program " + name);
        }
        return prog;
    }

    /** The fd of a loaded program. */
    int programFd(String prog) throws LibbpfException {
        int fd = Libbpf.bpf_program__fd(program(prog));
        Native.check(fd, "program fd " + prog);
        return fd;
    }

    void setAutoload(String prog, boolean on) throws LibbpfException {
        Native.check(Libbpf.bpf_program__set_autoload(program(prog), on), "autoload " + prog);
    }

    void setAttachTarget(String prog, String function) throws LibbpfException {
        Native.check(Libbpf.bpf_program__set_attach_target(program(prog), 0, arena.allocateFrom(function)),
                "target " + prog + " at " + function);
    }

    /** The initial value of a global data section (before load), e.g. ".rodata.config". */
    MemorySegment initialValue(String section) throws LibbpfException {
        MemorySegment map = Native.check(
                Libbpf.bpf_object__find_map_by_name(obj, arena.allocateFrom(section)), "find " + section);
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment value = Native.check(Libbpf.bpf_map__initial_value(map, size), "map " + section);
        return value.reinterpret(size.get(ValueLayout.JAVA_LONG, 0));
    }

    int mapFd(String name) throws LibbpfException {
        MemorySegment map = Native.check(
                Libbpf.bpf_object__find_map_by_name(obj, arena.allocateFrom(name)), "find map " + name);
        int fd = Libbpf.bpf_map__fd(map);
        Native.check(fd, "map fd " + name);
        return fd;
    }

    void load() throws LibbpfException {
        Native.check(Libbpf.bpf_object__load(obj), "load BPF programs");
    }

    void attachKprobe(String prog, boolean retprobe, String function) throws LibbpfException {
        links.add(Native.check(
                Libbpf.bpf_program__attach_kprobe(program(prog), retprobe, arena.allocateFrom(function)),
                (retprobe ? "kretprobe " : "kprobe ") + function));
    }

    /** fentry/fexit at the target given in the section name or by setAttachTarget. */
    void attachTrace(String prog, String function) throws LibbpfException {
        links.add(Native.check(Libbpf.bpf_program__attach_trace(program(prog)), prog + " at " + function));
    }

    void attachRawTracepoint(String prog, String tracepoint) throws LibbpfException {
        links.add(Native.check(Libbpf.bpf_program__attach_raw_tracepoint(program(prog),
                arena.allocateFrom(tracepoint)), "raw tracepoint " + tracepoint));
    }

    void updateElem(String map, MemorySegment key, MemorySegment value) throws LibbpfException {
        Native.check(Libbpf.bpf_map_update_elem(mapFd(map), key, value, 0), "update map " + map);
    }

    /**
     * Copies the value at key into value (a map fd lookup: works on every
     * libbpf and kernel). The _flags form has update's signature, so the
     * two share one downcall stub: a stub costs a start milliseconds.
     */
    void lookupElem(int mapFd, MemorySegment key, MemorySegment value) throws LibbpfException {
        Native.check(Libbpf.bpf_map_lookup_elem_flags(mapFd, key, value, 0), "look up map fd " + mapFd);
    }

    int linkCount() {
        return links.size();
    }

    Arena arena() {
        return arena;
    }

    /**
     * Destroys the links in reverse order of attachment: entry probes were
     * attached last, so they go first and operations already inside the
     * kernel still meet their exit probe.
     */
    void detach() {
        for (int i = links.size() - 1; i >= 0; i--) {
            Libbpf.bpf_link__destroy(links.get(i));
        }
        links.clear();
    }

    @Override
    public void close() {
        detach();
        Libbpf.bpf_object__close(obj);
        arena.close();
    }
}
