#!/usr/bin/env bash
# Build the standalone one-folder bundle dist/rls-companion/ (make bundle).
#
# Runs PyInstaller from the project's virtual environment (.venv, made by
# `make venv`) with packaging/rls-companion.spec, installing PyInstaller (the
# `bundle` extra) into it when missing. Every build starts from a clean work
# folder, so the bundle depends only on the sources and the venv.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() {
    echo "build-bundle: $*"
}

python=.venv/bin/python
if [[ ! -x $python ]]; then
    log "no virtual environment in .venv; run 'make venv' first" >&2
    exit 1
fi

# PyInstaller and the spec read library dependencies with objdump and ldd,
# and the spec strips Python's libraries with strip.
for tool in objdump strip ldd; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        log "$tool not found; run: sudo apt-get install -y binutils libc-bin" >&2
        exit 1
    fi
done

if ! "$python" -c 'import PyInstaller' >/dev/null 2>&1; then
    # The requirement as pyproject.toml's `bundle` extra states it.
    requirement=$("$python" -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bundle"])')
    log "installing $requirement into .venv"
    "$python" -m pip install --quiet "$requirement"
fi

# A fixed hash seed makes PyInstaller's output independent of the run.
export PYTHONHASHSEED=0

# PyInstaller warns about shell32 and ole32 (platformdirs' Windows code) and
# libgtk-3 (a Qt plug-in the spec then leaves out): expected.
rm -rf build/bundle dist/rls-companion dist/rls-companion-*.tar.gz
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath build/bundle --distpath dist packaging/rls-companion.spec

# The same folder as a tarball, for systems without dpkg. Sorted names, one
# owner and the last commit's time make its bytes depend only on the bundle.
version=$(dist/rls-companion/rls-companion --version | cut -d' ' -f2)
tarball=dist/rls-companion-$version-linux-$(uname -m).tar.gz
mtime=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
tar --sort=name --mtime="@$mtime" --owner=0 --group=0 --numeric-owner -C dist -cf - rls-companion |
    gzip -9n >"$tarball"

log "built dist/rls-companion ($(du -sh dist/rls-companion | cut -f1)) and $tarball ($(du -h "$tarball" | cut -f1))"
