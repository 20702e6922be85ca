// SPDX-License-Identifier: Apache-2.0
/*
 * Issues one raw SIOCETHTOOL ioctl, as an exporter linking its own ethtool
 * code would, including commands ethtool never sends (0x0, 0xd).
 *   ethtool_ioctl IFNAME CMD [SUB_CMD]    (numbers in C syntax, e.g. 0x4b)
 * Prints "rc=R errno=E" and exits 0 whatever the kernel said.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* big enough for any reply we may provoke (drvinfo is 196 bytes) */
	uint32_t buf[1024] = {0};
	struct ifreq ifr;
	int fd, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: %s IFNAME CMD [SUB_CMD]\n", argv[0]);
		return 2;
	}
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	buf[0] = (uint32_t)strtoul(argv[2], NULL, 0);
	if (argc > 3)
		buf[1] = (uint32_t)strtoul(argv[3], NULL, 0); /* ethtool_per_queue_op.sub_command */
	ifr.ifr_data = (void *)buf;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	rc = ioctl(fd, SIOCETHTOOL, &ifr);
	printf("rc=%d errno=%d\n", rc, rc < 0 ? errno : 0);
	close(fd);
	return 0;
}
