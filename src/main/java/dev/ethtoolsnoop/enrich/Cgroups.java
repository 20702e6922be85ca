// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What an operator calls the cgroup a caller ran in: a systemd unit, a
 * container, a Kubernetes pod, else its path; unknown when that cannot be
 * told.
 *
 * <p>Events carry the caller's cgroup v2 id, the inode number of its
 * directory in the cgroup2 hierarchy. Ids are turned into paths by walking
 * that hierarchy and kept: a cgroup keeps its id for life. A miss walks the
 * tree again (new cgroups appear), at most once a second, so that a burst of
 * events from a cgroup that is gone costs one walk; a caller still running
 * leads to its new cgroup without one, through the v2 line of its
 * /proc/PID/cgroup, believed once its directory has the event's id.
 *
 * <p>On hybrid hosts runtimes may name containers only in the v1
 * hierarchies, while the v2 cgroup is "/" or a slice or the runtime's own
 * service. There the caller's /proc/PID/cgroup is read too, and its v1 paths
 * are believed only while its v2 line still shows the event's cgroup: a
 * process that moved, or a pid reused since, would name someone else.
 *
 * <p>Not thread-safe: one thread drains the events.
 */
public final class Cgroups {
    /** Ids kept resolved; the least recently used one is let go. */
    static final int MAX_CACHED = 4096;
    /** A miss walks the tree again at most this often; a read of /proc/PID/cgroup is kept as long. */
    static final long RESCAN_NS = 1_000_000_000L;

    /** How much a name tells, least first. */
    private enum Rank {
        PATH, UNIT, CONTAINER
    }

    private record Name(String text, Rank rank) {
    }

    private record Cgroup(String path, Name name) {
    }

    private record ProcKey(long id, int pid) {
    }

    /** A mountinfo line's root (the part of the file system shown), mount point and file system type. */
    private record Mount(String root, String point, String type) {
    }

    /** @param v1 the most telling name among the v1 paths; null if none, or if the process left the cgroup */
    private record ProcView(Name v1, long readAt) {
    }

    /** Unit types that hold processes; a slice only groups them, so it names nobody in particular. */
    private static final List<String> UNIT_SUFFIXES = List.of(".service", ".scope", ".socket", ".mount", ".swap");
    /** Runtimes' systemd scopes, prefix then the label shown; "-conmon-" monitors fail the hex check. */
    private static final String[][] SCOPE_RUNTIMES = {
            {"docker-", "docker"}, {"cri-containerd-", "containerd"}, {"crio-", "crio"}, {"libpod-", "podman"}};
    /** v1 hierarchies in the order their names are preferred when equally telling. */
    private static final List<String> V1_PREFERRED = List.of("name=systemd", "pids", "cpu", "memory");
    private static final int SHORT_ID = 12;

    private final Path root;
    private final boolean hybrid;
    private final Path proc;
    private final LongSupplier clock;
    private final Map<Long, Cgroup> cgroups = lru();
    private final Map<ProcKey, ProcView> procViews = lru();
    private boolean scanned;
    private long lastScan;
    /** Walks of the tree so far. */
    int scans;

    /**
     * @param mountinfo a mountinfo file, to find the cgroup2 mount in
     * @param fsRoot    where its mount points and /proc are found: "/" on the host
     */
    public Cgroups(Path mountinfo, Path fsRoot) {
        this(mountinfo, fsRoot, System::nanoTime);
    }

    Cgroups(Path mountinfo, Path fsRoot, LongSupplier clock) {
        this.clock = clock;
        this.proc = fsRoot.resolve("proc");
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            lines = List.of();
        }
        Mount v2 = null;
        boolean v1 = false;
        for (String line : lines) {
            Mount m = mount(line);
            if (m == null) {
                continue;
            }
            if (m.type().equals("cgroup")) {
                v1 = true;
            } else if (m.type().equals("cgroup2") && (v2 == null || !v2.root().equals("/") && m.root().equals("/"))) {
                // a bind mount of a sub-tree would give paths relative to it: the whole tree is preferred
                v2 = m;
            }
        }
        this.root = v2 == null ? null : fsRoot.resolve(v2.point().substring(1));
        this.hybrid = v1 && v2 != null;
    }

    /** The running system's cgroups. */
    /**
     * --cgroup: the ids of the cgroup at path (relative to the cgroup2 root,
     * or a directory under its mount) and of every cgroup below it now;
     * empty when there is no such cgroup.
     */
    public java.util.Set<Long> subtree(String path) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        if (root == null) {
            return ids;
        }
        Path dir = path.startsWith(root.toString() + "/") ? Path.of(path) : root.resolve(path.replaceFirst("^/+", ""));
        if (!dir.normalize().startsWith(root) || !java.nio.file.Files.isDirectory(dir)) {
            return ids;
        }
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
            all.filter(java.nio.file.Files::isDirectory).forEach(d -> {
                try {
                    ids.add(((Number) java.nio.file.Files.getAttribute(d, "unix:ino")).longValue());
                } catch (java.io.IOException | UnsupportedOperationException e) {
                    // gone meanwhile: not in the subtree any more
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return ids;
        }
        return ids;
    }

    public static Cgroups ofSystem() {
        return new Cgroups(Path.of("/proc/self/mountinfo"), Path.of("/"));
    }

    /**
     * A cgroup's path relative to the cgroup2 root ("/" for the root itself);
     * empty when there is no cgroup2 mount or no cgroup has that id (any more).
     */
    public Optional<String> path(long id) {
        Cgroup c = resolve(id);
        return c == null ? Optional.empty() : Optional.of(c.path());
    }

    /**
     * The most telling name of a caller's cgroup: a container or pod
     * ("docker:4f2a9c1b8e07", "pod:&lt;uid&gt;/containerd:&lt;12 hex&gt;"), else a
     * systemd unit ("node_exporter.service"), else the cgroup's path; null
     * when nothing is known, or nothing but the root.
     *
     * @param pid the caller's process, to read its v1 cgroups on hybrid hosts; 0 if none
     */
    public String name(long id, int pid) {
        if (root == null || id == 0) {
            return null;
        }
        Cgroup c = cgroups.get(id);
        if (c != null && c.name() != null && c.name().rank() == Rank.CONTAINER) {
            return c.name().text();
        }
        Name v1 = null;
        // v2-only, the file holds nothing but the v2 path: worth reading only for an id not known yet
        if (pid > 0 && (c == null || hybrid)) {
            v1 = procView(id, pid, c).v1();
            c = cgroups.get(id); // the read may have found the cgroup
        }
        if (c == null) {
            c = resolve(id);
        }
        Name v2 = c == null ? null : c.name();
        Name best = v1 != null && (v2 == null || v1.rank().compareTo(v2.rank()) > 0) ? v1 : v2;
        return best == null ? null : best.text();
    }

    /**
     * What a cgroup path says about who runs in it: a container (and its pod),
     * else the deepest systemd unit, else the path itself; null for the root.
     */
    static String nameOfPath(String path) {
        Name n = classify(path);
        return n == null ? null : n.text();
    }

    private Cgroup resolve(long id) {
        if (root == null || id == 0) {
            return null;
        }
        Cgroup c = cgroups.get(id);
        if (c != null) {
            return c;
        }
        long now = clock.getAsLong();
        if (scanned && now - lastScan < RESCAN_NS) {
            return null;
        }
        scanned = true;
        lastScan = now;
        Map<Long, String> found = walk();
        String path = found.get(id);
        // a tree larger than the cache would only evict itself: then keep just the answer
        if (found.size() <= MAX_CACHED) {
            for (Map.Entry<Long, String> e : found.entrySet()) {
                remember(e.getKey(), e.getValue());
            }
        }
        return path == null ? null : remember(id, path);
    }

    private Map<Long, String> walk() {
        scans++;
        Map<Long, String> found = new HashMap<>();
        Long rootIno = inode(root);
        if (rootIno == null) {
            return found;
        }
        found.put(rootIno, "/");
        ArrayDeque<Path> dirs = new ArrayDeque<>();
        dirs.push(root);
        while (!dirs.isEmpty()) {
            Path dir = dirs.pop();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    Map<String, Object> a;
                    try {
                        a = Files.readAttributes(p, "unix:ino,isDirectory", LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException | RuntimeException e) {
                        continue; // removed meanwhile
                    }
                    if (Boolean.TRUE.equals(a.get("isDirectory"))) {
                        found.put((Long) a.get("ino"), "/" + root.relativize(p));
                        dirs.push(p);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // removed meanwhile: its children went with it
            }
        }
        return found;
    }

    private Cgroup remember(long id, String path) {
        Cgroup c = new Cgroup(path, classify(path));
        cgroups.put(id, c);
        return c;
    }

    /**
     * The caller's /proc/PID/cgroup, kept for {@link #RESCAN_NS}: its v1
     * names count only if its v2 line is the event's cgroup. A v2 line that
     * resolves to the event's id also gives the id's path without a walk.
     */
    private ProcView procView(long id, int pid, Cgroup known) {
        ProcKey key = new ProcKey(id, pid);
        long now = clock.getAsLong();
        ProcView v = procViews.get(key);
        if (v != null && now - v.readAt() < RESCAN_NS) {
            return v;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve(Integer.toString(pid)).resolve("cgroup"));
        } catch (IOException | RuntimeException e) {
            lines = List.of(); // gone: nothing to learn
        }
        String v2Path = null;
        Name v1 = null;
        int v1Preference = Integer.MAX_VALUE;
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                v2Path = f[2];
                continue;
            }
            Name n = classify(f[2]);
            if (n == null) {
                continue;
            }
            int preference = preference(f[1]);
            if (v1 == null || n.rank().compareTo(v1.rank()) > 0
                    || n.rank() == v1.rank() && preference < v1Preference) {
                v1 = n;
                v1Preference = preference;
            }
        }
        boolean stayed = false;
        if (v2Path != null) {
            if (known != null) {
                stayed = known.path().equals(v2Path);
            } else if (!v2Path.contains("/..")) {
                Long ino = inode(root.resolve(v2Path.substring(Math.min(1, v2Path.length()))));
                if (ino != null && ino == id) {
                    remember(id, v2Path);
                    stayed = true;
                }
            }
        }
        v = new ProcView(stayed ? v1 : null, now);
        procViews.put(key, v);
        return v;
    }

    private static int preference(String controllers) {
        int best = V1_PREFERRED.size();
        for (String c : controllers.split(",")) {
            int i = V1_PREFERRED.indexOf(c);
            if (i >= 0) {
                best = Math.min(best, i);
            }
        }
        return best;
    }

    private static Name classify(String path) {
        if (path == null) {
            return null;
        }
        String[] parts = path.split("/");
        String pod = null;
        String container = null;
        String unit = null;
        boolean kubepods = false;
        boolean docker = false;
        boolean any = false;
        for (String e : parts) {
            if (e.isEmpty()) {
                continue;
            }
            any = true;
            String uid = podUid(e, kubepods);
            if (uid != null) {
                pod = uid;
                container = null; // a container is named below its pod
            } else if (isHex64(e)) {
                // cgroupfs drivers: the runtime shows only as the parent; under kubepods it could be any of them
                container = (docker ? "docker:" : "container:") + e.substring(0, SHORT_ID);
            } else {
                String scoped = scopedContainer(e);
                if (scoped != null) {
                    container = scoped;
                } else if (isUnit(e)) {
                    unit = e;
                }
            }
            kubepods |= e.equals("kubepods") || e.startsWith("kubepods-") || e.startsWith("kubepods.");
            docker = e.equals("docker");
        }
        if (!any) {
            return null;
        }
        if (pod != null || container != null) {
            String text = pod == null ? container : container == null ? "pod:" + pod : "pod:" + pod + "/" + container;
            return new Name(text, Rank.CONTAINER);
        }
        return unit != null ? new Name(unit, Rank.UNIT) : new Name(path, Rank.PATH);
    }

    /** "kubepods-burstable-pod&lt;uid with _&gt;.slice" (systemd driver) or "pod&lt;uid&gt;" below kubepods (cgroupfs). */
    private static String podUid(String e, boolean underKubepods) {
        String uid = null;
        if (e.startsWith("kubepods-") && e.endsWith(".slice")) {
            int at = e.lastIndexOf("-pod");
            if (at >= 0) {
                uid = e.substring(at + 4, e.length() - ".slice".length()).replace('_', '-');
            }
        } else if (underKubepods && e.startsWith("pod")) {
            uid = e.substring(3);
        }
        // a UUID, or a static pod's 32-hex hash
        return uid != null && (uid.length() == 36 || uid.length() == 32) && hexOrDash(uid) ? uid : null;
    }

    private static String scopedContainer(String e) {
        if (!e.endsWith(".scope")) {
            return null;
        }
        for (String[] r : SCOPE_RUNTIMES) {
            if (e.startsWith(r[0])) {
                String id = e.substring(r[0].length(), e.length() - ".scope".length());
                return isHex64(id) ? r[1] + ":" + id.substring(0, SHORT_ID) : null;
            }
        }
        return null;
    }

    private static boolean isUnit(String e) {
        for (String s : UNIT_SUFFIXES) {
            if (e.length() > s.length() && e.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHex64(String s) {
        return s.length() == 64 && hexOrDash(s) && s.indexOf('-') < 0;
    }

    private static boolean hexOrDash(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static Long inode(Path p) {
        try {
            return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A mountinfo line's mount; null if the line is not one. The optional fields end at " - ". */
    private static Mount mount(String line) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (dash < 0 || dash + 1 >= f.length || !f[4].startsWith("/")) {
            return null;
        }
        return new Mount(unescape(f[3]), unescape(f[4]), f[dash + 1]);
    }

    /** The kernel writes space, tab, newline and backslash in paths as \ooo. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_CACHED;
            }
        };
    }
}
