// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import dev.ethtoolsnoop.ffi.Libbpf;
import dev.ethtoolsnoop.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/** Small helpers over the generated bindings: library check, errno, strings. */
final class Native {
    static final String LIBRARY = "libbpf.so.1";

    private Native() {
    }

    /**
     * Checks libbpf is loadable and new enough before anything touches the
     * generated class, whose static initializer would fail with a stack trace.
     */
    static void requireLibbpf() throws SetupException {
        try (Arena probe = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(LIBRARY, probe);
        } catch (IllegalArgumentException e) {
            throw new SetupException(SetupException.LIBBPF,
                    LIBRARY + " not found: install libbpf 1.x (Debian/Ubuntu: apt install libbpf1)");
        }
        int major = Libbpf.libbpf_major_version();
        int minor = Libbpf.libbpf_minor_version();
        if (major < 1) {
            throw new SetupException(SetupException.LIBBPF,
                    "libbpf " + major + "." + minor + " is too old: ethtoolsnoop needs libbpf 1.0 or newer");
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
