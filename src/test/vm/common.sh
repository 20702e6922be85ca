#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Settings and helpers shared by the VM harness scripts; sourced, not run.
set -euo pipefail

# /var/tmp survives reboots (unlike /tmp), so kernels are downloaded once per machine.
# shellcheck disable=SC2034 # used by the scripts that source this file
VM_CACHE=${ETHTOOLSNOOP_VM_CACHE:-/var/tmp/ethtoolsnoop-vm}

# Modules the guest needs, as file names in modules.dep ("-" and "_" are interchangeable):
# virtio transport + 9p to reach the host root, virtio-rng so getrandom() never blocks on
# old kernels, and the network device kinds the tests create. Dependencies are found
# through modules.dep; a name that is not a module (built in, or absent) is skipped.
# After changing this list, delete $VM_CACHE/kernels/* so that fetch-kernel.sh keeps them.
VM_MODULES=(virtio_pci virtio-rng 9pnet_virtio 9p overlay veth dummy tun bonding)

# Installs missing Debian packages: the harness must work on a fresh machine of this kind,
# where only the project's own files say what to install.
need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return
  echo "vm: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Prints the modules.dep paths of VM_MODULES and of everything they depend on, each
# module after its dependencies, so that loading them in this order always works.
module_closure() { # module_closure DIR_WITH_MODULES_DEP
  local dep=$1/modules.dep m path
  local -A seen=()
  _visit() {
    local d
    [[ -n ${seen[$1]:-} ]] && return
    seen[$1]=1
    for d in $(awk -v p="$1:" '$1 == p { $1 = ""; print }' "$dep"); do _visit "$d"; done
    echo "$1"
  }
  for m in "${VM_MODULES[@]}"; do
    path=$(grep -oE "^([^:]*/)?${m//[-_]/[-_]}\.ko(\.[a-z]+)?:" "$dep" | head -n1 | tr -d :) || true
    if [[ -z $path ]]; then
      echo "vm: $m is not a module of this kernel (built in or absent)" >&2
      continue
    fi
    _visit "$path"
  done
}
