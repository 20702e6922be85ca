// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.decode.Ancestor;
import dev.ethtoolsnoop.decode.RtnlCost;
import dev.ethtoolsnoop.enrich.Operation;
import dev.ethtoolsnoop.enrich.RtnlWait;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/** The human view: a header, then one line per operation, args last since they are long. */
public final class TableSink extends PrintSink {
    /**
     * The columns: %-20s %-40s %-36s %9s %12s %5s %s. The header is written out
     * rather than formatted: String.format's first use costs a cold JVM
     * milliseconds before the ready line, and the lines no longer need it.
     */
    static final String HEADER = "Interface            PID:Process                              "
            + "IOCTL_CMD/GENL_CMD                     LAT(ms)  BLOCKED(ms)   RET ethtool args";
    /**
     * The TIME column's format, built only when -T asks for it: the local
     * time zone's rules and a parsed pattern cost a cold start milliseconds
     * (30 ms of TableSink's initialization without the AOT cache).
     */
    private static final class Clock {
        static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    }

    private static final byte[] DASH = {'-'};

    /** --ancestors' default: the parent and its parent. */
    public static final int DEFAULT_ANCESTORS = 2;
    static final int CGROUP_WIDTH = 28;

    private final LineBuilder line = new LineBuilder();
    /** Command names and argument lists as the table prints them (see RenderCache). */
    private final RenderCache rendered = new RenderCache();
    private final boolean timestamps;
    private final long ownNetns;
    private final int ancestors;
    private final boolean cgroupColumn;

    public TableSink(PrintStream out, boolean timestamps, long ownNetns) {
        this(out, timestamps, ownNetns, DEFAULT_ANCESTORS, false);
    }

    /**
     * @param ancestors    how many of the caller's ancestors the process column names
     * @param cgroupColumn add the SERVICE column: the caller's systemd unit, container or cgroup
     */
    public TableSink(PrintStream out, boolean timestamps, long ownNetns, int ancestors, boolean cgroupColumn) {
        super(out);
        this.timestamps = timestamps;
        this.ownNetns = ownNetns;
        this.ancestors = ancestors;
        this.cgroupColumn = cgroupColumn;
        String header = HEADER;
        if (cgroupColumn) {
            int at = HEADER.indexOf("IOCTL_CMD");
            header = HEADER.substring(0, at) + String.format("%-" + CGROUP_WIDTH + "s ", "SERVICE") + HEADER.substring(at);
        }
        out.println((timestamps ? "TIME         " : "") + header);
        if (timestamps) {
            Objects.requireNonNull(Clock.TIME); // built now, not on the first event
        }
    }

    @Override
    public void accept(Operation op) {
        LineBuilder line = this.line;
        line.reset();
        if (timestamps) {
            line.str(String.format("%-12s ", Clock.TIME.format(Instant.ofEpochSecond(0, op.timeNs()))));
        }
        // the columns of HEADER, without String.format
        line.mark();
        terminal(line, op.ifname().length == 0 ? DASH : op.ifname());
        if (op.netns() != ownNetns && op.netns() != 0) {
            line.str("@netns:").num(op.netns());
        }
        line.padTo(20).ascii(' ');
        line.mark();
        process(line, op, ancestors);
        line.padTo(40).ascii(' ');
        if (cgroupColumn) {
            line.mark();
            String service = op.origin().service();
            if (service == null) {
                line.ascii('-');
            } else if (LineBuilder.plain(service)) {
                line.str(service);
            } else {
                line.str(Text.forTerminal(service.getBytes(StandardCharsets.UTF_8)));
            }
            line.padTo(CGROUP_WIDTH).ascii(' ');
        }
        line.mark();
        name(line, String.valueOf(op.cmdName()));
        if (op.subCmdName() != null) {
            line.ascii('/');
            name(line, op.subCmdName());
        }
        line.padTo(36).ascii(' ');
        int start = line.length();
        latency(line, op.latencyNs());
        line.alignRight(start, 9).ascii(' ');
        start = line.length();
        blocked(line, op.rtnl());
        line.alignRight(start, 12).ascii(' ');
        start = line.length();
        if (op.ret() == null) {
            line.ascii('?');
        } else {
            line.num(op.ret());
        }
        line.alignRight(start, 5).ascii(' ');
        List<String> args = op.args();
        if (!args.isEmpty()) {
            args(line, args);
        }
        // what String.stripTrailing() did to the whole line: the args were last
        line.stripTrailingSpaces();
        line.writeLine(out);
    }

    /**
     * A command name, encoded once (RenderCache). Text that is not plain
     * ASCII (never from our tables) is written as it comes, uncached: its
     * columns are counted as chars, not bytes. The same for args below.
     */
    private void name(LineBuilder line, String name) {
        byte[] bytes = rendered.get(name, TableSink::ascii);
        if (bytes != null) {
            line.bytes(bytes);
        } else {
            line.str(name);
        }
    }

    private void args(LineBuilder line, List<String> args) {
        byte[] bytes = rendered.get(args, TableSink::argsBytes);
        if (bytes != null) {
            line.bytes(bytes);
        } else {
            line.str(argsColumn(args));
        }
    }

    /** The args column: the command's ethtool options, joined. */
    private static String argsColumn(List<String> args) {
        String joined = args.size() == 1 ? args.get(0) : String.join(", ", args);
        return LineBuilder.plain(joined) ? joined : joined.stripTrailing();
    }

    private static byte[] argsBytes(List<String> args) {
        return ascii(argsColumn(args));
    }

    /** The bytes of s when every char is printable ASCII (one column each), else null. */
    private static byte[] ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * PID:NAME<PARENT<GRANDPARENT(PID): who called, and who ran it, up to
     * depth ancestors (the pid of the last, for finding it). NAME is the
     * executable's when the kernel's 15-byte name is cut short of it.
     */
    static void process(LineBuilder line, Operation op, int depth) {
        line.num(op.pid()).ascii(':');
        String exe = op.origin().exe();
        if (exe != null && op.comm().length == 15 && exe.length() > 15 && LineBuilder.plain(exe)
                && exe.startsWith(new String(op.comm(), StandardCharsets.ISO_8859_1))) {
            line.str(exe);
        } else {
            terminal(line, op.comm());
        }
        List<Ancestor> chain = op.origin().ancestors();
        if (chain.isEmpty() && op.ppid() > 0) {
            chain = List.of(new Ancestor(op.ppid(), op.pcomm()));
        }
        int n = Math.min(depth, chain.size());
        for (int i = 0; i < n; i++) {
            line.ascii('<');
            terminal(line, chain.get(i).comm());
        }
        if (n > 0) {
            line.ascii('(').num(chain.get(n - 1).pid()).ascii(')');
        }
    }

    /**
     * Time others waited for RTNL inside this operation's hold, and how many
     * waited: "12.5/3"; "0" when nobody waited; "-" when not traced.
     */
    static void blocked(LineBuilder line, RtnlCost rtnl) {
        if (rtnl == null) {
            line.ascii('-');
        } else if (rtnl.waiters() == 0) {
            line.ascii('0');
        } else {
            long tenthsOfMs = (rtnl.waitNs() + 50_000) / 100_000;
            line.num(tenthsOfMs / 10).ascii('.').num(tenthsOfMs % 10).ascii('/').num(rtnl.waiters());
        }
    }

    /** A long wait for RTNL (--waits): the waiter, then who held RTNL. */
    @Override
    public void acceptWait(RtnlWait w) {
        LineBuilder line = this.line;
        line.reset();
        if (timestamps) {
            line.str(String.format("%-12s ", Clock.TIME.format(Instant.ofEpochSecond(0, w.timeNs()))));
        }
        line.mark();
        RtnlWait.HolderOp op = w.holderOp();
        terminal(line, op == null || op.ifname().length == 0 ? DASH : op.ifname());
        line.padTo(20).ascii(' ');
        line.mark();
        line.num(w.pid()).ascii(':');
        terminal(line, w.comm());
        line.padTo(40).ascii(' ');
        if (cgroupColumn) {
            line.mark();
            line.ascii('-');
            line.padTo(CGROUP_WIDTH).ascii(' ');
        }
        line.mark();
        line.str("RTNL_WAIT");
        line.padTo(36).ascii(' ');
        int start = line.length();
        latency(line, w.waitNs());
        line.alignRight(start, 9).ascii(' ');
        start = line.length();
        line.ascii('-');
        line.alignRight(start, 12).ascii(' ');
        start = line.length();
        line.num(w.ret());
        line.alignRight(start, 5).ascii(' ');
        line.str("held by ");
        if (w.holderPid() == 0) {
            line.str("? (RTNL's owner could not be read)");
        } else {
            line.num(w.holderPid()).ascii(':');
            terminal(line, w.holderComm());
            if (op == null) {
                line.str(" (not ethtool)");
            } else {
                line.ascii(' ').str(op.command());
                if (op.ifname().length > 0) {
                    line.str(" on ");
                    terminal(line, op.ifname());
                }
            }
        }
        line.writeLine(out);
    }

    /** %.3f of milliseconds, exactly as String.format rounded ns / 1e6 (HALF_UP). */
    static void latency(LineBuilder line, long ns) {
        if (ns < 0 || ns >= 1_000_000_000_000L) {
            line.str(String.format("%.3f", ns / 1e6)); // never in practice; the old way is exact
            return;
        }
        // int arithmetic where it fits (2 s): C1 calls the runtime for long division
        // (ns < 1e12, so us fits an int)
        int us = (int) (ns < Integer.MAX_VALUE - 500 ? (int) (ns + 500) / 1000 : (ns + 500) / 1000);
        int frac = us % 1000;
        line.num(us / 1000).ascii('.');
        if (frac < 100) {
            line.ascii('0');
        }
        if (frac < 10) {
            line.ascii('0');
        }
        line.num(frac);
    }

    private static void terminal(LineBuilder line, byte[] raw) {
        if (line.isPlain(raw)) {
            line.bytes(raw);
        } else {
            line.str(Text.forTerminal(raw));
        }
    }
}
