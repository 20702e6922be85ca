#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Overhead of the tracer on system calls, measured side by side in one run:
# each loop runs with the tracer off and on, alternating, and the medians are
# compared. "unrelated" loops are calls the tracer must drop as early as it
# can (FIONREAD ioctls, UDP sendmsg to loopback); "ethtool" is the traced path.
#   bench/overhead.sh [--quick] [--backend NAME]     (root; builds if needed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rounds=5 n_ioctl=1000000 n_send=400000 n_eth=100000 backend=auto
while (($#)); do
    case $1 in
        --quick) rounds=3 n_ioctl=200000 n_send=100000 n_eth=20000 ;;
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
cleanup() {
    [[ -n $tracer ]] && kill -TERM "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
    ip link del "$dev" 2>/dev/null || true
}
trap cleanup EXIT

start_tracer() {
    "$root/ethtoolsnoop" --backend "$backend" --json >/dev/null 2>"$root/target/bench/tracer.err" &
    tracer=$!
    for _ in $(seq 1 300); do
        grep -q '^Tracing ethtool operations' "$root/target/bench/tracer.err" && return 0
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

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

declare -A off on
for ((r = 0; r < rounds; r++)); do
    off[ioctl]+="$("$bin" ioctl "$n_ioctl") "
    off[sendmsg]+="$("$bin" sendmsg "$n_send") "
    off[ethtool]+="$("$bin" ethtool "$n_eth" "$dev") "
    start_tracer
    on[ioctl]+="$("$bin" ioctl "$n_ioctl") "
    on[sendmsg]+="$("$bin" sendmsg "$n_send") "
    on[ethtool]+="$("$bin" ethtool "$n_eth" "$dev") "
    stop_tracer
done

backend_used=$(sed -n 's/^Tracing ethtool operations (backend: \([a-z]*\).*/\1/p' "$root/target/bench/tracer.err")
printf '%s, %s, backend %s, %d rounds (median ns per call)\n' "$(date -u +%F)" "$(uname -r)" "$backend_used" "$rounds"
printf '%-28s %10s %10s %8s\n' loop "off" "on" "on/off"
for loop in ioctl sendmsg ethtool; do
    o=$(tr ' ' '\n' <<<"${off[$loop]}" | grep . | median)
    t=$(tr ' ' '\n' <<<"${on[$loop]}" | grep . | median)
    case $loop in
        ioctl) label="unrelated ioctl (FIONREAD)" ;;
        sendmsg) label="unrelated sendmsg (UDP)" ;;
        ethtool) label="traced ETHTOOL_GDRVINFO" ;;
    esac
    printf '%-28s %10.1f %10.1f %8.3f\n' "$label" "$o" "$t" "$(echo "$t / $o" | bc -l)"
done
