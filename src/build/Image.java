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
import dev.ethtoolsnoop.ManPage;
import picocli.AutoComplete;
import picocli.CommandLine;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

public class Image {

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
        Files.copy(launcher.resolveSibling("jvm.args"), app.resolve("jvm.args"));
        Path bin = image.resolve("bin/ethtoolsnoop");
        Files.copy(launcher, bin);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));

        CommandLine cli = new CommandLine(new Main());
        write(image.resolve("share/bash-completion/completions/ethtoolsnoop"),
                withInterfaceNames(AutoComplete.bash("ethtoolsnoop", cli)));
        StringWriter adoc = new StringWriter();
        try (PrintWriter pw = new PrintWriter(adoc)) {
            ManPageGenerator.writeSingleManPage(pw, cli.getCommandSpec());
        }
        write(image.resolve("share/doc/ethtoolsnoop/ethtoolsnoop.adoc"), adoc.toString());
        write(image.resolve("share/man/man8/ethtoolsnoop.8"), ManPage.roff(cli.getCommandSpec()));

        // The cache records the jar's path and mtime: it is made last, from the
        // image's own java, so that the image as built is what it matches.
        List<String> train = new ArrayList<>(List.of(image.resolve("bin/java").toString()));
        // the launchers' flags: the cache is only used with the GC and heap it was trained with
        train.add("@" + app.resolve("jvm.args"));
        train.addAll(List.of("-XX:AOTCacheOutput=" + app.resolve("ethtoolsnoop.aot"),
                "-Xlog:disable", "-Xlog:all=error:stderr",
                "-cp", app.resolve("ethtoolsnoop.jar").toString(), "dev.ethtoolsnoop.Training"));
        // The JVM narrates the cache's creation on stdout and stderr: kept in
        // a log, shown only when it fails.
        Path log = target.resolve("aot-training.log");
        Process training = new ProcessBuilder(train).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // it takes seconds; a machine where it hangs fails the build, not stalls it
        if (!training.waitFor(10, TimeUnit.MINUTES)) {
            training.destroyForcibly();
            throw new IllegalStateException("AOT training run still running after 10 minutes: " + Files.readString(log));
        }
        int rc = training.exitValue();
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
     * picocli completes option values from fixed lists only: -i/--interface
     * gets the interfaces of the shell's network namespace, as ip(8)'s
     * completion does. Fails the build if picocli's script changes shape.
     */
    static String withInterfaceNames(String script) {
        String anchor = "    '-i'|'--interface')\n      return\n";
        if (!script.contains(anchor)) {
            throw new IllegalStateException("picocli's completion script changed: no -i case to complete");
        }
        return script.replace(anchor, "    '-i'|'--interface')\n"
                + "      local IFS=$'\\n'\n"
                + "      COMPREPLY=( $(compgen -W \"$(ls /sys/class/net 2>/dev/null)\" -- \"${curr_word}\") )\n"
                + "      return\n");
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
