"""Files the app reads at run time: guidance scripts, images, the launcher.

They live inside the package (`rls_companion/assets/`) and are reached through
`importlib.resources`, so a source checkout, an editable install, a wheel, a
zipped install and a frozen bundle all find them the same way. Nothing here
touches the disk at import time.
"""

from __future__ import annotations

import atexit
import contextlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

APP_ID = "io.github.rlscompanion.RLSCompanion"
ICON = ("icons", f"{APP_ID}.svg")  # the app icon's source; every size is rendered from it

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)
_paths: dict[tuple[str, ...], Path] = {}


def asset(*parts: str) -> Traversable:
    """One file or folder under `assets/`, e.g. `asset("guidance", "body_scan.json")`."""
    found = resources.files("rls_companion").joinpath("assets")
    for part in parts:
        found = found.joinpath(part)
    return found


def file_path(*parts: str) -> Path:
    """A real file for readers that need a path (Qt style sheets, QIcon).

    Installed normally this is the file itself; from a zipped install it is a
    temporary copy, kept until the process exits.
    """
    key = tuple(parts)
    if key not in _paths:
        _paths[key] = _extracted.enter_context(resources.as_file(asset(*parts)))
    return _paths[key]


def icon_svg() -> Traversable:
    return asset(*ICON)
