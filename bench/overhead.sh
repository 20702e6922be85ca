#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Overhead of the tracer on system calls, measured side by side in one run:
# each loop runs with the tracer off and on, in alternating blocks, and the
# best (minimum) of each is compared: this machine's noise only ever adds time. "unrelated" loops are calls the tracer must drop as early as it
# can (FIONREAD ioctls, UDP sendmsg to loopback); "ethtool" is the traced path.
# With bpftrace installed, a third column shows the floor: empty bpftrace
# programs on the raw_syscalls tracepoints (sys_enter/sys_exit, the ones the
# syscall backend uses), i.e. what the kernel charges for tracing system calls
# at all, before any program does any work.
#   bench/overhead.sh [--quick] [--backend NAME]     (root; builds if needed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rounds=4 n_ioctl=1000000 n_send=400000 n_eth=100000 backend=auto
while (($#)); do
    case $1 in
        --quick) rounds=2 n_ioctl=200000 n_send=100000 n_eth=20000 ;;
        --backend) backend=$2; shift ;;
        *) echo "usage: $0 [--quick] [--backend NAME]" >&2; exit 2 ;;
    esac
    shift
done

bin=$root/target/bench/syscall_loop
mkdir -p "$(dirname "$bin")"
[[ $bin -nt $here/syscall_loop.c ]] || gcc -O2 -Wall -Werror -o "$bin" "$here/syscall_loop.c"

dev=etsnbench0
ip link add "$dev" type veth peer name etsnbench1
tracer=
mounted_tracefs=
cleanup() {
    [[ -n $tracer ]] && kill -TERM "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
    ip link del "$dev" 2>/dev/null || true
    [[ -n $mounted_tracefs ]] && umount /sys/kernel/tracing
    return 0
}
trap cleanup EXIT

start_tracer() {
    : >"$root/target/bench/tracer.err" # not left to the child: its redirect may come after our first look
    "$root/ethtoolsnoop" --backend "$backend" --json >/dev/null 2>"$root/target/bench/tracer.err" &
    tracer=$!
    for _ in $(seq 1 300); do
        if grep -q '^Tracing ethtool operations' "$root/target/bench/tracer.err"; then
            sleep 1 # let the JVM's start-up JIT work settle: it competes for the 2 cores
            return 0
        fi
        sleep 0.05
    done
    echo "tracer did not start:" >&2
    cat "$root/target/bench/tracer.err" >&2
    exit 1
}

stop_tracer() {
    kill -TERM "$tracer"
    wait "$tracer" || true
    tracer=
}

best() { sort -n | head -1; }

floor_probes='tracepoint:raw_syscalls:sys_enter {} tracepoint:raw_syscalls:sys_exit {}'
have_bpftrace=
if command -v bpftrace >/dev/null; then
    have_bpftrace=1
    if [[ ! -d /sys/kernel/tracing/events ]]; then
        mount -t tracefs nodev /sys/kernel/tracing && mounted_tracefs=1
    fi
fi

start_floor() {
    bpftrace -e "$floor_probes" >"$root/target/bench/bpftrace.out" 2>&1 &
    tracer=$!
    for _ in $(seq 1 300); do
        if grep -q '^Attaching' "$root/target/bench/bpftrace.out"; then
            sleep 1
            return 0
        fi
        sleep 0.05
    done
    echo "bpftrace did not start:" >&2
    cat "$root/target/bench/bpftrace.out" >&2
    exit 1
}

declare -A off on floor
measure() { # into the array named $1, three runs of each loop
    local -n into=$1
    local k
    for k in 1 2 3; do
        into[ioctl]+="$("$bin" ioctl "$n_ioctl") "
        into[sendmsg]+="$("$bin" sendmsg "$n_send") "
        into[ethtool]+="$("$bin" ethtool "$n_eth" "$dev") "
    done
}
for ((r = 0; r < rounds; r++)); do
    measure off
    start_tracer
    measure on
    stop_tracer
    if [[ -n $have_bpftrace ]]; then
        start_floor
        measure floor
        stop_tracer
    fi
done

backend_used=$(sed -n 's/^Tracing ethtool operations (backend: \([a-z]*\).*/\1/p' "$root/target/bench/tracer.err")
printf '%s, %s, backend %s, %d rounds (best ns per call)\n' "$(date -u +%F)" "$(uname -r)" "$backend_used" "$rounds"
printf '%-28s %9s %9s %9s %8s %9s\n' loop off floor ours ours/off ours/floor
for loop in ioctl sendmsg ethtool; do
    o=$(tr ' ' '\n' <<<"${off[$loop]}" | grep . | best)
    t=$(tr ' ' '\n' <<<"${on[$loop]}" | grep . | best)
    case $loop in
        ioctl) label="unrelated ioctl (FIONREAD)" ;;
        sendmsg) label="unrelated sendmsg (UDP)" ;;
        ethtool) label="traced ETHTOOL_GDRVINFO" ;;
    esac
    if [[ -n $have_bpftrace ]]; then
        f=$(tr ' ' '\n' <<<"${floor[$loop]}" | grep . | best)
        printf '%-28s %9.1f %9.1f %9.1f %8.3f %9.3f\n' "$label" "$o" "$f" "$t" \
            "$(echo "$t / $o" | bc -l)" "$(echo "$t / $f" | bc -l)"
    else
        printf '%-28s %9.1f %9s %9.1f %8.3f %9s\n' "$label" "$o" - "$t" "$(echo "$t / $o" | bc -l)" -
    fi
done
