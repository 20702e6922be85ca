// SPDX-License-Identifier: Apache-2.0
// Builds target/ethtoolsnoop_VERSION_ARCH.deb at `mvn package`, right after
// Image.java, from the runtime image: dpkg-deb --root-owner-group --build on a
// tree staged under target/deb/ethtoolsnoop_VERSION_ARCH/. Maven runs it with
// the toolchain's java as a single-file program; it needs dpkg-deb and dpkg
// (part of dpkg, on every Debian and Ubuntu), nothing from dpkg-dev.
//
//   /usr/lib/ethtoolsnoop/                          the whole runtime image
//   /usr/sbin/ethtoolsnoop -> ../lib/ethtoolsnoop/bin/ethtoolsnoop
//   /usr/share/man/man8/ethtoolsnoop.8.gz
//   /usr/share/bash-completion/completions/ethtoolsnoop
//   /usr/share/doc/ethtoolsnoop/copyright           LICENSE
//
// No maintainer scripts: nothing is created at install or run time, so dpkg
// alone removes everything (man-db's file trigger updates its index).
//
// usage: Deb.java TARGET_DIR VERSION LICENSE MAINTAINER

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

public class Deb {
    static final String NAME = "ethtoolsnoop";
    static final String MISSING = "building the Debian package needs dpkg-deb and dpkg (Debian/Ubuntu package"
            + " 'dpkg'); elsewhere leave it out with -Dethtoolsnoop.deb.skip=true";

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]).toAbsolutePath();
        // Debian reads a '-' as the start of the Debian revision: 0.2.0-SNAPSHOT
        // becomes 0.2.0~SNAPSHOT, which also sorts before the 0.2.0 release.
        String version = args[1].replace('-', '~');
        Path license = Path.of(args[2]);
        String maintainer = args[3];
        Path image = target.resolve("image");
        if (!Files.isExecutable(image.resolve("bin/" + NAME))) {
            throw new IllegalStateException("no runtime image in " + image + " to package");
        }
        String arch = output(List.of("dpkg", "--print-architecture")).trim();
        String base = NAME + "_" + version + "_" + arch;
        Path stage = target.resolve("deb").resolve(base);
        Path deb = target.resolve(base + ".deb");

        deleteTree(target.resolve("deb"));
        // one package in target: a test installs target/ethtoolsnoop_*.deb
        try (DirectoryStream<Path> old = Files.newDirectoryStream(target, NAME + "_*.deb")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }

        // The image as it is, modification times included: the AOT cache
        // checks the jar's (a cache that does not match is skipped silently).
        Path lib = stage.resolve("usr/lib/" + NAME);
        copyTree(image, lib);
        Path sbin = dir(stage.resolve("usr/sbin"));
        // The launcher finds its image through readlink -f, so a link will do.
        Files.createSymbolicLink(sbin.resolve(NAME), Path.of("../lib/" + NAME + "/bin/" + NAME));
        Path man = dir(stage.resolve("usr/share/man/man8")).resolve(NAME + ".8.gz");
        gzip(image.resolve("share/man/man8/" + NAME + ".8"), man);
        file(Files.copy(image.resolve("share/bash-completion/completions/" + NAME),
                dir(stage.resolve("usr/share/bash-completion/completions")).resolve(NAME)));
        file(Files.copy(license, dir(stage.resolve("usr/share/doc/" + NAME)).resolve("copyright")));

        Path control = dir(stage.resolve("DEBIAN"));
        List<String> md5sums = new ArrayList<>();
        long installedKib = 0;
        try (Stream<Path> all = Files.walk(stage)) {
            for (Path p : all.sorted().toList()) {
                if (p.startsWith(control) || p.equals(stage)) {
                    continue;
                }
                // as dpkg-gencontrol counts: each file's KiB rounded up, 1 for anything else
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    installedKib += (Files.size(p) + 1023) / 1024;
                    md5sums.add(md5(p) + "  " + stage.relativize(p));
                } else {
                    installedKib += 1;
                }
            }
        }
        file(write(control.resolve("control"), String.join("\n",
                "Package: " + NAME,
                "Version: " + version,
                "Architecture: " + arch,
                "Maintainer: " + maintainer,
                "Installed-Size: " + installedKib,
                // libbpf1 is loaded at run time (FFM); the image's JVM needs glibc 2.17
                "Depends: libbpf1 (>= 1:1.0), libc6 (>= 2.17)",
                "Section: net",
                "Priority: optional",
                "Description: trace every ethtool operation on the host with eBPF",
                " ethtoolsnoop shows, live, every ethtool operation on a Linux host: which",
                " interface, which process (and its parent), which SIOCETHTOOL ioctl or",
                " ethtool-netlink command, which ethtool option sends it, how long the",
                " kernel took and whether it failed. It catches callers that link their own",
                " ethtool code as well as the ethtool binary.",
                " .",
                " It runs on its own Java runtime (in /usr/lib/ethtoolsnoop) and needs root",
                " (or CAP_BPF and CAP_PERFMON) and a kernel with BTF.",
                "")));
        file(write(control.resolve("md5sums"), String.join("\n", md5sums) + "\n"));

        List<String> build = List.of("dpkg-deb", "--root-owner-group", "--build", stage.toString(), deb.toString());
        ProcessBuilder pb = new ProcessBuilder(build).inheritIO();
        // dpkg-deb clamps every mtime to SOURCE_DATE_EPOCH: the jar's would
        // then no longer be the one the AOT cache recorded.
        pb.environment().remove("SOURCE_DATE_EPOCH");
        int rc = start(pb).waitFor();
        if (rc != 0) {
            throw new IllegalStateException("exit " + rc + ": " + String.join(" ", build));
        }
        System.out.println("Debian package: " + deb + " (" + Files.size(deb) / 1024 + " KiB, installs "
                + installedKib + " KiB)");
    }

    /** Copies a tree: symbolic links as links, modification times kept, modes 0755 or 0644. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.sorted().toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(q, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    dir(q);
                } else {
                    Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    boolean exec = Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(q, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    /** gzip -9n: best compression, no name and no time stamp in the header. */
    static void gzip(Path from, Path to) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to)) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            Files.copy(from, out);
        }
        file(to);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static Path dir(Path d) throws IOException {
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    static Path file(Path f) throws IOException {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        return f;
    }

    static Path write(Path f, String content) throws IOException {
        return Files.writeString(f, content);
    }

    static String md5(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
    }

    static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException(MISSING + " (" + e.getMessage() + ")", e);
        }
    }

    static String output(List<String> cmd) throws Exception {
        Process p = start(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd));
        }
        return out;
    }
}
