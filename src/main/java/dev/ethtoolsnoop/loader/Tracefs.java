// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libbpf finds syscall tracepoint ids in tracefs. Where nothing mounted it,
 * we mount it for the run and unmount it after, leaving the system as found.
 */
final class Tracefs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracefs.class);
    private static final Path TRACING = Path.of("/sys/kernel/tracing");
    private static final Path DEBUG_TRACING = Path.of("/sys/kernel/debug/tracing");

    private final boolean mountedByUs;

    private Tracefs(boolean mountedByUs) {
        this.mountedByUs = mountedByUs;
    }

    static Tracefs ensureMounted() throws SetupException {
        if (Files.exists(TRACING.resolve("events")) || Files.exists(DEBUG_TRACING.resolve("events"))) {
            return new Tracefs(false);
        }
        if (run("mount", "-t", "tracefs", "nodev", TRACING.toString()) != 0
                || !Files.exists(TRACING.resolve("events"))) {
            throw new SetupException(SetupException.NO_BACKEND,
                    "tracefs is not mounted and mounting it failed (mount -t tracefs nodev " + TRACING + ")");
        }
        LOG.info("mounted tracefs at {} for this run", TRACING);
        return new Tracefs(true);
    }

    private static int run(String... cmd) {
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        if (mountedByUs && run("umount", TRACING.toString()) != 0) {
            LOG.warn("could not unmount {}", TRACING);
        }
    }
}
