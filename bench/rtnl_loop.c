// SPDX-License-Identifier: Apache-2.0
/*
 * A tight loop of RTNL-taking calls for the RTNL cost benchmark: RTM_NEWLINK
 * requests that set a device's MTU to the value it already has, over one
 * NETLINK_ROUTE socket per thread. The kernel takes RTNL for every one
 * (rtnl_newlink) and changes nothing. Timed inside the process
 * (CLOCK_MONOTONIC):
 *   rtnl_loop N IFNAME [THREADS [BATCH]]
 * prints "NS CALLS": ns per call as one caller sees it, and the calls made.
 * BATCH 0 (the default): one request per send(), its ACK read before the
 * next, as `ip link set` does. BATCH >= 1: BATCH requests per send() and no
 * ACK asked for, so that the kernel takes RTNL for one request after the
 * other with little in between (a failed request is still answered: the
 * socket is checked at the end).
 * With THREADS > 1 (thread i pinned to CPU i mod ncpu) the threads contend
 * for RTNL; the clock stops when the first thread has made N calls, and the
 * others stop at their next send, so that the calls counted were made while
 * the others were calling too: NS = elapsed x THREADS / CALLS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64
#define MAX_BATCH 256

struct req {
	struct nlmsghdr nl;
	struct ifinfomsg ifi;
	struct rtattr mtu_attr;
	unsigned int mtu;
};

static long n_calls;
static int ifindex, threads, batch;
static unsigned int mtu;
static pthread_barrier_t start;
static atomic_int stop;
static atomic_long done;
static double t_begin[MAX_THREADS], t_stop;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Reads one datagram of answers; returns the first error in it (0: none). */
static int answers(int fd, int flags, int *got)
{
	static _Thread_local char buf[65536];
	ssize_t n = recv(fd, buf, sizeof(buf), flags);
	struct nlmsghdr *h;

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type != NLMSG_ERROR)
			return -EPROTO;
		if (((struct nlmsgerr *)NLMSG_DATA(h))->error)
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		++*got;
	}
	return 0;
}

static void fail(int err)
{
	fprintf(stderr, "RTM_NEWLINK: %s\n", strerror(-err));
	exit(1);
}

static void *loop(void *arg)
{
	long id = (long)arg, i;
	int per_send = batch ? batch : 1, fd, k, got, err;
	struct req *r = calloc(per_send, sizeof(*r));
	cpu_set_t cpus;

	if (threads > 1) {
		CPU_ZERO(&cpus);
		CPU_SET(id % sysconf(_SC_NPROCESSORS_ONLN), &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || !r) {
		perror("socket");
		exit(1);
	}
	for (k = 0; k < per_send; k++) {
		r[k].nl.nlmsg_len = sizeof(*r);
		r[k].nl.nlmsg_type = RTM_NEWLINK;
		r[k].nl.nlmsg_flags = NLM_F_REQUEST | (batch ? 0 : NLM_F_ACK);
		r[k].ifi.ifi_family = AF_UNSPEC;
		r[k].ifi.ifi_index = ifindex;
		r[k].mtu_attr.rta_type = IFLA_MTU;
		r[k].mtu_attr.rta_len = RTA_LENGTH(sizeof(r[k].mtu));
		r[k].mtu = mtu;
	}

	pthread_barrier_wait(&start);
	t_begin[id] = now_ns();
	for (i = 0; i < n_calls && !atomic_load_explicit(&stop, memory_order_relaxed); i += per_send) {
		r[0].nl.nlmsg_seq = i + 1;
		if (send(fd, r, per_send * sizeof(*r), 0) < 0) {
			perror("send");
			exit(1);
		}
		if (!batch) {
			got = 0;
			err = answers(fd, 0, &got);
			if (err || got != 1)
				fail(err ? err : -EPROTO);
		}
	}
	/* the first thread to finish stops the clock, and the others */
	if (!atomic_exchange(&stop, 1))
		t_stop = now_ns();
	atomic_fetch_add(&done, i);
	/* batched: requests are answered only when they fail */
	if (batch && (err = answers(fd, MSG_DONTWAIT, &got)))
		fail(err);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	struct ifreq ifr;
	long t;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: %s N IFNAME [THREADS [BATCH]]\n", argv[0]);
		return 2;
	}
	n_calls = atol(argv[1]);
	threads = argc > 3 ? atoi(argv[3]) : 1;
	batch = argc > 4 ? atoi(argv[4]) : 0;
	if (n_calls < 1 || threads < 1 || threads > MAX_THREADS || batch < 0 || batch > MAX_BATCH) {
		fprintf(stderr, "bad N, THREADS or BATCH\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		perror(argv[2]);
		return 1;
	}
	/* the MTU it has: setting it again changes nothing, RTNL is still taken */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, argv[2], IFNAMSIZ - 1);
	if (fd < 0 || ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
		perror("SIOCGIFMTU");
		return 1;
	}
	close(fd);
	mtu = ifr.ifr_mtu;

	pthread_barrier_init(&start, NULL, threads + 1);
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, loop, (void *)t)) {
			perror("pthread_create");
			return 1;
		}
	pthread_barrier_wait(&start);
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	/* the clock started with the first thread to start */
	for (t = 1; t < threads; t++)
		if (t_begin[t] < t_begin[0])
			t_begin[0] = t_begin[t];
	printf("%.1f %ld\n", (t_stop - t_begin[0]) * threads / atomic_load(&done), atomic_load(&done));
	return 0;
}
