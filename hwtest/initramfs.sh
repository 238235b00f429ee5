#!/usr/bin/env bash
# Packs the test VM's initramfs: busybox, the kernel modules of the simulated hardware (and of
# the 9p result share) with their dependencies, doorstationd, aplay and arecord with the shared
# libraries ldd names, ALSA's configuration, the board profiles, and the guest's init, checks,
# configurations and test tone.
#
#   hwtest/initramfs.sh KDIR KVER GPIO_SIM_KO DAEMON OUTPUT
set -euo pipefail
kdir=$1 kver=$2 gpio_sim=$3 daemon=$4 output=$5
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
stage=$(mktemp -d /tmp/hwtest-initramfs.XXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,lib/x86_64-linux-gnu,lib64,etc,proc,sys,dev,tmp,run,mnt,hwtest}
mkdir -p "$stage/usr/share/doorstation" "$stage/usr/share/alsa"

command -v busybox > /dev/null || { echo "hwtest: no busybox (apt-get install busybox-static)" >&2; exit 2; }
cp "$(command -v busybox)" "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list); do
    [ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done

# Modules: each with what `modprobe --show-depends` says it needs, then a modules.dep for
# busybox's modprobe. gpio-sim needs configfs; 9p over virtio needs virtio_pci on this kernel.
modules=$stage/lib/modules/$kver
mkdir -p "$modules/extra"
for module in configfs vivid snd-aloop virtio_pci 9pnet_virtio 9p; do
    /sbin/modprobe -d "$kdir" -S "$kver" --show-depends "$module" | while read -r verb path _; do
        [ "$verb" = insmod ] || continue
        target=$modules/${path#"$kdir/lib/modules/$kver/"}
        mkdir -p "$(dirname "$target")"
        cp "$path" "$target"
    done
done
cp "$gpio_sim" "$modules/extra/"
cp "$kdir/lib/modules/$kver"/modules.{builtin,builtin.modinfo,order} "$modules/"
/sbin/depmod -b "$stage" "$kver"

# Programs and their shared libraries, and what those load with dlopen: Debian's libsrtp2 does
# its ciphers through NSS, whose libnss3 loads its software token (libsoftokn3, libfreeblpriv3)
# when it starts; without them srtp_init fails and no call can be encrypted.
libraries=/usr/lib/x86_64-linux-gnu
strip -o "$stage/usr/bin/doorstationd" "$daemon"     # the release build keeps its symbols
cp -L "$(command -v aplay)" "$(command -v arecord)" "$stage/usr/bin/"
for program in "$daemon" "$(command -v aplay)" "$(command -v arecord)" "$libraries/libsoftokn3.so" "$libraries/libfreeblpriv3.so"; do
    case $program in *.so) cp -nL "$program" "$stage/lib/x86_64-linux-gnu/" ;; esac
    ldd "$program" | while read -r first arrow path _; do
        case $first in
            /lib64/ld-linux-x86-64.so.2) cp -nL "$first" "$stage/lib64/" ;;
            *) [ "$arrow" = "=>" ] && [ -e "$path" ] && cp -nL "$path" "$stage/lib/x86_64-linux-gnu/" ;;
        esac
    done
done
echo /lib/x86_64-linux-gnu > "$stage/etc/ld.so.conf"
/sbin/ldconfig -r "$stage"
cp -r /usr/share/alsa/. "$stage/usr/share/alsa/"
cp -r "$root/board" "$stage/usr/share/doorstation/board"
echo "root:x:0:0:root:/:/bin/sh" > "$stage/etc/passwd"
echo "root:x:0:" > "$stage/etc/group"

cp "$here/guest/init" "$stage/init"
cp "$here/guest/checks.sh" "$here/guest/door.conf" "$here/guest/apartment.conf" "$stage/hwtest/"
python3 "$here/tone.py" "$stage/hwtest/tone-1k.wav"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$output"
echo "hwtest: initramfs $(( $(stat -c %s "$output") / 1024 )) KiB ($(( $(du -sk "$stage" | cut -f1) / 1024 )) MiB unpacked)," \
     "$(find "$modules" -name '*.ko' | wc -l) modules, $(ls "$stage/lib/x86_64-linux-gnu" | wc -l) libraries"
