// SPDX-License-Identifier: Apache-2.0
/*
 * A storm of ETHTOOL_GDRVINFO ioctls from several threads, as a busy exporter
 * fleet would send, for the load and soak tests:
 *   ethtool_storm IFNAME THREADS TOTAL [RATE]
 * TOTAL operations in all, split over THREADS; with RATE (operations per
 * second, all threads together) they are paced, else sent flat out.
 * Prints "issued=N failed=F" once all threads are done: every ioctl issued
 * is counted, whatever the kernel answered, so the tests can compare it with
 * what the tracer printed plus what it reported lost.
 */
#define _GNU_SOURCE
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *ifname;
static long per_thread, extra, rate, threads;
static atomic_long issued, failed;

static void pace(long done, const struct timespec *start)
{
	struct timespec now, until;
	/* nanoseconds since start at which this thread's next op is due */
	long long due = (long long)done * threads * 1000000000LL / rate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	long long spent = (now.tv_sec - start->tv_sec) * 1000000000LL + now.tv_nsec - start->tv_nsec;
	if (due <= spent)
		return;
	until.tv_sec = start->tv_sec + (start->tv_nsec + due) / 1000000000LL;
	until.tv_nsec = (start->tv_nsec + due) % 1000000000LL;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
}

static void *storm(void *arg)
{
	long n = per_thread + ((long)(intptr_t)arg < extra ? 1 : 0);
	struct ethtool_drvinfo info;
	struct timespec start;
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&info;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < n; i++) {
		if (rate > 0)
			pace(i, &start);
		memset(&info, 0, sizeof(info));
		info.cmd = ETHTOOL_GDRVINFO;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
			atomic_fetch_add(&failed, 1);
		atomic_fetch_add(&issued, 1);
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[64];
	long total;

	if (argc < 4) {
		fprintf(stderr, "usage: ethtool_storm IFNAME THREADS TOTAL [RATE]\n");
		return 2;
	}
	ifname = argv[1];
	threads = strtol(argv[2], NULL, 0);
	total = strtol(argv[3], NULL, 0);
	rate = argc > 4 ? strtol(argv[4], NULL, 0) : 0;
	if (threads < 1 || threads > 64 || total < 0) {
		fprintf(stderr, "ethtool_storm: 1..64 threads, TOTAL >= 0\n");
		return 2;
	}
	per_thread = total / threads;
	extra = total % threads;
	for (long i = 0; i < threads; i++) {
		if (pthread_create(&t[i], NULL, storm, (void *)(intptr_t)i) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("issued=%ld failed=%ld\n", atomic_load(&issued), atomic_load(&failed));
	return 0;
}
