#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside one VM boot: the live scenario once per backend, so each kernel
# is booted once per test run. Results land in OUT/<backend>/ for the Java side.
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
exit $status
