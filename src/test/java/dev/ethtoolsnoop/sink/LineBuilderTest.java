// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Backend;
import dev.ethtoolsnoop.decode.Kind;
import dev.ethtoolsnoop.decode.Ancestor;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.Origin;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sinks format into bytes without String.format; this pins their output
 * to what the String.format versions (kept here as the reference) printed,
 * byte for byte, over random names, hostile bytes and odd numbers.
 */
class LineBuilderTest {
    private static final String FORMAT = "%-20s %-40s %-36s %9s %12s %5s %s";
    private static final byte[] ETHTOOL = "ethtool".getBytes(StandardCharsets.US_ASCII);

    static String referenceTable(Operation op, long ownNetns) {
        String name = op.ifname().length == 0 ? "-" : Text.forTerminal(op.ifname());
        String iface = op.netns() != ownNetns && op.netns() != 0 ? name + "@netns:" + op.netns() : name;
        String exe = op.origin().exe();
        String shown = exe != null && op.comm().length == 15 && exe.length() > 15 && LineBuilder.plain(exe)
                && exe.startsWith(new String(op.comm(), StandardCharsets.ISO_8859_1)) ? exe : Text.forTerminal(op.comm());
        String process = op.pid() + ":" + shown;
        List<Ancestor> chain = op.origin().ancestors().isEmpty() && op.ppid() > 0
                ? List.of(new Ancestor(op.ppid(), op.pcomm())) : op.origin().ancestors();
        int n = Math.min(TableSink.DEFAULT_ANCESTORS, chain.size());
        for (int i = 0; i < n; i++) {
            process += "<" + Text.forTerminal(chain.get(i).comm());
        }
        if (n > 0) {
            process += "(" + chain.get(n - 1).pid() + ")";
        }
        RtnlCost r = op.rtnl();
        String blocked = r == null ? "-" : r.waiters() == 0 ? "0"
                : new java.math.BigDecimal(r.waitNs()).movePointLeft(6).setScale(1, java.math.RoundingMode.HALF_UP)
                        + "/" + r.waiters();
        return String.format(FORMAT, iface, process, op.command(), String.format("%.3f", op.latencyNs() / 1e6),
                blocked, op.ret() == null ? "?" : op.ret(), String.join(", ", op.args())).stripTrailing() + "\n";
    }

    static String referenceJson(Operation op) {
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
                + rtnlJson(op.rtnl())
                + ",\"ancestors\":[" + op.origin().ancestors().stream().map(a -> "{\"pid\":" + a.pid() + ",\"comm\":"
                        + Text.json(a.comm()) + "}").collect(Collectors.joining(",")) + "]"
                + ",\"exe\":" + str(op.origin().exe())
                + ",\"cmdline\":" + str(op.origin().cmdline())
                + ",\"cgroup_id\":" + op.origin().cgroupId()
                + ",\"cgroup\":" + str(op.origin().cgroup())
                + ",\"service\":" + str(op.origin().service())
                + "}\n";
    }

    private static String str(String s) {
        return s == null ? "null" : Text.json(s);
    }

    private static String rtnlJson(RtnlCost r) {
        if (r == null) {
            return ",\"rtnl_hold_ns\":null,\"rtnl_waiters\":null,\"rtnl_wait_ns\":null,\"rtnl_wait_max_ns\":null"
                    + ",\"rtnl_longest_waiter\":null";
        }
        return ",\"rtnl_hold_ns\":" + r.holdNs() + ",\"rtnl_waiters\":" + r.waiters()
                + ",\"rtnl_wait_ns\":" + r.waitNs() + ",\"rtnl_wait_max_ns\":" + r.waitMaxNs()
                + ",\"rtnl_longest_waiter\":" + (r.waiters() == 0 || r.longestWaiterPid() == 0 ? "null"
                : "{\"pid\":" + r.longestWaiterPid() + ",\"comm\":" + Text.json(r.longestWaiterComm()) + "}");
    }

    private static final String[] PIECES = {"eth0", "ethtool", "a", "", " ", "  x ", "\\", "\"", "\t", "\n", "\u001b[31m",
            "é", "\u2028", "\u3000", "\u00a0", "😀", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};

    private static byte[] name(Random r) {
        if (r.nextInt(5) == 0) {
            byte[] b = new byte[r.nextInt(16)];
            r.nextBytes(b);
            return b;
        }
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(3); i >= 0; i--) {
            s.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String string(Random r) {
        return new String(name(r), StandardCharsets.UTF_8);
    }

    private static Operation random(Random r) {
        long[] latencies = {0, 1, 499, 500, 1499, 1500, 999_999, 1_000_000, 1_234_567, 99_999_999_999L,
                r.nextLong(0, 1L << 40), r.nextInt(10_000_000)};
        List<String> args = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            args.add(r.nextBoolean() ? "-i|--driver" : string(r));
        }
        boolean sub = r.nextBoolean();
        return new Operation(r.nextLong(), Backend.values()[r.nextInt(3)], Kind.values()[r.nextInt(3)], name(r),
                r.nextInt(), r.nextBoolean() ? 100 : r.nextLong(0, 1L << 32), r.nextInt(), r.nextInt(),
                r.nextBoolean() ? ETHTOOL : name(r), r.nextInt(), name(r),
                r.nextBoolean() ? null : r.nextInt(), r.nextBoolean() ? "ETHTOOL_GDRVINFO" : string(r),
                sub ? r.nextInt() : null, sub ? (r.nextBoolean() ? "ETHTOOL_GCOALESCE" : string(r)) : null,
                args, latencies[r.nextInt(latencies.length)], r.nextInt(4) == 0 ? null : r.nextInt(-200, 2),
                r.nextInt(3) == 0 ? null : new RtnlCost(r.nextBoolean() ? null : r.nextLong(0, 1L << 40),
                        r.nextBoolean() ? 0 : r.nextInt(1, 100), latencies[r.nextInt(latencies.length)],
                        r.nextLong(0, 1L << 40), r.nextInt(0, 3), name(r)),
                r.nextInt(4) == 0 ? Origin.UNKNOWN : origin(r));
    }

    private static Origin origin(Random r) {
        List<Ancestor> chain = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            chain.add(new Ancestor(r.nextInt(1, 1 << 22), name(r)));
        }
        return new Origin(r.nextLong(), r.nextBoolean() ? null : string(r), r.nextBoolean() ? null : string(r),
                chain, r.nextBoolean() ? null : string(r), r.nextBoolean() ? null : string(r));
    }

    @Test
    void headerIsWhatStringFormatPrinted() {
        assertEquals(String.format(FORMAT, "Interface", "PID:Process", "IOCTL_CMD/GENL_CMD", "LAT(ms)", "BLOCKED(ms)", "RET",
                "ethtool args"), TableSink.HEADER);
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        new TableSink(new PrintStream(t, false, StandardCharsets.UTF_8), true, 100);
        assertEquals(String.format("%-12s ", "TIME") + TableSink.HEADER + "\n", t.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tableAndJsonAreWhatStringFormatPrinted() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Operation op = random(r);
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            TableSink table = new TableSink(new PrintStream(t, false, StandardCharsets.UTF_8), false, 100);
            t.reset(); // the header
            table.accept(op);
            table.flush();
            assertEquals(referenceTable(op, 100), t.toString(StandardCharsets.UTF_8), op.toString());
            ByteArrayOutputStream j = new ByteArrayOutputStream();
            JsonSink json = new JsonSink(new PrintStream(j, false, StandardCharsets.UTF_8));
            json.accept(op);
            json.flush();
            assertEquals(referenceJson(op), j.toString(StandardCharsets.UTF_8), op.toString());
        }
    }

    @Test
    void numbersAsLongToStringWritesThem() {
        List<Long> values = new ArrayList<>(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE,
                (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, (long) Integer.MIN_VALUE, 4_294_967_295L));
        for (long p = 1; p <= 10_000_000_000L; p *= 10) {
            values.addAll(List.of(p - 1, p, p + 1, -p));
        }
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            values.add((long) random.nextInt());
            values.add(random.nextLong());
        }
        LineBuilder line = new LineBuilder();
        for (long v : values) {
            line.reset();
            line.mark();
            line.num(v);
            assertEquals(Long.toString(v), line.toString());
            assertEquals(Long.toString(v).length(), line.length());
        }
    }
}
