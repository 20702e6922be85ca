// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Runs a command the way a machine without any JDK would: PATH holds links
 * to a few named tools only, and no JAVA_HOME or JVM option variables are set.
 * For the runtime image and the package, which must need no java but their own.
 */
public final class NoJava {
    /** Only what the launcher itself runs; none of it a java. */
    public static final List<String> LAUNCHER_TOOLS = List.of("bash", "env", "readlink", "dirname");

    private final Path bin;

    private NoJava(Path bin) {
        this.bin = bin;
    }

    /** A bin directory under dir with links to these tools of /usr/bin. */
    public static NoJava in(Path dir, List<String> tools) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : tools) {
            Path link = bin.resolve(tool);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of("/usr/bin", tool).toRealPath());
        }
        return new NoJava(bin);
    }

    public ProcessBuilder command(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.put("PATH", bin.toString());
        for (String dir : env.get("PATH").split(File.pathSeparator)) {
            assertFalse(Files.exists(Path.of(dir, "java")), dir + " holds a java");
        }
        return pb;
    }
}
