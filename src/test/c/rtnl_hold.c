// SPDX-License-Identifier: Apache-2.0
/*
 * Holds RTNL (rtnl_mutex) for an exact time inside a real kernel call while
 * K other processes wait for it, so a live test can compare what the tracer
 * says (who held RTNL, how many waited, for how long) with what everyone
 * measured here.
 *   rtnl_hold (--ethtool IFNAME | --ifconf) --hold-ms N --waiters K [--waiter-dev IFNAME]
 * (--waiter-dev is required when K > 0)
 *
 * The kernel copies some ioctl arguments from user memory only after it took
 * RTNL. We put those bytes on a page registered with userfaultfd as missing,
 * so the copy faults and the call sleeps, holding RTNL, until we fill the page:
 * --ethtool  SIOCETHTOOL ETHTOOL_GSTRINGS. The command word sits in the last
 *            4 bytes of an ordinary page (dev_ethtool reads it without
 *            blocking, before RTNL since v5.16, under it before), the rest
 *            of struct ethtool_gstrings on the missing page: the first thing
 *            ethtool_get_strings() does, under RTNL and before any driver op
 *            check, is copy the whole struct. We answer string_set=ETH_SS_STATS;
 *            what the ioctl then returns does not matter, it is reported.
 *            (Devices whose ops run under the instance lock may, on the
 *            newest kernels, skip RTNL here: use veth, which does not.)
 * --ifconf   SIOCGIFCONF on an AF_INET socket with ifc_buf on the missing
 *            page: dev_ifconf/inet_gifconf copy_to_user() each struct ifreq
 *            under RTNL. The RTNL holder that is not ethtool. Needs at least
 *            one IPv4 address in the netns, else nothing is written.
 * Once the fault arrives (the holder is inside RTNL), K children named
 * "rtnl_waiter" each send one RTM_NEWLINK setting IFLA_MTU of the waiter
 * device to its current MTU (read before the hold, SIOCGIFMTU takes no RTNL)
 * and time it from just before sendto() to the ACK. When every waiter is seen
 * asleep in sendto() (state D), we sleep until fault + N ms, fill the page and
 * let everything finish.
 * The process is named "rtnl_holder"; its holder thread keeps that name.
 * Times are CLOCK_MONOTONIC ns, the clock of bpf_ktime_get_ns(). Prints
 *   holder pid=P tid=T mode=M rc=R errno=E fault_ns=S end_ns=E hold_ms=M.MMM
 *   waiter pid=P start_ns=S end_ns=E ms=M.MMM error=ERR blocked=0|1
 * (hold_ms from the fault to the holder's return; error is the ACK's, 0 or
 * -errno). Exits 0; 2 on a setup failure (one line on stderr); 3 when some
 * waiter was not seen blocked within 2 s (lines still printed); 4 when the
 * watchdog (hold + 10 s) fired. Needs root: userfaultfd must be allowed to
 * catch faults taken by the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/userfaultfd.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WAITERS 512
#define BLOCK_TIMEOUT_NS 2000000000ULL	/* waiters must be asleep on RTNL by then */
#define FAULT_TIMEOUT_MS 5000		/* the call must reach the page by then */
/* ETHTOOL_GSTRINGS writes count * 32 bytes after the struct: room for it */
#define SLACK_BYTES (4u << 20)

enum mode { MODE_NONE, MODE_ETHTOOL, MODE_IFCONF };

struct holder {
	enum mode mode;
	const char *ifname;
	void *arg;		/* ethtool_gstrings or ifconf, as the kernel reads it */
	int done_fd;		/* written once the call returned */
	long tid;
	int rc, err;
};

/* One waiter's report, written in one piece (< PIPE_BUF) to the main process. */
struct wrec {
	int32_t pid;
	int32_t error;
	uint64_t start_ns, end_ns;
};

/* Read by the watchdog handler: only what a signal handler may touch. */
static pid_t waiter_pids[MAX_WAITERS];
static volatile sig_atomic_t nwaiters_forked;
static volatile sig_atomic_t watched_uffd = -1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline / 1000000000ULL),
		.tv_nsec = (long)(deadline % 1000000000ULL),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * The test must never hang: kill the waiters and leave. Closing the
 * userfaultfd fails the holder's fault, so its call returns and releases
 * RTNL; the waiters, asleep uninterruptibly on it, then get it and die, and
 * we reap them for up to a second (if RTNL is stuck elsewhere, init will).
 */
static void watchdog(int sig)
{
	static const char msg[] = "rtnl_hold: watchdog expired\n";
	const struct timespec tick = { .tv_nsec = 10000000 };
	int i, tries, left = 0;

	(void)sig;
	for (i = 0; i < nwaiters_forked; i++)
		kill(waiter_pids[i], SIGKILL);
	if (watched_uffd >= 0)
		close(watched_uffd);
	for (tries = 0; tries < 100; tries++) {
		left = 0;
		for (i = 0; i < nwaiters_forked; i++) {
			if (waiter_pids[i] > 0 && waitpid(waiter_pids[i], NULL, WNOHANG) == 0)
				left = 1;
			else
				waiter_pids[i] = 0;
		}
		if (!left)
			break;
		nanosleep(&tick, NULL);
	}
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(4);
}

static void *hold(void *arg)
{
	struct holder *h = arg;
	char one = 1;
	int fd, rc;

	h->tid = (long)syscall(SYS_gettid);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -1;
		h->err = errno;
	} else if (h->mode == MODE_ETHTOOL) {
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, h->ifname, IFNAMSIZ - 1);
		ifr.ifr_data = h->arg;
		rc = ioctl(fd, SIOCETHTOOL, &ifr);
		h->err = rc < 0 ? errno : 0;
	} else {
		rc = ioctl(fd, SIOCGIFCONF, h->arg);
		h->err = rc < 0 ? errno : 0;
	}
	h->rc = rc;
	if (fd >= 0)
		close(fd);
	/* lets main tell "returned without ever faulting" from "blocked" */
	if (write(h->done_fd, &one, 1) < 0)
		h->err = h->err ? h->err : errno;
	return NULL;
}

/*
 * Kernel-mode faults need a userfaultfd without UFFD_USER_MODE_ONLY (root).
 * Non-blocking: poll() on a blocking userfaultfd only ever says POLLERR.
 */
static int open_uffd(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

#ifdef USERFAULTFD_IOC_NEW
	if (fd < 0) {
		/* the syscall may be refused (seccomp, sysctl); the device is not */
		int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev >= 0) {
			fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
			close(dev);
		}
	}
#endif
	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Lets the blocked call go on: fill the missing page (src is one page).
 * Falls back to a zero page, then to closing the userfaultfd, which fails the
 * fault: the call returns EFAULT but RTNL is released either way.
 */
static void release(int *uffd, void *page, const void *src, long psize)
{
	struct uffdio_copy copy = {
		.dst = (uintptr_t)page, .src = (uintptr_t)src, .len = (uint64_t)psize,
	};
	struct uffdio_zeropage zero = {
		.range = { .start = (uintptr_t)page, .len = (uint64_t)psize },
	};
	int i;

	if (*uffd < 0)
		return;
	for (i = 0; i < 100; i++) {	/* EAGAIN: the mm was changing (fork) */
		if (ioctl(*uffd, UFFDIO_COPY, &copy) == 0)
			return;
		if (errno != EAGAIN)
			break;
	}
	if (ioctl(*uffd, UFFDIO_ZEROPAGE, &zero) == 0)
		return;
	watched_uffd = -1;
	close(*uffd);
	*uffd = -1;
}

/* One RTM_NEWLINK, timed. Runs in a forked child: syscalls only, no stdio. */
static void waiter(int ifindex, int mtu, int out_fd, int timeout_s)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		struct rtattr rta;
		uint32_t mtu;
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = timeout_s };
	struct wrec rec = { .pid = (int32_t)getpid() };
	char buf[8192];
	int fd;

	prctl(PR_SET_NAME, "rtnl_waiter", 0, 0, 0);
	/* never outlive a main process that died: it cannot reap us any more */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	req.rta.rta_type = IFLA_MTU;
	req.rta.rta_len = RTA_LENGTH(sizeof(uint32_t));
	req.mtu = (uint32_t)mtu;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		rec.error = -errno;
		rec.start_ns = rec.end_ns = now_ns();
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	rec.start_ns = now_ns();
	/* rtnetlink runs the request in this sendto(): that is where we wait */
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		rec.error = -errno;
		rec.end_ns = now_ns();
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rec.error = -errno;
			rec.end_ns = now_ns();
			goto out;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_ERROR && nh->nlmsg_seq == 1) {
				rec.end_ns = now_ns();
				rec.error = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
				goto out;
			}
		}
	}
out:
	if (write(out_fd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec))
		_exit(1);
	_exit(0);
}

/*
 * True once the waiter sleeps uninterruptibly (a mutex) inside sendto():
 * nothing else in its short life can put it there. Without /proc/PID/syscall
 * (no CONFIG_HAVE_ARCH_TRACEHOOK) state D alone has to do.
 */
static int waiter_blocked(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	long nr;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');	/* comm may hold anything, state follows it */
	if (!p || p[1] != ' ' || p[2] != 'D')
		return 0;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	if (buf[0] < '0' || buf[0] > '9')
		return 0;	/* "running", or -1 (not in a syscall) */
	nr = strtol(buf, NULL, 10);
#ifdef SYS_sendto
	if (nr == SYS_sendto)
		return 1;
#endif
#ifdef SYS_socketcall
	if (nr == SYS_socketcall)
		return 1;
#endif
	return 0;
}

/* For the diagnostics of a waiter that never blocked. */
static void describe(pid_t pid, char *out, size_t size)
{
	char path[64], st[512] = "", wchan[128] = "", *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, st, sizeof(st) - 1);
		st[n > 0 ? n : 0] = 0;
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, wchan, sizeof(wchan) - 1);
		wchan[n > 0 ? n : 0] = 0;
		close(fd);
	}
	p = strrchr(st, ')');
	snprintf(out, size, "state=%c wchan=%s", p && p[1] == ' ' ? p[2] : '?',
		 wchan[0] ? wchan : "?");
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: rtnl_hold (--ethtool IFNAME | --ifconf) --hold-ms N --waiters K [--waiter-dev IFNAME]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ethtool", required_argument, NULL, 'e' },
		{ "ifconf", no_argument, NULL, 'c' },
		{ "hold-ms", required_argument, NULL, 'h' },
		{ "waiters", required_argument, NULL, 'w' },
		{ "waiter-dev", required_argument, NULL, 'd' },
		{ 0 }
	};
	struct holder h = { .mode = MODE_NONE };
	const char *waiter_dev = NULL;
	int hold_ms = -1, nwait = -1, blocked[MAX_WAITERS] = { 0 };
	struct wrec recs[MAX_WAITERS];
	int have_rec[MAX_WAITERS] = { 0 };
	int ifindex = 0, mtu = 0, uffd, done_pipe[2], rec_pipe[2], opt, i, all_blocked;
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t t_fault, t_end, deadline;
	struct sigaction sa;
	struct uffdio_register reg;
	struct uffd_msg msg;
	struct pollfd pfd[2];
	char *map, *page, *src;
	pthread_t thread;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			h.mode = MODE_ETHTOOL;
			h.ifname = optarg;
			break;
		case 'c':
			h.mode = MODE_IFCONF;
			break;
		case 'h':
			if (parse_int(optarg, 0, 3600 * 1000, &hold_ms))
				usage();
			break;
		case 'w':
			if (parse_int(optarg, 0, MAX_WAITERS, &nwait))
				usage();
			break;
		case 'd':
			waiter_dev = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || h.mode == MODE_NONE || hold_ms < 0 || nwait < 0 ||
	    (nwait > 0 && !waiter_dev))
		usage();
	if (h.mode == MODE_ETHTOOL && strlen(h.ifname) >= IFNAMSIZ) {
		fprintf(stderr, "rtnl_hold: interface name too long: %s\n", h.ifname);
		return 2;
	}

	/* the tracer reports the holder by this name; the thread inherits it */
	prctl(PR_SET_NAME, "rtnl_holder", 0, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)((hold_ms + 999) / 1000 + 10));

	/* index and MTU now: neither SIOCGIFINDEX nor SIOCGIFMTU takes RTNL,
	 * but the waiters must not do anything before their timed request */
	if (nwait > 0) {
		struct ifreq ifr;
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || strlen(waiter_dev) >= IFNAMSIZ) {
			fprintf(stderr, "rtnl_hold: socket: %s\n", strerror(fd < 0 ? errno : ENAMETOOLONG));
			return 2;
		}
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, waiter_dev, IFNAMSIZ - 1);
		if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
			fprintf(stderr, "rtnl_hold: waiter device %s: %s\n", waiter_dev, strerror(errno));
			close(fd);
			return 2;
		}
		ifindex = ifr.ifr_ifindex;
		if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
			fprintf(stderr, "rtnl_hold: SIOCGIFMTU %s: %s\n", waiter_dev, strerror(errno));
			close(fd);
			return 2;
		}
		mtu = ifr.ifr_mtu;
		close(fd);
	}

	uffd = open_uffd();
	if (uffd < 0) {
		fprintf(stderr, "rtnl_hold: userfaultfd: %s\n", strerror(errno));
		return 2;
	}
	watched_uffd = uffd;
	/* page 0 ordinary, page 1 missing (userfaultfd), then room for replies */
	map = mmap(NULL, 2 * (size_t)psize + SLACK_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, (size_t)psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || src == MAP_FAILED) {
		fprintf(stderr, "rtnl_hold: mmap: %s\n", strerror(errno));
		return 2;
	}
	page = map + psize;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)page;
	reg.range.len = (uint64_t)psize;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0) {
		fprintf(stderr, "rtnl_hold: UFFDIO_REGISTER: %s\n", strerror(errno));
		return 2;
	}

	if (h.mode == MODE_ETHTOOL) {
		uint32_t *cmd = (uint32_t *)(page - sizeof(uint32_t));
		struct ethtool_gstrings *gs = (struct ethtool_gstrings *)cmd;

		*cmd = ETHTOOL_GSTRINGS;	/* touches page 0: read without a fault */
		h.arg = gs;
		/* what the kernel will find on page 1: string_set, then len 0
		 * (0 = "give me all", the only value that never mismatches) */
		((uint32_t *)src)[0] = ETH_SS_STATS;
		((uint32_t *)src)[1] = 0;
	} else {
		static struct ifconf ifc;

		ifc.ifc_len = (int)psize;
		ifc.ifc_buf = page;
		h.arg = &ifc;
	}

	if (pipe2(done_pipe, O_CLOEXEC) < 0 || pipe2(rec_pipe, O_CLOEXEC) < 0) {
		fprintf(stderr, "rtnl_hold: pipe: %s\n", strerror(errno));
		return 2;
	}
	h.done_fd = done_pipe[1];
	if (pthread_create(&thread, NULL, hold, &h) != 0) {
		fprintf(stderr, "rtnl_hold: pthread_create failed\n");
		return 2;
	}

	/* the fault is the proof that the holder sleeps inside RTNL */
	pfd[0] = (struct pollfd){ .fd = uffd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = done_pipe[0], .events = POLLIN };
	deadline = now_ns() + FAULT_TIMEOUT_MS * 1000000ULL;
	for (;;) {
		uint64_t now = now_ns();
		int n = now < deadline ? poll(pfd, 2, (int)((deadline - now) / 1000000 + 1)) : 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "rtnl_hold: no fault within %d ms (is RTNL held by someone else?)\n",
				FAULT_TIMEOUT_MS);
			return 2;	/* the holder dies with us once the kernel lets it */
		}
		if (pfd[1].revents) {
			pthread_join(thread, NULL);
			fprintf(stderr, "rtnl_hold: the call returned rc=%d errno=%d (%s) without touching the page%s\n",
				h.rc, h.err, strerror(h.err),
				h.mode == MODE_IFCONF ? " (no IPv4 address in this netns?)" : "");
			return 2;
		}
		if (read(uffd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
			if (errno == EINTR || errno == EAGAIN)	/* woken before read */
				continue;
			fprintf(stderr, "rtnl_hold: read userfaultfd: %s\n", strerror(errno));
			return 2;
		}
		if (msg.event == UFFD_EVENT_PAGEFAULT)
			break;
	}
	t_fault = now_ns();

	for (i = 0; i < nwait; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			close(uffd);	/* the page is the parent's business */
			close(rec_pipe[0]);
			waiter(ifindex, mtu, rec_pipe[1], hold_ms / 1000 + 10);
		}
		if (pid < 0) {
			int err = errno;

			/* let the ones we have finish, reap them, then give up */
			release(&uffd, page, src, psize);
			pthread_join(thread, NULL);
			while (i-- > 0)
				waitpid(waiter_pids[i], NULL, 0);
			fprintf(stderr, "rtnl_hold: fork: %s\n", strerror(err));
			return 2;
		}
		waiter_pids[i] = pid;
		nwaiters_forked = i + 1;
	}
	close(rec_pipe[1]);

	/* every waiter must be asleep on RTNL before the hold may end */
	deadline = now_ns() + BLOCK_TIMEOUT_NS;
	for (;;) {
		int gone = 0;

		all_blocked = 1;
		for (i = 0; i < nwait; i++) {
			if (!blocked[i])
				blocked[i] = waiter_blocked(waiter_pids[i]);
			if (!blocked[i]) {
				/* a waiter that already finished will never block */
				siginfo_t si = { 0 };

				all_blocked = 0;
				if (waitid(P_PID, (id_t)waiter_pids[i], &si,
					   WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid)
					gone = 1;
			}
		}
		if (all_blocked || gone || now_ns() >= deadline)
			break;
		usleep(1000);
	}
	if (!all_blocked) {
		for (i = 0; i < nwait; i++) {
			char what[192];

			if (blocked[i])
				continue;
			describe(waiter_pids[i], what, sizeof(what));
			fprintf(stderr, "rtnl_hold: waiter %d not blocked on RTNL: %s\n",
				(int)waiter_pids[i], what);
		}
	} else {
		sleep_until(t_fault + (uint64_t)hold_ms * 1000000ULL);
	}

	release(&uffd, page, src, psize);
	pthread_join(thread, NULL);
	t_end = now_ns();

	for (i = 0; i < nwait; i++)
		while (waitpid(waiter_pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	for (;;) {
		struct wrec r;
		ssize_t n = read(rec_pipe[0], &r, sizeof(r));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(r))
			break;
		for (i = 0; i < nwait; i++) {
			if (waiter_pids[i] == r.pid) {
				recs[i] = r;
				have_rec[i] = 1;
			}
		}
	}
	alarm(0);

	printf("holder pid=%d tid=%ld mode=%s rc=%d errno=%d fault_ns=%llu end_ns=%llu hold_ms=%.3f\n",
	       (int)getpid(), h.tid, h.mode == MODE_ETHTOOL ? "ethtool" : "ifconf", h.rc, h.err,
	       (unsigned long long)t_fault, (unsigned long long)t_end, (double)(t_end - t_fault) / 1e6);
	for (i = 0; i < nwait; i++) {
		if (!have_rec[i]) {
			printf("waiter pid=%d start_ns=0 end_ns=0 ms=0.000 error=none blocked=%d\n",
			       (int)waiter_pids[i], blocked[i]);
			continue;
		}
		printf("waiter pid=%d start_ns=%llu end_ns=%llu ms=%.3f error=%d blocked=%d\n",
		       (int)recs[i].pid, (unsigned long long)recs[i].start_ns,
		       (unsigned long long)recs[i].end_ns,
		       (double)(recs[i].end_ns - recs[i].start_ns) / 1e6, (int)recs[i].error, blocked[i]);
	}
	if (uffd >= 0)
		close(uffd);
	return all_blocked ? 0 : 3;
}
