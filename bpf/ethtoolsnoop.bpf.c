// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ethtoolsnoop: trace every ethtool operation (SIOCETHTOOL ioctl and ethtool
 * generic netlink requests) with its caller, device, latency and result.
 *
 * One object, three backends; user space enables one set of programs:
 *   fentry/fexit    BPF trampolines (cheapest; needs BPF_PROG_TYPE_TRACING)
 *   kprobe/kretprobe
 *   syscall         syscall tracepoints, for kernels with neither of the above
 *
 * Entry and return are joined per thread in a hash map keyed by pid_tgid: a
 * handler may sleep and migrate CPUs, so per-CPU storage would mix threads.
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
/* our struct pt_regs below uses the kernel's field names, as vmlinux.h would */
#define __VMLINUX_H__
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "ethtoolsnoop.h"

/*
 * The few kernel types we touch, CO-RE style: libbpf relocates every field
 * access against the running kernel's BTF, so no vmlinux.h is needed.
 */
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
} __attribute__((preserve_access_index));

struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} __attribute__((preserve_access_index)) possible_net_t;

struct net_device {
	char name[16];
	int ifindex;
	possible_net_t nd_net;
} __attribute__((preserve_access_index));

struct ifreq {
	union {
		char ifrn_name[16];
	} ifr_ifrn;
	union {
		void *ifru_data;
	} ifr_ifru;
} __attribute__((preserve_access_index));

struct genlmsghdr {
	__u8 cmd;
} __attribute__((preserve_access_index));

struct genl_info {
	struct genlmsghdr *genlhdr;
} __attribute__((preserve_access_index));

struct ethnl_req_info {
	struct net_device *dev;
} __attribute__((preserve_access_index));

struct nsproxy {
	struct net *net_ns;
} __attribute__((preserve_access_index));

struct sock_common {
	unsigned short skc_family;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
} __attribute__((preserve_access_index));

struct file;

struct socket {
	struct file *file;
	struct sock *sk;
} __attribute__((preserve_access_index));

struct file {
	void *private_data;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	char comm[16];
	struct nsproxy *nsproxy;
	struct files_struct *files;
} __attribute__((preserve_access_index));

struct sk_buff;

struct list_head {
	struct list_head *next;
} __attribute__((preserve_access_index));

typedef struct {
	long counter;
} atomic_long_t;

struct mutex {
	atomic_long_t owner; /* the owning task; the low bits are flags */
	struct list_head wait_list;
} __attribute__((preserve_access_index));

struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* v7.1 ("locking/mutex: Remove the list_head from struct mutex"): the waiters' ring, by its first */
struct mutex___first_waiter {
	struct mutex_waiter *first_waiter;
} __attribute__((preserve_access_index));

const volatile struct config cfg SEC(".rodata.config") = {};

#define SIOCETHTOOL 0x8946
#define ETHTOOL_PERQUEUE 0x4b
#define AF_NETLINK 16
#define NETLINK_GENERIC 16
#define NLMSG_HDRLEN 16

/*
 * One stretch of an operation holding RTNL. Waits are accounted without
 * walking the waiters when it ends: while an operation holds RTNL nobody
 * else can take it, so every task waiting when the stretch began, or
 * arriving during it, waits until it ends (or gives up: a killable wait).
 * The waits inside the stretch then sum to
 *   present * (end - start) + arrived * end - sum(arrival times)
 * minus, per abandoned wait, end - (when it gave up).
 */
struct rtnl_stretch {
	__u64 start;       /* when it took RTNL; 0: not holding, or not seen */
	__u64 sum_arrival; /* sum of the arrivals' wait start times */
	__u64 first_arrival;
	__u64 released;    /* syscall backend: a waiter took RTNL after it, so it let go by then */
	__u64 sum_gave_up; /* sum of the times abandoned waits ended */
	__u32 present;     /* tasks waiting when it took RTNL */
	__u32 arrived;     /* tasks that began to wait while it held RTNL */
	__u32 gave_up;
	__u32 longest_tgid; /* the earliest waiter: the queue's head, else the first arrival */
	char longest_comm[TASK_COMM_LEN];
};

struct pending {
	struct event ev;
	__u8 payload[PAYLOAD_MAX];  /* syscall backend: netlink message prefix */
	__u64 req;                  /* kprobe backend: ethnl_req_info * saved at parse entry */
	__u64 useraddr;             /* ioctl: where the command word is, to read it again at exit */
	struct rtnl_stretch rtnl;
};

/* The insert template: a struct pending is too big for the BPF stack. */
static const struct pending zero_pending;

/*
 * What user space reads to account for every operation (its own section:
 * mmapped, and no guessing where it sits in .bss; layout in ethtoolsnoop.h).
 * dropped: operations that never reached user space: the perf buffer was
 * full, more threads were in flight than pending holds, or the exit probe of
 * an operation never ran (a kretprobe out of instances, a trampoline program
 * skipped by the kernel's recursion guard while another task was preempted
 * inside it), found when its thread starts the next one. The perf buffer's
 * own lost records only arrive with the next sample written to that CPU, so
 * after a burst they may never come; this count is exact.
 * inflight: operations begun and not finished; the syscall backend's exit
 * programs, which run for every system call, return on it without a map
 * lookup, and what is left after detaching was never finished either.
 * receiving: the same for reads of a netlink answer (syscall backend); not
 * operations, so never counted as lost.
 * waits_lost: RTNL waits that could not be handed over: the perf buffer was
 * full, or (RTNL_LOCK_PROBES, kprobe) the wait's return probe never ran,
 * found when its thread waits again.
 */
struct counters counters SEC(".data.counters") = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} pid_filter SEC(".maps");

/* --cgroup: the cgroup's id and its descendants' as they were at start */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_filter SEC(".maps");

/* A socket of one process: (tgid, fd). */
struct sock_key {
	__u32 tgid;
	__s32 fd;
};

/*
 * Syscall backend: a socket an ethtool request went out on. Its reads within
 * ANSWER_WINDOW_NS of the last send are looked at, and the first answer per
 * sequence number is handed over: a GET's reply carries the result, and the
 * ACK after it (same nlmsg_seq) would only repeat it, at the cost of another
 * record per operation.
 */
struct answer_state {
	__u64 sent_ns;     /* the last send */
	__u32 handed_seq;  /* nlmsg_seq of the last answer handed over */
	__u32 handed;      /* an answer was handed over since that send */
};

/* LRU: a process that never reads its answers cannot fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sock_key);
	__type(value, struct answer_state);
} awaiting SEC(".maps");

/* A read in progress on an awaiting socket, per thread: where the answer lands. */
struct answer_read {
	__u64 buf;
	__u64 len;
	__s32 fd;
	__u32 __pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct answer_read);
} answer_reads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* ---- RTNL: who waited while an operation held it ---- */

/*
 * Where rtnl_mutex is (0: unknown): user space writes it after load, from
 * /proc/kallsyms or from the code of rtnl_lock(), which hands its address to
 * mutex_lock() (peek_kernel below reads that code for it).
 */
struct rtnl_where {
	__u64 mutex;
};

struct rtnl_where rtnl SEC(".data.rtnl") = {};

/* A task waiting for RTNL, and who held it when the wait began. */
struct rtnl_wait {
	__u64 start;
	__u64 holder_id;    /* the holder's pid_tgid; 0: not known */
	__u64 holder_op_ts; /* the holder's ethtool operation (its ts_ns); 0: none */
	__u32 holder_cmd;
	__s32 holder_ifindex;
	__u32 holder_netns;
	__u8 holder_kind;
	__u8 __pad[3];
	char holder_comm[TASK_COMM_LEN];
	char holder_ifname[IFNAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct rtnl_wait);
} rtnl_waits SEC(".maps");

/* A mutex's owner word is the task, with flags in its low bits. */
#define MUTEX_FLAGS 0x07L

static __always_inline struct task_struct *rtnl_owner(void)
{
	struct mutex *m = (struct mutex *)rtnl.mutex;
	long owner = 0;

	if (!m)
		return NULL;
	bpf_probe_read_kernel(&owner, sizeof(owner), &m->owner);
	return (struct task_struct *)(owner & ~MUTEX_FLAGS);
}

/* pending is keyed by bpf_get_current_pid_tgid(): tgid << 32 | pid. */
static __always_inline __u64 task_id(struct task_struct *t)
{
	return ((__u64)BPF_CORE_READ(t, tgid) << 32) | (__u32)BPF_CORE_READ(t, pid);
}

static __always_inline void leader_comm(struct task_struct *t, char *comm)
{
	bpf_probe_read_kernel(comm, TASK_COMM_LEN, &BPF_CORE_READ(t, group_leader)->comm);
}

/*
 * The tasks queued on rtnl_mutex now (up to 64), and the first of them, the
 * one that has waited longest. Only when an ethtool operation takes RTNL.
 */
static __always_inline __u32 rtnl_queue(struct rtnl_stretch *s)
{
	struct mutex *m = (struct mutex *)rtnl.mutex;
	struct mutex___first_waiter *m2 = (void *)m;
	struct list_head *head, *pos;
	struct mutex_waiter *w;
	__u32 n = 0;

	if (!m)
		return 0;
	if (bpf_core_field_exists(m->wait_list)) {
		/* a list with a head in the mutex: the waiters run from head->next back to head */
		head = &m->wait_list;
		pos = BPF_CORE_READ(m, wait_list.next);
	} else if (bpf_core_field_exists(m2->first_waiter)) {
		/* a ring of the waiters themselves: from the first around to it again */
		w = BPF_CORE_READ(m2, first_waiter);
		if (!w)
			return 0;
		head = (void *)w + bpf_core_field_offset(struct mutex_waiter, list);
		pos = head;
		n = 1;
		s->longest_tgid = BPF_CORE_READ(w, task, tgid);
		leader_comm(BPF_CORE_READ(w, task), s->longest_comm);
		pos = BPF_CORE_READ(pos, next);
	} else {
		return 0;
	}
	for (int i = 0; i < 64; i++) {
		if (!pos || pos == head)
			break;
		if (n == 0) {
			w = (void *)pos - bpf_core_field_offset(struct mutex_waiter, list);
			s->longest_tgid = BPF_CORE_READ(w, task, tgid);
			leader_comm(BPF_CORE_READ(w, task), s->longest_comm);
		}
		n++;
		pos = BPF_CORE_READ(pos, next);
	}
	return n;
}

/* The operation took RTNL at now. */
static __always_inline void stretch_begin(struct pending *p, __u64 now)
{
	struct rtnl_stretch *s = &p->rtnl;

	if (s->start)
		return;
	__builtin_memset(s, 0, sizeof(*s));
	s->start = now;
	s->present = rtnl_queue(s);
}

/*
 * The operation let RTNL go at end (or ended): add the stretch to its
 * figures. A stretch whose start was not seen (the syscall backend) counts
 * only the waits that began inside it.
 */
static __always_inline void stretch_end(struct pending *p, __u64 end)
{
	struct rtnl_stretch *s = &p->rtnl;
	__u64 total = 0, longest = 0, gone;

	if (!s->start && !s->arrived)
		return;
	if (s->start && end > s->start) {
		p->ev.rtnl_hold_ns += end - s->start;
		total = (__u64)s->present * (end - s->start);
		if (s->present)
			longest = end - s->start;
	}
	if (s->arrived) {
		total += (__u64)s->arrived * end - s->sum_arrival;
		if (!longest && end > s->first_arrival)
			longest = end - s->first_arrival;
	}
	gone = (__u64)s->gave_up * end - s->sum_gave_up;
	total = total > gone ? total - gone : 0;
	/* an arrival racing the release may start a hair after end: no wrap */
	if ((__s64)total < 0)
		total = 0;
	p->ev.rtnl_waiters += s->present + s->arrived;
	p->ev.rtnl_wait_ns += total;
	if (longest > p->ev.rtnl_wait_max_ns) {
		p->ev.rtnl_wait_max_ns = longest;
		p->ev.peer_tgid = s->longest_tgid;
		__builtin_memcpy(p->ev.peer_comm, s->longest_comm, TASK_COMM_LEN);
	}
	__builtin_memset(s, 0, sizeof(*s));
}

/* What this operation's RTNL figures will hold, and a hold that began before it. */
static __always_inline void rtnl_op_begin(struct pending *p, struct task_struct *task)
{
	if (!cfg.rtnl_mode || !rtnl.mutex)
		return;
	p->ev.rtnl_flags = RTNL_F_WAITS;
	if (p->ev.backend == BACKEND_SYSCALL)
		return; /* sees neither rtnl_lock() nor rtnl_unlock() */
	p->ev.rtnl_flags |= RTNL_F_HOLD;
	/* before f49deaa64af1 (v5.16) dev_ioctl() takes RTNL around dev_ethtool() */
	if (rtnl_owner() == task)
		stretch_begin(p, p->ev.ts_ns);
}

/* The current task begins to wait for RTNL. */
static __always_inline void rtnl_wait_begin(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *owner;
	struct rtnl_wait w = {};
	struct pending *hp;

	/*
	 * The tracepoint reports one wait several times (spinning, then
	 * sleeping, ...); a slow path entry is a new wait, and one left over
	 * is a lost return (a kretprobe out of instances).
	 */
	if (bpf_map_lookup_elem(&rtnl_waits, &id)) {
		if (cfg.rtnl_mode == RTNL_CONTENTION)
			return;
		if (cfg.rtnl_report_ns)
			__sync_fetch_and_add(&counters.waits_lost, 1);
	}
	owner = rtnl_owner();
	w.start = bpf_ktime_get_ns();
	if (owner) {
		w.holder_id = task_id(owner);
		leader_comm(owner, w.holder_comm);
		hp = w.holder_id != id ? bpf_map_lookup_elem(&pending, &w.holder_id) : NULL;
		if (hp) {
			w.holder_op_ts = hp->ev.ts_ns;
			w.holder_kind = hp->ev.kind;
			w.holder_cmd = hp->ev.cmd;
			w.holder_ifindex = hp->ev.ifindex;
			w.holder_netns = hp->ev.netns;
			__builtin_memcpy(w.holder_ifname, hp->ev.ifname, IFNAME_LEN);
			/* no fetching atomics before v5.12: two arrivals at once may both be "first" */
			if (!hp->rtnl.arrived) {
				hp->rtnl.first_arrival = w.start;
				if (!hp->rtnl.present) {
					hp->rtnl.longest_tgid = id >> 32;
					leader_comm((struct task_struct *)bpf_get_current_task(),
						    hp->rtnl.longest_comm);
				}
			}
			__sync_fetch_and_add(&hp->rtnl.arrived, 1);
			__sync_fetch_and_add(&hp->rtnl.sum_arrival, w.start);
		}
	}
	bpf_map_update_elem(&rtnl_waits, &id, &w, BPF_ANY);
}

/* The current task's wait for RTNL ended: ret 0, it holds RTNL now; else it gave up. */
static __always_inline void rtnl_wait_end(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct rtnl_wait *w = bpf_map_lookup_elem(&rtnl_waits, &id);
	struct pending *hp, *p;
	struct event ev = {};
	__u64 now;

	if (!w)
		return;
	now = bpf_ktime_get_ns();
	if (w->holder_op_ts) {
		hp = bpf_map_lookup_elem(&pending, &w->holder_id);
		if (hp && hp->ev.ts_ns == w->holder_op_ts) {
			if (ret) {
				__sync_fetch_and_add(&hp->rtnl.gave_up, 1);
				__sync_fetch_and_add(&hp->rtnl.sum_gave_up, now);
			} else if (hp->ev.backend == BACKEND_SYSCALL && !hp->rtnl.released) {
				/* RTNL passed on, so the holder had let it go */
				hp->rtnl.released = now;
			}
		}
	}
	if (cfg.rtnl_report_ns && now - w->start >= cfg.rtnl_report_ns) {
		ev.kind = KIND_RTNL_WAIT;
		ev.ts_ns = w->start;
		ev.latency_ns = now - w->start;
		ev.tgid = id >> 32;
		ev.tid = (__u32)id;
		ev.ret = ret;
		leader_comm((struct task_struct *)bpf_get_current_task(), ev.comm);
		ev.peer_tgid = w->holder_id >> 32;
		ev.peer_tid = (__u32)w->holder_id;
		ev.peer_ts_ns = w->holder_op_ts;
		ev.peer_kind = w->holder_op_ts ? w->holder_kind : 0;
		__builtin_memcpy(ev.peer_comm, w->holder_comm, TASK_COMM_LEN);
		ev.cmd = w->holder_cmd;
		ev.ifindex = w->holder_ifindex;
		ev.netns = w->holder_netns;
		__builtin_memcpy(ev.ifname, w->holder_ifname, IFNAME_LEN);
		if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev)))
			__sync_fetch_and_add(&counters.waits_lost, 1);
	}
	bpf_map_delete_elem(&rtnl_waits, &id);
	/* an ethtool operation that waited holds RTNL from now */
	if (!ret) {
		p = bpf_map_lookup_elem(&pending, &id);
		if (p)
			stretch_begin(p, now);
	}
}

static __always_inline bool str16_eq(const char *a, const volatile char *b)
{
#pragma unroll
	for (int i = 0; i < 16; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

/* Filters that only need the caller: applied before anything is stored. */
static __always_inline bool caller_wanted(__u32 tgid, const char *comm)
{
	if (cfg.filter_pid && !bpf_map_lookup_elem(&pid_filter, &tgid))
		return false;
	if (cfg.filter_comm[0] && !str16_eq(comm, cfg.filter_comm))
		return false;
	if (cfg.filter_cgroup) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroup_filter, &cg))
			return false;
	}
	return true;
}

/* The parent, its parent, ...: the process names, pid 0 past init. */
static __always_inline void read_ancestors(struct event *ev, struct task_struct *t)
{
	/* a bounded loop (v5.3+): unrolled, the early returns make it four copies */
	for (int i = 0; i < ANCESTORS; i++) {
		__u32 pid;

		if (!t)
			return;
		pid = BPF_CORE_READ(t, tgid);
		if (!pid)
			return; /* the idle task: init has no parent process */
		ev->ancestors[i].pid = pid;
		bpf_probe_read_kernel(ev->ancestors[i].comm, TASK_COMM_LEN,
				      &BPF_CORE_READ(t, group_leader)->comm);
		t = BPF_CORE_READ(t, real_parent);
	}
}

static __always_inline bool result_wanted(const struct event *ev)
{
	/* an answer still to come decides later, in user space */
	if (cfg.failed_only && ev->ret == 0 && !(ev->flags & EVENT_F_AWAIT_REPLY))
		return false;
	if (cfg.min_latency_ns && ev->latency_ns < cfg.min_latency_ns)
		return false;
	/* a netlink payload names its device only once user space parses it */
	if (cfg.filter_ifname[0] && !ev->payload_len && !str16_eq(ev->ifname, cfg.filter_ifname))
		return false;
	if (cfg.filter_netns && ev->netns != cfg.filter_netns)
		return false;
	return true;
}

/* Start an operation for the current thread; NULL if filtered out. */
static __always_inline struct pending *begin(__u8 kind, __u8 backend)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending, &id);
	struct task_struct *task, *parent;
	char comm[TASK_COMM_LEN];

	/*
	 * The process's name, not the calling thread's: an exporter's worker
	 * thread may be called anything ("pool-3-thread-1").
	 */
	task = (struct task_struct *)bpf_get_current_task();
	bpf_probe_read_kernel(comm, sizeof(comm), &BPF_CORE_READ(task, group_leader)->comm);
	if (!caller_wanted(id >> 32, comm))
		return NULL;

	if (p) {
		/*
		 * Neither dev_ethtool() nor an ethtool netlink handler runs inside
		 * another, so this thread's previous operation is over and its exit
		 * probe never ran. Count it and start afresh: treated as nesting, it
		 * would swallow every later operation of the thread.
		 */
		__sync_fetch_and_add(&counters.dropped, 1);
		__builtin_memset(&p->ev, 0, sizeof(p->ev));
		__builtin_memset(&p->rtnl, 0, sizeof(p->rtnl));
		p->req = 0;
		p->useraddr = 0;
	} else {
		if (bpf_map_update_elem(&pending, &id, &zero_pending, BPF_NOEXIST)) {
			__sync_fetch_and_add(&counters.dropped, 1); /* more threads in flight than pending holds */
			return NULL;
		}
		__sync_fetch_and_add(&counters.inflight, 1);
		p = bpf_map_lookup_elem(&pending, &id);
		if (!p)
			return NULL;
	}

	parent = BPF_CORE_READ(task, real_parent);
	p->ev.kind = kind;
	p->ev.backend = backend;
	p->ev.ts_ns = bpf_ktime_get_ns();
	p->ev.tgid = id >> 32;
	p->ev.tid = (__u32)id;
	p->ev.ppid = BPF_CORE_READ(parent, tgid);
	p->ev.netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	__builtin_memcpy(p->ev.comm, comm, sizeof(comm));
	bpf_probe_read_kernel(p->ev.pcomm, sizeof(p->ev.pcomm), &parent->comm);
	p->ev.cgroup_id = bpf_get_current_cgroup_id();
	read_ancestors(&p->ev, parent);
	rtnl_op_begin(p, task);
	return p;
}

static __always_inline struct pending *current_pending(__u8 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending, &id);

	return p && p->ev.kind == kind ? p : NULL;
}

static __always_inline void set_dev(struct event *ev, struct net_device *dev)
{
	if (!dev)
		return;
	bpf_probe_read_kernel(ev->ifname, sizeof(ev->ifname), &dev->name);
	ev->ifindex = BPF_CORE_READ(dev, ifindex);
	ev->netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	ev->flags |= EVENT_F_HAS_DEV;
}

/*
 * The ioctl command word at useraddr, then, for ETHTOOL_PERQUEUE, the
 * sub-command after it: each read alone and only as wide as it is, so a
 * command in the last word of a page reads even while the next page is not
 * present yet. A read that fails (a page not faulted in: BPF cannot fault)
 * leaves its EVENT_F_*_UNREAD flag set; finish() tries once more, after the
 * kernel has copied the words, and so faulted them in.
 */
static __always_inline void read_ioctl_cmd(struct event *ev, __u64 useraddr)
{
	__u32 v;

	ev->flags &= ~(EVENT_F_CMD_UNREAD | EVENT_F_SUB_UNREAD | EVENT_F_HAS_SUB_CMD);
	if (bpf_probe_read_user(&v, sizeof(v), (void *)useraddr)) {
		ev->flags |= EVENT_F_CMD_UNREAD;
		return;
	}
	ev->cmd = v;
	if (v != ETHTOOL_PERQUEUE)
		return;
	ev->flags |= EVENT_F_HAS_SUB_CMD;
	if (bpf_probe_read_user(&v, sizeof(v), (void *)(useraddr + sizeof(v))))
		ev->flags |= EVENT_F_SUB_UNREAD;
	else
		ev->sub_cmd = v;
}

/* Finish the current thread's operation of this kind and emit it. */
static __always_inline void finish(void *ctx, __u8 kind, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending, &id);
	__u64 now;

	if (!p || p->ev.kind != kind)
		return;
	now = bpf_ktime_get_ns();
	p->ev.ret = ret;
	p->ev.latency_ns = now - p->ev.ts_ns;
	/*
	 * Still holding RTNL (dev_ioctl() lets it go just after dev_ethtool()
	 * returns, before v5.16), or, on the syscall backend, never seen to let
	 * go: the stretch ends here, or where a waiter took RTNL over.
	 */
	if (p->rtnl.released && p->rtnl.released < now)
		now = p->rtnl.released;
	stretch_end(p, now);
	if (kind == KIND_IOCTL && (p->ev.flags & (EVENT_F_CMD_UNREAD | EVENT_F_SUB_UNREAD)))
		read_ioctl_cmd(&p->ev, p->useraddr);
	if (result_wanted(&p->ev)) {
		long err;

		if (p->ev.payload_len)
			err = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &p->ev,
						    sizeof(struct event_with_payload));
		else
			err = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &p->ev,
						    sizeof(p->ev));
		if (err)
			__sync_fetch_and_add(&counters.dropped, 1);
	}
	bpf_map_delete_elem(&pending, &id);
	__sync_fetch_and_add(&counters.inflight, -1);
}

/* ---- ioctl path: dev_ethtool(net, ifr[, useraddr]) ---- */

static __always_inline void ioctl_begin(struct net *net, struct ifreq *ifr,
					void *useraddr, __u8 backend)
{
	struct pending *p = begin(KIND_IOCTL, backend);

	if (!p)
		return;
	if (!useraddr) /* before a554bf96b49d (v5.15) the buffer hangs off the ifreq */
		useraddr = BPF_CORE_READ(ifr, ifr_ifru.ifru_data);
	bpf_probe_read_kernel(p->ev.ifname, sizeof(p->ev.ifname), &ifr->ifr_ifrn.ifrn_name);
	p->ev.ifname[IFNAME_LEN - 1] = 0;
	p->ev.netns = BPF_CORE_READ(net, ns.inum);
	p->useraddr = (__u64)useraddr;
	read_ioctl_cmd(&p->ev, p->useraddr);
}

/*
 * dev_ethtool() looks its device up by name: with __dev_get_by_name() under
 * RTNL, or on newer kernels with netdev_get_by_name() (a tracked reference,
 * taken before RTNL).  Catching that return is the only way to learn the
 * ifindex without walking the namespace, so whichever the kernel's BTF has is
 * probed.
 * Both are hot lookups: bail out after one map lookup when no ioctl is pending.
 */
static __always_inline void ioctl_dev_found(struct net_device *dev)
{
	struct pending *p;
	char name[IFNAME_LEN];

	if (!dev)
		return;
	p = current_pending(KIND_IOCTL);
	if (!p || (p->ev.flags & EVENT_F_HAS_DEV))
		return;
	bpf_probe_read_kernel(name, sizeof(name), &dev->name);
	if (!str16_eq(name, (const volatile char *)p->ev.ifname))
		return;
	set_dev(&p->ev, dev);
}

SEC("kprobe/dev_ethtool")
int BPF_KPROBE(kprobe_dev_ethtool, struct net *net, struct ifreq *ifr, void *useraddr)
{
	ioctl_begin(net, ifr, cfg.ioctl_useraddr_arg ? useraddr : NULL, BACKEND_KPROBE);
	return 0;
}

SEC("kretprobe/dev_ethtool")
int BPF_KRETPROBE(kretprobe_dev_ethtool, int ret)
{
	finish(ctx, KIND_IOCTL, ret);
	return 0;
}

SEC("kretprobe/__dev_get_by_name")
int BPF_KRETPROBE(kretprobe_dev_get_by_name, struct net_device *dev)
{
	ioctl_dev_found(dev);
	return 0;
}

SEC("kretprobe/netdev_get_by_name")
int BPF_KRETPROBE(kretprobe_netdev_get_by_name, struct net_device *dev)
{
	ioctl_dev_found(dev);
	return 0;
}

SEC("fentry/dev_ethtool")
int BPF_PROG(fentry_dev_ethtool, struct net *net, struct ifreq *ifr, void *useraddr)
{
	ioctl_begin(net, ifr, useraddr, BACKEND_FENTRY);
	return 0;
}

SEC("fexit/dev_ethtool")
int BPF_PROG(fexit_dev_ethtool, struct net *net, struct ifreq *ifr, void *useraddr, int ret)
{
	finish(ctx, KIND_IOCTL, ret);
	return 0;
}

/* Before a554bf96b49d (v5.15): dev_ethtool(struct net *, struct ifreq *). */
SEC("fentry/dev_ethtool")
int BPF_PROG(fentry_dev_ethtool_2args, struct net *net, struct ifreq *ifr)
{
	ioctl_begin(net, ifr, NULL, BACKEND_FENTRY);
	return 0;
}

SEC("fexit/dev_ethtool")
int BPF_PROG(fexit_dev_ethtool_2args, struct net *net, struct ifreq *ifr, int ret)
{
	finish(ctx, KIND_IOCTL, ret);
	return 0;
}

SEC("fexit/__dev_get_by_name")
int BPF_PROG(fexit_dev_get_by_name, struct net *net, const char *name, struct net_device *dev)
{
	ioctl_dev_found(dev);
	return 0;
}

/* netdev_get_by_name(net, name, tracker, gfp) */
SEC("fexit/netdev_get_by_name")
int BPF_PROG(fexit_netdev_get_by_name, struct net *net, const char *name, void *tracker,
	     unsigned int gfp, struct net_device *dev)
{
	ioctl_dev_found(dev);
	return 0;
}

/* ---- netlink path: every ethtool genl doit handler ---- */

/*
 * The handler set differs per kernel (ethnl_default_doit for GETs,
 * ethnl_default_set_doit or one ethnl_set_* per SET, ethnl_act_* ...), so
 * user space finds the handlers in the kernel's BTF and attaches these
 * programs to each one.  The device is only known once
 * ethnl_parse_header_dev_get() has filled req_info->dev.
 */
static __always_inline void genl_begin(struct genl_info *info, __u8 backend)
{
	struct pending *p = begin(KIND_GENL, backend);

	if (p)
		p->ev.cmd = BPF_CORE_READ(info, genlhdr, cmd);
}

SEC("kprobe")
int BPF_KPROBE(kprobe_genl_doit, struct sk_buff *skb, struct genl_info *info)
{
	genl_begin(info, BACKEND_KPROBE);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kretprobe_genl_doit, int ret)
{
	finish(ctx, KIND_GENL, ret);
	return 0;
}

SEC("kprobe/ethnl_parse_header_dev_get")
int BPF_KPROBE(kprobe_parse_header, struct ethnl_req_info *req)
{
	struct pending *p = current_pending(KIND_GENL);

	if (p)
		p->req = (__u64)req;
	return 0;
}

SEC("kretprobe/ethnl_parse_header_dev_get")
int BPF_KRETPROBE(kretprobe_parse_header, int ret)
{
	struct pending *p = current_pending(KIND_GENL);
	struct ethnl_req_info *req;

	if (!p || !p->req || (p->ev.flags & EVENT_F_HAS_DEV))
		return 0;
	/*
	 * Not BPF_CORE_READ((...)p->req, dev): the macro relocates its whole first
	 * argument, and struct pending is ours, absent from the kernel's BTF, so
	 * libbpf would poison the p->req load and the program would not verify.
	 */
	req = (struct ethnl_req_info *)p->req;
	set_dev(&p->ev, BPF_CORE_READ(req, dev));
	return 0;
}

SEC("fexit/ethnl_parse_header_dev_get")
int BPF_PROG(fexit_parse_header, struct ethnl_req_info *req)
{
	struct pending *p = current_pending(KIND_GENL);

	if (p && !(p->ev.flags & EVENT_F_HAS_DEV))
		set_dev(&p->ev, BPF_CORE_READ(req, dev));
	return 0;
}

/*
 * A trampoline program is verified against one function, so fentry needs a
 * copy per handler; user space points each used slot at a handler with
 * bpf_program__set_attach_target() and leaves the rest unloaded.
 */
#define GENL_SLOT(n)                                                              \
	SEC("fentry")                                                             \
	int BPF_PROG(fentry_genl_doit_##n, struct sk_buff *skb, struct genl_info *info) \
	{                                                                         \
		genl_begin(info, BACKEND_FENTRY);                                 \
		return 0;                                                         \
	}                                                                         \
	SEC("fexit")                                                              \
	int BPF_PROG(fexit_genl_doit_##n, struct sk_buff *skb, struct genl_info *info, int ret) \
	{                                                                         \
		finish(ctx, KIND_GENL, ret);                                      \
		return 0;                                                         \
	}

GENL_SLOT(0) GENL_SLOT(1) GENL_SLOT(2) GENL_SLOT(3) GENL_SLOT(4) GENL_SLOT(5)
GENL_SLOT(6) GENL_SLOT(7) GENL_SLOT(8) GENL_SLOT(9) GENL_SLOT(10) GENL_SLOT(11)
GENL_SLOT(12) GENL_SLOT(13) GENL_SLOT(14) GENL_SLOT(15) GENL_SLOT(16) GENL_SLOT(17)
GENL_SLOT(18) GENL_SLOT(19) GENL_SLOT(20) GENL_SLOT(21) GENL_SLOT(22) GENL_SLOT(23)
GENL_SLOT(24) GENL_SLOT(25) GENL_SLOT(26) GENL_SLOT(27) GENL_SLOT(28) GENL_SLOT(29)
GENL_SLOT(30) GENL_SLOT(31)

/* ---- syscall backend: raw syscall tracepoints, filtered as early as possible ---- */

/*
 * Raw tracepoints on sys_enter/sys_exit, not the per-syscall tracepoints:
 * those need tracefs to be found (often not mounted where this backend is
 * needed), and cost the same per ioctl (bench/overhead.sh). The syscall
 * number comes in a register, so unrelated calls cost one compare. x86-64.
 */
#define NR_ioctl 16
#define NR_sendto 44
#define NR_recvfrom 45
#define NR_sendmsg 46
#define NR_recvmsg 47
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
/* answers read later than this after the request are not looked for */
#define ANSWER_WINDOW_NS 2000000000ULL

/* User-space struct ifreq: the name, then the union holding ifr_data. */
struct user_ifreq {
	char name[IFNAME_LEN];
	void *data;
};

static __always_inline void ioctl_enter(__u64 ifr_user)
{
	struct user_ifreq ifr = {};
	struct pending *p = begin(KIND_IOCTL, BACKEND_SYSCALL);

	if (!p)
		return;
	bpf_probe_read_user(&ifr, sizeof(ifr), (void *)ifr_user);
	__builtin_memcpy(p->ev.ifname, ifr.name, IFNAME_LEN);
	p->ev.ifname[IFNAME_LEN - 1] = 0;
	p->useraddr = (__u64)ifr.data;
	read_ioctl_cmd(&p->ev, p->useraddr);
}

struct nl_genl_hdr {
	__u32 nlmsg_len;
	__u16 nlmsg_type;
	__u16 nlmsg_flags;
	__u32 nlmsg_seq;
	__u32 nlmsg_pid;
	__u8 cmd;
	__u8 version;
	__u16 reserved;
};

/* Is fd a NETLINK_GENERIC socket of the current task? */
static __always_inline bool is_genl_socket(__u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file;
	struct socket *sock;
	struct sock *sk;

	if (fd >= BPF_CORE_READ(fdt, max_fds))
		return false;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return false;
	sock = BPF_CORE_READ(file, private_data);
	/* a socket's file points back at it; anything else is not a socket */
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return false;
	sk = BPF_CORE_READ(sock, sk);
	return sk && BPF_CORE_READ(sk, __sk_common.skc_family) == AF_NETLINK &&
	       BPF_CORE_READ(sk, sk_protocol) == NETLINK_GENERIC;
}

/*
 * Cheapest test first: one user read of the header rejects almost every
 * unrelated send by its nlmsg_type before the socket is looked at.
 */
static __always_inline void genl_send_begin(__u64 fd, const void *buf, __u64 len)
{
	struct nl_genl_hdr hdr;
	struct pending *p;
	__u32 n;

	if (len < sizeof(hdr) || !buf)
		return;
	if (bpf_probe_read_user(&hdr, sizeof(hdr), buf))
		return;
	if (hdr.nlmsg_type != cfg.ethtool_genl_family || hdr.nlmsg_len < sizeof(hdr))
		return;
	if (!is_genl_socket(fd))
		return;
	p = begin(KIND_GENL, BACKEND_SYSCALL);
	if (!p)
		return;
	p->ev.cmd = hdr.cmd;
	p->ev.sock_fd = fd;
	/* the whole send: one request, or several batched (user space splits them) */
	n = len < PAYLOAD_MAX ? len : PAYLOAD_MAX;
	if (bpf_probe_read_user(p->payload, PAYLOAD_MAX, buf) == 0)
		p->ev.payload_len = n;
	/*
	 * A short message whose next PAYLOAD_MAX bytes run into a page that is
	 * not present (a stack buffer's untouched part, a mapping's end): the
	 * caller wrote what it sends, so exactly that can be read.
	 */
	else if (n < PAYLOAD_MAX && bpf_probe_read_user(p->payload, n & (PAYLOAD_MAX - 1), buf) == 0)
		p->ev.payload_len = n;
	else if (bpf_probe_read_user(p->payload, sizeof(hdr), buf) == 0)
		p->ev.payload_len = sizeof(hdr);
}

/* x86-64 struct user_msghdr up to msg_iovlen, and struct iovec */
struct user_msghdr_head {
	void *msg_name;
	int msg_namelen;
	void *msg_iov;
	__u64 msg_iovlen;
};

struct user_iovec {
	void *iov_base;
	__u64 iov_len;
};

static __always_inline bool first_iov(__u64 msg_user, struct user_iovec *iov)
{
	struct user_msghdr_head msg;

	if (bpf_probe_read_user(&msg, sizeof(msg), (void *)msg_user) || !msg.msg_iovlen)
		return false;
	return bpf_probe_read_user(iov, sizeof(*iov), msg.msg_iov) == 0;
}

static __always_inline void sendmsg_enter(__u64 fd, __u64 msg_user)
{
	struct user_iovec iov;

	if (first_iov(msg_user, &iov))
		genl_send_begin(fd, iov.iov_base, iov.iov_len);
}

/*
 * The kernel answers an ethtool request inside the send (an NLMSG_ERROR
 * with the error, or 0 as an ACK, or a reply message), and queues the
 * answer on the socket: the result is in what the caller reads next. So a
 * sent request is emitted with EVENT_F_AWAIT_REPLY, its socket is marked,
 * and the first netlink header of each read on that socket within
 * ANSWER_WINDOW_NS is handed over as a KIND_GENL_REPLY event; user space
 * pairs them by (tgid, fd, nlmsg_seq). Every answer is a datagram of its
 * own, so a read's first header says whose answer it is.
 */
static __always_inline void await_answer(struct pending *p)
{
	struct sock_key k = { .tgid = p->ev.tgid, .fd = p->ev.sock_fd };
	/* a new send: answers to it are new, even with a sequence number used before */
	struct answer_state st = { .sent_ns = bpf_ktime_get_ns() };

	p->ev.flags |= EVENT_F_AWAIT_REPLY;
	bpf_map_update_elem(&awaiting, &k, &st, BPF_ANY);
}

static __always_inline void recv_enter(__u64 fd, __u64 buf, __u64 len)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct sock_key k = { .tgid = id >> 32, .fd = fd };
	struct answer_read r = { .buf = buf, .len = len, .fd = fd };
	struct answer_state *st = bpf_map_lookup_elem(&awaiting, &k);

	if (!st)
		return;
	if (bpf_ktime_get_ns() - st->sent_ns > ANSWER_WINDOW_NS) {
		bpf_map_delete_elem(&awaiting, &k);
		return;
	}
	/* a thread is in one system call at a time: an entry left is a lost exit */
	if (bpf_map_update_elem(&answer_reads, &id, &r, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(&counters.receiving, 1);
	else
		bpf_map_update_elem(&answer_reads, &id, &r, BPF_EXIST);
}

struct nl_answer_head {
	__u32 nlmsg_len;
	__u16 nlmsg_type;
	__u16 nlmsg_flags;
	__u32 nlmsg_seq;
	__u32 nlmsg_pid;
	__s32 error; /* NLMSG_ERROR, NLMSG_DONE */
};

static __always_inline void recv_exit(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct answer_read *r = bpf_map_lookup_elem(&answer_reads, &id);
	struct nl_answer_head h = {};
	struct answer_state *st;
	struct sock_key k;
	struct event ev = {};
	__u64 n;

	if (!r)
		return;
	k.tgid = id >> 32;
	k.fd = r->fd;
	st = bpf_map_lookup_elem(&awaiting, &k);
	n = (__u64)ret < r->len ? (__u64)ret : r->len;
	if (ret >= NLMSG_HDRLEN && n >= NLMSG_HDRLEN &&
	    bpf_probe_read_user(&h, NLMSG_HDRLEN, (void *)r->buf) == 0) {
		if ((h.nlmsg_type == NLMSG_ERROR || h.nlmsg_type == NLMSG_DONE) &&
		    (n < sizeof(h) || bpf_probe_read_user(&h.error, sizeof(h.error),
							  (void *)(r->buf + NLMSG_HDRLEN))))
			goto out; /* an answer whose result cannot be read says nothing */
		if (st && st->handed && st->handed_seq == h.nlmsg_seq)
			goto out; /* the ACK after a reply, or a read again after MSG_PEEK */
		if (st) {
			st->handed_seq = h.nlmsg_seq;
			st->handed = 1;
		}
		ev.ts_ns = bpf_ktime_get_ns();
		ev.tgid = id >> 32;
		ev.tid = (__u32)id;
		ev.kind = KIND_GENL_REPLY;
		ev.backend = BACKEND_SYSCALL;
		ev.sock_fd = r->fd;
		ev.nl_seq = h.nlmsg_seq;
		ev.cmd = h.nlmsg_type;
		ev.ret = h.nlmsg_type == NLMSG_ERROR || h.nlmsg_type == NLMSG_DONE ? h.error : 0;
		/*
		 * Not counted when it cannot be handed over: the request itself is
		 * shown either way, with its result unknown.
		 */
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	}
out:
	bpf_map_delete_elem(&answer_reads, &id);
	__sync_fetch_and_add(&counters.receiving, -1);
}

SEC("raw_tracepoint/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	long nr = ctx->args[1];
	struct pt_regs *regs;

	/* every system call on the host passes here: decide on the number alone */
	if (nr != NR_ioctl && nr != NR_sendto && nr != NR_sendmsg && nr != NR_recvfrom &&
	    nr != NR_recvmsg)
		return 0;
	regs = (struct pt_regs *)ctx->args[0];
	if (nr == NR_ioctl) {
		if (BPF_CORE_READ(regs, si) == SIOCETHTOOL)
			ioctl_enter(BPF_CORE_READ(regs, dx));
	} else if (cfg.ethtool_genl_family) {
		if (nr == NR_sendto) {
			genl_send_begin(BPF_CORE_READ(regs, di), (const void *)BPF_CORE_READ(regs, si),
					BPF_CORE_READ(regs, dx));
		} else if (nr == NR_sendmsg) {
			sendmsg_enter(BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si));
		} else if (nr == NR_recvfrom) {
			recv_enter(BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, dx));
		} else {
			struct user_iovec iov;

			if (first_iov(BPF_CORE_READ(regs, si), &iov))
				recv_enter(BPF_CORE_READ(regs, di), (__u64)iov.iov_base, iov.iov_len);
		}
	}
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int raw_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	long ret = ctx->args[1];
	struct pending *p;
	__u64 id;

	/* two global loads decide for almost every exit */
	if (!counters.inflight) {
		if (counters.receiving)
			recv_exit(ctx, ret);
		return 0;
	}
	/* a thread is in one system call at a time: a pending op is this one */
	id = bpf_get_current_pid_tgid();
	p = bpf_map_lookup_elem(&pending, &id);
	if (!p || p->ev.backend != BACKEND_SYSCALL) {
		if (counters.receiving)
			recv_exit(ctx, ret);
		return 0;
	}
	/* sendmsg/sendto return a byte count: the request was sent, its result comes back */
	if (p->ev.kind == KIND_GENL && ret > 0) {
		ret = 0;
		await_answer(p);
	}
	finish(ctx, p->ev.kind, ret);
	return 0;
}

/* ---- RTNL probes ---- */

/*
 * Waits: lock:contention_begin/end (5.19+) fire only when a lock's slow path
 * runs, for every lock on the host, so the lock address is compared first.
 */
SEC("raw_tracepoint/contention_begin")
int raw_contention_begin(struct bpf_raw_tracepoint_args *ctx)
{
	if (!rtnl.mutex || ctx->args[0] != rtnl.mutex)
		return 0;
	rtnl_wait_begin();
	return 0;
}

SEC("raw_tracepoint/contention_end")
int raw_contention_end(struct bpf_raw_tracepoint_args *ctx)
{
	if (!rtnl.mutex || ctx->args[0] != rtnl.mutex)
		return 0;
	rtnl_wait_end(ctx, (int)ctx->args[1]);
	return 0;
}

/* rtnl_lock*() returned (ret 0: RTNL is held): in an operation, a stretch begins. */
static __always_inline void rtnl_taken(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending *p;

	if (ret)
		return;
	p = bpf_map_lookup_elem(&pending, &id);
	if (p)
		stretch_begin(p, bpf_ktime_get_ns());
}

/* __rtnl_unlock(): every rtnl_unlock() lets RTNL go through it. */
static __always_inline void rtnl_let_go(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending, &id);

	if (p)
		stretch_end(p, bpf_ktime_get_ns());
}

SEC("fexit/rtnl_lock")
int BPF_PROG(fexit_rtnl_lock)
{
	rtnl_taken(ctx, 0);
	return 0;
}

SEC("fexit/rtnl_lock_killable")
int BPF_PROG(fexit_rtnl_lock_killable, int ret)
{
	rtnl_taken(ctx, ret);
	return 0;
}

SEC("fentry/__rtnl_unlock")
int BPF_PROG(fentry_rtnl_unlock)
{
	rtnl_let_go();
	return 0;
}

/* rtnl_lock() returns void: whatever is in the return register means nothing */
SEC("kretprobe/rtnl_lock")
int BPF_KRETPROBE(kretprobe_rtnl_lock)
{
	rtnl_taken(ctx, 0);
	return 0;
}

SEC("kretprobe/rtnl_lock_killable")
int BPF_KRETPROBE(kretprobe_rtnl_lock_killable, int ret)
{
	rtnl_taken(ctx, ret);
	return 0;
}

SEC("kprobe/__rtnl_unlock")
int BPF_KPROBE(kprobe_rtnl_unlock)
{
	rtnl_let_go();
	return 0;
}

/*
 * Waits before the contention tracepoints (RTNL_LOCK_PROBES): mutex_lock()
 * goes to its slow path only when the lock is taken, and rtnetlink.c has
 * rtnl_lock() inlined into its own callers (rtnetlink_rcv_msg: every ip
 * link/addr/route request), so the slow paths are where every wait shows.
 */
SEC("fentry/__mutex_lock_slowpath")
int BPF_PROG(fentry_mutex_slowpath, struct mutex *lock)
{
	if (rtnl.mutex && (__u64)lock == rtnl.mutex)
		rtnl_wait_begin();
	return 0;
}

SEC("fexit/__mutex_lock_slowpath")
int BPF_PROG(fexit_mutex_slowpath, struct mutex *lock)
{
	if (rtnl.mutex && (__u64)lock == rtnl.mutex)
		rtnl_wait_end(ctx, 0);
	return 0;
}

SEC("fentry/__mutex_lock_killable_slowpath")
int BPF_PROG(fentry_mutex_killable_slowpath, struct mutex *lock)
{
	if (rtnl.mutex && (__u64)lock == rtnl.mutex)
		rtnl_wait_begin();
	return 0;
}

SEC("fexit/__mutex_lock_killable_slowpath")
int BPF_PROG(fexit_mutex_killable_slowpath, struct mutex *lock, int ret)
{
	if (rtnl.mutex && (__u64)lock == rtnl.mutex)
		rtnl_wait_end(ctx, ret);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kprobe_mutex_slowpath, struct mutex *lock)
{
	if (rtnl.mutex && (__u64)lock == rtnl.mutex)
		rtnl_wait_begin();
	return 0;
}

/* a return has no lock argument: a wait was recorded for this thread only if it was RTNL */
SEC("kretprobe/__mutex_lock_slowpath")
int BPF_KRETPROBE(kretprobe_mutex_slowpath)
{
	rtnl_wait_end(ctx, 0);
	return 0;
}

SEC("kretprobe/__mutex_lock_killable_slowpath")
int BPF_KRETPROBE(kretprobe_mutex_killable_slowpath, int ret)
{
	rtnl_wait_end(ctx, ret);
	return 0;
}

/*
 * Never attached: user space runs it once (BPF_PROG_TEST_RUN) to read the
 * first bytes of rtnl_lock(), where rtnl_mutex's address is, on kernels whose
 * /proc/kallsyms lists no data symbols (CONFIG_KALLSYMS_ALL off).
 */
struct peek {
	__u8 bytes[32];
};

struct peek peek SEC(".data.peek") = {};

SEC("raw_tp")
int peek_kernel(struct bpf_raw_tracepoint_args *ctx)
{
	bpf_probe_read_kernel(peek.bytes, sizeof(peek.bytes), (void *)ctx->args[0]);
	return 0;
}

/*
 * Never attached: user space runs it once (BPF_PROG_TEST_RUN), where the
 * kernel has bpf_kallsyms_lookup_name() (v5.16), instead of reading all of
 * /proc/kallsyms (~120k lines the kernel formats on every read) for two
 * symbols. An address is 0 when the symbol is not found (rtnl_mutex, a data
 * symbol, only with CONFIG_KALLSYMS_ALL) or hidden: the helper refuses with
 * -EPERM where kernel.kptr_restrict hides addresses from us, which hidden
 * says, so that user space can tell the two apart.
 */
struct rtnl_syms {
	__u64 mutex;
	__u64 lock;
	__u32 hidden;
};

struct rtnl_syms rtnl_syms SEC(".data.syms") = {};

#define EPERM 1

SEC("syscall")
int find_rtnl(void *ctx)
{
	__u64 addr = 0;
	long err;

	err = bpf_kallsyms_lookup_name("rtnl_mutex", sizeof("rtnl_mutex"), 0, &addr);
	if (!err)
		rtnl_syms.mutex = addr;
	else if (err == -EPERM)
		rtnl_syms.hidden = 1;
	addr = 0;
	err = bpf_kallsyms_lookup_name("rtnl_lock", sizeof("rtnl_lock"), 0, &addr);
	if (!err)
		rtnl_syms.lock = addr;
	else if (err == -EPERM)
		rtnl_syms.hidden = 1;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
