#!/usr/bin/env bash
# Builds gpio-sim.ko for a Debian 12 kernel, which is configured without CONFIG_GPIO_SIM (and
# without CONFIG_IRQ_SIM, which it needs). Newer kernels that ship gpio-sim drop the v1 GPIO
# character-device interface libgpiod 1.6 (Debian 12) speaks, so the module is built out of tree
# from the kernel's own sources: drivers/gpio/gpio-sim.c with kernel/irq/irq_sim.c linked into
# the same module. The only change: irq_sim calls handle_simple_irq(irq_to_desc(irq)), and
# irq_to_desc is not exported to modules; generic_handle_irq(irq) is, and does the same lookup
# before calling the flow handler irq_sim installed (handle_simple_irq).
#
#   hwtest/gpio-sim.sh CACHE KVER SERIES     (fetch.sh downloads the packages first)
set -euo pipefail
cache=$1 kver=$2 series=$3
abi=${kver%-amd64}
headers=$cache/headers-$kver
out=$cache/gpio-sim-$kver
src=$out/src
if [ ! -f "$headers/usr/src/linux-headers-$kver/Makefile" ]; then
    rm -rf "$headers"
    for p in "linux-headers-$kver" "linux-headers-$abi-common" "linux-kbuild-$series"; do
        dpkg -x "$cache/debs/${p}_"*.deb "$headers"
    done
    # The flavour's Makefile includes the common one by its installed path.
    sed -i "s|^include /usr/src/|include $headers/usr/src/|" "$headers/usr/src/linux-headers-$kver/Makefile"
fi
mkdir -p "$src"
if [ ! -f "$src/irq_sim.c" ]; then
    dpkg-deb --fsys-tarfile "$cache/debs/linux-source-${series}_"*.deb \
        | tar -xO "./usr/src/linux-source-$series.tar.xz" \
        | tar -xJ -C "$src" --strip-components=3 "linux-source-$series/drivers/gpio/gpio-sim.c" \
              "linux-source-$series/drivers/gpio/gpiolib.h" "linux-source-$series/kernel/irq/irq_sim.c"
fi
grep -q 'handle_simple_irq(irq_to_desc(irqnum));' "$src/irq_sim.c" \
    && sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$src/irq_sim.c"
grep -q 'generic_handle_irq(irqnum);' "$src/irq_sim.c" \
    || { echo "hwtest: irq_sim.c of $kver no longer has the line gpio-sim.sh changes" >&2; exit 2; }
# A module made of several objects cannot have one named like the module itself.
cp "$src/gpio-sim.c" "$src/gpio-sim-main.c"
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$src/Kbuild"
make -s -C "$headers/usr/src/linux-headers-$kver" M="$src" modules
strip --strip-debug -o "$out/gpio-sim.ko" "$src/gpio-sim.ko"
echo "hwtest: built $out/gpio-sim.ko ($(stat -c %s "$out/gpio-sim.ko") bytes)"
