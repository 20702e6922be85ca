#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Usage: fetch-kernel.sh SUITE   (bullseye, bookworm, trixie, sid, ...)
#
# Puts Debian's generic amd64 kernel of SUITE into $VM_CACHE/kernels/SUITE: vmlinuz, the
# modules the guest needs (see VM_MODULES) with a modules.dep, and a note of what it is.
# Debian's own kernels are used because they are the kernels users run, configured with
# BTF, kprobes and fentry, and because apt verifies them against the archive keyring.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

suite=${1:?usage: fetch-kernel.sh SUITE (bullseye, bookworm, trixie, sid)}
kdir=$VM_CACHE/kernels/$suite
# A cached kernel is never refreshed: tests should not change under us between runs.
# Delete the directory to get the suite's newest kernel.
[[ -f $kdir/vmlinuz ]] && exit 0

need_pkgs kmod # depmod: kernel packages do not ship modules.dep, their postinst makes it

# The mirror this machine already uses (and is allowed to reach): the first plain Debian
# archive entry of its apt sources, one-line or deb822 format.
debian_mirror() {
  {
    grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
      sed 's/^[^:]*:[[:space:]]*//' | tr ' ' '\n' || true
    grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' | awk '{ print $2 }' || true
  } | grep -m1 -E '/debian/?$'
}
mirror=${ETHTOOLSNOOP_VM_MIRROR:-$(debian_mirror)}
[[ -n $mirror ]] || { echo "vm: no Debian mirror found in /etc/apt sources" >&2; exit 1; }

# A private apt state per suite, so that neither the machine's own apt configuration nor
# its package lists are touched, and suites do not compete for "the" linux-image-amd64.
apt_dir=$VM_CACHE/apt/$suite
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,sources.list.d,preferences.d}
touch "$apt_dir/status"
# apt drops privileges to _apt for downloads; let it write where it downloads to.
chown -R _apt:root "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
# The machine's keyring (bookworm's debian-archive-keyring) holds the bullseye, bookworm
# and trixie keys, and sid is signed with the bookworm and trixie keys too.
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
  >"$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::Etc::Preferences=$apt_dir/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/preferences.d"
  -o "Dir::State=$apt_dir"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::status=$apt_dir/status"
  -o "Dir::Cache=$apt_dir/cache"
  -o APT::Architecture=amd64
  -o APT::Architectures=amd64
  -o Acquire::Languages=none
  # sid's Release carries a Valid-Until of one week; a mirror that lags behind would make
  # apt refuse it. Signatures are still checked; only the freshness guard is off.
  -o Acquire::Check-Valid-Until=false
)
echo "vm: updating the private package lists for $suite from $mirror" >&2
apt-get "${apt_opts[@]}" -qq update

# linux-image-amd64 depends on the versioned image package; since 7.x that one is itself
# split into linux-binary-VERSION (vmlinuz) and linux-modules-VERSION. Following the
# dependencies covers both layouts.
mapfile -t pkgs < <(
  apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances linux-image-amd64 |
    grep -E '^linux-(image|binary|modules)-[0-9]' | sort -u
)
((${#pkgs[@]} > 0)) || { echo "vm: linux-image-amd64 not found in $suite" >&2; exit 1; }

mkdir -p "$VM_CACHE/kernels"
stage=$(mktemp -d "$VM_CACHE/kernels/.$suite.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chown _apt:root "$stage"
echo "vm: downloading ${pkgs[*]}" >&2
(cd "$stage" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}")
for deb in "$stage"/*.deb; do dpkg-deb -x "$deb" "$stage/root"; done

# Older packages use /lib/modules/VERSION and /boot/vmlinuz-VERSION, newer ones
# /usr/lib/modules/VERSION/vmlinuz.
moddir=$(find "$stage/root" -mindepth 3 -maxdepth 4 -type d -path '*lib/modules/*' | head -n1)
kver=${moddir##*/}
vmlinuz=$(find "$stage/root" -type f \( -name "vmlinuz-$kver" -o -path "*/modules/$kver/vmlinuz" \) | head -n1)
[[ -n $kver && -n $vmlinuz ]] || { echo "vm: no kernel found in ${pkgs[*]}" >&2; exit 1; }
# Quietly: the split 7.x packages lack modules.order, which depmod warns about.
depmod -b "${moddir%/lib/modules/*}" "$kver" 2>/dev/null || { echo "vm: depmod failed" >&2; exit 1; }

# Keep only what the guest loads: the full module tree of a Debian kernel is 100+ MB.
mkdir -p "$stage/out/modules"
cp "$vmlinuz" "$stage/out/vmlinuz"
cp "$moddir/modules.dep" "$stage/out/modules/"
while read -r path; do
  mkdir -p "$stage/out/modules/${path%/*}"
  cp "$moddir/$path" "$stage/out/modules/$path"
done < <(module_closure "$moddir")
echo "$kver" >"$stage/out/release"
for deb in "$stage"/*.deb; do dpkg-deb --show "$deb"; done >"$stage/out/packages"

# Move into place only when complete, so an interrupted run never leaves a half cache.
rm -rf "$kdir"
mv "$stage/out" "$kdir"
echo "vm: cached $suite kernel $kver in $kdir" >&2
