// SPDX-License-Identifier: Apache-2.0
/*
 * Issues one raw SIOCETHTOOL ioctl, as an exporter linking its own ethtool
 * code would, including commands ethtool never sends (0x0, 0xd).
 *   ethtool_ioctl [--thread] [--comm NAME] [--linger MS] [--page-edge|--cold-page] IFNAME CMD [SUB_CMD]
 * (numbers in C syntax, e.g. 0x4b)
 * --thread issues it from a second thread, as a multithreaded exporter would.
 * --page-edge puts the command in the last 4 bytes of a page whose next page
 * is not present yet (the sub-command, if any, then sits on that page).
 * --cold-page puts the command on a page of a file mapping the process has
 * never touched: present in the page cache, not in its page tables, so only
 * a read that may fault (the kernel's) can see it.
 * --linger stays alive MS milliseconds after the call, so that what only a
 * live process shows (its /proc entry: the full executable name) is there
 * when the tracer reads the event.
 * --comm renames the process first (prctl PR_SET_NAME): any bytes, e.g.
 * terminal escape sequences, as a hostile process could.
 * Prints "rc=R errno=E tid=T" and exits 0 whatever the kernel said.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct request {
	const char *ifname;
	uint32_t cmd, sub_cmd;
	int threaded;
	uint32_t *data; /* where the command goes; NULL: a buffer on the stack */
};

/* Two fresh anonymous pages, only the first touched: the command in its last word. */
static uint32_t *page_edge(uint32_t cmd, uint32_t sub_cmd)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *at;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	at = (uint32_t *)(p + page - sizeof(uint32_t));
	*at = cmd;
	(void)sub_cmd; /* would populate the second page: leave it to the kernel */
	return at;
}

/* The command and sub-command written to a file, then mapped and not touched. */
static uint32_t *cold_page(uint32_t cmd, uint32_t sub_cmd)
{
	char path[] = "/tmp/etsn-cold.XXXXXX";
	uint32_t words[1024] = {cmd, sub_cmd};
	int fd = mkstemp(path);
	void *p;

	if (fd < 0 || write(fd, words, sizeof(words)) != sizeof(words)) {
		perror("cold page file");
		exit(1);
	}
	p = mmap(NULL, sizeof(words), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	close(fd);
	unlink(path);
	return p;
}

static void *issue(void *arg)
{
	const struct request *req = arg;
	/* big enough for any reply we may provoke (drvinfo is 196 bytes) */
	uint32_t buf[1024] = {0};
	struct ifreq ifr;
	int fd, rc;

	if (req->threaded) /* a worker named unlike its process, as exporters' are */
		pthread_setname_np(pthread_self(), "etsn-worker");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, req->ifname, IFNAMSIZ - 1);
	buf[0] = req->cmd;
	buf[1] = req->sub_cmd; /* ethtool_per_queue_op.sub_command */
	ifr.ifr_data = req->data ? (void *)req->data : (void *)buf;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	rc = ioctl(fd, SIOCETHTOOL, &ifr);
	printf("rc=%d errno=%d tid=%ld\n", rc, rc < 0 ? errno : 0, (long)syscall(SYS_gettid));
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct request req = {0};
	int threaded = argc > 1 && strcmp(argv[1], "--thread") == 0;
	pthread_t t;

	argv += threaded;
	argc -= threaded;
	if (argc > 2 && strcmp(argv[1], "--comm") == 0) {
		if (prctl(PR_SET_NAME, argv[2], 0, 0, 0) != 0) {
			perror("prctl");
			return 1;
		}
		argv += 2;
		argc -= 2;
	}
	long linger_ms = 0;

	if (argc > 2 && strcmp(argv[1], "--linger") == 0) {
		linger_ms = strtol(argv[2], NULL, 0);
		argv += 2;
		argc -= 2;
	}
	int edge = argc > 1 && strcmp(argv[1], "--page-edge") == 0;
	int cold = argc > 1 && strcmp(argv[1], "--cold-page") == 0;

	argv += edge || cold;
	argc -= edge || cold;
	if (argc < 3) {
		fprintf(stderr, "usage: ethtool_ioctl [--thread] [--comm NAME] [--linger MS] [--page-edge|--cold-page] "
				"IFNAME CMD [SUB_CMD]\n");
		return 2;
	}
	req.ifname = argv[1];
	req.cmd = (uint32_t)strtoul(argv[2], NULL, 0);
	if (argc > 3)
		req.sub_cmd = (uint32_t)strtoul(argv[3], NULL, 0);
	req.threaded = threaded;
	if (edge)
		req.data = page_edge(req.cmd, req.sub_cmd);
	else if (cold)
		req.data = cold_page(req.cmd, req.sub_cmd);
	if (!threaded) {
		issue(&req);
	} else {
		if (pthread_create(&t, NULL, issue, &req) != 0) {
			perror("pthread_create");
			return 1;
		}
		pthread_join(t, NULL);
	}
	if (linger_ms > 0)
		usleep(linger_ms * 1000);
	return 0;
}
