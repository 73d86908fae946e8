"""Saving the whole history from the window, in the same formats as `export`.

JSON is the exchange format (oldest session first, as the specification
shows); CSV is for spreadsheets. Files are readable by the user only.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from rls_companion.paths import write_private
from rls_companion.storage import export, sessions

FORMATS = {"json": "JSON (*.json)", "csv": "CSV for spreadsheets (*.csv)"}


def file_filter() -> str:
    return ";;".join(FORMATS.values())


def chosen_format(path: str, chosen_filter: str) -> tuple[Path, str]:
    """The format a file name asks for (its suffix first, else the filter), with the suffix."""
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return target, suffix
    fmt = next((name for name, label in FORMATS.items() if label == chosen_filter), "json")
    return target.with_name(f"{target.name}.{fmt}"), fmt


def export_bytes(db: sqlite3.Connection, fmt: str) -> tuple[bytes, int]:
    records = sessions.list_sessions(db, newest_first=False)
    if fmt == "csv":
        text = export.sessions_csv(records)
    else:
        text = json.dumps(export.history_document(records), indent=2) + "\n"
    return text.encode("utf-8"), len(records)


def export_to(db: sqlite3.Connection, path: Path, fmt: str) -> int:
    """Write the history to `path`; returns how many sessions were written."""
    data, count = export_bytes(db, fmt)
    write_private(path, data)
    return count
