#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Loss and memory vs --buffer-pages under a real burst: Debian's
# prometheus-node-exporter --collector.ethtool scraping a network namespace
# of N veth interfaces (5 SIOCETHTOOL ioctls each: GSET, GDRVINFO twice,
# GSTRINGS, GSTATS), the tracer watching that namespace only (--netns) so
# that other ethtool users on the host cannot add to the burst.
#   scrape.sh [--ifaces N] [--reps R] [--scrapes "1 5"] [--pages "64 128 ..."]
#             [--port P] [--backend B] [--stall]
# A calibration run (4096 pages, one scrape, must lose nothing) counts the
# ioctls of one scrape. Then for each pages value, scrape count and
# repetition: a fresh tracer (./ethtoolsnoop --json), that many back-to-back
# scrapes, SIGTERM (the tracer drains, then reports "Lost N events" on
# stderr). --stall SIGSTOPs the tracer while the scrapes run: the worst case
# of a busy host, where the reader gets no CPU during the burst, made
# certain (without it, loss depends on what else the machine runs).
# Prints one line per run and a summary per (pages, scrapes): lost % =
# lost / (printed + lost); missing = expected - printed - lost (must be 0;
# a run with missing events leaves its files in target/scrape-debug);
# VmHWM of the tracer's JVM; the perf buffer's size (pages x 4 KiB x CPUs,
# kernel memory that VmRSS does not show).
# Needs root and prometheus-node-exporter; builds nothing (run
# `mvn -B -ntp -q -DskipTests package` first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

ifaces=1000 reps=3 scrapes="1 5" pages="64 128 256 512 1024" port=19317 backend=auto stall=
while (($#)); do
    case $1 in
        --stall) stall=1; shift; continue ;;
        --ifaces) ifaces=$2 ;;
        --reps) reps=$2 ;;
        --scrapes) scrapes=$2 ;;
        --pages) pages=$2 ;;
        --port) port=$2 ;;
        --backend) backend=$2 ;;
        *) echo "usage: $0 [--ifaces N] [--reps R] [--scrapes \"1 5\"] [--pages \"64 ...\"] [--port P] [--backend B] [--stall]" >&2
           exit 2 ;;
    esac
    shift 2
done

exporter=$(command -v prometheus-node-exporter || true)
[[ -n $exporter ]] || { echo "scrape: apt-get install prometheus-node-exporter" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "scrape: run as root" >&2; exit 1; }
[[ -f $root/target/ethtoolsnoop.jar ]] || { echo "scrape: build first" >&2; exit 1; }

ns=etsxbench$$
mkdir -p "$root/target"
tmp=$(mktemp -d "$root/target/scrape.XXXXXX")
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true # takes its interfaces with it
    rm -rf "$tmp"
}
trap cleanup EXIT
forget() { # stop tracking a pid that has ended
    local p keep=()
    for p in "${pids[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    pids=("${keep[@]}")
}
trap 'exit 130' INT TERM

# N interfaces as N/2 veth pairs, in one netlink batch
ip netns add "$ns"
ip -n "$ns" link set lo up
for ((i = 0; i < ifaces / 2; i++)); do echo "link add etsxs${i}a type veth peer name etsxs${i}b"; done >"$tmp/batch"
ip -n "$ns" -batch "$tmp/batch"
inode=$(stat -L -c %i "/run/netns/$ns")

# `ip netns exec` mounts the namespace's own /sys: the exporter sees only its devices
ip netns exec "$ns" "$exporter" --web.listen-address="127.0.0.1:$port" \
    --collector.disable-defaults --collector.ethtool >"$tmp/exporter.log" 2>&1 &
pids+=($!)
scrape() { ip netns exec "$ns" curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; }
for ((i = 0; i < 100; i++)); do scrape && break; sleep 0.1; done
scrape || { echo "scrape: the exporter does not answer:" >&2; cat "$tmp/exporter.log" >&2; exit 1; }

cpus=$(nproc)
# One run: a fresh tracer with PAGES, K back-to-back scrapes (with --stall the
# tracer is SIGSTOPped during them: the worst case of a reader that gets no CPU
# while the burst lasts), SIGTERM. Sets printed, lost, hwm (MiB).
run() {
    local p=$1 k=$2 i s n prev tracer
    # emptied here, not by the child's redirect: that may come after our
    # first look, which would then find the last run's ready line
    : >"$tmp/err"
    "$root/ethtoolsnoop" --json --backend "$backend" --netns "$inode" --buffer-pages "$p" \
        >"$tmp/out" 2>"$tmp/err" &
    tracer=$!
    pids+=($tracer)
    for ((i = 0; i < 1200; i++)); do grep -qs '^Tracing ethtool' "$tmp/err" && break; sleep 0.1; done
    grep -qs '^Tracing ethtool' "$tmp/err" || { echo "scrape: tracer not ready:" >&2; cat "$tmp/err" >&2; exit 1; }
    [[ -n $stall ]] && kill -STOP "$tracer"
    for ((s = 0; s < k; s++)); do scrape; done
    [[ -n $stall ]] && kill -CONT "$tracer"
    # until stdout stops growing: the tracer has caught up
    prev=-1
    while :; do sleep 0.5; n=$(wc -l <"$tmp/out"); ((n == prev)) && break; prev=$n; done
    hwm=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$tracer/status")
    kill -TERM "$tracer"
    wait "$tracer" || true
    forget "$tracer"
    printed=$(wc -l <"$tmp/out")
    lost=$(awk '/Lost [0-9]+ events/ { for (i = 1; i < NF; i++) if ($i == "Lost") s += $(i + 1) } END { print s + 0 }' "$tmp/err")
}
pct() { awk -v l="$1" -v p="$2" 'BEGIN { printf "%.1f", p + l ? 100 * l / (p + l) : 0 }'; }

# The operations in one scrape, counted with a buffer far larger than needed
saved_stall=$stall stall=
run 4096 1
((lost == 0)) || { echo "scrape: the calibration run lost $lost events" >&2; exit 1; }
per_scrape=$printed stall=$saved_stall
echo "one scrape of $ifaces interfaces + lo: $per_scrape ioctls; $cpus CPUs; backend $backend${stall:+; tracer stopped during the scrapes}"

printf '%-6s %-7s %-3s %8s %6s %7s %7s %9s %9s\n' pages scrapes rep printed lost lost% missing hwm_MiB buf_KiB
summary=()
for p in $pages; do
    for k in $scrapes; do
        tl=0 tp=0 tm=0 hwm_max=0
        for ((r = 1; r <= reps; r++)); do
            run "$p" "$k"
            missing=$((k * per_scrape - printed - lost))
            ((missing == 0)) || { mkdir -p "$root/target/scrape-debug"; cp "$tmp"/* "$root/target/scrape-debug/"; }
            printf '%-6s %-7s %-3s %8s %6s %7s %7s %9s %9s\n' "$p" "$k" "$r" "$printed" "$lost" \
                "$(pct "$lost" "$printed")" "$missing" "$hwm" $((p * 4 * cpus))
            tl=$((tl + lost)) tp=$((tp + printed)) tm=$((tm + missing))
            hwm_max=$(awk -v a="$hwm_max" -v b="$hwm" 'BEGIN { print (b > a ? b : a) }')
        done
        summary+=("$(printf '%-6s %-7s %8s %8s %7s %7s %9s %9s %9s' "$p" "$k" "$tp" "$tl" \
            "$(pct "$tl" "$tp")" "$tm" "$hwm_max" $((p * 4)) $((p * 4 * cpus)))")
    done
done
echo
echo "summary over $reps runs"
printf '%-6s %-7s %8s %8s %7s %7s %9s %9s %9s\n' pages scrapes printed lost lost% missing hwm_MiB KiB/CPU buf_KiB
printf '%s\n' "${summary[@]}"
