// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.sink;

import dev.ethtoolsnoop.enrich.Operation;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/** The human view: a header, then one line per operation, args last since they are long. */
public final class TableSink extends PrintSink {
    private static final String FORMAT = "%-20s %-40s %-36s %9s %5s %s";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final byte[] ETHTOOL = "ethtool".getBytes(StandardCharsets.US_ASCII);

    private final boolean timestamps;
    private final long ownNetns;

    public TableSink(PrintStream out, boolean timestamps, long ownNetns) {
        super(out);
        this.timestamps = timestamps;
        this.ownNetns = ownNetns;
        out.println((timestamps ? String.format("%-12s ", "TIME") : "")
                + String.format(FORMAT, "Interface", "PID:Process", "IOCTL_CMD/GENL_CMD", "LAT(ms)", "RET",
                "ethtool args"));
    }

    @Override
    public void accept(Operation op) {
        StringBuilder line = new StringBuilder(160);
        if (timestamps) {
            line.append(String.format("%-12s ", TIME.format(Instant.ofEpochSecond(0, op.timeNs()))));
        }
        line.append(String.format(FORMAT,
                iface(op),
                process(op),
                op.command(),
                String.format("%.3f", op.latencyNs() / 1e6),
                op.ret() == null ? "?" : op.ret(),
                String.join(", ", op.args())).stripTrailing());
        out.println(line);
    }

    private String iface(Operation op) {
        String name = op.ifname().length == 0 ? "-" : Text.forTerminal(op.ifname());
        return op.netns() != ownNetns && op.netns() != 0 ? name + "@netns:" + op.netns() : name;
    }

    static String process(Operation op) {
        String s = op.pid() + ":" + Text.forTerminal(op.comm());
        // For ethtool itself, who ran it is the interesting part.
        if (Arrays.equals(op.comm(), ETHTOOL)) {
            s += "(parent " + op.ppid() + ":" + Text.forTerminal(op.pcomm()) + ")";
        }
        return s;
    }

}
