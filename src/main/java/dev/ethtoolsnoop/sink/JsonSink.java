// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Ancestor;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.Origin;
import dev.ethtoolsnoop.enrich.RtnlWait;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One JSON object per line, for scripts and tests. */
public final class JsonSink extends PrintSink {

    public JsonSink(PrintStream out) {
        super(out);
    }

    /*
     * The lines' fixed text, encoded once: copying a String into the line
     * char by char would be a large part of a JSON line's cost.
     */
    private static final byte[] J_OBJ_TS_NS = ascii("{\"ts_ns\":");
    private static final byte[] J_BACKEND = ascii(",\"backend\":");
    private static final byte[] J_KIND = ascii(",\"kind\":");
    private static final byte[] J_IFNAME = ascii(",\"ifname\":");
    private static final byte[] J_IFINDEX = ascii(",\"ifindex\":");
    private static final byte[] J_NETNS = ascii(",\"netns\":");
    private static final byte[] J_PID = ascii(",\"pid\":");
    private static final byte[] J_TID = ascii(",\"tid\":");
    private static final byte[] J_COMM = ascii(",\"comm\":");
    private static final byte[] J_PPID = ascii(",\"ppid\":");
    private static final byte[] J_PCOMM = ascii(",\"pcomm\":");
    private static final byte[] J_CMD = ascii(",\"cmd\":");
    private static final byte[] J_CMD_NAME = ascii(",\"cmd_name\":");
    private static final byte[] J_SUB_CMD = ascii(",\"sub_cmd\":");
    private static final byte[] J_SUB_CMD_NAME = ascii(",\"sub_cmd_name\":");
    private static final byte[] J_ARGS = ascii(",\"args\":");
    private static final byte[] J_LATENCY_NS = ascii(",\"latency_ns\":");
    private static final byte[] J_RET = ascii(",\"ret\":");
    private static final byte[] J_NULL = ascii("null");
    private static final byte[] J_RTNL_HOLD_NS = ascii(",\"rtnl_hold_ns\":");
    private static final byte[] J_RTNL_WAITERS = ascii(",\"rtnl_waiters\":");
    private static final byte[] J_RTNL_WAIT_NS = ascii(",\"rtnl_wait_ns\":");
    private static final byte[] J_RTNL_WAIT_MAX_NS = ascii(",\"rtnl_wait_max_ns\":");
    private static final byte[] J_RTNL_LONGEST_WAITER = ascii(",\"rtnl_longest_waiter\":");
    private static final byte[] J_OBJ_PID = ascii("{\"pid\":");
    private static final byte[] J_RTNL_UNKNOWN = ascii(",\"rtnl_hold_ns\":null,\"rtnl_waiters\":null,"
            + "\"rtnl_wait_ns\":null,\"rtnl_wait_max_ns\":null,\"rtnl_longest_waiter\":null");
    private static final byte[] J_NEXT_OBJ_PID = ascii(",{\"pid\":");
    private static final byte[] J_ANCESTORS = ascii(",\"ancestors\":[");
    private static final byte[] J_ANCESTORS_END_EXE = ascii("],\"exe\":");
    private static final byte[] J_CMDLINE = ascii(",\"cmdline\":");
    private static final byte[] J_CGROUP_ID = ascii(",\"cgroup_id\":");
    private static final byte[] J_CGROUP = ascii(",\"cgroup\":");
    private static final byte[] J_SERVICE = ascii(",\"service\":");
    private static final byte[] J_WAIT_OBJ_TS_NS = ascii("{\"type\":\"rtnl_wait\",\"ts_ns\":");
    private static final byte[] J_WAIT_NS = ascii(",\"wait_ns\":");
    private static final byte[] J_HOLDER = ascii(",\"holder\":");
    private static final byte[] J_NULL_CLOSE = ascii("null}");
    private static final byte[] J_ETHTOOL = ascii(",\"ethtool\":");
    private static final byte[] J_OBJ_KIND = ascii("{\"kind\":");
    private static final byte[] J_NEXT_TS_NS = ascii(",\"ts_ns\":");
    private static final byte[] J_CLOSE_TWO = ascii("}}");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
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
        line.bytes(J_OBJ_TS_NS).num(op.timeNs());
        line.bytes(J_BACKEND);
        json(line, rendered, op.backend().label());
        line.bytes(J_KIND);
        json(line, rendered, op.kind().label());
        line.bytes(J_IFNAME);
        json(line, op.ifname());
        line.bytes(J_IFINDEX).num(op.ifindex());
        line.bytes(J_NETNS).num(op.netns());
        line.bytes(J_PID).num(op.pid());
        line.bytes(J_TID).num(op.tid());
        line.bytes(J_COMM);
        json(line, op.comm());
        line.bytes(J_PPID).num(op.ppid());
        line.bytes(J_PCOMM);
        json(line, op.pcomm());
        line.bytes(J_CMD);
        unsigned(line, op.cmd());
        line.bytes(J_CMD_NAME);
        json(line, rendered, op.cmdName());
        line.bytes(J_SUB_CMD);
        unsigned(line, op.subCmd());
        line.bytes(J_SUB_CMD_NAME);
        json(line, rendered, op.subCmdName());
        line.bytes(J_ARGS);
        json(line, rendered, op.args());
        line.bytes(J_LATENCY_NS).num(op.latencyNs());
        line.bytes(J_RET);
        if (op.ret() == null) {
            line.bytes(J_NULL);
        } else {
            line.num(op.ret());
        }
        RtnlCost r = op.rtnl();
        if (r == null) {
            line.bytes(J_RTNL_UNKNOWN);
        } else {
            line.bytes(J_RTNL_HOLD_NS);
            if (r.holdNs() == null) {
                line.bytes(J_NULL);
            } else {
                line.num(r.holdNs());
            }
            line.bytes(J_RTNL_WAITERS).num(r.waiters());
            line.bytes(J_RTNL_WAIT_NS).num(r.waitNs());
            line.bytes(J_RTNL_WAIT_MAX_NS).num(r.waitMaxNs());
            line.bytes(J_RTNL_LONGEST_WAITER);
            if (r.waiters() == 0 || r.longestWaiterPid() == 0) {
                line.bytes(J_NULL);
            } else {
                line.bytes(J_OBJ_PID).num(r.longestWaiterPid()).str(",\"comm\":");
                json(line, r.longestWaiterComm());
                line.ascii('}');
            }
        }
        Origin o = op.origin();
        line.bytes(J_ANCESTORS);
        List<Ancestor> chain = o.ancestors();
        for (int i = 0; i < chain.size(); i++) {
            line.bytes(i == 0 ? J_OBJ_PID : J_NEXT_OBJ_PID).num(chain.get(i).pid()).bytes(J_COMM);
            json(line, chain.get(i).comm());
            line.ascii('}');
        }
        line.bytes(J_ANCESTORS_END_EXE);
        json(line, rendered, o.exe());
        line.bytes(J_CMDLINE);
        json(line, rendered, o.cmdline());
        line.bytes(J_CGROUP_ID).num(o.cgroupId());
        line.bytes(J_CGROUP);
        json(line, rendered, o.cgroup());
        line.bytes(J_SERVICE);
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
        line.bytes(J_WAIT_OBJ_TS_NS).num(w.timeNs());
        line.bytes(J_PID).num(w.pid());
        line.bytes(J_TID).num(w.tid());
        line.bytes(J_COMM);
        json(line, w.comm());
        line.bytes(J_WAIT_NS).num(w.waitNs());
        line.bytes(J_RET).num(w.ret());
        line.bytes(J_HOLDER);
        if (w.holderPid() == 0) {
            line.bytes(J_NULL_CLOSE);
            return;
        }
        line.bytes(J_OBJ_PID).num(w.holderPid());
        line.bytes(J_TID).num(w.holderTid());
        line.bytes(J_COMM);
        json(line, w.holderComm());
        line.bytes(J_ETHTOOL);
        RtnlWait.HolderOp op = w.holderOp();
        if (op == null) {
            line.bytes(J_NULL);
        } else {
            line.bytes(J_OBJ_KIND);
            json(line, op.kind().label());
            line.bytes(J_CMD_NAME);
            json(line, op.command());
            line.bytes(J_IFNAME);
            json(line, op.ifname());
            line.bytes(J_NEXT_TS_NS).num(op.timeNs()).ascii('}');
        }
        line.bytes(J_CLOSE_TWO);
    }

    public static String toJson(RtnlWait w) {
        LineBuilder line = new LineBuilder();
        write(line, w);
        return line.toString();
    }

    private static void unsigned(LineBuilder line, Integer v) {
        if (v == null) {
            line.bytes(J_NULL);
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
            line.bytes(J_NULL);
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
            line.bytes(J_NULL);
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
