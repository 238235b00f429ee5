#!/bin/sh
# Builds the Debian package from a release binary, for the machine's own architecture:
#
#   packaging/build-deb.sh BINARY [OUTDIR]      (run from the repository root; `make deb` does)
#
# Stages the files under .build/deb/root, computes Depends with dpkg-shlibdeps and the control
# file with dpkg-gencontrol (a throwaway debian/ folder in .build/deb/src), and writes
# OUTDIR/doorstation_VERSION_ARCH.deb (OUTDIR: the current folder), replacing older builds there
# so that `apt install ./doorstation_*.deb` picks one file. Its path goes to .build/deb/package.
#
# The version is the daemon's own (`doorstationd --version`, from Doorstationd.version). A build
# from any commit other than the tag vVERSION gets +gitDATE.COMMIT so each newer build upgrades
# the last; DEB_REVISION (1) is the Debian revision. The Maintainer field is DEBFULLNAME and
# DEBEMAIL as for dch, else git's user.name and user.email.
set -eu
umask 022

binary=${1:?usage: packaging/build-deb.sh BINARY [OUTDIR]}
outdir=${2:-.}
package=doorstation
work=$PWD/.build/deb
root=$work/root
src=$work/src
arch=$(dpkg --print-architecture)

upstream=$("$binary" --version)
if git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    in_git=1
    date=$(git log -1 --format=%cD)
    export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
else
    in_git=0
    date=$(date -R)
fi
if [ "$in_git" = 1 ] && ! git describe --exact-match --tags --match "v$upstream" >/dev/null 2>&1; then
    stamp=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
    version=$upstream+git$stamp.$(git rev-parse --short=7 HEAD)-${DEB_REVISION:-1}
    change="Snapshot of commit $(git rev-parse --short=7 HEAD)."
else
    version=$upstream-${DEB_REVISION:-1}
    change="Release $upstream."
fi
name=${DEBFULLNAME:-$(git config user.name 2>/dev/null || id -un)}
email=${DEBEMAIL:-$(git config user.email 2>/dev/null || echo "$(id -un)@$(hostname -f)")}
maintainer="$name <$email>"

echo "build-deb: $package $version $arch"
rm -rf "$work"
mkdir -p "$root/DEBIAN" "$src/debian"

# The files. Debian 12 still puts system units in /lib/systemd/system (/usr/lib from trixie on).
doc=$root/usr/share/doc/$package
install -D -m 0755 "$binary" "$root/usr/bin/doorstationd"
# As dh_strip: the symbols go, the sections the Swift runtime reads (.swift5_*) stay.
strip --remove-section=.comment --remove-section=.note "$root/usr/bin/doorstationd"
install -D -m 0640 config/doorstation.conf "$root/etc/doorstation/doorstation.conf"
install -d "$root/usr/share/doorstation/board" "$root/usr/share/man/man8" "$doc"
install -m 0644 board/*.conf board/README.md "$root/usr/share/doorstation/board/"
install -D -m 0644 systemd/doorstationd.service "$root/lib/systemd/system/doorstationd.service"
install -m 0644 packaging/copyright "$doc/copyright"
gzip -9n <README.md >"$doc/README.md.gz"
sed -e "s/^\.TH DOORSTATIOND 8 \"\"/.TH DOORSTATIOND 8 \"$(LC_ALL=C date -u -d "$date" +%Y-%m-%d)\"/" \
    -e "s/\"doorstation\" \"System/\"doorstation $upstream\" \"System/" packaging/doorstationd.8 |
    gzip -9n >"$root/usr/share/man/man8/doorstationd.8.gz"
install -D -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/$package"

cat >"$src/debian/changelog" <<EOF
$package ($version) unstable; urgency=medium

  * $change

 -- $maintainer  $date
EOF
gzip -9n <"$src/debian/changelog" >"$doc/changelog.Debian.gz"
chmod 0644 "$doc"/*.gz "$root/usr/share/man/man8/doorstationd.8.gz"

# The control file: Depends from the libraries the binary links (dpkg-shlibdeps), Installed-Size.
sed "s|@MAINTAINER@|$maintainer|" packaging/control >"$src/debian/control"
(
    cd "$src"
    dpkg-shlibdeps -Tdebian/substvars "$root/usr/bin/doorstationd"
    dpkg-gencontrol -p"$package" -Tdebian/substvars -fdebian/files -P"$root"
)
printf '/etc/doorstation/doorstation.conf\n' >"$root/DEBIAN/conffiles"
install -m 0755 packaging/postinst packaging/prerm packaging/postrm "$root/DEBIAN/"
(
    cd "$root"
    find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
        xargs -0 md5sum >DEBIAN/md5sums
)
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/conffiles" "$root/DEBIAN/control"

mkdir -p "$outdir"
find "$outdir" -maxdepth 1 -name "${package}_*_$arch.deb" -delete
deb=$outdir/${package}_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb"
echo "$deb" >"$work/package"
