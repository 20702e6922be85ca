// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.RtnlWait;

import java.util.List;

/** Several sinks fed the same operations (-s with --hist). */
public record Tee(List<Sink> sinks) implements Sink {
    @Override
    public void accept(Operation op) {
        sinks.forEach(s -> s.accept(op));
    }

    @Override
    public void acceptWait(RtnlWait w) {
        sinks.forEach(s -> s.acceptWait(w));
    }

    @Override
    public boolean flush() {
        boolean ok = true;
        for (Sink s : sinks) {
            ok &= s.flush();
        }
        return ok;
    }

    @Override
    public void finish() {
        sinks.forEach(Sink::finish);
    }
}
