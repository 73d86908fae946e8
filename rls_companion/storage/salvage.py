"""Copying what can still be read out of a damaged history file.

A damaged file usually has most of its pages intact: a torn write or a file
cut short spoils some pages and leaves the rest. Each table is read one row
at a time by rowid, so a bad page costs only the rows on it; every row read
is copied into the fresh database, and whatever does not fit its table's
rules (a half-overwritten row) is left out. The damaged file is only read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

# The tables worth saving, parents before children (urges need their session).
TABLES = ("sessions", "urges", "urge_progress", "diary", "evening")

# With the highest rowid unreadable, reading goes on until this many rowids
# in a row gave nothing. Rowids are handed out in order, so a gap this long
# means the end of the table.
END_AFTER_MISSES = 2000


@dataclass
class Salvaged:
    """Rows copied per table, and rows known to exist that could not be read."""

    recovered: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)


def salvage(damaged: Path, into: sqlite3.Connection) -> Salvaged:
    """Copy every readable row of `damaged` into `into` (a current, empty
    history); the figures say how much was saved."""
    found = Salvaged()
    try:
        source = _open_read_only(damaged)
    except sqlite3.DatabaseError:
        return found
    try:
        into.execute("BEGIN IMMEDIATE")
        try:
            for table in TABLES:
                columns = _shared_columns(source, into, table)
                if columns:
                    _copy(source, into, table, columns, found)
            into.execute("COMMIT")
        except BaseException:
            into.execute("ROLLBACK")
            raise
    finally:
        source.close()
    return found


def _open_read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path))}?mode=ro"
    source = _reader(uri)
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        source.close()
        # Its write-ahead log may be the unreadable part: try the main file alone.
        source = _reader(uri + "&immutable=1")
    return source


def _reader(uri: str) -> sqlite3.Connection:
    source = sqlite3.connect(uri, uri=True)
    # A file cut short names pages past its end in its schema, and SQLite
    # then refuses the whole schema; this reads it anyway. The connection is
    # read-only, so nothing can be written through it.
    source.execute("PRAGMA writable_schema = ON")
    return source


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def _shared_columns(source: sqlite3.Connection, into: sqlite3.Connection, table: str) -> list[str]:
    wanted = set(_columns(source, table))
    return [name for name in _columns(into, table) if name in wanted]


def _copy(
    source: sqlite3.Connection,
    into: sqlite3.Connection,
    table: str,
    columns: list[str],
    found: Salvaged,
) -> None:
    names = ", ".join(columns)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    read = f"SELECT {names} FROM {table} WHERE rowid = ?"
    try:
        top: int | None = source.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = None
    recovered = 0
    failed: list[int] = []
    last_found = 0
    rowid = 0
    while (rowid < top) if top is not None else (rowid - last_found < END_AFTER_MISSES):
        rowid += 1
        try:
            row = source.execute(read, (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            failed.append(rowid)
            continue
        if row is None:
            continue
        last_found = rowid
        try:
            if into.execute(insert, row).rowcount:
                recovered += 1
        except sqlite3.IntegrityError:
            failed.append(rowid)
    end = top if top is not None else last_found
    found.recovered[table] = recovered
    found.unreadable[table] = sum(1 for rowid in failed if rowid <= end)
