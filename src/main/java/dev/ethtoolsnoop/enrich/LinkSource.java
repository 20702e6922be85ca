// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.util.function.Consumer;

/** The kernel's list of devices of a network namespace, and its changes. */
interface LinkSource {
    /**
     * A monitor of the network namespace with inode {@code netns}, subscribed
     * to its link changes before this returns; null when no handle on that
     * namespace can be had. {@code tgid}, the process an event came from,
     * is how a namespace other than our own is reached.
     */
    Monitor open(long netns, int tgid);

    interface Monitor extends AutoCloseable {
        /** Feeds every device of the namespace to {@code sink}; false if the list could not be read whole. */
        boolean dump(Consumer<LinkMessage> sink);

        /**
         * Feeds the link notifications queued since the last call, oldest first,
         * and returns once none is left. False when the kernel dropped some
         * because the queue was full: then which devices changed is unknown.
         */
        boolean drain(Consumer<LinkMessage> sink);

        @Override
        void close();
    }
}
