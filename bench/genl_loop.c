// SPDX-License-Identifier: Apache-2.0
/*
 * A tight loop of ethtool netlink GET requests (ETHTOOL_MSG_LINKINFO_GET, the
 * request `ethtool IFNAME` starts with), each sent with send() and its reply
 * read before the next, timed inside the process (CLOCK_MONOTONIC):
 *   genl_loop N IFNAME      prints ns per request
 *   genl_loop family        prints the ethtool genl family id
 * The family id is resolved with CTRL_CMD_GETFAMILY, as ethtool does, so the
 * requests look to every tracer like the real tool's.
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

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Appends a string attribute at *off; returns the attribute's start. */
static struct nlattr *put_str(char *base, unsigned int *off, unsigned short type, const char *s)
{
	struct nlattr *a = (struct nlattr *)(base + *off);
	unsigned int len = strlen(s) + 1;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, s, len);
	*off += ALIGN4(a->nla_len);
	return a;
}

/* Sends one request and reads its reply; returns the netlink error (0 if none). */
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
	unsigned int off = 0;
	struct nlmsghdr *h = (struct nlmsghdr *)reply;
	struct nlattr *a;
	int len, err;

	memset(&r, 0, sizeof(r));
	put_str(r.attrs, &off, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME);
	r.nl.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + off;
	r.nl.nlmsg_type = GENL_ID_CTRL;
	r.nl.nlmsg_flags = NLM_F_REQUEST;
	r.genl.cmd = CTRL_CMD_GETFAMILY;
	r.genl.version = 1;
	err = transact(fd, &r);
	if (err) {
		fprintf(stderr, "CTRL_CMD_GETFAMILY: %s\n", strerror(-err));
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
	struct nlattr *nest;
	unsigned int off = 0;
	long n, i;
	int fd, fam, err;
	double t0, t1;

	if (argc < 2 || (strcmp(argv[1], "family") != 0 && argc < 3)) {
		fprintf(stderr, "usage: %s N IFNAME | family\n", argv[0]);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	fam = family_id(fd);
	if (strcmp(argv[1], "family") == 0) {
		printf("%d\n", fam);
		return 0;
	}
	n = atol(argv[1]);

	memset(&r, 0, sizeof(r));
	nest = (struct nlattr *)r.attrs;
	off = NLA_HDRLEN;
	put_str(r.attrs, &off, ETHTOOL_A_HEADER_DEV_NAME, argv[2]);
	nest->nla_type = ETHTOOL_A_LINKINFO_HEADER | NLA_F_NESTED;
	nest->nla_len = off;
	r.nl.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + off;
	r.nl.nlmsg_type = fam;
	r.nl.nlmsg_flags = NLM_F_REQUEST;
	r.genl.cmd = ETHTOOL_MSG_LINKINFO_GET;
	r.genl.version = ETHTOOL_GENL_VERSION;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		r.nl.nlmsg_seq = i + 1;
		err = transact(fd, &r);
		if (err) {
			fprintf(stderr, "ETHTOOL_MSG_LINKINFO_GET %s: %s\n", argv[2], strerror(-err));
			return 1;
		}
	}
	t1 = now_ns();
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}
