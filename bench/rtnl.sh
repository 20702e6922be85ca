#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# RTNL cost: what each tracer adds to an RTNL-taking call, side by side in one
# run. The call: RTM_NEWLINK setting a veth's MTU to the value it has
# (bench/rtnl_loop.c; rtnl_newlink takes RTNL and changes nothing), in three
# loops:
#   1   one caller, a request and its ACK per send(), as `ip link set` does;
#   2   the same from two callers pinned to two CPUs: RTNL is contended now
#       and then, and the lock:contention_begin/end tracepoints fire;
#   2b  two callers sending 64 requests per send() without asking for ACKs:
#       RTNL is taken back to back and many calls wait for it (up to two
#       thirds), so what a tracer does per wait shows.
# Contestants, in blocks whose order turns round after round:
#   off       no tracer
#   ours      ethtoolsnoop (RTNL figures on, the default)
#   norntl    ethtoolsnoop --no-rtnl
#   waits     ethtoolsnoop --waits (RTNL figures and the waits view)
#   bt        bpftrace timing each wait for RTNL on the contention
#             tracepoints into a histogram: what ours does for RTNL on a
#             kernel without kprobes and fentry (the syscall backend; with
#             them ours also probes rtnl_lock() and __rtnl_unlock())
# Each round also has a turn for a bpftrace counting the waits for RTNL per
# loop process: waits per call, and from them the cost of one wait.
#   bench/rtnl.sh [--quick] [OUTDIR BACKEND]      (root)
# With OUTDIR, appends "BACKEND rtnl_* VALUE" lines to OUTDIR/results for
# bench/table.py (bench/run.sh passes its host results). The tracer is
# the runtime image's launcher (else ./ethtoolsnoop), or the command in
# $ETHTOOLSNOOP_BENCH_TRACER.
# Exits 1 when something cannot be measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=$root/target/bench

quick=
[[ ${1:-} == --quick ]] && { quick=1; shift; }
out= backend=auto
if (($#)); then
    (($# == 2)) || { echo "usage: $0 [--quick] [OUTDIR BACKEND]" >&2; exit 2; }
    out=$1 backend=$2
fi
if [[ -n $quick ]]; then rounds=3 n=20000; else rounds=6 n=50000; fi
loops=(1 2 2b)
# shellcheck source=bench/tracer.sh
source "$here/tracer.sh"
for tool in bpftrace ip gcc python3; do
    command -v $tool >/dev/null || { echo "rtnl: $tool is missing" >&2; exit 1; }
done
mkdir -p "$bin"
[[ $bin/rtnl_loop -nt $here/rtnl_loop.c ]] || gcc -O2 -Wall -Werror -pthread -o "$bin/rtnl_loop" "$here/rtnl_loop.c"

tmp=$(mktemp -d /tmp/etsn-rtnl.XXXXXX)
dev=etsnbrtnl0
pid=
mounted_tracefs=
cleanup() {
    if [[ -n $pid ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    ip link del "$dev" 2>/dev/null || true
    [[ -n $mounted_tracefs ]] && umount /sys/kernel/tracing
    rm -rf "$tmp"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() {
    echo "rtnl: $*" >&2
    exit 1
}

ip link del "$dev" 2>/dev/null || true
ip link add "$dev" type veth peer name etsnbrtnl1
if [[ ! -d /sys/kernel/tracing/events ]]; then
    mount -t tracefs nodev /sys/kernel/tracing
    mounted_tracefs=1
fi

# rtnl_mutex's address, as ours finds it: from /proc/kallsyms when it lists
# it (CONFIG_KALLSYMS_ALL), else from rtnl_lock()'s code, whose first real
# instruction loads &rtnl_mutex into %rdi (mov $imm32 sign-extended, or lea
# rel32(%rip)) after padding (endbr64, the fentry site's nop, other nops).
rtnl_mutex() {
    local a lock words
    a=$(awk '$3 == "rtnl_mutex" { print $1; exit }' /proc/kallsyms)
    if [[ -n $a && ! $a =~ ^0+$ ]]; then echo "0x$a"; return; fi
    lock=$(awk '$3 == "rtnl_lock" && $2 ~ /^[Tt]$/ { print $1; exit }' /proc/kallsyms)
    [[ -n $lock && ! $lock =~ ^0+$ ]] || return 1
    words=$(bpftrace -e "BEGIN { printf(\"code %lx %lx\\n\", *(uint64 *)kptr(0x$lock),
        *(uint64 *)kptr($(printf '0x%x' $((0x$lock + 8))))); exit(); }" 2>/dev/null | sed -n 's/^code //p')
    [[ -n $words ]] || return 1
    python3 - "$lock" $words <<'EOF'
import sys
at = int(sys.argv[1], 16)
code = b"".join(int(w, 16).to_bytes(8, "little") for w in sys.argv[2:])
pads = (b"\xf3\x0f\x1e\xfa", b"\x0f\x1f\x44\x00\x00", b"\x66\x0f\x1f\x44\x00\x00", b"\x0f\x1f\x40\x00",
        b"\x0f\x1f\x00", b"\x66\x90", b"\x90")
i = 0
for _ in range(8):
    pad = next((p for p in pads if code.startswith(p, i)), None)
    if pad:
        i += len(pad)
    elif i in (0, 4) and code[i] == 0xe8:  # the fentry site patched into a call
        i += 5
    else:
        break
if i + 7 > len(code):
    sys.exit(1)
imm = int.from_bytes(code[i + 3:i + 7], "little", signed=True)
if code.startswith(b"\x48\xc7\xc7", i):  # mov $imm32, %rdi
    print(hex(imm & (1 << 64) - 1))
elif code.startswith(b"\x48\x8d\x3d", i):  # lea rel32(%rip), %rdi
    print(hex(at + i + 7 + imm & (1 << 64) - 1))
else:
    sys.exit(1)
EOF
}
mutex=$(rtnl_mutex) || die "cannot find rtnl_mutex (not in /proc/kallsyms, and rtnl_lock()'s code does not say)"
cat >"$tmp/rtnl.bt" <<EOF
BEGIN { printf("ready\n"); }
tracepoint:lock:contention_begin /args->lock_addr == $mutex/ { @start[tid] = nsecs; }
tracepoint:lock:contention_end /@start[tid]/ { @w = hist(nsecs - @start[tid]); delete(@start[tid]); }
EOF
# Not a contestant: counts the waits for RTNL (slow paths ended) per process,
# for the waits per call of each loop.
cat >"$tmp/count.bt" <<EOF
BEGIN { printf("ready\n"); }
END { printf("counted\n"); }
tracepoint:lock:contention_begin /args->lock_addr == $mutex/ { @in[tid] = 1; }
tracepoint:lock:contention_end /@in[tid]/ { delete(@in[tid]); @waits[pid] = count(); }
EOF

# Starts a contestant and waits until it traces: ours prints its "Tracing"
# line once attached, bpftrace runs BEGIN once its probes are attached. Then
# a second for start-up work (JIT, LLVM) to finish: it competes for the cores.
start() {
    local o=$tmp/$1.out e=$tmp/$1.err
    : >"$o"
    : >"$e"
    case $1 in
        ours) "${tracer[@]}" --backend "$backend" >"$o" 2>"$e" & ;;
        norntl) "${tracer[@]}" --backend "$backend" --no-rtnl >"$o" 2>"$e" & ;;
        waits) "${tracer[@]}" --backend "$backend" --waits >"$o" 2>"$e" & ;;
        bt | count) bpftrace "$tmp/${1/bt/rtnl}.bt" >"$o" 2>"$e" & ;;
    esac
    pid=$!
    for _ in $(seq 1 1200); do
        if [[ $1 == bt || $1 == count ]] && grep -q '^ready' "$o"; then break; fi
        if [[ $1 != bt && $1 != count ]] && grep -q '^Tracing ethtool operations' "$e"; then break; fi
        kill -0 "$pid" 2>/dev/null || die "$1 ended before tracing: $(cat "$e" "$o")"
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && grep -q -e '^ready' -e '^Tracing' "$o" "$e" || die "$1 did not start within 120 s: $(cat "$e")"
    # with its RTNL probes, ours says so on its Tracing line
    case $1 in
        ours | waits) grep -q '^Tracing.*RTNL' "$e" || die "$1 traces no RTNL: $(cat "$e")" ;;
        norntl) ! grep -q '^Tracing.*RTNL' "$e" || die "--no-rtnl still traces RTNL: $(cat "$e")" ;;
    esac
    sleep 1
}
# Stops the contestant with signal $1 (default TERM). A signal can go
# unheeded (seen once: bpftrace 0.17 still polling a quarter of an hour after
# its SIGINT), so it is sent again every second, and after 10 s SIGKILL ends
# it (bpftrace's maps are lost then: a count turn without them is dropped).
stop() {
    local watchdog
    kill -"${1:-TERM}" "$pid" 2>/dev/null || true
    (
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            sleep 1
            kill -"${1:-TERM}" "$pid" 2>/dev/null || exit 0
        done
        kill -KILL "$pid" 2>/dev/null
    ) &
    watchdog=$!
    wait "$pid" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    pid=
}

# One run of loop $1 (1, 2, 2b), in a subshell it replaces (the caller's $!
# is the loop's pid): prints "NS CALLS".
run_loop() {
    case $1 in
        1) exec "$bin/rtnl_loop" "$n" "$dev" ;;
        2) exec "$bin/rtnl_loop" "$n" "$dev" 2 ;;
        2b) exec "$bin/rtnl_loop" $((4 * n)) "$dev" 2 64 ;; # ~5 times faster per call
    esac
}

declare -A cost waits calls
block() {
    local k l ns c p w
    [[ $1 == off ]] || start "$1"
    if [[ $1 == count ]]; then
        # each loop once, under the counter
        : >"$tmp/count.pids"
        for l in "${loops[@]}"; do
            run_loop "$l" >"$tmp/loop.out" &
            p=$!
            wait "$p" || die "rtnl_loop $l failed"
            read -r _ c <"$tmp/loop.out"
            echo "$l $p $c" >>"$tmp/count.pids"
        done
        stop INT # bpftrace prints its maps at exit
        grep -q '^counted' "$tmp/count.out" || return 0
        while read -r l p c; do
            w=$(sed -n "s/^@waits\[$p\]: //p" "$tmp/count.out")
            waits[$l]=$((${waits[$l]:-0} + ${w:-0})) calls[$l]=$((${calls[$l]:-0} + c))
        done <"$tmp/count.pids"
        return
    fi
    for k in 1 2 3; do
        for l in "${loops[@]}"; do
            read -r ns _ < <(run_loop "$l")
            [[ -n $ns ]] || die "rtnl_loop $l failed"
            cost[$1.$l]+="$ns "
        done
    done
    if [[ $1 == bt ]]; then stop INT; elif [[ $1 != off ]]; then stop; fi
}

# The waits counter takes a turn in every round too: how often the calls
# collide moves with the machine's load, as the times do.
contestants=(off ours norntl waits bt)
turns=("${contestants[@]}" count)
for ((r = 0; r < rounds; r++)); do
    # the order turns round each round: no contestant always runs first
    for ((c = 0; c < ${#turns[@]}; c++)); do
        block "${turns[(c + r) % ${#turns[@]}]}"
    done
    echo "   rtnl round $((r + 1))/$rounds done" >&2
done
declare -A wpc
for l in "${loops[@]}"; do
    wpc[$l]=$(awk -v w="${waits[$l]:-0}" -v c="${calls[$l]:-0}" 'BEGIN { printf "%.4f", c ? w / c : 0 }')
done

# One caller: the minimum (noise only ever adds time). Two callers: the
# median, for how often the calls collide varies from run to run, and the
# fastest run is the one with the fewest collisions, not the least noise.
best() {
    tr ' ' '\n' <<<"${cost[$1]}" | grep . | sort -g |
        if [[ $1 == *.1 ]]; then head -n1; else awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; fi
}
backend_used=$(sed -n 's/^Tracing ethtool operations (backend: \([a-z]*\).*/\1/p' "$tmp/ours.err")
record() { [[ -z $out ]] || echo "$backend $1 $2" >>"$out/results"; }
printf "\nRTNL cost, %s backend, %s: RTM_NEWLINK setting a veth's MTU to its own value\n" "$backend_used" "$(uname -r)"
printf '  ns per call, %d rounds; 1: one caller, request + ACK per send (minimum); 2: two callers (median);\n' "$rounds"
printf '  2b: two callers, 64 requests per send and no ACKs, RTNL back to back (median); rtnl_mutex %s\n' "$mutex"
printf '  %-26s %8s %8s %8s %8s %8s %8s\n' contestant 1 "+1" 2 "+2" 2b "+2b"
for c in "${contestants[@]}"; do
    case $c in
        off) label="no tracer" ;;
        ours) label="ours (RTNL on)" ;;
        norntl) label="ours --no-rtnl" ;;
        waits) label="ours --waits" ;;
        bt) label="bpftrace RTNL waits hist" ;;
    esac
    line=$(printf '  %-26s' "$label")
    for l in "${loops[@]}"; do
        v=$(best "$c.$l") o=$(best "off.$l")
        record "rtnl_${l}_$c" "$v"
        if [[ $c == off ]]; then
            line+=$(printf ' %8.1f %8s' "$v" -)
        else
            line+=$(printf ' %8.1f %+8.1f' "$v" "$(awk -v a="$v" -v b="$o" 'BEGIN { print a - b }')")
        fi
    done
    echo "$line"
done
line=$(printf '  %-26s' "waits for RTNL per call")
for l in "${loops[@]}"; do
    record "rtnl_${l}_waits_per_call" "${wpc[$l]}"
    line+=$(printf ' %8.4f %8s' "${wpc[$l]}" "")
done
echo "$line"
# What one wait costs where there are many (2b): the time added over the
# waits per call; for ours over ours --no-rtnl, the RTNL probes alone. With
# few waits (other work on the CPUs keeps the two callers apart) the
# quotient is noise over a small number: not given.
per_wait() {
    awk -v a="$(best "$1.2b")" -v b="$(best "$2.2b")" -v w="${wpc[2b]}" 'BEGIN { printf "%.0f", (a - b) / w }'
}
if awk -v w="${wpc[2b]}" 'BEGIN { exit !(w >= 0.4) }'; then
    pw_ours=$(per_wait ours norntl) pw_waits=$(per_wait waits norntl) pw_bt=$(per_wait bt off)
    record rtnl_per_wait_ours "$pw_ours"
    record rtnl_per_wait_waits "$pw_waits"
    record rtnl_per_wait_bt "$pw_bt"
    echo "  added per wait for RTNL (2b): ours' RTNL probes (ours - --no-rtnl) $pw_ours ns, with --waits $pw_waits ns; bpftrace $pw_bt ns"
else
    echo "  added per wait for RTNL (2b): not given, too few waits (${wpc[2b]} per call < 0.4: busy CPUs kept the callers apart)"
fi
