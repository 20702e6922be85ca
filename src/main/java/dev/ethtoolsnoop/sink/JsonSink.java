// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;

import java.io.PrintStream;
import java.util.List;

/** One JSON object per line, for scripts and tests. */
public final class JsonSink extends PrintSink {

    public JsonSink(PrintStream out) {
        super(out);
    }

    private final LineBuilder line = new LineBuilder();

    @Override
    public void accept(Operation op) {
        line.reset();
        write(line, op);
        line.writeLine(out);
    }

    /** {@link #toJson} straight into bytes: the same text, without the strings. */
    static void write(LineBuilder line, Operation op) {
        line.str("{\"ts_ns\":").num(op.timeNs());
        line.str(",\"backend\":");
        json(line, op.backend().label());
        line.str(",\"kind\":");
        json(line, op.kind().label());
        line.str(",\"ifname\":");
        json(line, op.ifname());
        line.str(",\"ifindex\":").num(op.ifindex());
        line.str(",\"netns\":").num(op.netns());
        line.str(",\"pid\":").num(op.pid());
        line.str(",\"tid\":").num(op.tid());
        line.str(",\"comm\":");
        json(line, op.comm());
        line.str(",\"ppid\":").num(op.ppid());
        line.str(",\"pcomm\":");
        json(line, op.pcomm());
        line.str(",\"cmd\":");
        unsigned(line, op.cmd());
        line.str(",\"cmd_name\":");
        json(line, op.cmdName());
        line.str(",\"sub_cmd\":");
        unsigned(line, op.subCmd());
        line.str(",\"sub_cmd_name\":");
        json(line, op.subCmdName());
        line.str(",\"args\":[");
        List<String> args = op.args();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                line.ascii(',');
            }
            json(line, args.get(i));
        }
        line.str("],\"latency_ns\":").num(op.latencyNs());
        line.str(",\"ret\":");
        if (op.ret() == null) {
            line.str("null");
        } else {
            line.num(op.ret());
        }
        line.ascii('}');
    }

    private static void unsigned(LineBuilder line, Integer v) {
        if (v == null) {
            line.str("null");
        } else {
            line.num(Integer.toUnsignedLong(v));
        }
    }

    private static void json(LineBuilder line, byte[] raw) {
        if (LineBuilder.plain(raw)) {
            line.ascii('"').bytes(raw).ascii('"');
        } else {
            line.str(Text.json(raw));
        }
    }

    private static void json(LineBuilder line, String s) {
        if (s == null) {
            line.str("null");
        } else if (LineBuilder.plain(s)) {
            line.ascii('"').str(s).ascii('"');
        } else {
            line.str(Text.json(s));
        }
    }

    public static String toJson(Operation op) {
        LineBuilder line = new LineBuilder();
        write(line, op);
        return line.toString();
    }

}
