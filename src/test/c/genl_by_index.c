// SPDX-License-Identifier: Apache-2.0
/*
 * ETHTOOL_MSG_LINKINFO_GET requests that name the device by
 * ETHTOOL_A_HEADER_DEV_INDEX only, as a tool holding ifindexes sends them:
 *   genl_by_index RATE N IFINDEX...
 * sends N requests at RATE per second (0: as fast as it can), cycling through
 * the ifindexes, each reply read before the next. Prints "sent N failed F"
 * (F: requests the kernel answered with an error) and exits 0.
 */
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ALIGN4(n) (((n) + 3) & ~3u)

struct req {
	struct nlmsghdr nl;
	struct genlmsghdr genl;
	char attrs[64];
};

static char reply[16384];

static int transact(int fd, struct req *r)
{
	ssize_t n;
	struct nlmsghdr *h;

	if (send(fd, r, r->nl.nlmsg_len, 0) < 0) {
		perror("send");
		exit(1);
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < (ssize_t)NLMSG_HDRLEN) {
		perror("recv");
		exit(1);
	}
	h = (struct nlmsghdr *)reply;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	return 0;
}

static int family_id(int fd)
{
	struct req r;
	struct nlmsghdr *h = (struct nlmsghdr *)reply;
	struct nlattr *a = (struct nlattr *)r.attrs;
	int len;

	memset(&r, 0, sizeof(r));
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(ETHTOOL_GENL_NAME);
	memcpy((char *)a + NLA_HDRLEN, ETHTOOL_GENL_NAME, sizeof(ETHTOOL_GENL_NAME));
	r.nl.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + ALIGN4(a->nla_len);
	r.nl.nlmsg_type = GENL_ID_CTRL;
	r.nl.nlmsg_flags = NLM_F_REQUEST;
	r.genl.cmd = CTRL_CMD_GETFAMILY;
	r.genl.version = 1;
	if (transact(fd, &r)) {
		fprintf(stderr, "CTRL_CMD_GETFAMILY failed\n");
		exit(1);
	}
	len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(unsigned short *)((char *)a + NLA_HDRLEN);
		len -= ALIGN4(a->nla_len);
		a = (struct nlattr *)((char *)a + ALIGN4(a->nla_len));
	}
	fprintf(stderr, "no ethtool genl family\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct req r;
	struct nlattr *nest, *idx;
	struct timespec next;
	long rate, n, i, failed = 0;
	int fd, fam, count = argc - 3;

	if (argc < 4) {
		fprintf(stderr, "usage: %s RATE N IFINDEX...\n", argv[0]);
		return 2;
	}
	rate = atol(argv[1]);
	n = atol(argv[2]);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	fam = family_id(fd);

	memset(&r, 0, sizeof(r));
	nest = (struct nlattr *)r.attrs;
	idx = (struct nlattr *)(r.attrs + NLA_HDRLEN);
	idx->nla_type = ETHTOOL_A_HEADER_DEV_INDEX;
	idx->nla_len = NLA_HDRLEN + 4;
	nest->nla_type = ETHTOOL_A_LINKINFO_HEADER | NLA_F_NESTED;
	nest->nla_len = NLA_HDRLEN + idx->nla_len;
	r.nl.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + nest->nla_len;
	r.nl.nlmsg_type = fam;
	r.nl.nlmsg_flags = NLM_F_REQUEST;
	r.genl.cmd = ETHTOOL_MSG_LINKINFO_GET;
	r.genl.version = ETHTOOL_GENL_VERSION;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < n; i++) {
		if (rate > 0) {
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
			next.tv_nsec += 1000000000L / rate;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
		}
		*(__u32 *)((char *)idx + NLA_HDRLEN) = (__u32)atol(argv[3 + i % count]);
		r.nl.nlmsg_seq = i + 1;
		if (transact(fd, &r))
			failed++;
	}
	printf("sent %ld failed %ld\n", n, failed);
	return 0;
}
