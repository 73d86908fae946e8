"""Daily copies of the history, seven kept, and restoring one.

A copy is made with SQLite's online backup, so it is consistent even while a
session is being written. The copies live in `backups/` beside the history,
named by the day they were made (`history-2026-12-03.sqlite3`), readable by
the user only. Restoring first moves the current file aside, so a restore
can itself be undone.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from rls_companion.paths import ensure_private_dir

KEEP = 7
_NAME = re.compile(r"history-([0-9]{4}-[0-9]{2}-[0-9]{2})\.sqlite3")


class BackupError(ValueError):
    """A backup that cannot be restored; the message names it."""


@dataclass(frozen=True)
class Backup:
    path: Path
    day: date
    sessions: int | None  # None when the copy cannot be read

    @property
    def name(self) -> str:
        return self.path.name


def folder(database: Path) -> Path:
    return database.parent / "backups"


def make_daily(db: sqlite3.Connection, database: Path, today: date) -> Path | None:
    """Copy the history once for `today` (nothing if today's copy exists), and
    keep only the newest `KEEP` copies. Returns the new copy's path."""
    where = ensure_private_dir(folder(database))
    target = where / f"history-{today.isoformat()}.sqlite3"
    if target.exists():
        return None
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy(db, partial)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    for old in list_backups(database)[KEEP:]:
        old.path.unlink()
    return target


def _copy(db: sqlite3.Connection, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    copy = sqlite3.connect(target)
    try:
        db.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()


def list_backups(database: Path) -> list[Backup]:
    """The copies, newest first."""
    where = folder(database)
    if not where.is_dir():
        return []
    found = []
    for path in where.iterdir():
        match = _NAME.fullmatch(path.name)
        if match:
            found.append(Backup(path, date.fromisoformat(match[1]), _sessions_in(path)))
    return sorted(found, key=lambda backup: backup.day, reverse=True)


def _sessions_in(path: Path) -> int | None:
    try:
        copy = sqlite3.connect(_read_only(path), uri=True)
    except sqlite3.Error:
        return None
    try:
        return int(copy.execute("SELECT count(*) FROM sessions").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        copy.close()


def restore(database: Path, name: str) -> Path:
    """Put the backup `name` in place of the history; the current file is moved
    aside first (its new path is returned)."""
    chosen = next((b for b in list_backups(database) if b.name == name), None)
    if chosen is None:
        raise BackupError(f"there is no backup called {name!r} (see 'backup list')")
    if chosen.sessions is None:
        raise BackupError(f"the backup {name} cannot be read")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    if database.exists():
        current = sqlite3.connect(database)
        try:
            current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            current.close()
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(database) + suffix)
            if source.exists():
                source.rename(Path(str(aside) + suffix))
    reader = sqlite3.connect(_read_only(chosen.path), uri=True)
    try:
        _copy(reader, database)
    except BaseException:
        # Put the history back as it was rather than leave none.
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(database) + suffix).unlink()
            moved = Path(str(aside) + suffix)
            if moved.exists():
                moved.rename(Path(str(database) + suffix))
        raise
    finally:
        reader.close()
    return aside


def _read_only(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro"
