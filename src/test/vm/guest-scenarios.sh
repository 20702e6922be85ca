#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside one VM boot: the live scenario once per backend, so each kernel
# is booted once per test run. Results land in OUT/<backend>/ for the Java side,
# and what --backend auto said in OUT/auto.err.
# usage: guest-scenarios.sh JAVA JAR IOCTL_HELPER OUT BACKEND[:endings|:nofilters]...
# (which filtered tracers run beside the main one: see live-scenario.sh)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java=$1 jar=$2 helper=$3 out=$4
shift 4
uname -r >"$out/uname"
status=0
for spec in "$@"; do
    backend=${spec%%:*}
    filters=filters
    [[ $spec == *:* ]] && filters=${spec#*:}
    rm -rf "${out:?}/$backend"
    mkdir -p "$out/$backend"
    start=$(date +%s)
    "$here/../scenario/live-scenario.sh" "$java" "$jar" "$helper" "$backend" "$out/$backend" "$filters" || status=1
    echo "$backend scenario: $(( $(date +%s) - start ))s" >&2
done
# The two one-second starts below are independent: they run side by side, which
# saves one JVM start under TCG per kernel.
#
# --backend auto must still pick the cheapest backend the kernel has (fentry on
# Debian's kernels): its quick pre-check must not rule fentry out wrongly.
# It runs the way users run it: the runtime image's launcher when the build
# made one (its AOT cache must be skipped on the guest's older CPU model).
start=$(date +%s)
image=$(dirname "$jar")/image/bin/ethtoolsnoop
if [[ -x $image ]]; then
    echo "image" >"$out/auto.how"
    "$image" --duration 1 >/dev/null 2>"$out/auto.err" &
else
    echo "jar" >"$out/auto.how"
    "$java" "@$here/../../main/image/jvm.args" -jar "$jar" --duration 1 >/dev/null 2>"$out/auto.err" &
fi
auto=$!
# What the syscall backend says of RTNL here: where the kernel has no lock
# contention tracepoints (before 5.19) it cannot see RTNL waits, and says so.
"$java" "@$here/../../main/image/jvm.args" -jar "$jar" --backend syscall --duration 1 >/dev/null \
    2>"$out/syscall-rtnl.err" || status=1
wait "$auto" || status=1
echo "auto and syscall rtnl: $(( $(date +%s) - start ))s" >&2
exit $status
