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
#   consumers  ours (table, --json), the bpftrace one-liner, bench/bt, and
#          bench/consumer.c (the floor) in turn: CPU per event beside a paced
#          GDRVINFO load, share printed of flat-out storms from 1 and 4
#          threads; on the host also the highest two-producer rate with zero
#          loss (ours, C) and a 1000-interface node_exporter scrape (ours);
#   rss    VmRSS of our JVM sampled under all of the above, VmHWM.
# bench/README.md says how each is measured.
# Writes OUTDIR/results ("BACKEND KEY VALUE" lines, for bench/table.py) and
# prints per-backend tables. Exits 1 when something cannot be measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=$root/target/bench
# shellcheck source=bench/tracer.sh
source "$here/tracer.sh"

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
if [[ -n ${ETHTOOLSNOOP_VM:-} ]]; then vm=1 scale=0.01 poll=0.02 settle=3 patience=600 quiet_s=2; else vm= scale=1 poll=0.002 settle=1 patience=120 quiet_s=0.3; fi
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
# The consumers' part: a paced rate for CPU per event, flat-out ethtool_storm
# runs for the share printed, the zero-loss climb from two producers (host).
if [[ -n $vm ]]; then
    paced_rate=500 paced_n=1500 n_storm=2000 sessions=(ours bt one c) climb_rates=() scrape_ifaces=0
    [[ -z $quick ]] && paced_n=3000 n_storm=5000 sessions=(ours json one bt c)
elif [[ -n $quick ]]; then
    paced_rate=10000 paced_n=30000 n_storm=200000 sessions=(ours json one bt c) climb_rates=(150000) climb_secs=1
    scrape_ifaces=1000
else
    paced_rate=10000 paced_n=100000 n_storm=200000 sessions=(ours json one bt c)
    climb_rates=(50000 100000 150000 200000 300000) climb_secs=2 scrape_ifaces=1000
fi
scaled() { awk -v n="$1" -v s="$scale" 'BEGIN { printf "%d", n * s < 200 ? 200 : n * s }'; }
n_eth=$(scaled $n_eth) n_genl=$(scaled $n_genl) n_ioctl=$(scaled $n_ioctl) n_send=$(scaled $n_send)

for tool in bpftrace ip gcc taskset; do
    command -v $tool >/dev/null || { echo "measure: $tool is missing" >&2; exit 1; }
done
storm=$root/target/test-bin/ethtool_storm
[[ -x $bin/syscall_loop && -x $bin/genl_loop && -x $bin/consumer && -x $storm && -f $root/target/ethtoolsnoop.jar ]] || {
    echo "measure: build first (bench/run.sh does)" >&2
    exit 1
}

tmp=$(mktemp -d /tmp/etsn-bench.XXXXXX)
# a pipe nobody writes to: reading it with a timeout is a sleep without a fork
mkfifo "$tmp/never"
exec {never}<>"$tmp/never"
dev=etsnbench0
pids=()
mounted_tracefs=
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip link del "$dev" 2>/dev/null || true
    [[ -n ${scrape_ns:-} ]] && ip netns del "$scrape_ns"
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
cp "$storm" "$tmp/etsnb_load"
storm=$tmp/etsnb_load

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
# Sets variable $1 to the seconds from $2 to $3, both microseconds
# (EPOCHREALTIME's digits: its separator is the locale's), to the ms:
# printf -v, no subshell.
since() { local d=$(($3 - $2)); printf -v "$1" '%d.%03d' $((d / 1000000)) $((d / 1000 % 1000)); }
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
# its first printed event (a line matching $first_re, an extended regular
# expression, default "^DEV ") while a GDRVINFO ticks every ms (on $tick_dev
# in namespace $tick_ns if set). Sets tracer_pid, t_line (ours: the ready
# line) and t_first, in seconds since launch.
#
# The wait runs on bash builtins alone (read, a read timeout for the pause,
# EPOCHREALTIME): a grep, awk or sleep per round would be forks every few ms,
# CPU taken from the start being timed on a small machine, and the rounds
# can then be 2 ms apart.
# Reads a contestant's files into the page cache: its executable and the
# libraries it links, any file on its command line (a program, an object),
# and for a script (our launcher) its whole runtime image. A host may page
# out what went untouched for a while (this one runs DAMON with a "pageout"
# scheme: a minute idle, and a start reads libjvm or libLLVM back from disk,
# ~0.1 s), so that a start after another contestant's long round would time
# the disk, not the start.
warm() { # CMD...
    local exe home arg lib files=()
    [[ $1 == ours ]] && set -- "${tracer[@]}"
    exe=$(command -v "$1") || return 0
    home=${exe%/bin/*}
    files+=("$exe")
    if [[ $(head -c 4 "$exe") == $'\x7fELF' ]]; then
        while read -r lib; do files+=("$lib"); done < <(ldd "$exe" 2>/dev/null | awk '$3 ~ /^\// { print $3 }')
        # a java: the JVM and the class library it maps, not linked
        [[ -f $home/lib/server/libjvm.so ]] && files+=("$home/lib/server/libjvm.so" "$home/lib/modules")
    elif [[ $exe == */bin/* && -d $home/lib/app ]]; then
        # our launcher: its runtime image, and the libbpf it loads
        while IFS= read -r -d '' lib; do files+=("$lib"); done < <(find "$home/lib" -type f -print0)
        lib=$(ldconfig -p 2>/dev/null | awk '/libbpf\.so\.1 / { print $NF }' | head -n 1) || true
        [[ -n $lib ]] && files+=("$lib")
    fi
    for arg in "${@:2}"; do [[ -f $arg ]] && files+=("$arg"); done
    cat "${files[@]}" >/dev/null 2>&1 || true
}

launch() {
    local kind=$1 o=$2 e=$3 tick start now ofd efd line o_part= e_part= re=${first_re:-^$dev }
    shift 3
    : >"$o"
    : >"$e"
    warm "$@"
    # shellcheck disable=SC2086 # no namespace: no words
    ${tick_ns:+ip netns exec "$tick_ns"} "$bin/syscall_loop" tick "${tick_dev:-$dev}" 1000 >/dev/null &
    tick=$!
    pids+=("$tick")
    start=${EPOCHREALTIME//[!0-9]/}
    "$@" >>"$o" 2>>"$e" &
    tracer_pid=$!
    exec {ofd}<"$o" {efd}<"$e" # opened after: the tracer need not inherit them
    pids+=("$tracer_pid")
    t_line= t_first=
    while [[ -z $t_first ]]; do
        now=${EPOCHREALTIME//[!0-9]/}
        # the lines written since the last round; read hands back a last
        # line without its newline yet, kept until the rest comes
        if [[ $kind == ours && -z $t_line ]]; then
            while IFS= read -r -u "$efd" line; do
                line=$e_part$line e_part=
                if [[ $line == "Tracing ethtool operations"* ]]; then since t_line "$start" "${EPOCHREALTIME//[!0-9]/}"; break; fi
            done
            [[ -n $t_line ]] || e_part+=$line
        fi
        while IFS= read -r -u "$ofd" line; do
            line=$o_part$line o_part=
            if [[ $line =~ $re ]]; then
                since t_first "$start" "${EPOCHREALTIME//[!0-9]/}"
                [[ -z $t_line ]] && t_line=$t_first # both seen in the same round
                break
            fi
        done
        [[ -n $t_first ]] && break
        o_part+=$line
        if ! kill -0 "$tracer_pid" 2>/dev/null; then
            stop "$tick"
            die "$kind tracer ended before tracing: $(cat "$e")"
        fi
        if ((now - start > patience * 1000000)); then
            stop "$tick"
            die "$kind tracer printed no event within ${patience}s: $(cat "$e")"
        fi
        read -r -t "$poll" -u "$never" || true
    done
    exec {ofd}<&- {efd}<&-
    stop "$tick"
}

# exec: the caller's $! (or BASHPID) must end up being the JVM, which the
# launcher itself execs, for signals and /proc/PID/status to reach it
ours() { exec "${tracer[@]}" --backend "$backend" "$@"; }

# VmRSS of $1 every 0.2 s into $2 (kB), until $1 ends or the sampler is stopped.
sample_rss() {
    while [[ -r /proc/$1/status ]]; do
        awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true
        sleep 0.2
    done >>"$2"
}

declare -A cost traced
# Waits until FILE stops growing over INTERVAL s (default 0.3): ours prints
# once per poll batch, and after a flat-out loop its reader may still be
# working through the buffer.
quiet() {
    local a b=-1
    a=$(stat -c %s "$1")
    while [[ $a != "$b" ]]; do
        b=$a
        sleep "${2:-0.3}"
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
    first_re="^$dev "
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
    if ((r == 0)) && in_sessions "$1"; then consumer_load "$1" "$o" "$e"; fi
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

# ---- Consumers side by side: ours (default table output, and --json), the
# bpftrace one-liner users compare against, the full bpftrace program, and
# the floor: bench/consumer.c, a minimal libbpf reader of our own object.
# The one-liner: what a user would type on this kernel for the backend.
one_liner() {
    local print='{ printf("%d %s\n", pid, comm); }'
    case $1 in
        syscall)
            if [[ -d /sys/kernel/tracing/events/syscalls/sys_enter_ioctl ]]; then
                echo "tracepoint:syscalls:sys_enter_ioctl /args->cmd == 0x8946/ $print"
            else
                echo "tracepoint:raw_syscalls:sys_enter /args->id == 16 && args->args[1] == 0x8946/ $print"
            fi ;;
        kprobe) echo "kprobe:dev_ethtool $print" ;;
        fentry) echo "kfunc:dev_ethtool $print" ;;
    esac
}
# utime + stime of a process and all its threads, in clock ticks
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
clk_tck=$(getconf CLK_TCK)
consumer_cmd() { # NAME -> sets cmd (the consumer's command line for launch)
    case $1 in
        ours) cmd=(ours) first_re="^$dev " ;;
        json) cmd=(ours --json) first_re='"comm":"syscall_loop"' ;;
        one) cmd=(bpftrace -e "$(one_liner "$backend")") first_re=' syscall_loop$' ;;
        bt) cmd=(bpftrace "$btprog" "$family") first_re="^$dev " ;;
        c) cmd=("$bin/consumer" "$backend" "$root/src/main/resources/dev/ethtoolsnoop/ethtoolsnoop.bpf.o")
           first_re=' syscall_loop ' ;;
    esac
}
# The load runs under a comm of its own, in every consumer's line (its
# threads keep it): the host's other users run ethtool_storm too. Ours and
# the full program also print the parent's comm, never this one.
load_comm=etsnb_load
# One consumer: launch it (ready: launch -> first printed event), then
#   cpu    CPU time (utime + stime, all threads, /proc/PID/stat) it spends
#          while ethtool_storm paces GDRVINFO at $paced_rate from one thread,
#          until its output stops growing, per line printed (every event it
#          printed, the host's other ethtool users' too: all pay per event);
#   share  the share of a flat-out $n_storm-op ethtool_storm from 1 and from
#          4 threads that it printed.
# ours and the full program: their first round's block (below) serves, one
# launch fewer each (a JVM start takes a minute in a TCG guest).
session() { # NAME
    local name=$1 o=$tmp/s.$1.out e=$tmp/s.$1.err kind=other sampler=
    consumer_cmd "$name"
    [[ $name == json ]] && kind=ours
    launch "$kind" "$o" "$e" "${cmd[@]}"
    record "ready_${name}_first" "$t_first"
    sleep "$settle"
    if [[ $kind == ours ]]; then
        sample_rss "$tracer_pid" "$tmp/rss" &
        sampler=$!
        pids+=("$sampler")
    fi
    consumer_load "$name" "$o" "$e"
    if [[ -n $sampler ]]; then
        awk '/^VmHWM:/ { print $2 }' "/proc/$tracer_pid/status" >>"$tmp/hwm"
        stop "$sampler"
    fi
    stop "$tracer_pid"
}
in_sessions() { local n; for n in "${sessions[@]}"; do [[ $n == "$1" ]] && return 0; done; return 1; }
# The paced and flat-out loads under the running consumer $tracer_pid.
consumer_load() { # NAME OUT ERR
    local name=$1 o=$2 e=$3 c0 c1 lines n th
    : >"$o"
    c0=$(cpu_ticks "$tracer_pid")
    "$storm" "$dev" 1 "$paced_n" "$paced_rate" >/dev/null
    quiet "$o" "$quiet_s"
    c1=$(cpu_ticks "$tracer_pid")
    lines=$(wc -l <"$o")
    n=$(grep -cF "$load_comm" "$o" || true)
    ((n > 0)) || die "$name printed nothing of the paced load: $(tail -n 5 "$e")"
    record "cpu_${name}_us" "$(awk -v t=$((c1 - c0)) -v hz="$clk_tck" -v l="$lines" 'BEGIN { printf "%.2f", t * 1e6 / hz / l }')"
    record "paced_${name}_share" "$(awk -v p="$n" -v n="$paced_n" 'BEGIN { print p / n }')"
    for th in 1 4; do
        : >"$o"
        "$storm" "$dev" "$th" "$n_storm" >/dev/null
        quiet "$o" "$quiet_s"
        n=$(grep -cF "$load_comm" "$o" || true)
        record "share${th}_${name}" "$(awk -v p="$n" -v n="$n_storm" 'BEGIN { print p / n }')"
    done
}

# One step of the zero-loss climb: a fresh consumer (ours with its default
# output and buffer, or the C one), N ops at RATE from two ethtool_storm
# threads, spaced ops on every CPU (they make a perf buffer tell its last
# losses), then until its output stops growing, SIGTERM. Sets z_printed (of
# this load) and z_lost (of all events: ours: the "Lost N events" lines; the
# C consumer: counters.dropped).
climb_step() { # NAME RATE N
    local name=$1 rate=$2 n=$3 o=$tmp/z.out e=$tmp/z.err cpu
    consumer_cmd "$name"
    launch "$([[ $name == ours ]] && echo ours || echo other)" "$o" "$e" "${cmd[@]}"
    sleep "$settle"
    : >"$o"
    "$storm" "$dev" 2 "$n" "$rate" >/dev/null
    for ((cpu = 0; cpu < ncpu; cpu++)); do
        taskset -c "$cpu" "$storm" "$dev" 1 5 100 >/dev/null
    done
    quiet "$o" "$quiet_s"
    stop "$tracer_pid"
    z_printed=$(grep -cF "$load_comm" "$o" || true)
    if [[ $name == ours ]]; then
        z_lost=$(sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' "$e" | awk '{ s += $1 } END { print s + 0 }')
    else
        z_lost=$(sed -n 's/^lost \([0-9]*\).*/\1/p' "$e")
        [[ -n $z_lost ]] || die "the C consumer reported no count: $(cat "$e")"
    fi
}

# One scrape by Debian's prometheus-node-exporter (--collector.ethtool) of
# $scrape_ifaces veth interfaces in a namespace of their own, under ours with
# its default output and buffer, run in that namespace too and watching it
# only (--netns: the host's other ethtool users stay out of the burst). The
# ioctls the exporter issued are counted in the kernel by a bpftrace map (no
# buffer, no loss).
scrape() {
    local ns=etsnbench$$ port=$((19400 + $$ % 500)) i o=$tmp/scrape.out e=$tmp/scrape.err exp counter inode
    local exporter
    exporter=$(command -v prometheus-node-exporter) || die "prometheus-node-exporter is missing"
    command -v curl >/dev/null || die "curl is missing"
    ip netns add "$ns"
    scrape_ns=$ns
    ip -n "$ns" link set lo up
    for ((i = 0; i < scrape_ifaces / 2; i++)); do echo "link add etsns${i}a type veth peer name etsns${i}b"; done >"$tmp/batch"
    ip -n "$ns" -batch "$tmp/batch"
    inode=$(stat -L -c %i "/run/netns/$ns")
    ip netns exec "$ns" "$exporter" --web.listen-address="127.0.0.1:$port" \
        --collector.disable-defaults --collector.ethtool >"$tmp/exporter.log" 2>&1 &
    exp=$!
    pids+=("$exp")
    get() { ip netns exec "$ns" curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; }
    for ((i = 0; i < 100; i++)); do get && break; sleep 0.1; done # also warms it up
    get || die "the exporter does not answer: $(cat "$tmp/exporter.log")"
    : >"$tmp/counter.out"
    bpftrace -e "tracepoint:raw_syscalls:sys_enter /pid == $exp && args->id == 16 && args->args[1] == 0x8946/ { @issued = count(); }" \
        >"$tmp/counter.out" 2>&1 &
    counter=$!
    pids+=("$counter")
    for ((i = 0; i < patience * 10; i++)); do grep -q '^Attaching' "$tmp/counter.out" && break; sleep 0.1; done
    sleep 1
    first_re="^etsns0a " tick_ns=$ns tick_dev=etsns0a
    launch ours "$o" "$e" ip netns exec "$ns" "${tracer[@]}" --backend "$backend" --netns "$inode"
    tick_ns= tick_dev=
    sleep "$settle"
    : >"$o"
    get || die "the scrape failed"
    quiet "$o" "$quiet_s"
    stop "$tracer_pid"
    kill -INT "$counter"
    wait "$counter" || true
    forget "$counter"
    s_issued=$(sed -n 's/^@issued: \([0-9]*\)/\1/p' "$tmp/counter.out")
    [[ -n $s_issued ]] || die "the scrape's ioctls were not counted: $(cat "$tmp/counter.out")"
    s_printed=$(grep -cF prometheus-nod "$o" || true)
    s_lost=$(sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' "$e" | awk '{ s += $1 } END { print s + 0 }')
    stop "$exp"
    ip netns del "$ns"
    scrape_ns=
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
    for name in "${sessions[@]}"; do
        [[ $name == ours || $name == bt ]] && continue # done in the blocks
        session "$name"
        echo "   consumer $name done" >&2
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
        best=0 climb_lost=0
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
                climb_lost=$lost
                break # the first rate with loss ends the climb
            fi
        done
        record drain_zero_loss "$best"
        # the climb ends flat out (rate 0): nothing lost there means the reader
        # kept up with all one producer can issue, whatever rate that was
        record drain_climb_lost "$climb_lost"
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

    if ((${#sessions[@]})); then
        printf '  consumers: CPU per event at a paced %s/s (%s ops, one thread); share of a flat-out %s-op storm printed\n' \
            "$paced_rate" "$paced_n" "$n_storm"
        printf '    %-10s %9s %11s %9s %9s %9s\n' consumer "ready s" "cpu us/ev" "paced %" "1 thr %" "4 thr %"
        for name in "${sessions[@]}"; do
            awk -v n="$name" -v b="$backend" '$1 == b { v[$2] = $3 } END {
                printf "    %-10s %9.3f %11.2f %9.1f %9.1f %9.1f\n", n, v["ready_" n "_first"], v["cpu_" n "_us"],
                    100 * v["paced_" n "_share"], 100 * v["share1_" n], 100 * v["share4_" n] }' "$results"
        done
    fi
    for name in ours c; do
        ((${#climb_rates[@]})) || break
        best=0
        for rate in "${climb_rates[@]}"; do
            n=$(awk -v r="$rate" -v s="$climb_secs" 'BEGIN { print r * s }')
            climb_step "$name" "$rate" "$n"
            expected=$((n + 5 * ncpu))
            printf '    %-4s two producers at %7s/s: ops %7s  printed %7s  lost %6s\n' "$name" "$rate" "$expected" "$z_printed" "$z_lost"
            record "climb_step_$name" "$rate:$expected:$z_printed:$z_lost"
            # Lost counts every user's events (the host's other ethtool users
            # share the buffer), so zero loss of this load is all of it printed.
            ((z_printed + z_lost >= expected)) || echo "    ($name: $((expected - z_printed - z_lost)) ops neither printed nor reported lost)"
            ((z_printed == expected)) || break
            best=$rate
        done
        record "climb_zero_loss_$name" "$best"
        echo "    $name: highest two-producer rate with zero loss: $best/s"
    done
    if ((scrape_ifaces)); then
        scrape
        printf '  scrape of %s interfaces (node_exporter --collector.ethtool) under ours: ioctls %s, printed %s, lost %s\n' \
            "$scrape_ifaces" "$s_issued" "$s_printed" "$s_lost"
        record scrape "$scrape_ifaces:$s_issued:$s_printed:$s_lost"
    fi

    rss=$(sort -n "$tmp/rss" | tail -n1) hwm=$(sort -n "$tmp/hwm" | tail -n1)
    record rss_max_kb "$rss"
    record hwm_kb "$hwm"
    printf '  RSS of ours under load: VmRSS max %.1f MiB (%d samples), VmHWM %.1f MiB\n' \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(wc -l <"$tmp/rss")" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
done
exit $status
