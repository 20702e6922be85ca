#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The live scenario the tests assert on, run on the host or inside a VM:
# starts the packaged tracer with one backend, drives real ethtool and raw
# ioctls against veth/dummy devices (one in a second netns), stops the tracer
# with SIGTERM and leaves everything for the Java side to check:
#   OUT/events.jsonl  tracer stdout     OUT/tracer.err  tracer stderr
#   OUT/steps         "step NAME PID RC", "iface NAME IFINDEX NETNS", "kernel RELEASE"
#                     and "option LINE PID RC" facts (LINE: the option's line
#                     in options.txt, run against a veth of its own)
#   OUT/tracer.rc     the tracer's exit code
#   OUT/storm.{jsonl,err,rc}
#                     a last tracer (-c ethtool_storm) around a storm of
#                     STORM_OPS GDRVINFO ioctls from 32 threads, after the
#                     others ended; "storm ISSUED FAILED PID" in OUT/steps
# Beside the unfiltered tracer, filtered ones (-p, -c, -i, --netns, -x, -m,
# and -s --hist) watch the same operations, so each filter can be checked
# against the unfiltered record: OUT/filter-NAME.{jsonl,err,rc}, their
# arguments in OUT/filters ("NAME ARGS..."). With FILTERS=endings,
# minlat_none (-m 60000, which keeps nothing) has every other filter on too:
# the verifier prunes the code of a filter that is off, so each filter's code
# is still loaded where the tracers that check what it keeps do not run.
# Under qemu TCG every extra JVM costs some ten seconds, so FILTERS=nofilters leaves
# the filtered tracers out, and FILTERS=endings keeps only the two that end
# by SIGINT and SIGKILL (minlat_all, minlat_none): what a backend leaves
# behind after those is its own, while the filters are shared BPF code.
# The tracers end three ways: main by SIGTERM, minlat_all by SIGINT,
# minlat_none by SIGKILL; "bpf PHASE LINKS PROGS KPROBE_EVENTS" lines in
# OUT/steps count what exists system-wide before, during and after them.
# usage: live-scenario.sh JAVA JAR IOCTL_HELPER BACKEND OUT [filters|endings|nofilters]
# The storm program is IOCTL_HELPER's sibling ethtool_storm (target/test-bin),
# and so are ethtool_genl, a netlink client, and rtnl_hold, which makes a
# call hold RTNL for a known time while known waiters queue for it.
# The main tracer runs with --waits, so OUT/events.jsonl also has the RTNL
# waits ("type":"rtnl_wait") beside the operations.
set -euo pipefail

java=$1 jar=$2 ioctl_helper=$3 backend=$4 out=$5 filters=${6:-filters}
case $filters in
    filters | endings | nofilters) ;;
    *) echo "live-scenario.sh: filters, endings or nofilters, not '$filters'" >&2; exit 2 ;;
esac
storm=$(dirname "$ioctl_helper")/ethtool_storm
genl_helper=$(dirname "$ioctl_helper")/ethtool_genl
rtnl_helper=$(dirname "$ioctl_helper")/rtnl_hold
jvm_args=$(cd "$(dirname "$0")/../../main/image" && pwd)/jvm.args
# small enough for a TCG guest, big enough to overrun the perf buffer there
storm_ops=${STORM_OPS:-20000}
mkdir -p "$out"
: >"$out/steps"
ns=etsn-ns-$$

declare -A pids
trigger=
cleanup() {
    kill "${pids[@]}" $trigger 2>/dev/null || true
    ip link del etsnA 2>/dev/null || true
    ip link del etsnD 2>/dev/null || true
    ip link del etsnP 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    [[ -n ${cgdir:-} ]] && rmdir "$cgdir" 2>/dev/null
    [[ -n ${cg2_mounted:-} ]] && umount "$cg2" 2>/dev/null
    true
}
trap cleanup EXIT
cleanup

# dummy where the kernel has it (a different driver than veth), else veth
ip link add etsnA type veth peer name etsnB
ip link add etsnD type dummy 2>/dev/null || ip link add etsnD type veth peer name etsnE
ip link add etsnP type veth peer name etsnQ
ip netns add "$ns"
ip -n "$ns" link add etsnN type dummy 2>/dev/null || ip -n "$ns" link add etsnN type veth peer name etsnO

netns_of() { stat -L -c %i "$1"; }
echo "iface etsnA $(cat /sys/class/net/etsnA/ifindex) $(netns_of /proc/self/ns/net)" >>"$out/steps"
echo "iface etsnD $(cat /sys/class/net/etsnD/ifindex) $(netns_of /proc/self/ns/net)" >>"$out/steps"
echo "iface etsnN $(ip netns exec "$ns" cat /sys/class/net/etsnN/ifindex) $(netns_of /run/netns/"$ns")" >>"$out/steps"
echo "iface etsnP $(cat /sys/class/net/etsnP/ifindex) $(netns_of /proc/self/ns/net)" >>"$out/steps"
echo "parent $$ $(cat /proc/$$/comm)" >>"$out/steps"

# A cgroup of the scenario's own, in the cgroup v2 hierarchy (mounted here
# where the system has none, as in the VM guests): OUT/cgroup says
# "PATH INODE" (the inode is the cgroup id the probes see).
cg2=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
    /proc/self/mountinfo | head -1)
if [[ -z $cg2 ]]; then
    cg2=/tmp/etsn-cgroup2
    mkdir -p "$cg2"
    mount -t cgroup2 none "$cg2"
    cg2_mounted=1
fi
cgdir=$cg2/etsn-test-$$
mkdir "$cgdir"
echo "/etsn-test-$$ $(stat -c %i "$cgdir")" >"$out/cgroup"
echo "kernel $(uname -r)" >>"$out/steps"

# A process whose pid is known before it runs ethtool, for the -p filter:
# it waits on a fifo, then execs ethtool (same pid).
fifo=$(mktemp -u /tmp/etsn-trigger.XXXXXX)
mkfifo "$fifo"
(read -r _ <"$fifo"; exec ethtool -i etsnA) >"$out/step-ethtool_i_by_pid.out" 2>&1 &
trigger=$!
nsino=$(netns_of /run/netns/"$ns")

start_tracer() { # NAME OUTFILE ERRFILE ARGS...
    local name=$1 outfile=$2 errfile=$3
    shift 3
    # the launchers' JVM flags (src/main/image/jvm.args)
    # env --default-signal: undo the SIG_IGN a script gives its background
    # jobs for SIGINT, so SIGINT reaches the tracer as Ctrl-C would
    env --default-signal=INT "$java" "@$jvm_args" \
        -jar "$jar" --json --backend "$backend" "$@" >"$outfile" 2>"$errfile" &
    pids[$name]=$!
}
# What the tracers may leave behind: their BPF programs (by name, as the
# kernel truncates them to 15 bytes) and the links holding those, counted
# with bpftool so other BPF users on the machine do not count; and tracefs
# kprobe_events entries on the functions we probe (libbpf's legacy kprobes);
# -1: no tracefs.
our_progs='^(fentry|fexit|kprobe|kretprobe)_(dev_|genl_|netdev_|parse_|rtnl_|mutex)|^raw_sys_(enter|exit)$|^raw_contention_'
bpf_counts() {
    local ids links kev=-1
    ids=$(bpftool prog show | sed -n 's/^\([0-9]*\): .* name \([^ ]*\) .*/\1 \2/p' |
        awk -v re="$our_progs" '$2 ~ re { print $1 }')
    # (no process substitution: a guest has no /dev/fd)
    links=$(bpftool link show | sed -n 's/^[0-9]*: .* prog \([0-9]*\).*/\1/p' |
        awk -v ids=" $(echo $ids) " 'index(ids, " " $1 " ") { n++ } END { print n + 0 }')
    [[ -r /sys/kernel/tracing/kprobe_events ]] &&
        kev=$(grep -cE 'dev_ethtool|ethnl_|dev_get_by_name|rtnl_|mutex_lock' /sys/kernel/tracing/kprobe_events || true)
    echo "$links $(grep -c . <<<"$ids" || true) $kev"
}
bpf_state() { echo "bpf $1 $(bpf_counts)" >>"$out/steps"; }
bpf_before=$(bpf_counts)
every=
if [[ $filters == endings ]]; then
    every=" -p $trigger -c ethtool_ioctl -i etsnD --netns $nsino -x --cgroup /etsn-test-$$"
fi
echo "bpf before $bpf_before" >>"$out/steps"
start_tracer main "$out/events.jsonl" "$out/tracer.err" --waits
: >"$out/filters"
while read -r name args; do
    case $filters in
        filters) ;;
        endings) [[ $name == minlat_* ]] || continue ;;
        nofilters) break ;;
    esac
    echo "$name $args" >>"$out/filters"
    # shellcheck disable=SC2086 # args are words
    start_tracer "$name" "$out/filter-$name.jsonl" "$out/filter-$name.err" $args
done <<EOF_FILTERS
pid -p $trigger
comm -c ethtool_ioctl
iface -i etsnD
netns --netns $nsino
failed -x
minlat_all -m 0.000001
minlat_none -m 60000$every
agg -s --hist
cgroup --cgroup /etsn-test-$$ --waits 50
EOF_FILTERS

await_ready() { # NAME ERRFILE
    for _ in $(seq 1 1800); do
        grep -q '^Tracing ethtool operations' "$2" && return
        kill -0 "${pids[$1]}" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q '^Tracing ethtool operations' "$2"; then
        echo "tracer $1 did not get ready:" >&2
        cat "$2" >&2
        kill "${pids[@]}" $trigger 2>/dev/null || true
        wait || true
        exit 1
    fi
}
errfile() { [[ $1 == main ]] && echo "$out/tracer.err" || echo "$out/filter-$1.err"; }
for name in "${!pids[@]}"; do
    await_ready "$name" "$(errfile "$name")"
done

bpf_state during

# Each step runs in the background so its pid is known before it ends.
step() {
    local name=$1
    shift
    "$@" >"$out/step-$name.out" 2>&1 &
    local pid=$! rc=0
    wait "$pid" || rc=$?
    echo "step $name $pid $rc" >>"$out/steps"
}

step ethtool_i ethtool -i etsnA
step ethtool_k ethtool -k etsnA
step ethtool_K_tso ethtool -K etsnA tso off
step ethtool_l ethtool -l etsnA
step ethtool_S ethtool -S etsnA
step ethtool_m ethtool -m etsnA
step ethtool_perqueue ethtool --per-queue etsnA queue_mask 0x1 --show-coalesce
step ioctl_0x0 "$ioctl_helper" etsnD 0x0
step ioctl_0xd "$ioctl_helper" etsnD 0xd
step ioctl_gdrvinfo "$ioctl_helper" etsnD 0x3
step ioctl_perqueue "$ioctl_helper" etsnD 0x4b 0xe
step ioctl_thread "$ioctl_helper" --thread etsnD 0x3
# the command in a page's last word, the next page not present yet; and on a
# page the caller never touched: only the kernel's own read faults it in
step ioctl_page_edge "$ioctl_helper" --page-edge etsnD 0x3
step ioctl_cold_page "$ioctl_helper" --cold-page etsnD 0x4b 0xe
# two requests in one send, the second about a device that does not exist;
# then a request whose answer its caller never reads
step genl_batch "$genl_helper" batch etsnA etsn-missing
step genl_noread "$genl_helper" noread etsnA
# refused for want of CAP_NET_ADMIN: the error is in the netlink answer
if command -v setpriv >/dev/null; then
    step ethtool_K_unpriv setpriv --reuid=65534 --regid=65534 --clear-groups ethtool -K etsnA tso off
fi
step netns_ethtool_i ip netns exec "$ns" ethtool -i etsnN
# RTNL held by an ethtool ioctl for 400 ms while 3 rtnetlink requests wait;
# then by a call that is not ethtool (SIOCGIFCONF, which needs an address to
# list), 2 waiting
ip addr add 10.199.0.1/24 dev etsnQ
# (in the scenario's cgroup, below: the --cgroup tracer must keep it and the waits it caused)
step rtnl_ethtool sh -c "echo \$\$ >$cgdir/cgroup.procs && exec $rtnl_helper --ethtool etsnP --hold-ms 400 \
    --waiters 3 --waiter-dev etsnQ"
step rtnl_other "$rtnl_helper" --ifconf --hold-ms 300 --waiters 2 --waiter-dev etsnQ
# Who really called: ethtool three shells down (each sh -c runs its
# command as a child: "; true" keeps it from exec'ing it), which exits at
# once; ethtool in a cgroup of its own; a process whose name the kernel cuts
# at 15 bytes (alive for a while: its full name is read from /proc); and a
# caller every ~0.9 s, its start times (/proc/uptime) in its output.
step tree sh -c 'sh -c "sh -c \"ethtool -i etsnA; true\"; true"; true'
step cgroup_ethtool sh -c "echo \$\$ >$cgdir/cgroup.procs && exec ethtool -i etsnA"
long_helper=$(dirname "$ioctl_helper")/ethtool_ioctl_with_a_long_name
cp "$ioctl_helper" "$long_helper"
step longname "$long_helper" --linger 1500 etsnD 0x3
step cadence bash -c 'for i in 1 2 3 4 5; do read -r up _ </proc/uptime; echo "$up"; ethtool -i etsnD >/dev/null; sleep 0.8; done'
# Every option of options.txt, each its own ethtool process on etsnP (some
# change settings, so not on the devices the steps above use).
lineno=0
while IFS='|' read -r flag args commands; do
    lineno=$((lineno + 1))
    [[ $flag == \#* || -z ${commands// /} ]] && continue
    # shellcheck disable=SC2086 # flag and args are words
    ethtool $flag etsnP $args >>"$out/options.out" 2>&1 </dev/null &
    pid=$! rc=0
    wait "$pid" || rc=$?
    echo "option $lineno $pid $rc" >>"$out/steps"
done <"$(dirname "$0")/options.txt"
echo go >"$fifo"
rc=0
wait "$trigger" || rc=$?
echo "step ethtool_i_by_pid $trigger $rc" >>"$out/steps"
rm -f "$fifo"

sleep 1
for name in "${!pids[@]}"; do
    case $name in
        minlat_all) kill -INT "${pids[$name]}" ;;
        minlat_none) kill -KILL "${pids[$name]}" ;;
        *) kill -TERM "${pids[$name]}" ;;
    esac
done
for name in "${!pids[@]}"; do
    rc=0
    wait "${pids[$name]}" || rc=$?
    if [[ $name == main ]]; then
        echo "$rc" >"$out/tracer.rc"
    else
        echo "$rc" >"$out/filter-$name.rc"
    fi
done
# the kernel releases a killed process's BPF objects asynchronously
for _ in $(seq 1 50); do
    [[ $(bpf_counts) == "$bpf_before" ]] && break
    sleep 0.1
done
bpf_state after

# Load: under a tracer of its own (the ones above check single operations),
# every ioctl of a storm must be printed or reported lost, exactly. 32
# threads on two CPUs: more inside dev_ethtool() at once (waiting for RTNL)
# than a kretprobe has instances, and tasks preempted inside a trampoline
# program on a preemptible kernel, which the kernel then skips for the others.
pids=()
trigger=
start_tracer storm "$out/storm.jsonl" "$out/storm.err" -c ethtool_storm
await_ready storm "$out/storm.err"
"$storm" etsnD 32 "$storm_ops" >"$out/storm.out" 2>&1 &
spid=$!
wait "$spid" || true
sleep 1
kill -INT "${pids[storm]}"
rc=0
wait "${pids[storm]}" || rc=$?
echo "$rc" >"$out/storm.rc"
counts=$(sed -n 's/^issued=\([0-9]*\) failed=\([0-9]*\)$/\1 \2/p' "$out/storm.out")
echo "storm ${counts:--1 -1} $spid" >>"$out/steps"
