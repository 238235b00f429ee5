#!/bin/sh
# Checks a built doorstation .deb (`make deb` runs it last):
#
#   scripts/check-deb.sh PACKAGE.deb
#
# - lintian reports no error (warnings and notes are printed, not fatal);
# - the control fields: this machine's architecture, no Swift toolchain in Depends, the conffile;
# - the contents: each installed path with its mode and owner, and every board profile of board/;
# - the binary: it runs, and ldd resolves every library it needs to a Debian one under /lib or
#   /usr/lib, none of the Swift runtime's (the runtime and Foundation are linked in statically);
# - the shipped configuration with the shipped profiles passes check-config on the sim board.
set -eu

deb=${1:?usage: scripts/check-deb.sh PACKAGE.deb}
failures=0
fail() {
    echo "check-deb: FAIL: $*" >&2
    failures=$((failures + 1))
}

echo "check-deb: lintian $deb"
lintian --fail-on error --display-info "$deb" || fail "lintian reports errors"

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = doorstation ] || fail "Package is $(field Package)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is $(field Architecture)"
depends=$(field Depends)
echo "check-deb: Depends: $depends"
case $depends in
*swift* | *Foundation* | *dispatch* | *BlocksRuntime*) fail "Depends names the Swift toolchain: $depends" ;;
esac
case $depends in *libasound2*) ;; *) fail "Depends lacks libasound2: $depends" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$tmp" ./conffiles ./postinst ./prerm ./postrm
[ "$(cat "$tmp/conffiles")" = /etc/doorstation/doorstation.conf ] || fail "conffiles: $(cat "$tmp/conffiles")"

# PATH MODE: the mode and owner dpkg-deb --contents shows for each file the package must install.
dpkg-deb --contents "$deb" >"$tmp/contents"
while read -r path mode; do
    line=$(grep -E " \\.$path\$" "$tmp/contents" || true)
    if [ -z "$line" ]; then
        fail "missing $path"
    else
        case $line in "$mode root/root "*) ;; *) fail "$path: $line (want $mode root/root)" ;; esac
    fi
done <<EOF
/usr/bin/doorstationd -rwxr-xr-x
/etc/doorstation/doorstation.conf -rw-r-----
/lib/systemd/system/doorstationd.service -rw-r--r--
/usr/share/doorstation/board/README.md -rw-r--r--
/usr/share/doc/doorstation/copyright -rw-r--r--
/usr/share/doc/doorstation/changelog.Debian.gz -rw-r--r--
/usr/share/man/man8/doorstationd.8.gz -rw-r--r--
EOF
for profile in board/*.conf; do
    grep -q " \\./usr/share/doorstation/$profile\$" "$tmp/contents" || fail "missing profile $profile"
done
if grep -v ' root/root ' "$tmp/contents"; then fail "files not owned by root/root"; fi

dpkg-deb --extract "$deb" "$tmp/root"
binary=$tmp/root/usr/bin/doorstationd
echo "check-deb: $("$binary" --version) runs; the libraries it needs:"
ldd "$binary" | tee "$tmp/ldd"
if grep -E 'not found|swift|Foundation|dispatch|BlocksRuntime' "$tmp/ldd"; then
    fail "ldd: a library is missing or from the Swift toolchain"
fi
awk '$2 == "=>" && $3 !~ /^\/(usr\/)?lib\// { print; bad = 1 } END { exit bad }' "$tmp/ldd" ||
    fail "ldd: a library outside /lib and /usr/lib"
for library in $(awk '$2 == "=>" { print $3 }' "$tmp/ldd"); do
    dpkg -S "$library" >/dev/null 2>&1 || dpkg -S "$(readlink -f "$library")" >/dev/null 2>&1 ||
        fail "ldd: $library belongs to no Debian package"
done

"$binary" check-config --board sim --board-dir "$tmp/root/usr/share/doorstation/board" \
    "$tmp/root/etc/doorstation/doorstation.conf" >/dev/null ||
    fail "the shipped configuration fails check-config on the sim board"

if [ "$failures" -gt 0 ]; then
    echo "check-deb: $failures check(s) failed" >&2
    exit 1
fi
echo "check-deb: $deb OK ($(du -k "$deb" | cut -f1) KiB, installs $(field Installed-Size) KiB)"
