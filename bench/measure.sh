#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark's measurements on the running kernel, for the given backends:
# run by bench/run.sh on the host and, through src/test/vm/run.sh, inside a VM.
#   measure.sh [--quick] OUTDIR BACKEND...
# For each backend it measures, side by side in one run:
#   ready  launch -> "Tracing ethtool operations" (ours), and launch -> first
#          printed event for ours and for bench/bt/BACKEND.bt (bpftrace prints
#          "Attaching N probes..." before it attaches, so its first event is
#          the earliest proof that it traces), while a GDRVINFO ticks every ms;
#   cost   ns per op of tight loops (GDRVINFO ioctl, LINKINFO_GET netlink, and
#          two unrelated syscalls) with no tracer, with ours, with bpftrace;
#          blocks alternate, round after round, and the minimum of each wins:
#          on a shared 2-core machine noise only ever adds time;
#   drain  N GDRVINFO ops at increasing rates into a fresh tracer (--json,
#          stdout counted by grep), printed + "Lost N events" against N;
#   rss    VmRSS of our JVM sampled during the cost and drain loops, VmHWM.
# Writes OUTDIR/results ("BACKEND KEY VALUE" lines, for bench/table.py) and
# prints per-backend tables. Exits 1 when something cannot be measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=$root/target/bench

quick=
[[ ${1:-} == --quick ]] && { quick=1; shift; }
(($# >= 2)) || { echo "usage: $0 [--quick] OUTDIR BACKEND..." >&2; exit 2; }
out=$1
shift
mkdir -p "$out"
results=$out/results
: >"$results"

# Under qemu TCG everything runs 20-50 times slower: smaller loops, longer
# waits. Only ratios mean anything there.
if [[ -n ${ETHTOOLSNOOP_VM:-} ]]; then vm=1 scale=0.01 poll=0.1 settle=3 patience=600; else vm= scale=1 poll=0.02 settle=1 patience=120; fi
if [[ -n $quick ]]; then
    rounds=2 n_eth=20000 n_genl=10000 n_ioctl=100000 n_send=40000 drain_secs=1
    rates=(10000 30000 100000 200000 0)
    # a guest's drain rate says nothing (TCG), and each step is a JVM start
    [[ -n $vm ]] && rounds=1 rates=()
else
    rounds=5 n_eth=100000 n_genl=50000 n_ioctl=500000 n_send=200000 drain_secs=2
    rates=(5000 10000 15000 20000 30000 40000 50000 75000 100000 150000 200000 300000 0)
    # each guest JVM start takes minutes under TCG, and guest rates mean nothing
    [[ -n $vm ]] && rounds=2 rates=()
fi
scaled() { awk -v n="$1" -v s="$scale" 'BEGIN { printf "%d", n * s < 200 ? 200 : n * s }'; }
n_eth=$(scaled $n_eth) n_genl=$(scaled $n_genl) n_ioctl=$(scaled $n_ioctl) n_send=$(scaled $n_send)

for tool in bpftrace ip gcc taskset; do
    command -v $tool >/dev/null || { echo "measure: $tool is missing" >&2; exit 1; }
done
[[ -x $bin/syscall_loop && -x $bin/genl_loop && -f $root/target/ethtoolsnoop.jar ]] || {
    echo "measure: build first (bench/run.sh does)" >&2
    exit 1
}

tmp=$(mktemp -d /tmp/etsn-bench.XXXXXX)
dev=etsnbench0
pids=()
mounted_tracefs=
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip link del "$dev" 2>/dev/null || true
    [[ -n $mounted_tracefs ]] && umount /sys/kernel/tracing
    rm -rf "$tmp"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip link del "$dev" 2>/dev/null || true
ip link add "$dev" type veth peer name etsnbench1
ip link set "$dev" up # LINKINFO_GET does not care, but a real device would be up
# bpftrace 0.17 reaches the syscalls through tracefs tracepoints (it has no raw
# tracepoints), and finds kprobe/kfunc targets there too.
if [[ ! -d /sys/kernel/tracing/events ]]; then
    mount -t tracefs nodev /sys/kernel/tracing
    mounted_tracefs=1
fi
family=$("$bin/genl_loop" family)

forget() { # stop tracking a pid that has ended
    local p keep=()
    for p in "${pids[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    pids=("${keep[@]}")
}
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget "$1"
}
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
min() { sort -g | head -n1; }
record() { echo "$backend $1 $2" >>"$results"; }
die() {
    echo "measure: $*" >&2
    # what the tracers left, for the post-mortem (tmp goes with cleanup)
    mkdir -p "$out/failed"
    cp "$tmp"/*.err "$out/failed/" 2>/dev/null || true
    for f in "$tmp"/*.out; do [[ -f $f ]] && tail -n 50 "$f" >"$out/failed/$(basename "$f")"; done
    exit 1
}

# The bpftrace program for this backend, with the kernel-dependent pieces
# filled in (see the comments in bench/bt/*.bt).
bt_program() {
    local f=$tmp/$1.bt lookups=() fn kver useraddr
    cp "$here/bt/$1.bt" "$f"
    [[ $1 == syscall ]] && { echo "$f"; return; }
    for fn in __dev_get_by_name netdev_get_by_name; do
        grep -qw "$fn" /proc/kallsyms || continue
        [[ $1 == kprobe ]] && lookups+=("kretprobe:$fn") || lookups+=("kretfunc:$fn")
    done
    ((${#lookups[@]})) || die "no device lookup function in /proc/kallsyms"
    kver=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
    if ((kver >= 5015)); then
        [[ $1 == kprobe ]] && useraddr=arg2 || useraddr='args->useraddr'
    else
        [[ $1 == kprobe ]] && useraddr='((struct ifreq *)arg1)->ifr_ifru.ifru_data' ||
            useraddr='args->ifr->ifr_ifru.ifru_data'
    fi
    if [[ $1 == fentry ]]; then
        # one block per function (see fentry.bt)
        local blocks=
        for fn in "${lookups[@]}"; do
            blocks+="$fn /@kind[tid] == 1 \&\& retval != 0/ { @ifindex[tid] = retval->ifindex; }\n"
        done
        sed -i -e "s|^@LOOKUP@\$|$blocks|" -e "s|@USERADDR@|$useraddr|" "$f"
    else
        local IFS=,
        sed -i -e "s|@LOOKUP@|${lookups[*]}|" -e "s|@USERADDR@|$useraddr|" "$f"
    fi
    echo "$f"
}

# Starts a tracer ("ours" or "bt") with stdout appended to $2 and stderr to
# $3 (appending, so that the file can be truncated under it), and waits for
# its first printed event while a GDRVINFO ticks every ms. Sets tracer_pid,
# t_line (ours: the ready line) and t_first, in seconds since launch.
launch() {
    local kind=$1 o=$2 e=$3 t0 tick
    shift 3
    : >"$o"
    : >"$e"
    "$bin/syscall_loop" tick "$dev" 1000 >/dev/null &
    tick=$!
    pids+=("$tick")
    t0=$(now)
    "$@" >>"$o" 2>>"$e" &
    tracer_pid=$!
    pids+=("$tracer_pid")
    t_line= t_first=
    while [[ -z $t_first ]]; do
        if [[ $kind == ours && -z $t_line ]] && grep -q '^Tracing ethtool operations' "$e"; then
            t_line=$(elapsed "$t0" "$(now)")
        fi
        if grep -q "^$dev " "$o"; then
            t_first=$(elapsed "$t0" "$(now)")
            [[ -z $t_line ]] && t_line=$t_first # both seen in the same poll
        fi
        if ! kill -0 "$tracer_pid" 2>/dev/null; then
            stop "$tick"
            die "$kind tracer ended before tracing: $(cat "$e")"
        fi
        if (($(elapsed "$t0" "$(now)" | cut -d. -f1) > patience)); then
            stop "$tick"
            die "$kind tracer printed no event within ${patience}s: $(cat "$e")"
        fi
        sleep "$poll"
    done
    stop "$tick"
}

# exec: the caller's $! (or BASHPID) must end up being the JVM, which the
# launcher itself execs, for signals and /proc/PID/status to reach it
ours() { exec "$root/ethtoolsnoop" --backend "$backend" "$@"; }

# VmRSS of $1 every 0.2 s into $2 (kB), until $1 ends or the sampler is stopped.
sample_rss() {
    while [[ -r /proc/$1/status ]]; do
        awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true
        sleep 0.2
    done >>"$2"
}

declare -A cost traced
# Waits until FILE stops growing: ours prints once per poll batch, and after a
# flat-out loop its reader may still be working through the buffer.
quiet() {
    local a b=-1
    a=$(stat -c %s "$1")
    while [[ $a != "$b" ]]; do
        b=$a
        sleep 0.3
        a=$(stat -c %s "$1")
    done
}
# Each loop three times. A tracer's output file is emptied before each traced
# loop (so it never grows large) and its lines counted after it: a tracer
# that keeps up with a loop cheaply and one that drops most of it are not the
# same, so the table shows the share of the ops each one printed.
loops() { # BLOCK [TRACER_OUT TRACER_ERR]
    local k n
    for k in 1 2 3; do
        [[ -z ${2:-} ]] || : >"$2"
        cost[$1.eth]+="$("$bin/syscall_loop" ethtool "$n_eth" "$dev") "
        if [[ -n ${2:-} ]]; then
            quiet "$2"
            n=$(grep -c "^$dev .*syscall_loop" "$2" || true)
            traced[$1.eth]+="$(awk -v p="$n" -v n="$n_eth" 'BEGIN { print p / n }') "
            : >"$2"
        fi
        cost[$1.genl]+="$("$bin/genl_loop" "$n_genl" "$dev") "
        if [[ -n ${2:-} ]]; then
            quiet "$2"
            n=$(grep -c "^$dev .*genl_loop" "$2" || true)
            ((n > 0)) || die "$1 tracer printed no netlink GET during the loop: $(cat "$3")"
            traced[$1.genl]+="$(awk -v p="$n" -v n="$n_genl" 'BEGIN { print p / n }') "
        fi
        cost[$1.ioctl]+="$("$bin/syscall_loop" ioctl "$n_ioctl") "
        cost[$1.send]+="$("$bin/syscall_loop" sendmsg "$n_send") "
    done
}

block() { # off|ours|bt
    local o=$tmp/$1.out e=$tmp/$1.err sampler
    case $1 in
        off) loops off "" ; return ;;
        ours) launch ours "$o" "$e" ours ;;
        bt) launch bt "$o" "$e" bpftrace "$btprog" "$family" ;;
    esac
    echo "$t_first" >>"$tmp/ready.$1.first"
    [[ $1 == ours ]] && echo "$t_line" >>"$tmp/ready.ours.line"
    sleep "$settle" # let start-up work (JIT, LLVM) finish: it competes for the cores
    : >"$o"
    if [[ $1 == ours ]]; then
        sample_rss "$tracer_pid" "$tmp/rss" &
        sampler=$!
        pids+=("$sampler")
    fi
    loops "$1" "$o" "$e"
    if [[ $1 == ours ]]; then
        awk '/^VmHWM:/ { print $2 }' "/proc/$tracer_pid/status" >>"$tmp/hwm"
        stop "$sampler"
        grep -h 'Lost [0-9]* events' "$e" >&2 || true
    fi
    stop "$tracer_pid"
}

# Per-CPU perf buffers: each CPU's untold losses need an op on that CPU.
ncpu=$(nproc)
sentinels=$((5 * ncpu))
# One drain step: a fresh tracer, N ops at RATE (0: as fast as one thread
# goes), then a grace period for the reader to empty the buffer before
# SIGTERM (which drops what is still in it). Sets d_achieved, d_printed and
# d_lost.
drain_step() { # RATE N [TRACER ARGS...]
    local rate=$1 n=$2 e=$tmp/drain.err c=$tmp/drain.count pidfile=$tmp/drain.pid sampler pid= reader
    shift 2
    : >"$e"
    rm -f "$pidfile"
    # the launcher execs java, so the pipeline's first process becomes the JVM
    { echo "$BASHPID" >"$pidfile"; ours --json "$@" 2>"$e"; } | grep -c '"comm":"syscall_loop"' >"$c" &
    reader=$!
    pids+=("$reader")
    for _ in $(seq 1 $((patience * 10))); do
        if grep -q '^Tracing ethtool operations' "$e"; then pid=$(<"$pidfile"); break; fi
        sleep 0.1
    done
    [[ -n $pid ]] || die "tracer did not start for the drain: $(cat "$e")"
    pids+=("$pid")
    sleep "$settle"
    sample_rss "$pid" "$tmp/rss" &
    sampler=$!
    pids+=("$sampler")
    d_achieved=$("$bin/syscall_loop" paced "$n" "$dev" "$rate")
    # The kernel reports samples it dropped in a record written before the
    # next sample that fits in that CPU's buffer: without ops after the burst,
    # the last losses stay untold. Spaced ops on every CPU, counted in the
    # expected total, tell them.
    sleep "$settle"
    for ((cpu = 0; cpu < ncpu; cpu++)); do
        taskset -c "$cpu" "$bin/syscall_loop" paced 5 "$dev" 100 >/dev/null
    done
    # SIGTERM drops what the reader has not read yet: give it time
    sleep "$settle"
    awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" >>"$tmp/hwm"
    stop "$sampler"
    kill -TERM "$pid"
    wait "$reader" || true # grep -c exits 1 on no match; the count says it
    forget "$reader"
    forget "$pid"
    d_printed=$(<"$c")
    d_lost=$(sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' "$e" | awk '{ s += $1 } END { print s + 0 }')
}

status=0
for backend in "$@"; do
    btprog=$(bt_program "$backend")
    rm -f "$tmp"/ready.* "$tmp/rss" "$tmp/hwm"
    cost=()
    record kernel "$(uname -r)"
    echo "== $backend on $(uname -r): $rounds rounds" >&2
    for ((r = 0; r < rounds; r++)); do
        # rotate the order so that no tool always runs right after another
        case $((r % 3)) in
            0) order="off ours bt" ;;
            1) order="ours bt off" ;;
            2) order="bt off ours" ;;
        esac
        for b in $order; do block "$b"; done
        echo "   round $((r + 1)) done" >&2
    done

    printf '\n%s backend, %s (%s):\n' "$backend" "$(uname -r)" "$([[ -n $vm ]] && echo "qemu TCG guest: only ratios mean anything" || echo host)"
    ready_line=$(min <"$tmp/ready.ours.line") ready_first=$(min <"$tmp/ready.ours.first")
    ready_bt=$(min <"$tmp/ready.bt.first")
    record ready_ours_line "$ready_line"
    record ready_ours_first "$ready_first"
    record ready_bt_first "$ready_bt"
    printf '  ready (best of %d, s): ours "Tracing" line %s, ours first event %s, bpftrace first event %s; ours/bpftrace %.2f\n' \
        "$rounds" "$ready_line" "$ready_first" "$ready_bt" "$(awk -v a="$ready_line" -v b="$ready_bt" 'BEGIN { print a / b }')"

    printf '  %-30s %9s %9s %9s %9s %9s %8s %7s %7s\n' "cost (best ns per op)" off bpftrace ours "+bpftrace" "+ours" "+o/+b" "bt pr%" "ours pr%"
    for loop in eth genl ioctl send; do
        o=$(tr ' ' '\n' <<<"${cost[off.$loop]}" | grep . | min)
        b=$(tr ' ' '\n' <<<"${cost[bt.$loop]}" | grep . | min)
        t=$(tr ' ' '\n' <<<"${cost[ours.$loop]}" | grep . | min)
        case $loop in
            eth) label="ETHTOOL_GDRVINFO ioctl" ;;
            genl) label="ETHTOOL_MSG_LINKINFO_GET" ;;
            ioctl) label="unrelated ioctl (FIONREAD)" ;;
            send) label="unrelated sendmsg (UDP)" ;;
        esac
        record "cost_${loop}_off" "$o"
        record "cost_${loop}_bt" "$b"
        record "cost_${loop}_ours" "$t"
        # the share of ops printed: the worst block, a tracer's bad moments count
        pb=$(tr ' ' '\n' <<<"${traced[bt.$loop]:-}" | grep . | min || true)
        pt=$(tr ' ' '\n' <<<"${traced[ours.$loop]:-}" | grep . | min || true)
        [[ -n $pb ]] && record "printed_${loop}_bt" "$pb"
        [[ -n $pt ]] && record "printed_${loop}_ours" "$pt"
        awk -v l="$label" -v o="$o" -v b="$b" -v t="$t" -v pb="$pb" -v pt="$pt" 'BEGIN {
            r = (b - o) > 0 && (t - o) > 0 ? sprintf("%8.2f", (t - o) / (b - o)) : "       -"
            fb = pb == "" ? "      -" : sprintf("%6.1f%%", pb * 100)
            ft = pt == "" ? "      -" : sprintf("%6.1f%%", pt * 100)
            printf "  %-30s %9.1f %9.1f %9.1f %9.1f %9.1f %s %7s %7s\n", l, o, b, t, b - o, t - o, r, fb, ft }'
    done

    if ((${#rates[@]})); then
        echo "  drain (GDRVINFO ops into ours --json | grep -c; rate 0 = one thread flat out):"
        best=0
        for rate in "${rates[@]}"; do
            if ((rate)); then n=$(awk -v r="$rate" -v s="$drain_secs" 'BEGIN { print r * s }'); else n=$(scaled $((drain_secs * 250000))); fi
            drain_step "$rate" "$n"
            achieved=$d_achieved printed=$d_printed lost=$d_lost
            printf '    target %7s/s  achieved %7s/s  ops %7s  printed %7s  lost %6s\n' "$rate" "$achieved" "$((n + sentinels))" "$printed" "$lost"
            record "drain_step" "$rate:$achieved:$n:$printed:$lost"
            if ((printed + lost < n + sentinels || printed > n + sentinels)); then
                die "drain accounting broken: $n + $sentinels ops, $printed printed, $lost reported lost"
            fi
            if ((lost == 0 && printed == n + sentinels)); then
                ((achieved > best)) && best=$achieved
            else
                break # the first rate with loss ends the climb
            fi
        done
        record drain_zero_loss "$best"
        echo "    highest rate with zero loss: $best/s"
    fi

    if [[ -z $vm ]]; then
        # The accounting must hold when events are lost too: a 1-page buffer
        # at full speed loses some, and printed + lost must still add up.
        n=$(scaled $((drain_secs * 50000)))
        drain_step 0 "$n" --buffer-pages 1
        printed=$d_printed lost=$d_lost
        echo "    lost accounting (--buffer-pages 1, flat out): ops $n, printed $printed, lost $lost"
        if ((printed + lost < n + sentinels || printed > n + sentinels)); then
            die "lost accounting broken: $n ops, $printed printed, $lost reported lost"
        fi
        ((lost > 0)) || echo "    (no loss even with one page: the accounting check did not run)"
        record lost_check "$n:$printed:$lost"
    fi

    rss=$(sort -n "$tmp/rss" | tail -n1) hwm=$(sort -n "$tmp/hwm" | tail -n1)
    record rss_max_kb "$rss"
    record hwm_kb "$hwm"
    printf '  RSS of ours under load: VmRSS max %.1f MiB (%d samples), VmHWM %.1f MiB\n' \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(wc -l <"$tmp/rss")" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
done
exit $status
