/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The record the BPF program hands to user space, one per ethtool operation.
 *
 * Java decodes it by offset (dev.ethtoolsnoop.decode.EventLayout), and a unit
 * test compiles this header with the host C compiler to pin every offset, so:
 * fixed-width fields only, widest first, explicit padding, no packing.
 */
#ifndef ETHTOOLSNOOP_H
#define ETHTOOLSNOOP_H

#define TASK_COMM_LEN 16
#define IFNAME_LEN 16
/* ancestors captured per operation, the parent first */
#define ANCESTORS 4

/* Where the operation entered the kernel. */
enum event_kind {
	KIND_IOCTL = 1,      /* SIOCETHTOOL -> dev_ethtool() */
	KIND_GENL = 2,       /* ethtool generic netlink request */
	KIND_GENL_REPLY = 3, /* syscall backend: the kernel's answer, as the caller read it */
	KIND_RTNL_WAIT = 4,  /* a task waited for RTNL at least cfg.rtnl_report_ns */
};

/* Which set of probes produced the event. */
enum event_backend {
	BACKEND_FENTRY = 1,
	BACKEND_KPROBE = 2,
	BACKEND_SYSCALL = 3,
};

/* Event flags. */
#define EVENT_F_HAS_SUB_CMD 0x1 /* ETHTOOL_PERQUEUE: sub_cmd is valid */
#define EVENT_F_HAS_DEV 0x2     /* ifindex (and the device's netns) are known */
#define EVENT_F_CMD_UNREAD 0x4  /* the command could not be read from user memory */
#define EVENT_F_SUB_UNREAD 0x8  /* nor the ETHTOOL_PERQUEUE sub-command */
/*
 * Syscall backend: the request was sent, and its result travels back in a
 * netlink answer (NLMSG_ERROR or a reply) that the caller reads with
 * recvmsg/recvfrom on sock_fd; ret is not the result yet.
 */
#define EVENT_F_AWAIT_REPLY 0x10

/* rtnl_flags: which RTNL figures of an operation are known. */
#define RTNL_F_WAITS 0x1 /* rtnl_waiters and the waits: RTNL waits are traced */
#define RTNL_F_HOLD 0x2  /* rtnl_hold_ns: this backend sees RTNL taken and released */

/* How RTNL waits are seen (config.rtnl_mode). */
enum rtnl_mode {
	RTNL_OFF = 0,
	RTNL_CONTENTION = 1, /* lock:contention_begin/end (slow path only, 5.19+) */
	RTNL_LOCK_PROBES = 2, /* probes on mutex_lock*()'s slow paths (older kernels) */
};

struct event {
	__u64 ts_ns;      /* bpf_ktime_get_ns() at entry (CLOCK_MONOTONIC) */
	__u64 latency_ns; /* entry -> return */
	__u32 tgid;       /* process id, as the kernel's init namespace sees it */
	__u32 tid;        /* thread id */
	__u32 ppid;       /* tgid of task->real_parent */
	__u32 netns;      /* inode of the device's network namespace */
	__s32 ret;        /* return value: 0 or -errno */
	__s32 ifindex;    /* 0 when the kernel did not resolve a device */
	__u32 cmd;        /* ioctl ETHTOOL_* command or genl ETHTOOL_MSG_* command */
	__u32 sub_cmd;    /* ETHTOOL_PERQUEUE sub-command */
	__u8 kind;        /* enum event_kind */
	__u8 backend;     /* enum event_backend */
	__u8 flags;       /* EVENT_F_* */
	__u8 __pad1;
	__u16 payload_len; /* bytes of netlink message after the event (syscall backend) */
	__u8 __pad2[2];
	char comm[TASK_COMM_LEN];
	char pcomm[TASK_COMM_LEN];
	char ifname[IFNAME_LEN];
	/*
	 * Syscall backend, netlink: the socket the request went out on and, in
	 * a KIND_GENL_REPLY, the answer's nlmsg_seq (ret then holds its error).
	 */
	__s32 sock_fd;
	__u32 nl_seq;
	/*
	 * RTNL. An operation: how long it held RTNL, and what that cost the
	 * other tasks that waited for it meanwhile (only the part of each wait
	 * inside the hold); peer_* then names the longest waiter. A
	 * KIND_RTNL_WAIT: ts_ns/latency_ns are the wait, tgid/tid/comm the
	 * waiter, and peer_* the task that held RTNL when the wait began; when
	 * that was an ethtool operation, peer_kind, peer_ts_ns, cmd, ifname,
	 * ifindex and netns are that operation's.
	 */
	__u64 rtnl_hold_ns;
	__u64 rtnl_wait_ns;
	__u64 rtnl_wait_max_ns;
	__u64 peer_ts_ns;
	__u32 rtnl_waiters;
	__u32 peer_tgid;
	__u32 peer_tid;
	__u8 peer_kind;   /* enum event_kind; 0: not an ethtool operation */
	__u8 rtnl_flags;  /* RTNL_F_* */
	__u8 __pad3[2];
	char peer_comm[TASK_COMM_LEN];
	/*
	 * Who really called: the caller's cgroup (v2 id: the inode of its
	 * directory in the cgroup2 hierarchy) and its ancestors at the time of
	 * the call (pid 0 past the last), which short-lived callers (a forked
	 * ethtool, the shell that ran it) no longer show afterwards.
	 */
	__u64 cgroup_id;
	struct {
		__u32 pid;
		char comm[TASK_COMM_LEN];
	} ancestors[ANCESTORS];
};

#define EVENT_SIZE 264

/*
 * The syscall backend cannot see the kernel's parsed netlink request, so it
 * appends a bounded prefix of what was sent for user space to parse: room
 * for a few requests batched in one send (each is ~40-60 bytes).
 */
#define PAYLOAD_MAX 256

struct event_with_payload {
	struct event ev;
	__u8 payload[PAYLOAD_MAX];
};

/*
 * Filters and kernel facts, written by user space before load into its own
 * read-only section (so it sits at offset 0 and the verifier sees constants).
 */
struct config {
	__u64 min_latency_ns;      /* only operations at least this slow */
	__u32 filter_netns;        /* only devices in this netns (0: any) */
	__u16 ethtool_genl_family; /* syscall backend: ethtool's nlmsg_type */
	__u8 filter_pid;           /* only tgids in the pid_filter map */
	__u8 failed_only;          /* only ret != 0 */
	__u8 ioctl_useraddr_arg;   /* dev_ethtool() takes useraddr (a554bf96b49d, v5.15) */
	__u8 rtnl_mode;            /* enum rtnl_mode */
	__u8 filter_cgroup;        /* only callers in a cgroup of the cgroup_filter map */
	__u8 __pad[5];
	char filter_comm[TASK_COMM_LEN];
	char filter_ifname[IFNAME_LEN];
	__u64 rtnl_report_ns;      /* hand over RTNL waits this long (0: none) */
};

#define CONFIG_SIZE 64

/* The probes' accounting, read by user space from its own section. */
struct counters {
	__u64 dropped;   /* operations that never reached user space */
	__u64 inflight;  /* operations begun and not yet finished */
	__u64 receiving; /* syscall backend: reads of a netlink answer in progress */
	__u64 waits_lost; /* RTNL waits (KIND_RTNL_WAIT) that never reached user space */
};

#define COUNTERS_SIZE 32

#endif /* ETHTOOLSNOOP_H */
