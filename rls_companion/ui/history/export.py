"""Saving the whole history from the window, in the same formats as `export`.

JSON is the exchange format (oldest session first, as the specification
shows, with the sleep diary and evening log); CSV is for spreadsheets.
Files are readable by the user only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rls_companion.paths import write_user_file
from rls_companion.storage import diary, export, sessions

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
        data = export.sessions_csv(records).encode("utf-8")
    else:
        data = export.history_json(records, diary.list_diary(db), diary.list_evening(db))
    return data, len(records)


def export_to(db: sqlite3.Connection, path: Path, fmt: str) -> int:
    """Write the history to `path`; returns how many sessions were written."""
    data, count = export_bytes(db, fmt)
    write_user_file(path, data)
    return count
