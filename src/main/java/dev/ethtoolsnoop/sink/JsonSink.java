// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Ancestor;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.Origin;
import dev.ethtoolsnoop.enrich.RtnlWait;

import java.io.PrintStream;
import java.util.List;

/** One JSON object per line, for scripts and tests. */
public final class JsonSink extends PrintSink {

    public JsonSink(PrintStream out) {
        super(out);
    }

    private final LineBuilder line = new LineBuilder();
    /** The repeated strings' JSON text (see RenderCache). */
    private final RenderCache rendered = new RenderCache();

    @Override
    public void accept(Operation op) {
        line.reset();
        write(line, op, rendered);
        line.writeLine(out);
    }

    /** {@link #toJson} straight into bytes: the same text, without the strings. */
    static void write(LineBuilder line, Operation op, RenderCache rendered) {
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
        json(line, rendered, op.cmdName());
        line.str(",\"sub_cmd\":");
        unsigned(line, op.subCmd());
        line.str(",\"sub_cmd_name\":");
        json(line, rendered, op.subCmdName());
        line.str(",\"args\":");
        json(line, rendered, op.args());
        line.str(",\"latency_ns\":").num(op.latencyNs());
        line.str(",\"ret\":");
        if (op.ret() == null) {
            line.str("null");
        } else {
            line.num(op.ret());
        }
        RtnlCost r = op.rtnl();
        if (r == null) {
            line.str(",\"rtnl_hold_ns\":null,\"rtnl_waiters\":null,\"rtnl_wait_ns\":null,\"rtnl_wait_max_ns\":null"
                    + ",\"rtnl_longest_waiter\":null");
        } else {
            line.str(",\"rtnl_hold_ns\":");
            if (r.holdNs() == null) {
                line.str("null");
            } else {
                line.num(r.holdNs());
            }
            line.str(",\"rtnl_waiters\":").num(r.waiters());
            line.str(",\"rtnl_wait_ns\":").num(r.waitNs());
            line.str(",\"rtnl_wait_max_ns\":").num(r.waitMaxNs());
            line.str(",\"rtnl_longest_waiter\":");
            if (r.waiters() == 0 || r.longestWaiterPid() == 0) {
                line.str("null");
            } else {
                line.str("{\"pid\":").num(r.longestWaiterPid()).str(",\"comm\":");
                json(line, r.longestWaiterComm());
                line.ascii('}');
            }
        }
        Origin o = op.origin();
        line.str(",\"ancestors\":[");
        List<Ancestor> chain = o.ancestors();
        for (int i = 0; i < chain.size(); i++) {
            line.str(i == 0 ? "{\"pid\":" : ",{\"pid\":").num(chain.get(i).pid()).str(",\"comm\":");
            json(line, chain.get(i).comm());
            line.ascii('}');
        }
        line.str("],\"exe\":");
        json(line, rendered, o.exe());
        line.str(",\"cmdline\":");
        json(line, rendered, o.cmdline());
        line.str(",\"cgroup_id\":").num(o.cgroupId());
        line.str(",\"cgroup\":");
        json(line, rendered, o.cgroup());
        line.str(",\"service\":");
        json(line, rendered, o.service());
        line.ascii('}');
    }

    @Override
    public void acceptWait(RtnlWait w) {
        line.reset();
        write(line, w);
        line.writeLine(out);
    }

    static void write(LineBuilder line, RtnlWait w) {
        line.str("{\"type\":\"rtnl_wait\",\"ts_ns\":").num(w.timeNs());
        line.str(",\"pid\":").num(w.pid());
        line.str(",\"tid\":").num(w.tid());
        line.str(",\"comm\":");
        json(line, w.comm());
        line.str(",\"wait_ns\":").num(w.waitNs());
        line.str(",\"ret\":").num(w.ret());
        line.str(",\"holder\":");
        if (w.holderPid() == 0) {
            line.str("null}");
            return;
        }
        line.str("{\"pid\":").num(w.holderPid());
        line.str(",\"tid\":").num(w.holderTid());
        line.str(",\"comm\":");
        json(line, w.holderComm());
        line.str(",\"ethtool\":");
        RtnlWait.HolderOp op = w.holderOp();
        if (op == null) {
            line.str("null");
        } else {
            line.str("{\"kind\":");
            json(line, op.kind().label());
            line.str(",\"cmd_name\":");
            json(line, op.command());
            line.str(",\"ifname\":");
            json(line, op.ifname());
            line.str(",\"ts_ns\":").num(op.timeNs()).ascii('}');
        }
        line.str("}}");
    }

    public static String toJson(RtnlWait w) {
        LineBuilder line = new LineBuilder();
        write(line, w);
        return line.toString();
    }

    private static void unsigned(LineBuilder line, Integer v) {
        if (v == null) {
            line.str("null");
        } else {
            line.num(Integer.toUnsignedLong(v));
        }
    }

    private static void json(LineBuilder line, byte[] raw) {
        if (line.isPlain(raw)) {
            line.ascii('"').bytes(raw).ascii('"');
        } else {
            line.str(Text.json(raw));
        }
    }

    /** {@link #json(LineBuilder, String)}, made once per string object. */
    private static void json(LineBuilder line, RenderCache rendered, String s) {
        if (s == null) {
            line.str("null");
            return;
        }
        line.bytes(rendered.get(s, k -> {
            LineBuilder one = new LineBuilder();
            json(one, k);
            return one.toByteArray();
        }));
    }

    /** A JSON array of the strings, made once per list object. */
    private static void json(LineBuilder line, RenderCache rendered, List<String> list) {
        line.bytes(rendered.get(list, k -> {
            LineBuilder all = new LineBuilder();
            all.ascii('[');
            for (int i = 0; i < k.size(); i++) {
                if (i > 0) {
                    all.ascii(',');
                }
                json(all, k.get(i));
            }
            return all.ascii(']').toByteArray();
        }));
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
        write(line, op, new RenderCache());
        return line.toString();
    }

}
