// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.decode;

import dev.ethtoolsnoop.support.CProgram;
import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.loader.ConfigLayout;
import dev.ethtoolsnoop.loader.CountersLayout;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the Java offsets to bpf/ethtoolsnoop.h: compiles a probe program with
 * the host C compiler and compares every offsetof()/sizeof() with ours.
 */
class EventLayoutTest {
    private static final Path HEADER = Path.of("bpf/ethtoolsnoop.h").toAbsolutePath();

    private static Map<String, Long> cLayout() throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include <linux/types.h>
                #include "%s"
                #define E(f) printf("event.%%s %%zu\\n", #f, offsetof(struct event, f));
                #define C(f) printf("config.%%s %%zu\\n", #f, offsetof(struct config, f));
                #define K(f) printf("counters.%%s %%zu\\n", #f, offsetof(struct counters, f));
                int main(void) {
                """.formatted(HEADER));
        for (String f : List.of("ts_ns", "latency_ns", "tgid", "tid", "ppid", "netns", "ret", "ifindex", "cmd",
                "sub_cmd", "kind", "backend", "flags", "payload_len", "comm", "pcomm", "ifname", "sock_fd", "nl_seq",
                "rtnl_hold_ns", "rtnl_wait_ns", "rtnl_wait_max_ns", "peer_ts_ns", "rtnl_waiters", "peer_tgid",
                "peer_tid", "peer_kind", "rtnl_flags", "peer_comm", "cgroup_id", "ancestors", "ancestors[1]")) {
            c.append("E(").append(f).append(")\n");
        }
        for (String f : List.of("min_latency_ns", "filter_netns", "ethtool_genl_family", "filter_pid", "failed_only",
                "ioctl_useraddr_arg", "rtnl_mode", "filter_cgroup", "filter_comm", "filter_ifname",
                "rtnl_report_ns")) {
            c.append("C(").append(f).append(")\n");
        }
        c.append("K(dropped)\nK(inflight)\nK(receiving)\nK(waits_lost)\n");
        c.append("printf(\"rtnl.F_WAITS %d\\n\", RTNL_F_WAITS);\nprintf(\"rtnl.F_HOLD %d\\n\", RTNL_F_HOLD);\n");
        c.append("printf(\"rtnl.CONTENTION %d\\n\", RTNL_CONTENTION);\nprintf(\"rtnl.LOCK_PROBES %d\\n\", RTNL_LOCK_PROBES);\n");
        for (String f : List.of("HAS_SUB_CMD", "HAS_DEV", "CMD_UNREAD", "SUB_UNREAD", "AWAIT_REPLY")) {
            c.append("printf(\"flag.").append(f).append(" %d\\n\", EVENT_F_").append(f).append(");\n");
        }
        c.append("printf(\"kind.GENL_REPLY %d\\n\", KIND_GENL_REPLY);\n");
        c.append("printf(\"kind.RTNL_WAIT %d\\n\", KIND_RTNL_WAIT);\n");
        c.append("""
                printf("event.SIZE %zu\\n", sizeof(struct event));
                printf("event.EVENT_SIZE %d\\n", EVENT_SIZE);
                printf("event.PAYLOAD_MAX %d\\n", PAYLOAD_MAX);
                printf("event.with_payload %zu\\n", sizeof(struct event_with_payload));
                printf("config.SIZE %zu\\n", sizeof(struct config));
                printf("config.CONFIG_SIZE %d\\n", CONFIG_SIZE);
                printf("counters.SIZE %zu\\n", sizeof(struct counters));
                printf("counters.COUNTERS_SIZE %d\\n", COUNTERS_SIZE);
                return 0; }
                """);
        Map<String, Long> m = new HashMap<>();
        for (String line : CProgram.output(c.toString()).split("\n")) {
            String[] kv = line.split(" ");
            m.put(kv[0], Long.parseLong(kv[1]));
        }
        return m;
    }

    @Test
    void javaOffsetsMatchTheCHeader() throws Exception {
        LiveGate.require(Files.isExecutable(Path.of("/usr/bin/gcc")), "needs gcc to compile bpf/ethtoolsnoop.h");
        Map<String, Long> c = cLayout();
        Map<String, Integer> java = new HashMap<>();
        java.put("event.ts_ns", EventLayout.TS_NS);
        java.put("event.latency_ns", EventLayout.LATENCY_NS);
        java.put("event.tgid", EventLayout.TGID);
        java.put("event.tid", EventLayout.TID);
        java.put("event.ppid", EventLayout.PPID);
        java.put("event.netns", EventLayout.NETNS);
        java.put("event.ret", EventLayout.RET);
        java.put("event.ifindex", EventLayout.IFINDEX);
        java.put("event.cmd", EventLayout.CMD);
        java.put("event.sub_cmd", EventLayout.SUB_CMD);
        java.put("event.kind", EventLayout.KIND);
        java.put("event.backend", EventLayout.BACKEND);
        java.put("event.flags", EventLayout.FLAGS);
        java.put("event.payload_len", EventLayout.PAYLOAD_LEN);
        java.put("event.comm", EventLayout.COMM);
        java.put("event.pcomm", EventLayout.PCOMM);
        java.put("event.ifname", EventLayout.IFNAME);
        java.put("event.sock_fd", EventLayout.SOCK_FD);
        java.put("event.nl_seq", EventLayout.NL_SEQ);
        java.put("event.rtnl_hold_ns", EventLayout.RTNL_HOLD_NS);
        java.put("event.rtnl_wait_ns", EventLayout.RTNL_WAIT_NS);
        java.put("event.rtnl_wait_max_ns", EventLayout.RTNL_WAIT_MAX_NS);
        java.put("event.peer_ts_ns", EventLayout.PEER_TS_NS);
        java.put("event.rtnl_waiters", EventLayout.RTNL_WAITERS);
        java.put("event.peer_tgid", EventLayout.PEER_TGID);
        java.put("event.peer_tid", EventLayout.PEER_TID);
        java.put("event.peer_kind", EventLayout.PEER_KIND);
        java.put("event.rtnl_flags", EventLayout.RTNL_FLAGS);
        java.put("event.peer_comm", EventLayout.PEER_COMM);
        java.put("event.cgroup_id", EventLayout.CGROUP_ID);
        java.put("event.ancestors", EventLayout.ANCESTORS);
        java.put("event.ancestors[1]", EventLayout.ANCESTORS + EventLayout.ANCESTOR_SIZE);
        java.put("rtnl.F_WAITS", EventLayout.RTNL_F_WAITS);
        java.put("rtnl.F_HOLD", EventLayout.RTNL_F_HOLD);
        java.put("rtnl.CONTENTION", ConfigLayout.RTNL_CONTENTION);
        java.put("rtnl.LOCK_PROBES", ConfigLayout.RTNL_LOCK_PROBES);
        java.put("kind.RTNL_WAIT", dev.ethtoolsnoop.decode.Kind.RTNL_WAIT.code());
        java.put("flag.HAS_SUB_CMD", EventLayout.F_HAS_SUB_CMD);
        java.put("flag.HAS_DEV", EventLayout.F_HAS_DEV);
        java.put("flag.CMD_UNREAD", EventLayout.F_CMD_UNREAD);
        java.put("flag.SUB_UNREAD", EventLayout.F_SUB_UNREAD);
        java.put("flag.AWAIT_REPLY", EventLayout.F_AWAIT_REPLY);
        java.put("kind.GENL_REPLY", dev.ethtoolsnoop.decode.Kind.GENL_REPLY.code());
        java.put("event.SIZE", EventLayout.SIZE);
        java.put("event.EVENT_SIZE", EventLayout.SIZE);
        java.put("event.PAYLOAD_MAX", EventLayout.PAYLOAD_MAX);
        java.put("event.with_payload", EventLayout.SIZE + EventLayout.PAYLOAD_MAX);
        java.put("config.min_latency_ns", ConfigLayout.MIN_LATENCY_NS);
        java.put("config.filter_netns", ConfigLayout.FILTER_NETNS);
        java.put("config.ethtool_genl_family", ConfigLayout.ETHTOOL_GENL_FAMILY);
        java.put("config.filter_pid", ConfigLayout.FILTER_PID);
        java.put("config.failed_only", ConfigLayout.FAILED_ONLY);
        java.put("config.ioctl_useraddr_arg", ConfigLayout.IOCTL_USERADDR_ARG);
        java.put("config.filter_comm", ConfigLayout.FILTER_COMM);
        java.put("config.filter_ifname", ConfigLayout.FILTER_IFNAME);
        java.put("config.rtnl_mode", ConfigLayout.RTNL_MODE);
        java.put("config.filter_cgroup", ConfigLayout.FILTER_CGROUP);
        java.put("config.rtnl_report_ns", ConfigLayout.RTNL_REPORT_NS);
        java.put("config.SIZE", ConfigLayout.SIZE);
        java.put("config.CONFIG_SIZE", ConfigLayout.SIZE);
        java.put("counters.dropped", CountersLayout.DROPPED);
        java.put("counters.inflight", CountersLayout.INFLIGHT);
        java.put("counters.receiving", CountersLayout.RECEIVING);
        java.put("counters.waits_lost", CountersLayout.WAITS_LOST);
        java.put("counters.SIZE", CountersLayout.SIZE);
        java.put("counters.COUNTERS_SIZE", CountersLayout.SIZE);
        assertEquals(java.keySet(), c.keySet());
        for (var e : java.entrySet()) {
            assertEquals((long) e.getValue(), c.get(e.getKey()), e.getKey());
        }
    }
}
