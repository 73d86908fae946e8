"""Adding RLS Companion to the desktop's application menu, and taking it away.

A pip or pipx install puts only a command on disk; the menu entry, the icon
and the AppStream description are what make it an app a person can find at
bedtime without a terminal. They are written under an XDG data folder
(`~/.local/share` for one user), from the same files the system packages
ship, so every way of installing shows the same entry.

Qt is imported only inside the functions that draw: the command line loads
no Qt until the icon is rendered.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rls_companion.paths import replace_private
from rls_companion.resources import APP_ID, asset, icon_svg

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"
PROGRAM = "rls-companion"

# The launchers' own mode, not the private mode of the history: a menu entry
# and an icon are read by the desktop shell and its icon caches.
_FILE_MODE = 0o644
# Characters that make the desktop entry spec require a quoted Exec argument.
_RESERVED = re.compile(r"""[\s"'\\><~|&;$*?#()`]""")
_CACHE_TOOL_TIMEOUT_S = 30


def render_icon_png(size: int) -> bytes:
    """The app icon as a PNG of `size` × `size` pixels, drawn from the one SVG source.

    Every size is rendered from the vector drawing rather than scaled from a
    bitmap, so small icons stay crisp. QImage, QPainter and QSvgRenderer need
    no QGuiApplication for a drawing without text (the icon has none), so the
    command line draws without opening a display connection.
    """
    if size < 1:
        raise ValueError(f"icon size must be positive, not {size}")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(icon_svg().read_bytes()))
    if not renderer.isValid():
        raise ValueError("the packaged app icon is not a valid SVG drawing")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise OSError(f"Qt could not encode the icon as PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def user_data_home() -> Path:
    """Where a user's menu entries live: $XDG_DATA_HOME when it is an absolute
    path (the base directory spec says to ignore relative ones), otherwise
    ~/.local/share."""
    configured = os.environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(configured):
        return Path(configured)
    return Path.home() / ".local" / "share"


def running_command() -> str:
    """The absolute path of the program running now, for the menu entry to start.

    The menu must start this very install, which is not always the first
    `rls-companion` on the PATH: pipx puts its link in ~/.local/bin, which a
    desktop session may not search, and a virtual environment is on no PATH
    at all. So the program's own path comes first: a frozen bundle's
    executable, or the console script the shell ran (`sys.argv[0]`, made
    absolute but not resolved, so pipx's link stays the target across
    upgrades). Run as `python -m rls_companion`, argv[0] is a module file, and
    the console script beside the interpreter belongs to the same install; the
    PATH is the last resort.
    """
    if getattr(sys, "frozen", False):
        return os.path.abspath(sys.executable)
    for candidate in (Path(sys.argv[0]), Path(sys.executable).with_name(PROGRAM)):
        if candidate.name == PROGRAM and candidate.is_file() and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    found = shutil.which(PROGRAM)
    if found is None:
        raise LookupError(
            f"cannot tell where the {PROGRAM} program is installed; run 'desktop install' "
            f"through the {PROGRAM} command itself"
        )
    return os.path.abspath(found)


def install(data_home: Path, command: str) -> list[Path]:
    """Write the menu entry, icons and metainfo under `data_home`; return their paths.

    `command` is the absolute path of the `rls-companion` program the menu
    should start: a pipx or virtual-environment install is usually not on the
    PATH the desktop session sees. Files already up to date are left
    untouched, so installing again changes nothing; others are replaced
    atomically, so a menu never reads half a file. A first install that
    fails (a full disk) removes what it wrote; the error names the file.
    """
    if not os.path.isabs(command):
        raise ValueError(f"the command must be an absolute path, not {command!r}")
    files = _contents(data_home, command)
    entry = installed_paths(data_home)[0]
    fresh = not entry.exists()
    # The menu entry goes last, so it never shows before its icons are there.
    for path in sorted(files, key=lambda p: p == entry):
        try:
            _write_if_changed(path, files[path])
        except OSError as error:
            if fresh:
                uninstall(data_home)  # a failed first install leaves nothing behind
            raise OSError(error.errno, error.strerror, str(path)) from error
    _refresh_caches(data_home)
    return list(files)


def uninstall(data_home: Path) -> list[Path]:
    """Remove exactly the files `install` writes; return those that were there.

    Folders stay: `applications/` and `icons/hicolor/` are shared with every
    other app, and removing them is not ours to decide.
    """
    removed = []
    for path in installed_paths(data_home):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    _refresh_caches(data_home)
    return removed


def installed_paths(data_home: Path) -> list[Path]:
    """Every file `install` writes under `data_home`, in the order it writes them."""
    icons = data_home / "icons" / "hicolor"
    return [
        data_home / "applications" / DESKTOP_FILE,
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
        *(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in ICON_SIZES),
        data_home / "metainfo" / METAINFO_FILE,
    ]


def desktop_entry(command: str) -> str:
    """The packaged desktop entry, with every launch line pointing at `command`.

    The packaged file says plain `rls-companion` (right for a system package,
    whose program is on the PATH); here the program is named by its path.
    """
    if "\n" in command or "\r" in command:
        raise ValueError("the command path must not contain a line break")
    lines = []
    for line in asset("desktop", DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("TryExec="):
            line = "TryExec=" + _escape_string(command)
        elif line.startswith("Exec="):
            program, _, arguments = line.removeprefix("Exec=").partition(" ")
            if program != PROGRAM:
                raise ValueError(f"the packaged desktop entry starts {program!r}, not {PROGRAM}")
            line = "Exec=" + " ".join(filter(None, [_exec_argument(command), arguments]))
        lines.append(line)
    return "\n".join(lines) + "\n"


def _contents(data_home: Path, command: str) -> dict[Path, bytes]:
    desktop, svg, *pngs, metainfo = installed_paths(data_home)
    files = {
        desktop: desktop_entry(command).encode("utf-8"),
        svg: icon_svg().read_bytes(),
    }
    files.update((path, render_icon_png(size)) for path, size in zip(pngs, ICON_SIZES, strict=True))
    files[metainfo] = asset("desktop", METAINFO_FILE).read_bytes()
    return files


def _escape_string(value: str) -> str:
    """A desktop entry string value: backslashes are escapes there, so they double."""
    return value.replace("\\", "\\\\")


def _exec_argument(path: str) -> str:
    """`path` as the first word of an Exec line (desktop entry spec, "The Exec key").

    Percent signs are field codes, so they double; a path with reserved
    characters (a space in a home folder's name, say) is double-quoted with
    `"`, `` ` ``, `$` and `\\` backslash-escaped; then the whole value is
    escaped once more as a string.
    """
    word = path.replace("%", "%%")
    if _RESERVED.search(word):
        word = '"' + re.sub(r'(["`$\\])', r"\\\1", word) + '"'
    return _escape_string(word)


def _write_if_changed(path: Path, data: bytes) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.read_bytes() == data:
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_private(path, data, mode=_FILE_MODE)


def _refresh_caches(data_home: Path) -> None:
    """Bring the desktop's caches up to date where they exist.

    A cache that is not there is not created: it would be one more file in a
    shared folder, left behind by `uninstall`, and a stale icon cache hides
    icons that other apps install later. Missing tools and failures are
    ignored: the files are in place either way, and the next login rescans.
    """
    applications = data_home / "applications"
    icons = data_home / "icons" / "hicolor"
    jobs = [
        (applications / "mimeinfo.cache", ["update-desktop-database", "-q", str(applications)]),
        (
            icons / "icon-theme.cache",
            ["gtk-update-icon-cache", "-q", "-f", "-t", str(icons)],
        ),
    ]
    for cache, arguments in jobs:
        tool = shutil.which(arguments[0])
        if tool is None or not cache.exists():
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [tool, *arguments[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=_CACHE_TOOL_TIMEOUT_S,
                check=False,
            )
