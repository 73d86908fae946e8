"""Where a process's resident memory sits, from /proc/PID/smaps, by kind of mapping.

Used by `run.py --memory` after a minute of a session: the mappings are put in
a few groups (Qt Multimedia and FFmpeg, QtCharts, fonts, the heap, numpy and
OpenBLAS, other Qt, Python, anonymous memory, X shared memory, ...) so that
the peak-memory figure can be read as "which part of the app costs what".
Resident sizes (Rss) are what VmRSS and VmHWM count; the private dirty part
is memory that no other process shares and that could not simply be reread
from a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# First matching group wins; patterns are matched against the lower-cased path.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Qt Multimedia, FFmpeg, PulseAudio",
        (
            "qt6multimedia",
            "qtmultimedia",
            "/multimedia/",
            "libavcodec",
            "libavformat",
            "libavutil",
            "libavdevice",
            "libavfilter",
            "libswresample",
            "libswscale",
            "ffmpeg",
            "libpulse",
        ),
    ),
    ("QtCharts", ("qt6charts", "qtcharts")),
    ("Qt TextToSpeech", ("texttospeech", "/texttospeech/")),
    ("fonts", (".ttf", ".otf", ".ttc", ".pfb", ".pcf", "/fonts/", "fontconfig")),
    ("numpy, OpenBLAS", ("numpy", "openblas", "gfortran", "quadmath")),
    ("other Qt libraries, PySide6", ("libqt6", "/pyside6/", "shiboken", "/qt/plugins/")),
    ("Python and its extensions", ("python", ".cpython-")),
    ("C and system libraries", ("/lib/", "/lib64/", "/usr/lib")),
)
HEAP = "Python and C heap ([heap], malloc)"
ANONYMOUS = "anonymous (Python arenas, arrays, images)"
SHARED = "shared memory (window pixels)"
STACKS = "stacks"
OTHER = "other"

_HEADER = re.compile(r"^[0-9a-f]+-[0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$")


@dataclass
class Group:
    name: str
    rss_kib: int = 0
    private_dirty_kib: int = 0
    by_path: dict[str, int] = field(default_factory=dict)

    def top(self, count: int) -> list[tuple[str, int]]:
        return sorted(self.by_path.items(), key=lambda item: -item[1])[:count]


def group_of(path: str) -> str:
    if path == "[heap]":
        return HEAP
    if path == "" or path.startswith("[anon"):
        return ANONYMOUS
    if path.startswith("[stack"):
        return STACKS
    if path.startswith("/SYSV") or path.startswith("/dev/shm") or "memfd:" in path:
        return SHARED
    if path.startswith("["):
        return OTHER
    lowered = path.lower()
    for name, patterns in GROUPS:
        if any(pattern in lowered for pattern in patterns):
            return name
    return OTHER


def parse(lines: Iterable[str]) -> dict[str, Group]:
    """Groups of the mappings in the text of a smaps file."""
    groups: dict[str, Group] = {}
    current: Group | None = None
    path = ""
    for line in lines:
        header = _HEADER.match(line)
        if header:
            path = header.group(1).strip()
            name = group_of(path)
            current = groups.setdefault(name, Group(name))
            continue
        if current is None:
            continue
        key, _, rest = line.partition(":")
        if key == "Rss":
            kib = int(rest.split()[0])
            current.rss_kib += kib
            label = Path(path).name if path.startswith("/") else (path or "anonymous")
            current.by_path[label] = current.by_path.get(label, 0) + kib
        elif key == "Private_Dirty":
            current.private_dirty_kib += int(rest.split()[0])
    return groups


def read(pid: int) -> dict[str, Group]:
    with open(f"/proc/{pid}/smaps") as text:
        return parse(text)


# Always listed, even when nothing of theirs is mapped (QtCharts is loaded lazily).
ASKED_FOR = ("Qt Multimedia, FFmpeg, PulseAudio", "QtCharts", "fonts", HEAP, "numpy, OpenBLAS")


def report(groups: dict[str, Group], title: str, limit: int = 14) -> str:
    """A small table of the groups, largest first, with their largest files."""
    groups = {**{name: Group(name) for name in ASKED_FOR}, **groups}
    ordered = sorted(groups.values(), key=lambda group: -group.rss_kib)
    total = sum(group.rss_kib for group in ordered)
    width = max([len(group.name) for group in ordered] + [len("total")])
    lines = [title, f"  {'mapping group'.ljust(width)}  {'RSS MiB':>8}  {'private dirty':>13}"]
    for group in ordered[:limit]:
        lines.append(
            f"  {group.name.ljust(width)}  {group.rss_kib / 1024:8.1f}  "
            f"{group.private_dirty_kib / 1024:13.1f}"
            + ("  (not mapped)" if not group.by_path else "")
        )
        largest = [(label, kib) for label, kib in group.top(3) if kib >= 512]
        if largest and group.name not in (ANONYMOUS, HEAP):
            lines.append(
                "  " + " " * 4 + ", ".join(f"{label} {kib / 1024:.1f}" for label, kib in largest)
            )
    lines.append(f"  {'total'.ljust(width)}  {total / 1024:8.1f}")
    return "\n".join(lines)
