/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Input header for jextract: the libbpf subset that ethtoolsnoop binds
 * through Panama FFM (class Libbpf). See generate.sh for the exact symbol
 * list; only the symbols named there end up in dev.ethtoolsnoop.ffi.
 */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/perf_event.h>
