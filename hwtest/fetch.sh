#!/usr/bin/env bash
# Prepares what the test VM boots, in a cache directory (nothing is installed on the host):
# Debian 12's own kernel (linux-image-amd64's current ABI), its modules with a modules.dep, the
# kernel as an uncompressed ELF (QEMU boots that through the PVH entry, which saves the guest
# several seconds of xz decompression under TCG), and gpio-sim.ko, which Debian 12's kernels do
# not ship: built out of tree from the matching linux-source-6.1 (see gpio-sim.sh).
#
#   hwtest/fetch.sh CACHE        prints KVER=… and KDIR=… for the caller to eval
set -euo pipefail
cache=${1:?cache directory}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$cache/debs"
cache=$(cd "$cache" && pwd)

kver=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: linux-image-\(.*-amd64\)$/\1/p' | head -1)
[ -n "$kver" ] || { echo "hwtest: apt-cache knows no linux-image-amd64 (apt-get update?)" >&2; exit 2; }
version=$(apt-cache show "linux-image-$kver" | sed -n 's/^Version: //p' | head -1)
series=$(echo "$kver" | cut -d. -f1,2)
abi=${kver%-amd64}

# download PACKAGE=VERSION…: those not in the cache yet (apt-get download checks their hashes).
download() {
    local spec missing=()
    for spec in "$@"; do
        ls "$cache/debs/${spec%%=*}_"*.deb > /dev/null 2>&1 || missing+=("$spec")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    # A stale package list names versions the mirror no longer has: update it and try again.
    (cd "$cache/debs" && timeout 600 apt-get download -q "${missing[@]}" 2>&1 | { grep -v 'unsandboxed' >&2 || true; }) \
        || { timeout 600 apt-get update -qq && (cd "$cache/debs" && timeout 600 apt-get download -q "${missing[@]}" 2>&1 \
             | { grep -v 'unsandboxed' >&2 || true; }); } || true
    for spec in "${missing[@]}"; do
        ls "$cache/debs/${spec%%=*}_"*.deb > /dev/null 2>&1 || { echo "hwtest: could not download $spec" >&2; exit 2; }
    done
}
download "linux-image-$kver=$version" "linux-headers-$kver=$version" "linux-headers-$abi-common=$version" \
         "linux-kbuild-$series=$version" "linux-source-$series=$version"

kdir=$cache/kernel-$kver
if [ ! -f "$kdir/lib/modules/$kver/modules.dep" ]; then
    rm -rf "$kdir"
    dpkg -x "$cache/debs/linux-image-${kver}_"*.deb "$kdir"
    /sbin/depmod -b "$kdir" "$kver"     # the package's postinst would have made modules.dep
fi
[ -f "$cache/vmlinux-$kver" ] || python3 "$here/vmlinux.py" "$kdir/boot/vmlinuz-$kver" "$cache/vmlinux-$kver" >&2
[ -f "$cache/gpio-sim-$kver/gpio-sim.ko" ] || "$here/gpio-sim.sh" "$cache" "$kver" "$series" >&2
echo "KVER=$kver"
echo "KDIR=$kdir"
