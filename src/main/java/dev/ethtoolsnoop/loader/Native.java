// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Small helpers over the generated bindings: library check, errno, strings. */
final class Native {
    static final String LIBRARY = "libbpf.so.1";

    private Native() {
    }

    /**
     * Checks libbpf is loadable, with every function bound to it, before
     * anything touches the generated class, whose static initializer would
     * fail with a stack trace. No call into it: libbpf.so.1 is libbpf 1.x
     * (0.x is libbpf.so.0) and each function bound is older than 1.0, so
     * only a library that is not what its name says lacks one.
     */
    static void requireLibbpf() throws SetupException {
        List<String> missing = new ArrayList<>();
        try (Arena probe = Arena.ofConfined()) {
            SymbolLookup library = SymbolLookup.libraryLookup(LIBRARY, probe);
            // jextract makes a nested class per function, named after it
            for (Class<?> function : Libbpf.class.getDeclaredClasses()) {
                if (library.find(function.getSimpleName()).isEmpty()) {
                    missing.add(function.getSimpleName());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new SetupException(SetupException.LIBBPF,
                    LIBRARY + " not found: install libbpf 1.x (Debian/Ubuntu: apt install libbpf1)");
        }
        if (!missing.isEmpty()) {
            missing.sort(null);
            throw new SetupException(SetupException.LIBBPF, LIBRARY + " lacks " + missing.size()
                    + " of the functions ethtoolsnoop uses (" + String.join(", ", missing.subList(0, Math.min(3,
                    missing.size()))) + (missing.size() > 3 ? ", ..." : "") + "): ethtoolsnoop needs libbpf 1.0 or newer");
        }
    }

    /**
     * Hands the C heap's free pages back to the kernel. Loading parses the
     * kernel's BTF (megabytes of small allocations) and frees it again, but
     * glibc keeps those pages: resident memory a long-running tracer would
     * carry for nothing.
     */
    static void releaseFreeNativeMemory() {
        Libc.malloc_trim(0);
    }

    /**
     * Has glibc serve every allocation of 1 MiB or more with a mapping of
     * its own, unmapped when freed. By default the threshold (128 KiB) rises
     * to the largest such block freed so far: once the kernel's BTF read (5 MB
     * and more) is freed, libbpf's own copy of it came from the heap, and 5 MB
     * stayed resident in one start of two, malloc_trim() or not. Smaller
     * blocks stay on the heap, where they are cheaper to get.
     */
    static void unmapLargeBlocksWhenFreed() {
        Libc.mallopt(Libc.M_MMAP_THRESHOLD(), 1024 * 1024);
    }

    /** errno of the calling thread, for libbpf calls that return NULL. */
    static int errno() {
        return Libc.__errno_location().reinterpret(4).get(ValueLayout.JAVA_INT, 0);
    }

    static String strerror(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            Libbpf.libbpf_strerror(-Math.abs(errno), buf, buf.byteSize());
            return buf.getString(0);
        }
    }

    /** A NULL result of a libbpf constructor-style call, turned into an exception. */
    static MemorySegment check(MemorySegment result, String what) throws LibbpfException {
        if (result.equals(MemorySegment.NULL)) {
            int err = errno();
            throw new LibbpfException(what, err == 0 ? 22 /* EINVAL */ : err);
        }
        return result;
    }

    static void check(int rc, String what) throws LibbpfException {
        if (rc < 0) {
            throw new LibbpfException(what, -rc);
        }
    }
}
