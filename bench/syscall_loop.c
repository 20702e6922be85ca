// SPDX-License-Identifier: Apache-2.0
/*
 * Tight loops of system calls for the overhead benchmark, timed inside the
 * process (CLOCK_MONOTONIC), printing ns per call:
 *   syscall_loop ioctl N          unrelated ioctl (FIONREAD on a UDP socket)
 *   syscall_loop sendmsg N        unrelated sendmsg (UDP to 127.0.0.1, discard port)
 *   syscall_loop ethtool N IFNAME ETHTOOL_GDRVINFO ioctls (the traced path)
 *   syscall_loop paced N IFNAME RATE
 *                                 N GDRVINFO ioctls at RATE per second (0: as
 *                                 fast as possible); prints the rate achieved
 *   syscall_loop tick IFNAME USEC one GDRVINFO every USEC until killed, so a
 *                                 starting tracer has something to show
 */
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void sleep_ns(double ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1e9), .tv_nsec = (long)(ns - (time_t)(ns / 1e9) * 1e9) };

	nanosleep(&ts, NULL);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n, i;
	int fd, avail;
	double t0, t1;

	if (argc < 3) {
		fprintf(stderr, "usage: %s ioctl|sendmsg|ethtool|paced N [IFNAME [RATE]] | tick IFNAME USEC\n", argv[0]);
		return 2;
	}
	n = atol(argv[2]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (strcmp(argv[1], "ioctl") == 0) {
		t0 = now_ns();
		for (i = 0; i < n; i++)
			ioctl(fd, FIONREAD, &avail);
		t1 = now_ns();
	} else if (strcmp(argv[1], "sendmsg") == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
		char byte = 0;
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov, .msg_iovlen = 1 };

		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			sendmsg(fd, &msg, MSG_DONTWAIT);
		t1 = now_ns();
	} else if ((strcmp(argv[1], "paced") == 0 && argc > 4) || (strcmp(argv[1], "tick") == 0 && argc > 3)) {
		int tick = strcmp(argv[1], "tick") == 0;
		const char *ifname = tick ? argv[2] : argv[3];
		double period = tick ? atof(argv[3]) * 1e3 : atof(argv[4]) > 0 ? 1e9 / atof(argv[4]) : 0;
		struct ethtool_drvinfo info;
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
		ifr.ifr_data = (void *)&info;
		if (tick)
			n = -1;
		t0 = now_ns();
		for (i = 0; n < 0 || i < n; i++) {
			/*
			 * Sleep only when ahead by more than the sleep's own
			 * granularity: a spinning pacer would take one of the
			 * two cores from the tracer being measured. Falling
			 * behind makes the next ops come in a burst, as
			 * bursts do in real workloads.
			 */
			double ahead = t0 + i * period - now_ns();

			if (ahead > 50e3)
				sleep_ns(ahead);
			info.cmd = ETHTOOL_GDRVINFO;
			if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
				perror("SIOCETHTOOL");
				return 1;
			}
		}
		t1 = now_ns();
		printf("%.0f\n", n / ((t1 - t0) / 1e9));
		return 0;
	} else if (strcmp(argv[1], "ethtool") == 0 && argc > 3) {
		struct ethtool_drvinfo info;
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, argv[3], IFNAMSIZ - 1);
		ifr.ifr_data = (void *)&info;
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			info.cmd = ETHTOOL_GDRVINFO;
			if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
				perror("SIOCETHTOOL");
				return 1;
			}
		}
		t1 = now_ns();
	} else {
		fprintf(stderr, "unknown loop %s\n", argv[1]);
		return 2;
	}
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}
