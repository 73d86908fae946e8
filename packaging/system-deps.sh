#!/usr/bin/env bash
# Install the Debian/Ubuntu system packages RLS Companion needs.
#
#   packaging/system-deps.sh              everything needed to run the test suite
#   packaging/system-deps.sh --runtime    only what is needed to run the app
#   packaging/system-deps.sh --packaging  what building the bundle and the .deb needs
#
# Only packages that are not installed yet are installed. Without apt-get the
# script does nothing. Without root or password-less sudo it prints the command
# to run instead (exit 0 for --runtime, 1 for the full set).
set -euo pipefail

usage() {
    echo "usage: $0 [--runtime]" >&2
}

runtime_only=0
packaging=0
for arg in "$@"; do
    case "$arg" in
        --runtime) runtime_only=1 ;;
        --packaging) packaging=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage; exit 2 ;;
    esac
done

runtime_pkgs=(
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
    libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libpulse0 fonts-dejavu-core
)
# The tests run with a real speech engine, as most Linux desktops have
# (speech-dispatcher with its espeak-ng module), and the app's voice comes
# from libespeak-ng (espeak-ng brings the library and its voice data).
# simpleaudio (the optional extra, installed for the tests) is built from
# source: a C compiler and the ALSA headers. It plays through ALSA, whose
# default output reaches PulseAudio through libasound2-plugins (the tests
# write their own ~/.asoundrc; pulseaudio's ALSA hook does it for users).
# desktop-file-utils and appstream validate the launcher and the AppStream
# metainfo in the test suite; poppler-utils reads back the clinician report (PDF).
test_pkgs=(
    xvfb xauth pulseaudio pulseaudio-utils libasound2-dev libasound2-plugins
    gcc libc6-dev imagemagick xdotool x11-utils trayer desktop-file-utils appstream poppler-utils
    speech-dispatcher speech-dispatcher-espeak-ng espeak-ng dbus-daemon systemd
)

# PyInstaller reads and strips libraries with binutils (patchelf removes a
# build machine's RUNPATH); dpkg-shlibdeps (dpkg-dev) names the system
# libraries the .deb depends on, so the speech plug-in's libspeechd2 must be
# installed; lintian checks the package.
packaging_pkgs=(binutils patchelf dpkg-dev libspeechd2 lintian)

if [[ $packaging -eq 1 ]]; then
    set_name="packaging"
    wanted=("${runtime_pkgs[@]}" "${packaging_pkgs[@]}")
elif [[ $runtime_only -eq 1 ]]; then
    set_name="runtime"
    wanted=("${runtime_pkgs[@]}")
else
    set_name="test"
    wanted=("${runtime_pkgs[@]}" "${test_pkgs[@]}")
fi

log() {
    echo "system-deps: $*"
}

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    log "apt-get not found; skipping system packages (install the Qt/XCB, PulseAudio and Xvfb libraries with your package manager)"
    exit 0
fi

# The test set builds the virtual environment, which needs a working venv
# module with ensurepip (Debian splits both out into python3-venv).
if [[ $runtime_only -eq 0 ]]; then
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        wanted+=(python3-venv)
    fi
    # Building simpleaudio needs Python's C headers (python3-dev on Debian).
    if ! python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' >/dev/null 2>&1; then
        wanted+=(python3-dev)
    fi
fi

missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"ok installed"*) ;;
        *) missing+=("$pkg") ;;
    esac
done

if [[ ${#missing[@]} -eq 0 ]]; then
    log "all ${#wanted[@]} $set_name packages present"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo)
else
    log "missing $set_name packages; run: sudo apt-get install -y ${missing[*]}"
    if [[ $runtime_only -eq 1 ]]; then
        exit 0
    fi
    exit 1
fi

apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT

# Run a command quietly; show its output only if it fails.
quietly() {
    if ! "$@" >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        log "failed: $*"
        exit 1
    fi
}

log "updating package lists"
quietly ${as_root[@]+"${as_root[@]}"} apt-get update

log "installing ${missing[*]}"
quietly ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"

log "installed ${#missing[@]} $set_name package(s)"
