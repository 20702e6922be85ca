// SPDX-License-Identifier: Apache-2.0
/*
 * Sends ethtool netlink requests (ETHTOOL_MSG_LINKINFO_GET, device by name)
 * the ways a library may, to check what the tracer says of their results:
 *   ethtool_genl noread IFNAME          one request; exits without reading
 *                                        the kernel's answer
 *   ethtool_genl batch IFNAME MISSING   two requests in one send (seq 1 on
 *                                        IFNAME, seq 2 on MISSING), then reads
 *                                        both answers; sent from the end of a
 *                                        fresh page whose next page is absent,
 *                                        so that only what is sent can be read
 * Prints "seq=S error=E" per answer read (E: 0 or -errno) and exits 0.
 *   ethtool_genl byindex RATE N IFINDEX...
 * names the device by ETHTOOL_A_HEADER_DEV_INDEX only, as a tool holding
 * ifindexes does: N requests at RATE per second (0: as fast as it can),
 * cycling through the ifindexes, each answer read before the next. Prints
 * "sent N failed F" (F: requests the kernel answered with an error).
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define ETHTOOL_MSG_LINKINFO_GET 2
#define ETHTOOL_A_LINKINFO_HEADER 1
#define ETHTOOL_A_HEADER_DEV_INDEX 1
#define ETHTOOL_A_HEADER_DEV_NAME 2
#define NLA_ALIGN4(n) (((n) + 3) & ~3)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Appends nlmsghdr + genlmsghdr + attrs to buf at *len; returns the new message. */
static struct nlmsghdr *start(char *buf, size_t *len, uint16_t type, uint8_t cmd, uint32_t seq)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(buf + *len);
	struct genlmsghdr *gh = (struct genlmsghdr *)(nh + 1);

	memset(nh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = seq;
	nh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	gh->cmd = cmd;
	gh->version = 1;
	return nh;
}

static void put_attr(struct nlmsghdr *nh, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = (struct nlattr *)((char *)nh + NLA_ALIGN4(nh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	memcpy((char *)a + NLA_HDRLEN, data, n);
	nh->nlmsg_len = NLA_ALIGN4(nh->nlmsg_len) + NLA_ALIGN4(a->nla_len);
}

/* LINKINFO_GET with a header nest naming the device by name, or by index if ifname is NULL. */
static struct nlmsghdr *linkinfo_get(char *buf, size_t *len, uint16_t family, uint32_t seq, const char *ifname,
				     uint32_t ifindex)
{
	struct nlmsghdr *nh = start(buf, len, family, ETHTOOL_MSG_LINKINFO_GET, seq);
	struct nlattr *nest = (struct nlattr *)((char *)nh + nh->nlmsg_len);

	nest->nla_type = ETHTOOL_A_LINKINFO_HEADER | NLA_F_NESTED;
	nh->nlmsg_len += NLA_HDRLEN;
	if (ifname)
		put_attr(nh, ETHTOOL_A_HEADER_DEV_NAME, ifname, strlen(ifname) + 1);
	else
		put_attr(nh, ETHTOOL_A_HEADER_DEV_INDEX, &ifindex, sizeof(ifindex));
	nest->nla_len = (char *)nh + nh->nlmsg_len - (char *)nest;
	*len += NLA_ALIGN4(nh->nlmsg_len);
	return nh;
}

/* One request by index at a time, paced; the first answer of each says how it went. */
static int by_index(int fd, uint16_t family, long rate, long n, char **ifindexes, int count)
{
	struct timespec next;
	long i, failed = 0;
	char buf[8192];

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < n; i++) {
		size_t len = 0;
		struct nlmsghdr *nh;
		ssize_t got;

		if (rate > 0) {
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
			next.tv_nsec += 1000000000L / rate;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
		}
		nh = linkinfo_get(buf, &len, family, i + 1, NULL, (uint32_t)atol(ifindexes[i % count]));
		nh->nlmsg_flags = NLM_F_REQUEST; /* the reply, or an error: one answer */
		if (send(fd, buf, len, 0) != (ssize_t)len)
			die("send");
		got = recv(fd, buf, sizeof(buf), 0);
		if (got < (ssize_t)NLMSG_HDRLEN)
			die("recv");
		nh = (struct nlmsghdr *)buf;
		if (nh->nlmsg_type == NLMSG_ERROR && *(int *)NLMSG_DATA(nh))
			failed++;
	}
	printf("sent %ld failed %ld\n", n, failed);
	return 0;
}

static uint16_t ethtool_family(int fd)
{
	char buf[8192];
	size_t len = 0;
	struct nlmsghdr *nh = start(buf, &len, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 100);
	ssize_t n;

	nh->nlmsg_flags = NLM_F_REQUEST;
	put_attr(nh, CTRL_ATTR_FAMILY_NAME, "ethtool", 8);
	if (send(fd, buf, nh->nlmsg_len, 0) < 0)
		die("send");
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)(NLMSG_HDRLEN + GENL_HDRLEN) || nh->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "no ethtool netlink family\n");
		exit(1);
	}
	for (size_t off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= nh->nlmsg_len;) {
		struct nlattr *a = (struct nlattr *)(buf + off);

		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
		off += NLA_ALIGN4(a->nla_len);
	}
	fprintf(stderr, "no family id\n");
	exit(1);
}

/* len bytes of msg copied to the end of a fresh page; the page after it is never touched. */
static char *at_page_end(const char *msg, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	memcpy(p + page - len, msg, len);
	return p + page - len;
}

int main(int argc, char **argv)
{
	char buf[8192];
	char *out = buf;
	size_t len = 0;
	int fd, acked = 0, want;
	uint16_t family;

	if (argc < 3 || (strcmp(argv[1], "noread") && strcmp(argv[1], "batch") && strcmp(argv[1], "byindex")) ||
	    (!strcmp(argv[1], "batch") && argc < 4) || (!strcmp(argv[1], "byindex") && argc < 5)) {
		fprintf(stderr, "usage: ethtool_genl noread IFNAME | batch IFNAME MISSING | byindex RATE N IFINDEX...\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		die("socket");
	family = ethtool_family(fd);
	if (!strcmp(argv[1], "byindex"))
		return by_index(fd, family, atol(argv[2]), atol(argv[3]), argv + 4, argc - 4);
	linkinfo_get(buf, &len, family, 1, argv[2], 0);
	want = 1;
	if (!strcmp(argv[1], "batch")) {
		linkinfo_get(buf, &len, family, 2, argv[3], 0);
		want = 2;
		out = at_page_end(buf, len);
	}
	if (send(fd, out, len, 0) != (ssize_t)len)
		die("send");
	if (!strcmp(argv[1], "noread"))
		return 0; /* the answer stays queued and goes with the socket */
	/* a reply, then an ACK (NLMSG_ERROR 0), or only an error, per request */
	while (acked < want) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (n < 0)
			die("recv");
		if (n >= (ssize_t)(NLMSG_HDRLEN + sizeof(int)) && nh->nlmsg_type == NLMSG_ERROR) {
			printf("seq=%u error=%d\n", nh->nlmsg_seq, *(int *)NLMSG_DATA(nh));
			acked++;
		}
	}
	close(fd);
	return 0;
}
