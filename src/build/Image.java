// SPDX-License-Identifier: Apache-2.0
// Builds target/image at `mvn package`: a jlink runtime with only the modules
// ethtoolsnoop uses, the app jar, its launcher, bash completion, man pages and
// the AOT cache. Maven runs it with the toolchain's java as a single-file
// program (java -cp CLASSPATH src/build/Image.java ...), so jlink is that
// JDK's jlink, whatever java is on PATH, and the classpath carries the app
// classes and picocli-codegen.
//
// usage: Image.java TARGET_DIR LAUNCHER MODULES

import dev.ethtoolsnoop.Main;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

public class Image {
    /** As in the launchers; the training run must use the same GC and heap as the runs that use its cache. */
    static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-Xms16m", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]).toAbsolutePath();
        Path launcher = Path.of(args[1]);
        String modules = args[2];
        Path image = target.resolve("image");
        Path javaHome = Path.of(System.getProperty("java.home"));

        deleteTree(image);
        run(List.of(javaHome.resolve("bin/jlink").toString(), "--add-modules", modules, "--output", image.toString(),
                "--strip-debug", "--no-header-files", "--no-man-pages"));

        Path app = Files.createDirectories(image.resolve("lib/app"));
        Files.copy(target.resolve("ethtoolsnoop.jar"), app.resolve("ethtoolsnoop.jar"));
        Path bin = image.resolve("bin/ethtoolsnoop");
        Files.copy(launcher, bin);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));

        CommandLine cli = new CommandLine(new Main());
        write(image.resolve("share/bash-completion/completions/ethtoolsnoop"),
                AutoComplete.bash("ethtoolsnoop", cli));
        StringWriter adoc = new StringWriter();
        try (PrintWriter pw = new PrintWriter(adoc)) {
            ManPageGenerator.writeSingleManPage(pw, cli.getCommandSpec());
        }
        write(image.resolve("share/doc/ethtoolsnoop/ethtoolsnoop.adoc"), adoc.toString());
        write(image.resolve("share/man/man8/ethtoolsnoop.8"), roff(cli.getCommandSpec()));

        // The cache records the jar's path and mtime: it is made last, from the
        // image's own java, so that the image as built is what it matches.
        List<String> train = new ArrayList<>(List.of(image.resolve("bin/java").toString()));
        train.addAll(JVM_FLAGS);
        train.addAll(List.of("-XX:AOTCacheOutput=" + app.resolve("ethtoolsnoop.aot"),
                "-Xlog:disable", "-Xlog:all=error:stderr",
                "-cp", app.resolve("ethtoolsnoop.jar").toString(), "dev.ethtoolsnoop.Training"));
        // The JVM narrates the cache's creation on stdout and stderr: kept in
        // a log, shown only when it fails.
        Path log = target.resolve("aot-training.log");
        int rc = new ProcessBuilder(train).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
        if (rc != 0 || !Files.exists(app.resolve("ethtoolsnoop.aot"))) {
            throw new IllegalStateException("AOT training run failed (exit " + rc + "): " + Files.readString(log));
        }
        // The cache holds code generated for this CPU: on a CPU that lacks one
        // of its instruction-set features the JVM dies of SIGILL (seen under
        // qemu -cpu Nehalem) instead of refusing the cache. The launcher uses
        // the cache only where every CPU flag of the build machine is present.
        write(app.resolve("ethtoolsnoop.aot.cpuflags"), cpuFlags() + "\n");
        System.out.println("runtime image: " + image + " (run " + bin + ")");
    }

    /** The "flags" line of /proc/cpuinfo (x86; "Features" elsewhere), empty if there is none. */
    static String cpuFlags() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "";
    }

    /**
     * A man page in roff, from the same picocli model as --help. picocli's own
     * generator writes AsciiDoc, which needs asciidoctor to become roff.
     */
    static String roff(CommandSpec spec) {
        StringBuilder r = new StringBuilder();
        String version = spec.version().length > 0 ? spec.version()[0] : spec.name();
        r.append(".TH ETHTOOLSNOOP 8 \"\" \"").append(esc(version)).append("\" \"System Administration\"\n");
        r.append(".SH NAME\n").append(spec.name()).append(" \\- trace ethtool operations live with eBPF\n");
        r.append(".SH SYNOPSIS\n.B ").append(spec.name()).append("\n[\\fIOPTIONS\\fR]\n");
        r.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            r.append(text(line)).append('\n');
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
                r.append(text(line.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue())))).append('\n');
            }
        }
        r.append(".SH EXAMPLES AND EXIT STATUS\n.nf\n");
        for (String line : spec.usageMessage().footer()) {
            if (!line.isBlank()) {
                r.append(text(line)).append('\n');
            }
        }
        r.append(".fi\n.SH SEE ALSO\n.BR ethtool (8)\n");
        return r.toString();
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

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("exit " + rc + ": " + String.join(" ", cmd));
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
