// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Ancestor;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.Origin;
import dev.ethtoolsnoop.enrich.RtnlWait;

import java.io.PrintStream;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** One JSON object per line, for scripts and tests. */
public final class JsonSink extends PrintSink {

    public JsonSink(PrintStream out) {
        super(out);
    }

    private final LineBuilder line = new LineBuilder();
    private final Rendered rendered = new Rendered();

    /**
     * The JSON text of strings that come back event after event (the command
     * tables' names and option lists, a caller's exe, cmdline and cgroup,
     * which Callers keeps for a second), made once per object: escaping and
     * encoding them char by char was most of a line's cost. Keyed by
     * identity, emptied when full.
     */
    static final class Rendered {
        private static final int MAX = 1024;
        private final Map<Object, byte[]> texts = new IdentityHashMap<>();

        void string(LineBuilder line, String s) {
            if (s == null) {
                line.str("null");
                return;
            }
            byte[] b = texts.get(s);
            if (b == null) {
                LineBuilder one = new LineBuilder();
                json(one, s);
                b = remember(s, one);
            }
            line.bytes(b);
        }

        void strings(LineBuilder line, List<String> list) {
            byte[] b = texts.get(list);
            if (b == null) {
                LineBuilder all = new LineBuilder();
                all.ascii('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        all.ascii(',');
                    }
                    json(all, list.get(i));
                }
                all.ascii(']');
                b = remember(list, all);
            }
            line.bytes(b);
        }

        private byte[] remember(Object key, LineBuilder text) {
            if (texts.size() >= MAX) {
                texts.clear();
            }
            byte[] b = text.toByteArray();
            texts.put(key, b);
            return b;
        }
    }

    @Override
    public void accept(Operation op) {
        line.reset();
        write(line, op, rendered);
        line.writeLine(out);
    }

    /** {@link #toJson} straight into bytes: the same text, without the strings. */
    static void write(LineBuilder line, Operation op, Rendered rendered) {
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
        rendered.string(line, op.cmdName());
        line.str(",\"sub_cmd\":");
        unsigned(line, op.subCmd());
        line.str(",\"sub_cmd_name\":");
        rendered.string(line, op.subCmdName());
        line.str(",\"args\":");
        rendered.strings(line, op.args());
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
        rendered.string(line, o.exe());
        line.str(",\"cmdline\":");
        rendered.string(line, o.cmdline());
        line.str(",\"cgroup_id\":").num(o.cgroupId());
        line.str(",\"cgroup\":");
        rendered.string(line, o.cgroup());
        line.str(",\"service\":");
        rendered.string(line, o.service());
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
        write(line, op, new Rendered());
        return line.toString();
    }

}
