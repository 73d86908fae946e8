#!/usr/bin/env bash
# Quick checks of the built bundle and .deb (make package-check): the bundle
# runs and finds all its own files, the .deb holds what a desktop needs, and
# lintian (when installed) finds no error or warning.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APP_ID=io.github.rlscompanion.RLSCompanion
program=dist/rls-companion/rls-companion

fail() {
    echo "package-check: FAILED: $*" >&2
    exit 1
}

log() {
    echo "package-check: $*"
}

expected=$(.venv/bin/python -c 'import rls_companion; print(rls_companion.__version__)')
[[ $("$program" --version) == "rls-companion $expected" ]] ||
    fail "$program --version says '$("$program" --version)', not 'rls-companion $expected'"
log "bundle: --version is $expected"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Headless: the doctor draws the app's images offscreen.
QT_QPA_PLATFORM=offscreen "$program" doctor --data-dir "$tmp/data" >"$tmp/doctor.txt" ||
    { cat "$tmp/doctor.txt"; fail "the bundle's doctor exited $?"; }
# Every line of the "App files" section (guidance, images, icon) must be OK.
if awk '/^App files/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF && $1 != "OK"' "$tmp/doctor.txt" | grep .; then
    fail "the bundle misses some of its own files (see above)"
fi
log "bundle: doctor finds all of the app's files"

# A session from the bundle in a real X server: every guidance stage loads,
# the session is saved, and SIGTERM ends it with exit status 0.
if command -v xvfb-run >/dev/null 2>&1; then
    data=$tmp/session
    "$program" --data-dir "$data" config set speech.enabled false >/dev/null
    xvfb-run -a -s "-screen 0 1280x800x24" "$program" --data-dir "$data" --start --minutes 1 \
        >"$tmp/session.out" 2>&1 &
    runner=$!
    loaded() {
        [[ $(grep -cE "guidance for (body_scan|rest|wind_down) loaded" "$data/logs/rls-companion.log" 2>/dev/null) -eq 3 ]]
    }
    for _ in $(seq 150); do
        loaded && [[ $("$program" --data-dir "$data" history --json) != "[]" ]] && break
        sleep 0.2
    done
    # The app itself, not xvfb-run (whose command line holds the same words).
    pkill -TERM -f -- "^$program --data-dir $data --start" || true
    status=0
    wait "$runner" || status=$?
    loaded || { cat "$tmp/session.out" "$data/logs/rls-companion.log"; fail "the bundle's session did not load its guidance"; }
    ! grep -E "guidance for .* unavailable|guidance .* left out" "$data/logs/rls-companion.log" || fail "the bundle could not load some guidance"
    [[ $status -eq 0 ]] || { cat "$tmp/session.out"; fail "the bundle's session exited $status after SIGTERM"; }
    "$program" --data-dir "$data" history --json | grep -q '"kind": "bedtime"' || fail "the bundle's session was not saved"
    log "bundle: a session under Xvfb loaded all its guidance, was saved and exited 0 on SIGTERM"
else
    log "bundle: xvfb-run not installed, session skipped (sudo apt-get install -y xvfb xauth)"
fi

deb=dist/rls-companion_${expected}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "$deb not found"
dpkg-deb --info "$deb" >"$tmp/info.txt"
for field in Package Version Architecture Maintainer Installed-Size Depends Section Priority Homepage Description; do
    grep -q "^ $field: " "$tmp/info.txt" || fail "$deb has no $field field"
done
dpkg-deb --contents "$deb" | awk '{ print $6 ($7 ? " " $7 " " $8 : "") }' >"$tmp/contents.txt"
for path in \
    ./opt/rls-companion/rls-companion \
    "./usr/bin/rls-companion -> /opt/rls-companion/rls-companion" \
    ./usr/share/applications/$APP_ID.desktop \
    ./usr/share/metainfo/$APP_ID.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/$APP_ID.svg \
    ./usr/share/icons/hicolor/{16x16,32x32,48x48,128x128,256x256,512x512}/apps/$APP_ID.png \
    ./usr/share/man/man1/rls-companion.1.gz \
    ./usr/share/doc/rls-companion/{copyright,changelog.gz} \
    ./opt/rls-companion/_internal/rls_companion/assets/guidance/body_scan.json; do
    grep -qxF "$path" "$tmp/contents.txt" || fail "$deb lacks $path"
done
log "deb: $deb has its fields and files ($(wc -l <"$tmp/contents.txt") entries)"

if command -v lintian >/dev/null 2>&1; then
    lintian --fail-on error,warning "$deb" || fail "lintian reports errors or warnings"
    log "deb: lintian finds no error or warning"
else
    log "deb: lintian not installed, skipped (sudo apt-get install -y lintian)"
fi
