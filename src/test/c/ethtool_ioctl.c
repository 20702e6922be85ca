// SPDX-License-Identifier: Apache-2.0
/*
 * Issues one raw SIOCETHTOOL ioctl, as an exporter linking its own ethtool
 * code would, including commands ethtool never sends (0x0, 0xd).
 *   ethtool_ioctl [--thread] [--comm NAME] IFNAME CMD [SUB_CMD]    (numbers in C syntax, e.g. 0x4b)
 * --thread issues it from a second thread, as a multithreaded exporter would.
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
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct request {
	const char *ifname;
	uint32_t cmd, sub_cmd;
	int threaded;
};

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
	ifr.ifr_data = (void *)buf;
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
	if (argc < 3) {
		fprintf(stderr, "usage: ethtool_ioctl [--thread] [--comm NAME] IFNAME CMD [SUB_CMD]\n");
		return 2;
	}
	req.ifname = argv[1];
	req.cmd = (uint32_t)strtoul(argv[2], NULL, 0);
	if (argc > 3)
		req.sub_cmd = (uint32_t)strtoul(argv[3], NULL, 0);
	req.threaded = threaded;
	if (!threaded) {
		issue(&req);
		return 0;
	}
	if (pthread_create(&t, NULL, issue, &req) != 0) {
		perror("pthread_create");
		return 1;
	}
	pthread_join(t, NULL);
	return 0;
}
