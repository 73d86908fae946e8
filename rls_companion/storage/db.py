"""The SQLite history file: opening, migrations, and recovery.

`PRAGMA user_version` holds the schema version. Migrations run in order inside
one transaction after a backup copy of the file. Opening tells apart what can
go wrong, and only real damage touches the file:

- damaged, or not a database at all: the file is moved aside (never deleted),
  a fresh history is started with every row that could still be read
  (`storage.salvage`), and the caller is told how many;
- written by a newer version, busy (locked by another program), on a full
  disk, read-only or not permitted: `DatabaseError` with one line naming the
  file, and the file is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from rls_companion.paths import ensure_private_dir
from rls_companion.storage.salvage import Salvaged, salvage


class Problem(StrEnum):
    """Why a history file cannot be used right now."""

    NEWER = "newer"
    BUSY = "busy"
    FULL = "full"
    READ_ONLY = "read_only"
    UNAVAILABLE = "unavailable"


class DatabaseError(RuntimeError):
    """The history file cannot be used; the message says why and what to do."""

    def __init__(self, message: str, problem: Problem = Problem.UNAVAILABLE) -> None:
        super().__init__(message)
        self.problem = problem


class _Damaged(sqlite3.DatabaseError):
    """The integrity check found damage."""


# SQLite's primary result codes (the low byte of an extended code).
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_FULL_CODES = {13}  # SQLITE_FULL
_READ_ONLY_CODES = {3, 8, 14, 23}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_AUTH
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_IO_CODE = 10  # SQLITE_IOERR: what a full disk gives while sizing the WAL index, among others
# Less room than this on the history's disk turns an input/output error into "full".
NEARLY_FULL_BYTES = 256 * 1024


def _free_bytes(folder: Path) -> int | None:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


def _code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def is_damage(error: sqlite3.Error) -> bool:
    """Whether `error` means the file itself is damaged (and nothing else)."""
    return isinstance(error, _Damaged) or _code(error) in _DAMAGE_CODES


def classify(error: sqlite3.Error | OSError, path: Path) -> Problem:
    """What kind of trouble `error` means for the history at `path` (not damage)."""
    return explain(error, path).problem


def explain(error: sqlite3.Error | OSError, path: Path) -> DatabaseError:
    """One line for a history file that cannot be used for a reason other than damage."""
    if isinstance(error, OSError):
        code = {errno.ENOSPC: 13, errno.EDQUOT: 13, errno.EROFS: 8, errno.EACCES: 3}.get(
            error.errno or 0, 0
        )
    else:
        code = _code(error)
    if code == _IO_CODE:
        free = _free_bytes(path.parent)
        if free is not None and free < NEARLY_FULL_BYTES:
            code = 13
    if code in _BUSY_CODES:
        return DatabaseError(
            f"The history file {path} is busy: another program is using it. "
            "Nothing was changed; try again in a moment.",
            Problem.BUSY,
        )
    if code in _FULL_CODES:
        return DatabaseError(
            f"The disk holding the history file {path} is full. Nothing was changed; "
            "free some space and try again.",
            Problem.FULL,
        )
    if code in _READ_ONLY_CODES:
        return DatabaseError(
            f"The history file {path} cannot be written (read-only, or no permission). "
            "Nothing was changed.",
            Problem.READ_ONLY,
        )
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return DatabaseError(
        f"The history file {path} cannot be opened ({detail}). Nothing was changed.",
        Problem.UNAVAILABLE,
    )


def _v1(db: sqlite3.Connection) -> None:
    _run_statements(
        db,
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            started_utc TEXT NOT NULL,
            started_offset INTEGER NOT NULL,
            ended_utc TEXT,
            ended_offset INTEGER,
            kind TEXT NOT NULL,
            planned_seconds INTEGER NOT NULL,
            practice_seconds REAL NOT NULL DEFAULT 0,
            state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'stopped',
                                                 'interrupted')),
            pattern TEXT,
            breaths_per_minute REAL,
            rating_before INTEGER,
            rating_after INTEGER
        );
        CREATE INDEX sessions_started ON sessions (started_utc);
        CREATE TABLE urges (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            at_utc TEXT NOT NULL,
            at_offset INTEGER NOT NULL,
            target_seconds INTEGER NOT NULL,
            held_seconds REAL NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('held', 'moved')),
            intensity INTEGER,
            PRIMARY KEY (session_id, seq)
        );
        """,
    )


def _v2(db: sqlite3.Connection) -> None:
    """Indexes for a long history.

    Listing walks sessions in (start, id) order, so that pair is indexed and
    no sort is needed; the start-only index becomes redundant. Every opening
    looks for sessions still marked running, which the partial index finds
    without reading the whole table.
    """
    _run_statements(
        db,
        """
        DROP INDEX sessions_started;
        CREATE INDEX sessions_started_id ON sessions (started_utc, id);
        CREATE INDEX sessions_running ON sessions (state) WHERE state = 'running';
        """,
    )


def _v3(db: sqlite3.Connection) -> None:
    """The urge target, carried from night to night (a single row)."""
    _run_statements(
        db,
        """
        CREATE TABLE urge_progress (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            target INTEGER NOT NULL,
            qualifying INTEGER NOT NULL DEFAULT 0,
            last_night TEXT
        )
        """,
    )


def _v4(db: sqlite3.Connection) -> None:
    """The sleep diary (morning check-in) and the evening symptom log, one row a night.

    Instants are stored like a session's: UTC text plus the local offset in
    minutes. `symptom_places` is the sorted places joined by commas (empty for
    none); `triggers` is a JSON array of labels.
    """
    _run_statements(
        db,
        """
        CREATE TABLE diary (
            night TEXT PRIMARY KEY
                CHECK (night GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            in_bed_utc TEXT NOT NULL,
            in_bed_offset INTEGER NOT NULL,
            tried_to_sleep_utc TEXT NOT NULL,
            tried_to_sleep_offset INTEGER NOT NULL,
            minutes_to_sleep INTEGER NOT NULL,
            awakenings INTEGER NOT NULL,
            minutes_awake INTEGER NOT NULL,
            final_waking_utc TEXT NOT NULL,
            final_waking_offset INTEGER NOT NULL,
            out_of_bed_utc TEXT NOT NULL,
            out_of_bed_offset INTEGER NOT NULL,
            quality INTEGER NOT NULL,
            legs_disturbed TEXT NOT NULL CHECK (legs_disturbed IN ('none', 'a_little',
                                                                   'a_lot')),
            note TEXT NOT NULL DEFAULT '',
            updated_utc TEXT NOT NULL
        );
        CREATE TABLE evening (
            night TEXT PRIMARY KEY
                CHECK (night GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            symptoms_started_utc TEXT,
            symptoms_started_offset INTEGER,
            none_today INTEGER NOT NULL DEFAULT 0 CHECK (none_today IN (0, 1)),
            symptom_places TEXT NOT NULL DEFAULT '',
            rating INTEGER,
            triggers TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            updated_utc TEXT NOT NULL,
            CHECK ((symptoms_started_utc IS NULL) = (symptoms_started_offset IS NULL))
        )
        """,
    )


def _v5(db: sqlite3.Connection) -> None:
    """The guidance script that led each stage on each night, for the rotation."""
    _run_statements(
        db,
        """
        CREATE TABLE guidance_picks (
            night TEXT NOT NULL
                CHECK (night GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            stage TEXT NOT NULL,
            script TEXT NOT NULL,
            PRIMARY KEY (stage, night)
        )
        """,
    )


def _run_statements(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit the migration transaction half-way.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4, _v5)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class Opened:
    connection: sqlite3.Connection
    notices: list[str] = field(default_factory=list)


def open_database(path: Path) -> Opened:
    try:
        ensure_private_dir(path.parent)
        db = _connect(path)
        try:
            _check_integrity(db)
            _migrate(db, path)
        except BaseException:
            db.close()
            raise
        return Opened(db)
    except sqlite3.Error as error:
        if not is_damage(error):
            raise explain(error, path) from error
    except OSError as error:  # the backup copy before a migration
        raise explain(error, path) from error
    return _start_again(path)


def _start_again(path: Path) -> Opened:
    """Move a damaged file aside and start a fresh history with what it still holds."""
    aside = _move_aside(path)
    try:
        db = _connect(path)
        _migrate(db, path)
    except sqlite3.Error as error:
        raise explain(error, path) from error
    found = salvage(aside, db)
    return Opened(db, [_salvage_notice(aside, found)])


def _salvage_notice(aside: Path, found: Salvaged) -> str:
    kept = f"The history file was damaged. It was kept as {aside.name} in {aside.parent}"
    sessions = found.recovered.get("sessions", 0)
    nights = found.recovered.get("diary", 0) + found.recovered.get("evening", 0)
    lost = found.unreadable.get("sessions", 0)
    if not sessions and not nights:
        return f"{kept}, and nothing in it could be read: a new, empty history was started."
    saved = [_count(sessions, "session")]
    if nights:
        saved.append(_count(nights, "diary or evening entry", "diary and evening entries"))
    notice = f"{kept}; {' and '.join(saved)} could be read and were copied into a new history."
    if lost:
        notice += f" {_count(lost, 'session')} could not be read."
    return notice


def _count(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _connect(path: Path) -> sqlite3.Connection:
    """An open history, or `sqlite3.Error` (damage is found by the integrity check)."""
    fresh = not path.exists()
    db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    try:
        if fresh:
            os.chmod(path, 0o600)
        db.row_factory = sqlite3.Row
        # Before anything that writes: even switching to WAL rewrites the file header.
        _refuse_newer(db, path)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        db.close()
        raise
    return db


def _check_integrity(db: sqlite3.Connection) -> None:
    row = db.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise _Damaged("the integrity check found damage")


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    count = 1
    while aside.exists():
        count += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{count}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            source.rename(Path(str(aside) + suffix))
    return aside


def _refuse_newer(db: sqlite3.Connection, path: Path) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        db.close()
        raise DatabaseError(
            f"{path} was written by a newer version of RLS Companion (schema {version}, "
            f"this version knows {SCHEMA_VERSION}). It was left untouched; please update "
            "the app.",
            Problem.NEWER,
        )


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    if version > 0:
        backup = path.with_name(f"{path.name}.before-v{SCHEMA_VERSION}")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, backup)
        os.chmod(backup, 0o600)
    db.execute("BEGIN IMMEDIATE")
    try:
        for step in MIGRATIONS[version:]:
            step(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def integrity_report(db: sqlite3.Connection) -> str:
    return str(db.execute("PRAGMA integrity_check").fetchone()[0])
