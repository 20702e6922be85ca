// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Text the sinks write event after event, made once per object and kept as
 * bytes: the command tables' names and option lists, and a caller's exe,
 * cmdline and cgroup (which Callers keeps for a second), come back as the
 * same objects, and escaping and encoding them char by char was a large part
 * of a line's cost. Keyed by identity, so a value made per event only costs
 * its own rendering; emptied when full.
 */
final class RenderCache {
    private static final int MAX = 1024;
    private final Map<Object, byte[]> texts = new IdentityHashMap<>();

    /** render(key), made on first use; null, and nothing kept, when render has no bytes for it. */
    <K> byte[] get(K key, Function<K, byte[]> render) {
        byte[] b = texts.get(key);
        if (b == null) {
            b = render.apply(key);
            if (b != null) {
                if (texts.size() >= MAX) {
                    texts.clear();
                }
                texts.put(key, b);
            }
        }
        return b;
    }
}
