// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.loader;

/**
 * struct counters of bpf/ethtoolsnoop.h, the probes' ".data.counters"
 * section, which user space reads through its map. EventLayoutTest pins
 * these offsets.
 */
public final class CountersLayout {
    public static final int DROPPED = 0;
    public static final int INFLIGHT = 8;
    public static final int RECEIVING = 16;
    public static final int WAITS_LOST = 24;
    public static final int SIZE = 32;

    private CountersLayout() {
    }
}
