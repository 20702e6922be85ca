// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Cgroup ids become what an operator calls them, or unknown. Trees are
 * directories in a temporary file system: their inode numbers stand for
 * cgroup ids, as on cgroup2.
 */
class CgroupsTest {
    static final String DOCKER_ID = "4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b";
    static final String POD_UID = "8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d";

    static final String V2_ONLY = """
            22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
            25 22 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
            """;
    static final String HYBRID = """
            30 22 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755
            31 30 0:28 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw
            32 30 0:29 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:6 - cgroup cgroup rw,xattr,name=systemd
            33 30 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:7 - cgroup cgroup rw,pids
            34 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,memory
            """;
    static final String NONE = """
            1 0 0:2 / / rw - rootfs rootfs rw
            2 1 0:3 / /proc rw,relatime - proc proc rw
            3 1 0:16 / /sys rw,relatime - sysfs sysfs rw
            """;

    @TempDir
    Path fs;
    long now;

    Cgroups cgroups(String mountinfo) throws IOException {
        Path file = fs.resolve("mountinfo");
        Files.writeString(file, mountinfo);
        return new Cgroups(file, fs, () -> now);
    }

    Path mkdir(String path) throws IOException {
        return Files.createDirectories(fs.resolve(path));
    }

    static long id(Path dir) throws IOException {
        return (Long) Files.getAttribute(dir, "unix:ino");
    }

    void proc(int pid, String cgroup) throws IOException {
        Files.writeString(mkdir("proc/" + pid).resolve("cgroup"), cgroup);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            /system.slice/node_exporter.service | node_exporter.service
            /system.slice/node_exporter.service/worker | node_exporter.service
            /user.slice/user-1000.slice/session-3.scope | session-3.scope
            /user.slice/user-1000.slice/user@1000.service/app.slice/app-foo-1234.scope | app-foo-1234.scope
            /user.slice | /user.slice
            /user.slice/user-1000.slice | /user.slice/user-1000.slice
            /init.scope | init.scope
            / | NULL
            '' | NULL
            /docker/4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b | docker:4f2a9c1b8e07
            /system.slice/docker-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope | docker:4f2a9c1b8e07
            /system.slice/docker-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope/init.scope | docker:4f2a9c1b8e07
            /system.slice/containerd.service | containerd.service
            /system.slice/cri-containerd-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope | containerd:4f2a9c1b8e07
            /machine.slice/libpod-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope | podman:4f2a9c1b8e07
            /machine.slice/libpod-conmon-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope | libpod-conmon-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope
            /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8d4f3c2a_1b0e_4f6a_9c8d_7e6f5a4b3c2d.slice/cri-containerd-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope | pod:8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d/containerd:4f2a9c1b8e07
            /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod8d4f3c2a_1b0e_4f6a_9c8d_7e6f5a4b3c2d.slice/crio-4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b.scope | pod:8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d/crio:4f2a9c1b8e07
            /kubepods.slice/kubepods-pod8d4f3c2a_1b0e_4f6a_9c8d_7e6f5a4b3c2d.slice | pod:8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d
            /kubepods/burstable/pod8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d/4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b | pod:8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d/container:4f2a9c1b8e07
            /kubepods/pod8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d/4f2a9c1b8e0711d3a0b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b | pod:8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d/container:4f2a9c1b8e07
            /kubepods/besteffort/pod8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d | pod:8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d
            /pod8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d | /pod8d4f3c2a-1b0e-4f6a-9c8d-7e6f5a4b3c2d
            /docker/4f2a9c1b8e07 | /docker/4f2a9c1b8e07
            /process_api/9cbfecdca6d4f0330b5cebb3ce294bf5 | /process_api/9cbfecdca6d4f0330b5cebb3ce294bf5
            """)
    void namesWhoRunsInAPath(String path, String expected) {
        assertEquals(expected, Cgroups.nameOfPath(path));
    }

    @Test
    void v2OnlyResolvesIdsToPathsAndNames() throws IOException {
        Path root = mkdir("sys/fs/cgroup");
        long service = id(mkdir("sys/fs/cgroup/system.slice/node_exporter.service"));
        long docker = id(mkdir("sys/fs/cgroup/system.slice/docker-" + DOCKER_ID + ".scope"));
        Cgroups c = cgroups(V2_ONLY);
        assertEquals(Optional.of("/"), c.path(id(root)));
        assertEquals(Optional.of("/system.slice/node_exporter.service"), c.path(service));
        assertEquals("node_exporter.service", c.name(service, 0));
        assertEquals("docker:4f2a9c1b8e07", c.name(docker, 1234));
        assertNull(c.name(id(root), 0), "the root names nobody");
        assertEquals(1, c.scans, "one walk found them all");
    }

    @Test
    void aMissWalksAgainAtMostOnceASecond() throws IOException {
        mkdir("sys/fs/cgroup/system.slice");
        Cgroups c = cgroups(V2_ONLY);
        now = 1_000_000_000L;
        assertEquals(Optional.empty(), c.path(424242));
        assertEquals(1, c.scans);
        long fresh = id(mkdir("sys/fs/cgroup/system.slice/run-u42.service"));
        now += 999_999_999L;
        assertEquals(Optional.empty(), c.path(fresh), "within the second: no walk");
        assertEquals(Optional.empty(), c.path(424242));
        assertEquals(1, c.scans);
        now += 1;
        assertEquals(Optional.of("/system.slice/run-u42.service"), c.path(fresh));
        assertEquals(2, c.scans);
        assertEquals(Optional.of("/system.slice/run-u42.service"), c.path(fresh));
        assertEquals(2, c.scans, "kept");
    }

    @Test
    void hybridFindsTheV2MountUnderUnified() throws IOException {
        mkdir("sys/fs/cgroup/systemd/system.slice/foo.service"); // a v1 hierarchy: not where ids live
        long service = id(mkdir("sys/fs/cgroup/unified/system.slice/foo.service"));
        Cgroups c = cgroups(HYBRID);
        assertEquals(Optional.of("/system.slice/foo.service"), c.path(service));
    }

    @Test
    void hybridNamesContainersFromTheV1Hierarchies() throws IOException {
        long root = id(mkdir("sys/fs/cgroup/unified"));
        proc(4321, """
                12:pids:/docker/%1$s
                11:memory:/docker/%1$s
                1:name=systemd:/docker/%1$s
                0::/
                """.formatted(DOCKER_ID));
        proc(4322, """
                4:memory:/process_api/9cbfecdca6d4f0330b5cebb3ce294bf5
                1:name=systemd:/
                0::/
                """);
        Cgroups c = cgroups(HYBRID);
        assertEquals("docker:4f2a9c1b8e07", c.name(root, 4321));
        assertEquals("/process_api/9cbfecdca6d4f0330b5cebb3ce294bf5", c.name(root, 4322));
        assertNull(c.name(root, 0), "no process to ask: the root says nothing");
        assertNull(c.name(root, 9999), "the process is gone");
    }

    @Test
    void hybridPrefersAV1ContainerToTheRuntimesOwnService() throws IOException {
        long shim = id(mkdir("sys/fs/cgroup/unified/system.slice/containerd.service"));
        proc(77, """
                5:cpu,cpuacct:/kubepods/besteffort/pod%s/%s
                1:name=systemd:/system.slice/containerd.service
                0::/system.slice/containerd.service
                """.formatted(POD_UID, DOCKER_ID));
        Cgroups c = cgroups(HYBRID);
        assertEquals("pod:" + POD_UID + "/container:4f2a9c1b8e07", c.name(shim, 77));
        assertEquals("containerd.service", c.name(shim, 0));
    }

    @Test
    void v1PathsOfAProcessThatLeftTheCgroupAreNotBelieved() throws IOException {
        long old = id(mkdir("sys/fs/cgroup/unified/system.slice/old.scope"));
        mkdir("sys/fs/cgroup/unified/system.slice/new.scope");
        proc(55, """
                1:name=systemd:/docker/%s
                0::/system.slice/new.scope
                """.formatted(DOCKER_ID));
        Cgroups c = cgroups(HYBRID);
        assertEquals("old.scope", c.name(old, 55), "the process moved: its v1 cgroups are another's");
    }

    @Test
    void theProcessesV2LineResolvesANewCgroupWithoutAWalk() throws IOException {
        mkdir("sys/fs/cgroup/unified");
        Cgroups c = cgroups(HYBRID);
        assertEquals(Optional.empty(), c.path(1));
        long fresh = id(mkdir("sys/fs/cgroup/unified/system.slice/docker-" + DOCKER_ID + ".scope"));
        proc(66, "0::/system.slice/docker-" + DOCKER_ID + ".scope\n");
        assertEquals("docker:4f2a9c1b8e07", c.name(fresh, 66));
        assertEquals(1, c.scans, "found through /proc within the second after a walk");
    }

    @Test
    void withoutACgroupFileSystemEverythingIsUnknown() throws IOException {
        long dir = id(mkdir("sys/fs/cgroup/system.slice/foo.service"));
        proc(1, "0::/system.slice/foo.service\n");
        Cgroups c = cgroups(NONE);
        assertEquals(Optional.empty(), c.path(dir));
        assertNull(c.name(dir, 1));
        assertEquals(0, c.scans);
    }

    @Test
    void anUnreadableMountinfoIsNoCgroupFileSystem() {
        Cgroups c = new Cgroups(fs.resolve("missing"), fs);
        assertEquals(Optional.empty(), c.path(1));
        assertNull(c.name(1, 1));
    }

    @Test
    void mountPointsAreUnescaped() throws IOException {
        long dir = id(mkdir("sys/fs/my cgroup/a.service"));
        Cgroups c = cgroups("25 22 0:24 / /sys/fs/my\\040cgroup rw shared:4 - cgroup2 cgroup2 rw\n");
        assertEquals(Optional.of("/a.service"), c.path(dir));
    }
}
