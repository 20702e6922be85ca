#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Usage: mkinitramfs.sh SUITE
#
# Builds $VM_CACHE/kernels/SUITE/initramfs.cpio.gz: a static busybox, guest-init.sh as
# /init, and the kernel's modules that the guest needs. The guest never switches to a
# disk root; everything else comes from the host over 9p, so this stays tiny.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

suite=${1:?usage: mkinitramfs.sh SUITE}
"$here/fetch-kernel.sh" "$suite"
kdir=$VM_CACHE/kernels/$suite
out=$kdir/initramfs.cpio.gz

# Rebuild when the harness changed, so an edited /init is never silently ignored.
fresh=1
for f in guest-init.sh common.sh mkinitramfs.sh; do [[ $out -nt $here/$f ]] || fresh=0; done
((fresh)) && exit 0

# Statically linked, because the initramfs has no libc.
need_pkgs busybox-static

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,out,modules}
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
# The kernel opens /dev/console for /init before anything is mounted.
mknod -m 600 "$stage/dev/console" c 5 1

# Numbered in load order, so /init just loads /modules/* as the shell sorts them.
# Decompressed, because busybox insmod does not understand .ko.xz / .ko.zst.
n=0
while read -r path; do
  name=${path##*/}
  n=$((n + 1))
  dest=$(printf '%s/modules/%03d-%s.ko' "$stage" "$n" "${name%%.ko*}")
  case $path in
    *.xz) xz -dc ;;
    *.zst) zstd -qdc ;;
    *.gz) gzip -dc ;;
    *) cat ;;
  esac <"$kdir/modules/$path" >"$dest"
done < <(module_closure "$kdir/modules")

(cd "$stage" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "vm: built $out" >&2
