// SPDX-License-Identifier: Apache-2.0
/*
 * The benchmark's floor: the least a consumer of our BPF object can do.
 * Loads the committed ethtoolsnoop.bpf.o with libbpf, enables only the
 * programs of one backend's ioctl path (no filters: .rodata.config stays
 * zeroed, and genl family 0 leaves netlink out), reads the `events` map and
 * prints one short line per event (pid comm cmd), as the bpftrace one-liner
 * does, flushed after each batch read. A benchmark reference, not shipped.
 *   consumer BACKEND OBJECT [PAGES]      BACKEND: syscall | kprobe | fentry
 * The `events` map may be a PERF_EVENT_ARRAY (PAGES per CPU, default 64, the
 * tracer's default) or a RINGBUF (its own size): bpf_map__type decides.
 * Prints "Tracing" on stderr once attached; on SIGINT/SIGTERM it drains what
 * is buffered and prints "lost N" (the object's counters.dropped: every
 * event the probes could not hand over) on stderr.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf/ethtoolsnoop.h"

static volatile sig_atomic_t stop;
static unsigned long long perf_lost;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_event(const void *data, size_t size)
{
	const struct event *ev = data;

	if (size < sizeof(*ev))
		return;
	printf("%u %.16s %u\n", ev->tgid, ev->comm, ev->cmd);
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	print_event(data, size);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	(void)cpu;
	perf_lost += n;
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	print_event(data, size);
	return 0;
}

/* dev_ethtool's parameter count in the running kernel's BTF (3 since 5.15). */
static int dev_ethtool_args(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	int id, n = 3;

	if (!btf)
		return n;
	id = btf__find_by_name_kind(btf, "dev_ethtool", BTF_KIND_FUNC);
	if (id > 0) {
		t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
		if (t)
			n = btf_vlen(t);
	}
	btf__free(btf);
	return n;
}

int main(int argc, char **argv)
{
	const char *want[2];
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *events, *map, *counters = NULL;
	struct perf_buffer *pb = NULL;
	struct ring_buffer *rb = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long dropped = 0;
	int pages = argc > 3 ? atoi(argv[3]) : 64, err, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s syscall|kprobe|fentry OBJECT [PAGES]\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "syscall") == 0) {
		want[0] = "raw_sys_enter", want[1] = "raw_sys_exit";
	} else if (strcmp(argv[1], "kprobe") == 0) {
		want[0] = "kprobe_dev_ethtool", want[1] = "kretprobe_dev_ethtool";
	} else if (strcmp(argv[1], "fentry") == 0) {
		int two = dev_ethtool_args() == 2;

		want[0] = two ? "fentry_dev_ethtool_2args" : "fentry_dev_ethtool";
		want[1] = two ? "fexit_dev_ethtool_2args" : "fexit_dev_ethtool";
	} else {
		fprintf(stderr, "unknown backend %s\n", argv[1]);
		return 2;
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(argv[2], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog, strcmp(name, want[0]) == 0 || strcmp(name, want[1]) == 0);
	}
	events = bpf_object__find_map_by_name(obj, "events");
	if (!events) {
		fprintf(stderr, "no events map in %s\n", argv[2]);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t len = strlen(name);

		if (len >= 9 && strcmp(name + len - 9, ".counters") == 0)
			counters = map;
	}
	for (i = 0; i < 2; i++) {
		prog = bpf_object__find_program_by_name(obj, want[i]);
		if (!prog || !bpf_program__attach(prog)) {
			fprintf(stderr, "attach %s: %s\n", want[i], strerror(errno));
			return 1;
		}
	}
	if (bpf_map__type(events) == BPF_MAP_TYPE_RINGBUF)
		rb = ring_buffer__new(bpf_map__fd(events), on_record, NULL, NULL);
	else
		pb = perf_buffer__new(bpf_map__fd(events), pages, on_sample, on_lost, NULL, NULL);
	if (!rb && !pb) {
		fprintf(stderr, "events buffer: %s\n", strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "Tracing (%s, %s)\n", want[0], rb ? "ring buffer" : "perf buffer");
	while (!stop) {
		err = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "poll: %s\n", strerror(-err));
			break;
		}
		/* once per batch, as ours does: what was read is out */
		if (err > 0)
			fflush(stdout);
	}
	if (rb)
		ring_buffer__consume(rb);
	else
		perf_buffer__consume(pb);
	fflush(stdout);
	if (counters) {
		__u64 v[8] = { 0 };
		int zero = 0;

		if (bpf_map__value_size(counters) <= sizeof(v) &&
		    bpf_map_lookup_elem(bpf_map__fd(counters), &zero, v) == 0)
			dropped = v[0];
	}
	/* a full perf buffer counts in both: dropped is the exact one */
	fprintf(stderr, "lost %llu (perf buffer reported %llu)\n", dropped, perf_lost);
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	bpf_object__close(obj);
	return 0;
}
