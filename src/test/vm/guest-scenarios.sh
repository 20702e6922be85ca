#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside one VM boot: the live scenario once per backend, so each kernel
# is booted once per test run. Results land in OUT/<backend>/ for the Java side,
# and what --backend auto said in OUT/auto.err.
# usage: guest-scenarios.sh JAVA JAR IOCTL_HELPER OUT BACKEND[:nofilters]...
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
java=$1 jar=$2 helper=$3 out=$4
shift 4
uname -r >"$out/uname"
status=0
for spec in "$@"; do
    backend=${spec%%:*}
    filters=filters
    [[ $spec == *:nofilters ]] && filters=nofilters
    rm -rf "${out:?}/$backend"
    mkdir -p "$out/$backend"
    start=$(date +%s)
    "$here/../scenario/live-scenario.sh" "$java" "$jar" "$helper" "$backend" "$out/$backend" "$filters" || status=1
    echo "$backend scenario: $(( $(date +%s) - start ))s" >&2
done
# --backend auto must still pick the cheapest backend the kernel has (fentry on
# Debian's kernels): its quick pre-check must not rule fentry out wrongly.
start=$(date +%s)
"$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -XX:-UsePerfData \
    -Xlog:disable -Xlog:all=warning:stderr -jar "$jar" --duration 1 >/dev/null 2>"$out/auto.err" || status=1
echo "auto: $(( $(date +%s) - start ))s" >&2
exit $status
