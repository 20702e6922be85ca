/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Input header for jextract: the libc subset that ethtoolsnoop binds
 * through Panama FFM (class Libc). See generate.sh for the exact symbol
 * list; only the symbols named there end up in dev.ethtoolsnoop.ffi.
 */
#include <stdio.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <poll.h>
#include <malloc.h>
#include <fcntl.h>
#include <linux/sched.h>

/*
 * glibc declares setns() only under _GNU_SOURCE, which would also turn the
 * sockaddr arguments of bind() and sendto() into transparent unions. Its
 * prototype (setns(2)) is declared here instead.
 */
extern int setns(int fd, int nstype);
