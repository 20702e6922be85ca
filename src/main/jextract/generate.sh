#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Regenerates the Panama FFM bindings in src/main/java/dev/ethtoolsnoop/ffi:
# class Libbpf (and its structs and callbacks) from libbpf_ffi.h, class Libc
# from libc_ffi.h. Needs an already-built jextract
# ($JEXTRACT, default: `jextract` on PATH) and the libbpf-dev headers.
# See README.md next to this file for the versions the committed output used.
set -euo pipefail

JEXTRACT="${JEXTRACT:-jextract}"
cd "$(dirname "$0")/../../.."

rm -rf src/main/java/dev/ethtoolsnoop/ffi

"$JEXTRACT" \
  --target-package dev.ethtoolsnoop.ffi \
  --header-class-name Libbpf \
  --library :libbpf.so.1 \
  --output src/main/java \
  --include-function bpf_object__open_mem \
  --include-function bpf_object__load \
  --include-function bpf_object__close \
  --include-function bpf_object__find_program_by_name \
  --include-function bpf_object__find_map_by_name \
  --include-function bpf_program__set_autoload \
  --include-function bpf_program__set_attach_target \
  --include-function bpf_program__attach_kprobe \
  --include-function bpf_program__attach_trace \
  --include-function bpf_program__attach_raw_tracepoint \
  --include-function bpf_object__next_program \
  --include-function bpf_program__name \
  --include-function bpf_program__fd \
  --include-function bpf_link__destroy \
  --include-function bpf_map__fd \
  --include-function bpf_map__initial_value \
  --include-function bpf_map_update_elem \
  --include-function bpf_map_lookup_elem_flags \
  --include-function bpf_prog_load \
  --include-function bpf_prog_test_run_opts \
  --include-function perf_buffer__free \
  --include-function perf_buffer__new_raw \
  --include-function perf_buffer__epoll_fd \
  --include-function perf_buffer__buffer_cnt \
  --include-function perf_buffer__buffer \
  --include-function libbpf_set_print \
  --include-function libbpf_strerror \
  --include-typedef libbpf_print_fn_t \
  --include-struct perf_event_attr \
  --include-struct bpf_prog_load_opts \
  --include-struct bpf_test_run_opts \
  --include-constant LIBBPF_WARN \
  --include-constant BPF_PROG_TYPE_TRACING \
  --include-constant BPF_TRACE_FENTRY \
  --include-constant PERF_TYPE_SOFTWARE \
  --include-constant PERF_COUNT_SW_BPF_OUTPUT \
  --include-constant PERF_SAMPLE_RAW \
  --include-constant PERF_RECORD_SAMPLE \
  --include-constant PERF_RECORD_LOST \
  --include-constant LIBBPF_PERF_EVENT_CONT \
  src/main/jextract/libbpf_ffi.h

"$JEXTRACT" \
  --target-package dev.ethtoolsnoop.ffi \
  --header-class-name Libc \
  --output src/main/java \
  --include-function vsnprintf \
  --include-function __errno_location \
  --include-function socket \
  --include-function send \
  --include-function recv \
  --include-function close \
  --include-function poll \
  --include-function malloc_trim \
  --include-function mallopt \
  --include-function bind \
  --include-function open \
  --include-function setns \
  --include-constant AF_NETLINK \
  --include-constant SOCK_RAW \
  --include-constant SOCK_CLOEXEC \
  --include-constant POLLERR \
  --include-constant POLLHUP \
  --include-constant POLLIN \
  --include-constant SOCK_NONBLOCK \
  --include-constant O_RDONLY \
  --include-constant O_CLOEXEC \
  --include-constant CLONE_NEWNET \
  --include-constant M_MMAP_THRESHOLD \
  src/main/jextract/libc_ffi.h
