// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.enrich;

import dev.ethtoolsnoop.ffi.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Link monitors on rtnetlink sockets. A socket belongs to the network
 * namespace it was created in: for a namespace other than ours, the calling
 * thread enters it (setns on /proc/TGID/ns/net of the sender, checked to be
 * the event's namespace) just to create the sockets, then returns.
 */
final class NetnsLinks implements LinkSource {
    private static final int NETLINK_ROUTE = 0;
    private static final int RTMGRP_LINK = 1;
    private static final int RTM_GETLINK = 18;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_DUMP = 0x300;
    private static final short NLM_F_DUMP_INTR = 0x10;
    private static final short IFLA_EXT_MASK = 29;
    private static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    private static final int SOCKADDR_NL_LEN = 12;
    private static final int BUF = 64 * 1024;
    private static final int MAX_READS = 100_000;
    private static final Pattern NS_LINK = Pattern.compile("net:\\[(\\d+)]");

    private final long ownNetns;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(BUF, 8);
    private final byte[] heap = new byte[BUF];
    private final MemorySegment pollfd = arena.allocate(8, 4);
    private final MemorySegment links = arena.allocate(SOCKADDR_NL_LEN, 4);
    /** open(2), a variadic downcall: made when another namespace is first met, not at every start. */
    private Libc.open open;
    private int ownNsFd = -1;
    private int seq;

    NetnsLinks(long ownNetns) {
        this.ownNetns = ownNetns;
        links.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK());
        links.set(ValueLayout.JAVA_INT, 8, RTMGRP_LINK);
    }

    @Override
    public Monitor open(long netns, int tgid) {
        if (netns == ownNetns) {
            return create();
        }
        if (tgid <= 0) {
            return null;
        }
        int fd = openPath("/proc/" + tgid + "/ns/net");
        if (fd < 0) {
            return null; // the sender is gone: nothing leads to its namespace any more
        }
        try {
            // the pid may have been reused by a process elsewhere
            if (namespaceOf(Path.of("/proc/self/fd/" + fd)) != netns) {
                return null;
            }
            if (ownNsFd < 0) {
                ownNsFd = openPath("/proc/thread-self/ns/net");
                if (ownNsFd < 0 || namespaceOf(Path.of("/proc/self/fd/" + ownNsFd)) != ownNetns) {
                    return null;
                }
            }
            if (Libc.setns(fd, Libc.CLONE_NEWNET()) != 0) {
                return null;
            }
            try {
                return create();
            } finally {
                if (Libc.setns(ownNsFd, Libc.CLONE_NEWNET()) != 0) {
                    throw new IllegalStateException("cannot return to our own network namespace");
                }
            }
        } finally {
            Libc.close(fd);
        }
    }

    private int openPath(String path) {
        if (open == null) {
            open = Libc.open.makeInvoker();
        }
        try (Arena a = Arena.ofConfined()) {
            return open.apply(a.allocateFrom(path), Libc.O_RDONLY() | Libc.O_CLOEXEC());
        }
    }

    static long namespaceOf(Path nsLink) {
        try {
            Matcher m = NS_LINK.matcher(Files.readSymbolicLink(nsLink).toString());
            return m.matches() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** Two sockets of the calling thread's namespace: the monitor (subscribed first), and one for dumps. */
    private Monitor create() {
        int mon = Libc.socket(Libc.AF_NETLINK(),
                Libc.SOCK_RAW() | Libc.SOCK_CLOEXEC() | Libc.SOCK_NONBLOCK(), NETLINK_ROUTE);
        if (mon < 0) {
            return null;
        }
        int dump = Libc.socket(Libc.AF_NETLINK(), Libc.SOCK_RAW() | Libc.SOCK_CLOEXEC(), NETLINK_ROUTE);
        if (Libc.bind(mon, links, SOCKADDR_NL_LEN) != 0 || dump < 0) {
            Libc.close(mon);
            if (dump >= 0) {
                Libc.close(dump);
            }
            return null;
        }
        return new RouteMonitor(mon, dump);
    }

    private final class RouteMonitor implements Monitor {
        private final int mon;
        private final int dump;

        RouteMonitor(int mon, int dump) {
            this.mon = mon;
            this.dump = dump;
        }

        @Override
        public boolean dump(Consumer<LinkMessage> sink) {
            for (int attempt = 0; attempt < 4; attempt++) {
                java.util.List<LinkMessage> all = new java.util.ArrayList<>();
                int r = dumpOnce(all::add);
                if (r > 0) {
                    all.forEach(sink);
                    return true;
                }
                if (r < 0) {
                    return false;
                }
                // 0: the list changed while it was read (NLM_F_DUMP_INTR): read it again
            }
            return false;
        }

        /** 1: read whole; 0: interrupted by a change; -1: failed. */
        private int dumpOnce(Consumer<LinkMessage> sink) {
            int len = 16 + 16 + 8;
            ByteBuffer req = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
            req.putInt(len).putShort((short) RTM_GETLINK).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                    .putInt(++seq).putInt(0);
            req.put(new byte[16]); // ifinfomsg, AF_UNSPEC: every device
            req.putShort((short) 8).putShort(IFLA_EXT_MASK).putInt(RTEXT_FILTER_SKIP_STATS);
            MemorySegment.copy(MemorySegment.ofArray(req.array()), 0, buf, 0, len);
            // unconnected, a netlink socket sends to the kernel (port 0); send()
            // shares recv()'s signature, so the two share one downcall stub
            if (Libc.send(dump, buf, len, 0) != len) {
                return -1;
            }
            boolean interrupted = false;
            while (true) {
                long n = Libc.recv(dump, buf, BUF, 0);
                if (n <= 0) {
                    return -1;
                }
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, heap, 0, (int) n);
                interrupted |= anyInterrupted((int) n);
                LinkMessage.End end = LinkMessage.parse(heap, (int) n, sink);
                if (end == LinkMessage.End.DONE) {
                    return interrupted ? 0 : 1;
                }
                if (end == LinkMessage.End.ERROR) {
                    return -1;
                }
            }
        }

        private boolean anyInterrupted(int n) {
            ByteBuffer b = ByteBuffer.wrap(heap, 0, n).order(ByteOrder.nativeOrder());
            for (int pos = 0; pos + 16 <= n; ) {
                int len = b.getInt(pos);
                if ((b.getShort(pos + 6) & NLM_F_DUMP_INTR) != 0) {
                    return true;
                }
                if (len < 16) {
                    break;
                }
                pos += (len + 3) & ~3;
            }
            return false;
        }

        @Override
        public boolean drain(Consumer<LinkMessage> sink) {
            boolean whole = true;
            for (int reads = 0; ; reads++) {
                if (reads == MAX_READS) {
                    return false; // changing faster than it can be read: as good as dropped
                }
                pollfd.set(ValueLayout.JAVA_INT, 0, mon);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) Libc.POLLIN());
                pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                if (Libc.poll(pollfd, 1, 0) <= 0) {
                    return whole;
                }
                short revents = pollfd.get(ValueLayout.JAVA_SHORT, 6);
                if ((revents & Libc.POLLERR()) != 0) {
                    // ENOBUFS: notifications were dropped. recv reports (and clears) it;
                    // the kernel delivers again once the queue has been emptied.
                    whole = false;
                    Libc.recv(mon, buf, BUF, 0);
                    continue;
                }
                if ((revents & Libc.POLLIN()) == 0) {
                    return whole;
                }
                long n = Libc.recv(mon, buf, BUF, 0);
                if (n < 0) {
                    whole = false; // an error arrived between poll and recv: the same overflow
                    continue;
                }
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, heap, 0, (int) n);
                LinkMessage.parse(heap, (int) n, sink);
            }
        }

        @Override
        public void close() {
            Libc.close(mon);
            Libc.close(dump);
        }
    }
}
