// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;

import java.io.PrintStream;
import java.util.stream.Collectors;

/** One JSON object per line, for scripts and tests. */
public final class JsonSink extends PrintSink {

    public JsonSink(PrintStream out) {
        super(out);
    }

    @Override
    public void accept(Operation op) {
        out.println(toJson(op));
    }

    public static String toJson(Operation op) {
        return "{\"ts_ns\":" + op.timeNs()
                + ",\"backend\":" + Text.json(op.backend().label())
                + ",\"kind\":" + Text.json(op.kind().label())
                + ",\"ifname\":" + Text.json(op.ifname())
                + ",\"ifindex\":" + op.ifindex()
                + ",\"netns\":" + op.netns()
                + ",\"pid\":" + op.pid()
                + ",\"tid\":" + op.tid()
                + ",\"comm\":" + Text.json(op.comm())
                + ",\"ppid\":" + op.ppid()
                + ",\"pcomm\":" + Text.json(op.pcomm())
                + ",\"cmd\":" + (op.cmd() == null ? "null" : Integer.toUnsignedLong(op.cmd()))
                + ",\"cmd_name\":" + Text.json(op.cmdName())
                + ",\"sub_cmd\":" + (op.subCmd() == null ? "null" : Integer.toUnsignedLong(op.subCmd()))
                + ",\"sub_cmd_name\":" + Text.json(op.subCmdName())
                + ",\"args\":[" + op.args().stream().map(Text::json).collect(Collectors.joining(",")) + "]"
                + ",\"latency_ns\":" + op.latencyNs()
                + ",\"ret\":" + op.ret()
                + "}";
    }

}
