#!/usr/bin/env bash
# make hwtest: the real GPIO, V4L2 and ALSA backends against Linux's simulated hardware
# (gpio-sim, vivid, snd-aloop) in a throw-away QEMU VM booted from Debian 12's own kernel.
# Prepares the kernel and gpio-sim.ko (cached in .build/hwtest/cache), packs the initramfs,
# boots the VM (retried once when the VM itself fails), then judges the audio and video it
# left in .build/hwtest/out on the host.
#
#   hwtest/run.sh [DOORSTATIOND]      (default .build/release/doorstationd)
# Exit: 0 every check passed, 1 a check failed (named in the output), 2 the VM failed twice.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
daemon=${1:-$root/.build/release/doorstationd}
work=${HWTEST_WORK:-$root/.build/hwtest}
out=$work/out
began=$(date +%s)
[ -x "$daemon" ] || { echo "hwtest: no doorstationd at $daemon (make release)" >&2; exit 2; }

eval "$("$root/hwtest/fetch.sh" "$work/cache" | grep -E '^(KVER|KDIR)=')"
prepared=$(date +%s)
"$root/hwtest/initramfs.sh" "$KDIR" "$KVER" "$work/cache/gpio-sim-$KVER/gpio-sim.ko" "$daemon" "$work/initrd.gz"
for attempt in 1 2; do
    rm -rf "$out"
    mkdir -p "$out"
    status=0
    "$root/hwtest/vm.sh" "$work/cache/vmlinux-$KVER" "$work/initrd.gz" "$out" "${HWTEST_TIMEOUT:-300}" || status=$?
    [ $status -eq 2 ] || break
    if [ $attempt = 1 ]; then
        rm -rf "$work/out.attempt1"
        mv "$out" "$work/out.attempt1"
        echo "hwtest: the VM failed (kept in $work/out.attempt1); trying once more"
    fi
done
booted=$(date +%s)
echo "hwtest: kernel and gpio-sim $((prepared - began)) s, initramfs and VM $((booted - prepared)) s"
[ $status -eq 2 ] && { echo "hwtest: FAILED: the VM failed twice (no verdict)"; exit 2; }
python3 "$root/hwtest/verify.py" "$out"
