// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The man page, in roff and in the bcc tools' shape, from the same picocli
 * model as --help (options, examples, exit codes) plus {@link Manual}.
 * picocli's own generator writes AsciiDoc, which needs asciidoctor.
 */
public final class ManPage {
    /** Every section, in order. */
    public static final List<String> SECTIONS = List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES",
            "FIELDS", "OVERHEAD", "EXIT STATUS", "SEE ALSO");

    private ManPage() {
    }

    public static String roff(CommandSpec spec) {
        StringBuilder r = new StringBuilder();
        String version = spec.version().length > 0 ? spec.version()[0] : spec.name();
        r.append(".TH ETHTOOLSNOOP 8 \"\" \"").append(esc(version)).append("\" \"System Administration\"\n");
        r.append(".SH NAME\n").append(spec.name()).append(" \\- trace ethtool operations live with eBPF\n");
        r.append(".SH SYNOPSIS\n.B ").append(spec.name()).append("\n[\\fIOPTIONS\\fR]\n.br\n.B ")
                .append(spec.name()).append("\n\\fB\\-\\-list\\-commands\\fR [\\fB\\-\\-json\\fR]\n");
        r.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            r.append(text(line)).append('\n');
        }
        r.append(".PP\nBackends:\n");
        for (String b : Manual.BACKENDS) {
            r.append(".IP \\(bu 2\n").append(text(b)).append('\n');
        }
        r.append(".SS RTNL\n");
        for (String p : Manual.RTNL) {
            r.append(".PP\n").append(text(p)).append('\n');
        }
        r.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            r.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + esc(n) + "\\fR");
            }
            r.append(String.join(", ", names));
            if (o.arity().max() > 0) {
                r.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            r.append('\n');
            for (String line : o.description()) {
                r.append(text(line.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))
                        .replace("${COMPLETION-CANDIDATES}", candidates(o)))).append('\n');
            }
        }
        r.append(".SH EXAMPLES\n");
        for (String line : spec.usageMessage().footer()) {
            String t = line.strip();
            if (t.startsWith(spec.name() + " ") || t.equals(spec.name())) {
                int hash = t.indexOf('#');
                r.append(".TP\n.B ").append(esc(hash < 0 ? t : t.substring(0, hash).strip())).append('\n');
                if (hash >= 0) {
                    r.append(text(t.substring(hash + 1).strip())).append('\n');
                }
            }
        }
        r.append(".SH FIELDS\nThe table's columns:\n");
        for (Manual.Field f : Manual.COLUMNS) {
            r.append(".TP\n.B ").append(esc(f.name())).append('\n').append(text(f.meaning())).append('\n');
        }
        r.append(".PP\nWith \\fB\\-\\-json\\fR, one object per line with these fields:\n");
        for (Manual.Field f : Manual.JSON_FIELDS) {
            r.append(".TP\n.B ").append(esc(f.name())).append('\n').append(text(f.meaning())).append('\n');
        }
        r.append(".PP\nWith \\fB\\-\\-waits\\fR, each long wait for RTNL is a line of its own:"
                + " in the table, RTNL_WAIT in the command column, the wait in LAT(ms), and \"held by PID:COMM\""
                + " with the holder's command and interface, or (not ethtool); in JSON, an object with:\n");
        for (Manual.Field f : Manual.WAIT_FIELDS) {
            r.append(".TP\n.B ").append(esc(f.name())).append('\n').append(text(f.meaning())).append('\n');
        }
        r.append(".SH OVERHEAD\n");
        for (String p : Manual.OVERHEAD) {
            r.append(".PP\n").append(text(p)).append('\n');
        }
        r.append(".SH EXIT STATUS\n");
        for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
            r.append(".TP\n.B ").append(esc(e.getKey().strip())).append('\n').append(text(e.getValue())).append('\n');
        }
        r.append(".SH SEE ALSO\n.BR ethtool (8),\n.BR bpftool (8),\n.BR bpftrace (8)\n");
        return r.toString();
    }

    private static String candidates(OptionSpec o) {
        List<String> c = new ArrayList<>();
        if (o.completionCandidates() != null) {
            o.completionCandidates().forEach(c::add);
        }
        return String.join(", ", c);
    }

    /** roff escapes: backslash and '-' (a hyphen otherwise, which breaks copying options). */
    static String esc(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    /** A text line: escaped, and never read as a request because of a leading '.' or '\''. */
    static String text(String s) {
        String e = esc(s);
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }
}
