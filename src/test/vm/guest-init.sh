#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the harness initramfs. It runs under busybox sh (the initramfs has no bash,
# hence no /usr/bin/env bash shebang), sets up the host's root file system as the guest's,
# runs the command that run.sh left in the "out" share, and powers off.
#
# Any failure here exits /init; the kernel then panics, and panic=-1 with qemu's
# -no-reboot ends the VM, so run.sh sees a VM that left no rc and shows the console.
# shellcheck disable=SC3040 # busybox sh has pipefail
set -euo pipefail

export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# mkinitramfs.sh numbered the modules so that each comes after its dependencies. A module
# that fails to load only matters to the tests that need it, so carry on.
for m in /modules/*.ko; do
  [ -e "$m" ] || continue
  insmod "$m" || echo "vm: insmod $m failed" >&2
done

# The host root, read-only. msize 512000 is the largest every kernel's virtio transport
# takes (bigger messages, fewer round trips); cache=loose lets the guest keep file data
# and metadata, which makes the JVM start several times faster, and is safe because
# nothing changes the shared files while the guest runs.
opts=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /host /rw
mount -t 9p -o "ro,$opts,cache=loose" hostroot /host
# The out share is written by the guest and read by the host: no caching.
mount -t 9p -o "$opts" out /out

# A tmpfs overlay makes the whole root writable for the guest without changing the host.
# It is used instead of tmpfs on /tmp and /var/tmp because those would hide host files
# that the tests may need, such as a clone of the repository under /tmp.
mount -t tmpfs -o mode=755 tmpfs /rw
mkdir -p /rw/upper /rw/work
r=/newroot
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay "$r"

# Fresh kernel file systems, as on a booted machine; the host's /run state means nothing
# here, so it starts empty.
mount -t proc proc "$r/proc"
mount -t sysfs sysfs "$r/sys"
mount -t devtmpfs devtmpfs "$r/dev"
mkdir -p "$r/dev/pts" "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
mount -t tmpfs -o mode=755 tmpfs "$r/run"
mount -t debugfs debugfs "$r/sys/kernel/debug"
mount -t tracefs tracefs "$r/sys/kernel/tracing"
mount -t bpf -o mode=700 bpf "$r/sys/fs/bpf"
mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup"
ip link set lo up

# run.sh wrote GUEST_OUTDIR, GUEST_CWD and the command line (as "set -- ...") here.
# shellcheck source=/dev/null
. /out/guest-cmd.sh
# The out share appears at the same path as on the host, so guest scripts can write
# their results where the host expects them.
mkdir -p "$r$GUEST_OUTDIR"
mount -o bind /out "$r$GUEST_OUTDIR"

echo "vm: booted in $(cut -d' ' -f1 /proc/uptime)s, running $*" >/dev/console
rc=0
chroot "$r" /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 TERM=dumb ETHTOOLSNOOP_VM=1 \
  /bin/sh -c 'cd "$1" 2>/dev/null || cd /; shift; exec "$@"' sh "$GUEST_CWD" "$@" \
  >/out/output.log 2>&1 </dev/null || rc=$?
echo "$rc" >/out/rc
echo "vm: guest command exited $rc after $(cut -d' ' -f1 /proc/uptime)s" >/dev/console
sync
poweroff -f
