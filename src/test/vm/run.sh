#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Usage: run.sh SUITE OUTDIR SCRIPT [ARGS...]
#
# Boots Debian's SUITE kernel in qemu and runs SCRIPT ARGS... as root inside it, in the
# host's own root file system (read-only from the host's side, writable in the guest
# through a tmpfs overlay) and in the current directory. Needed because the host kernel
# lacks kprobes and fentry, which the BPF tests attach to.
#
# OUTDIR (created if missing) is writable from the guest at the same path and receives
# console.log (serial console), output.log (the script's stdout and stderr) and rc.
# Exits with the script's exit code, or 124 if the VM hit the timeout
# (ETHTOOLSNOOP_VM_TIMEOUT seconds, default 900), or 125 if it ended without an rc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

if (($# < 3)); then
  echo "usage: run.sh SUITE OUTDIR SCRIPT [ARGS...]" >&2
  exit 2
fi
suite=$1 outdir=$2
shift 2
timeout=${ETHTOOLSNOOP_VM_TIMEOUT:-900}

"$here/mkinitramfs.sh" "$suite"
kdir=$VM_CACHE/kernels/$suite
need_pkgs qemu-system-x86

mkdir -p "$outdir"
outdir=$(realpath "$outdir")
rm -f "$outdir"/{rc,output.log,console.log,guest-cmd.sh} "$outdir"/console.boot*.log
# The guest sees the host's files at the same paths, but runs in a chroot of its own,
# so a relative script path must become absolute. Anything else is a command name.
[[ -e $1 ]] && set -- "$(realpath "$1")" "${@:2}"

# Single-quoted for /init's sh: the arguments may hold spaces or quotes.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
  echo "GUEST_OUTDIR=$(q "$outdir")"
  echo "GUEST_CWD=$(q "$PWD")"
  printf 'set --'
  for a in "$@"; do printf ' %s' "$(q "$a")"; done
  echo
} >"$outdir/guest-cmd.sh"

# TCG only: nested KVM hangs on these machines. -cpu Nehalem, not max: with max the
# JDK picks AVX2 code paths that qemu 7.2's young TCG AVX emulation crashes in
# (a SIGSEGV/SIGILL in JIT code, seen here). panic=-1 with -no-reboot turns a failed /init into an ended
# VM instead of a hang until the timeout. multidevs=remap because / spans several host
# file systems whose inode numbers would otherwise collide in the guest. virtio-rng so
# that getrandom() never waits for entropy. qemu's option parser needs commas in paths
# doubled.
# A kernel can die while booting under TCG before /init runs (seen once in CI: an int3
# Oops in sched_clock_cpu while the sid kernel patched its own code on two vCPUs). That
# says nothing about the code under test, which has not started yet, so such a boot is
# tried again, at most twice; once the guest command has started, nothing is retried.
start=$SECONDS
for attempt in 1 2 3; do
  qrc=0
  timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
    -machine q35,accel=tcg -cpu Nehalem -smp 2 -m 2G \
    -nographic -monitor none -serial "file:$outdir/console.log" -no-reboot -nic none \
    -kernel "$kdir/vmlinuz" -initrd "$kdir/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4" \
    -device virtio-rng-pci \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=${outdir//,/,,},mount_tag=out,security_model=none,multidevs=remap" \
    </dev/null || qrc=$?
  [[ -e $outdir/output.log || -s $outdir/rc ]] && break
  # /init exiting is the harness's own failure ("Attempted to kill init"), never retried.
  grep -q 'Kernel panic' "$outdir/console.log" 2>/dev/null || break
  grep -q -e 'Attempted to kill init' -e 'vm: booted in' "$outdir/console.log" && break
  ((attempt < 3)) || break
  echo "vm: $suite: the kernel died while booting, before the guest command started; booting again:" >&2
  grep -m1 -E 'Oops|BUG|Kernel panic' "$outdir/console.log" >&2 || true
  mv "$outdir/console.log" "$outdir/console.boot$attempt.log"
done

if [[ -f $outdir/output.log ]]; then cat "$outdir/output.log"; fi
if [[ -s $outdir/rc ]]; then
  rc=$(<"$outdir/rc")
  echo "vm: $suite ($(<"$kdir/release")): exit $rc after $((SECONDS - start))s" >&2
  exit "$rc"
fi
timed_out=$((qrc == 124 || qrc == 137)) # 137: still alive after the timeout, so killed
if ((timed_out)); then
  echo "vm: $suite: killed after the ${timeout}s timeout" >&2
else
  echo "vm: $suite: the VM ended without an rc (qemu exit $qrc)" >&2
fi
# Up to a panic only: the call trace after it tells nothing about a failed /init.
echo "vm: last lines of $outdir/console.log:" >&2
sed '/Kernel panic/q' "$outdir/console.log" | tail -n 40 >&2 || true
((timed_out)) && exit 124
exit 125
