#!/usr/bin/env bash
# Turn the bundle dist/rls-companion/ into dist/rls-companion_<version>_<arch>.deb
# (make deb; build the bundle first with make bundle).
#
# The package puts the bundle in /opt/rls-companion with the command
# /usr/bin/rls-companion, and adds the menu entry, the icons, the AppStream
# metainfo, a manual page and the copyright. It depends on the system
# libraries the bundle links but does not carry, as dpkg-shlibdeps finds them.
# dpkg's triggers refresh the menu, icon and manual caches, so the package
# needs no maintainer scripts.
#
# DEB_MAINTAINER overrides the Maintainer field.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APP_ID=io.github.rlscompanion.RLSCompanion
HOMEPAGE=https://github.com/rlscompanion/rls-companion
maintainer=${DEB_MAINTAINER:-"RLS Companion developers <rlscompanion@users.noreply.github.com>"}
bundle=dist/rls-companion
assets=rls_companion/assets

log() {
    echo "build-deb: $*"
}

# dpkg-shlibdeps (dpkg-dev, with objdump from binutils) finds the package of
# every system library the bundle links, so those must be installed here:
# libspeechd2 is the one no other build step brings.
missing=()
for pkg in dpkg-dev binutils libspeechd2; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    log "missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
if [[ ! -x $bundle/rls-companion ]]; then
    log "no bundle in $bundle; run 'make bundle' first" >&2
    exit 1
fi

version=$("$bundle/rls-companion" --version | cut -d' ' -f2)
arch=$(dpkg --print-architecture)
deb=dist/rls-companion_${version}_${arch}.deb
# dpkg-deb stamps every file with this time (the last commit's), so the same
# sources give the same package.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

# dpkg-shlibdeps expects a source-package layout: debian/control beside the
# package's root folder debian/<package>/ with its DEBIAN/ folder.
stage=build/deb
root=$stage/debian/rls-companion
rm -rf "$stage"
umask 022
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin"

cp -r "$bundle" "$root/opt/rls-companion"
# Absolute: /usr/bin and /opt are different top-level folders (Policy 10.5).
ln -s /opt/rls-companion/rls-companion "$root/usr/bin/rls-companion"

share=$root/usr/share
install -Dm644 "$assets/desktop/$APP_ID.desktop" "$share/applications/$APP_ID.desktop"
install -Dm644 "$assets/desktop/$APP_ID.metainfo.xml" "$share/metainfo/$APP_ID.metainfo.xml"
install -Dm644 "$assets/icons/$APP_ID.svg" "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
# The bitmap icons are drawn from the SVG by the app's own renderer.
QT_QPA_PLATFORM=offscreen .venv/bin/python - "$share/icons/hicolor" <<'EOF'
import sys
from pathlib import Path

from rls_companion.desktop import ICON_SIZES, render_icon_png
from rls_companion.resources import APP_ID

for size in ICON_SIZES:
    png = Path(sys.argv[1], f"{size}x{size}", "apps", f"{APP_ID}.png")
    png.parent.mkdir(parents=True)
    png.write_bytes(render_icon_png(size))
EOF

mkdir -p "$share/man/man1"
gzip -9n <packaging/deb/rls-companion.1 >"$share/man/man1/rls-companion.1.gz"
install -Dm644 packaging/deb/copyright "$share/doc/rls-companion/copyright"
install -Dm644 packaging/deb/lintian-overrides "$share/lintian/overrides/rls-companion"
gzip -9n >"$share/doc/rls-companion/changelog.gz" <<EOF
rls-companion ($version) unstable; urgency=medium

  * Release $version. Changes: $HOMEPAGE

 -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
EOF

# Read-only files and one program; the libraries need no executable bit.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root/opt/rls-companion/rls-companion"

# Dependencies on the system's libraries, with the versions their symbols need.
# The speech-dispatcher plug-in's library is only recommended: without it the
# guidance is shown as captions. So is libespeak-ng, which the app opens by
# name (ctypes, unseen by dpkg-shlibdeps) to make the voice it mixes. (--warnings=0: the Python C API symbols that
# the extension modules leave for libpython are no news.)
printf 'Source: rls-companion\n\nPackage: rls-companion\nArchitecture: any\n' >"$stage/debian/control"
speechd=opt/rls-companion/_internal/PySide6/Qt/plugins/texttospeech/libqtexttospeech_speechd.so
mapfile -t elf_files < <(cd "$root" && find opt -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) \
    ! -path "$speechd" | sort)
shlibs=$(cd "$stage" && dpkg-shlibdeps -O --warnings=0 \
    -l"debian/rls-companion/opt/rls-companion/_internal" \
    "${elf_files[@]/#/debian/rls-companion/}" -dRecommends "debian/rls-companion/$speechd")
depends=$(sed -n 's/^shlibs:Depends=//p' <<<"$shlibs")
recommends=$(sed -n 's/^shlibs:Recommends=//p' <<<"$shlibs")
rm "$stage/debian/control"

# As dpkg-gencontrol counts it: KiB per file, rounded up, and 1 per folder or link.
installed_size=$(find "$root" -path "$root/DEBIAN" -prune -o -printf '%y %s\n' |
    awk '{ total += ($1 == "f") ? int(($2 + 1023) / 1024) : 1 } END { print total }')

cat >"$root/DEBIAN/control" <<EOF
Package: rls-companion
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Recommends: libespeak-ng1, speech-dispatcher, $recommends
Section: utils
Priority: optional
Homepage: $HOMEPAGE
Description: calm bedtime breathing and relaxation for restless legs
 RLS Companion is a calm bedtime companion for people with Restless Legs
 Syndrome (Willis-Ekbom disease): timed bedtime sessions with a
 paced-breathing visual and soft synthesized breath tones you can follow
 with your eyes closed, spoken guidance and captions, a local history of
 every session, and settings for pace, length, sound and look.
 .
 It is meant for relaxation and sleep habits. It is not a medical device
 and does not diagnose or treat RLS.
EOF

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    >"$root/DEBIAN/md5sums"
dpkg-deb --build --root-owner-group "$root" "$deb" >/dev/null
log "built $deb ($(du -h "$deb" | cut -f1), $((installed_size / 1024)) MiB installed)"
