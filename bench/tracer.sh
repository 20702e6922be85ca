# SPDX-License-Identifier: Apache-2.0
# Sourced by the bench scripts (after they set $root): the tracer they run,
# as the array "tracer". The runtime image's launcher once the build made it
# (what the package installs as /usr/sbin/ethtoolsnoop; run.sh has the
# checkout's launcher build it first, and that launcher's up-to-date check is
# no part of a user's start), else the checkout's launcher, or the command in
# ETHTOOLSNOOP_BENCH_TRACER (e.g. a `java @src/main/image/jvm.args -jar JAR` line).
default_tracer=$root/ethtoolsnoop
[[ -x $root/target/image/bin/ethtoolsnoop ]] && default_tracer=$root/target/image/bin/ethtoolsnoop
read -ra tracer <<<"${ETHTOOLSNOOP_BENCH_TRACER:-$default_tracer}"
