#!/usr/bin/env bash
# Boots the test VM once and turns its end into an exit status: 0 the checks passed, 1 one
# failed, 2 the VM itself failed (no verdict: a boot failure, a guest kernel crash, the host
# time limit). No network device: the guest has only lo. KVM only where the CPU really has
# VT-x/AMD-V (a /dev/kvm can exist without it, e.g. a PVM host that cannot boot stock kernels),
# else TCG. HWTEST_ACCEL=kvm|tcg overrides.
#
#   hwtest/vm.sh KERNEL INITRD OUTDIR SECONDS
set -uo pipefail
kernel=$1 initrd=$2 out=$3 limit=$4
mkdir -p "$out/share"
: > "$out/results.txt"
: > "$out/console.log"
accel=${HWTEST_ACCEL:-auto}
if [ "$accel" = auto ]; then
    if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; else accel=tcg; fi
fi
case $accel in
    kvm) machine=(-accel kvm -cpu host) ;;
    *) machine=(-accel tcg,thread=multi -cpu "${HWTEST_CPU:-max}") ;;
esac
echo "hwtest: booting $(basename "$kernel") with $accel, at most ${limit} s"
# The guest's own limit is shorter, so that it can still report which check hung.
timeout -k 5 "$limit" qemu-system-x86_64 "${machine[@]}" -m 1024 -smp 2 \
    -display none -monitor none -no-reboot -nic none \
    -serial stdio -serial "file:$out/results.txt" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -virtfs "local,path=$out/share,mount_tag=results,security_model=none,id=results" \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet loglevel=3 hwtest.timeout=$(( limit - 20 ))" \
    < /dev/null > "$out/console.log" 2>&1 &
vm=$!
# Show the checks' lines as they come (the console also has the kernel's and the daemons' noise).
tail -n +1 -f "$out/console.log" --pid=$vm 2> /dev/null | grep --line-buffered -aE '^(HWTEST|RESULT)' | sed -u 's/\r$//; s/^/  vm: /' &
shown=$!
wait $vm
status=$?
wait $shown 2> /dev/null
sed -i 's/\r$//' "$out/results.txt"
case $status in
    1) exit 0 ;;        # the guest wrote 0 to isa-debug-exit
    3) exit 1 ;;        # the guest wrote 1
    124 | 137) echo "hwtest: the VM did not finish within ${limit} s" >&2; exit 2 ;;
    *) echo "hwtest: the VM ended without a verdict (qemu status $status); see $out/console.log" >&2
       tail -n 5 "$out/console.log" | sed 's/^/  console: /' >&2; exit 2 ;;
esac
