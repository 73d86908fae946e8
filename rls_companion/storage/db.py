"""The SQLite history file: opening, migrations, and recovery.

`PRAGMA user_version` holds the schema version. Migrations run in order inside
one transaction after a backup copy of the file. A file written by a newer
version is refused untouched; a file that is not a database is moved aside
(never deleted) and a fresh one started, and the caller is told.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rls_companion.paths import ensure_private_dir


class DatabaseError(RuntimeError):
    """The history file cannot be used; the message says why and what to do."""


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


def _run_statements(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit the migration transaction half-way.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class Opened:
    connection: sqlite3.Connection
    notices: list[str] = field(default_factory=list)


def open_database(path: Path) -> Opened:
    ensure_private_dir(path.parent)
    notices: list[str] = []
    try:
        db = _connect(path)
        _check_integrity(db)
    except sqlite3.DatabaseError as error:
        aside = _move_aside(path)
        notices.append(
            f"The history file could not be read ({error}). It was kept as {aside.name} "
            "and a new, empty history was started."
        )
        db = _connect(path)
    _migrate(db, path)
    return Opened(db, notices)


def _connect(path: Path) -> sqlite3.Connection:
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
        db.close()
        raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")


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
            "the app."
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
