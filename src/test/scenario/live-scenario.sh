#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The live scenario the tests assert on, run on the host or inside a VM:
# starts the packaged tracer with one backend, drives real ethtool and raw
# ioctls against veth/dummy devices (one in a second netns), stops the tracer
# with SIGTERM and leaves everything for the Java side to check:
#   OUT/events.jsonl  tracer stdout     OUT/tracer.err  tracer stderr
#   OUT/steps         "step NAME PID RC" and "iface NAME IFINDEX NETNS" facts
#   OUT/tracer.rc     the tracer's exit code
# usage: live-scenario.sh JAVA JAR IOCTL_HELPER BACKEND OUT
set -euo pipefail

java=$1 jar=$2 ioctl_helper=$3 backend=$4 out=$5
mkdir -p "$out"
: >"$out/steps"
ns=etsn-ns-$$

cleanup() {
    ip link del etsnA 2>/dev/null || true
    ip link del etsnD 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

# dummy where the kernel has it (a different driver than veth), else veth
ip link add etsnA type veth peer name etsnB
ip link add etsnD type dummy 2>/dev/null || ip link add etsnD type veth peer name etsnE
ip netns add "$ns"
ip -n "$ns" link add etsnN type dummy 2>/dev/null || ip -n "$ns" link add etsnN type veth peer name etsnO

netns_of() { stat -L -c %i "$1"; }
echo "iface etsnA $(cat /sys/class/net/etsnA/ifindex) $(netns_of /proc/self/ns/net)" >>"$out/steps"
echo "iface etsnD $(cat /sys/class/net/etsnD/ifindex) $(netns_of /proc/self/ns/net)" >>"$out/steps"
echo "iface etsnN $(ip netns exec "$ns" cat /sys/class/net/etsnN/ifindex) $(netns_of /run/netns/"$ns")" >>"$out/steps"
echo "parent $$ $(cat /proc/$$/comm)" >>"$out/steps"

"$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -jar "$jar" --json --backend "$backend" >"$out/events.jsonl" 2>"$out/tracer.err" &
tracer=$!
for _ in $(seq 1 1200); do
    grep -q '^Tracing ethtool operations' "$out/tracer.err" && break
    kill -0 "$tracer" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q '^Tracing ethtool operations' "$out/tracer.err"; then
    echo "tracer did not get ready:" >&2
    cat "$out/tracer.err" >&2
    kill "$tracer" 2>/dev/null || true
    wait "$tracer" || true
    exit 1
fi

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
step netns_ethtool_i ip netns exec "$ns" ethtool -i etsnN

sleep 1
# SIGTERM: a background job of a script starts with SIGINT ignored
kill -TERM "$tracer"
rc=0
wait "$tracer" || rc=$?
echo "$rc" >"$out/tracer.rc"
