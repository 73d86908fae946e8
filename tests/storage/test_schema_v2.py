"""Schema version 2: indexes for a long history, added to existing files in place."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from rls_companion.storage import sessions
from rls_companion.storage.db import MIGRATIONS, SCHEMA_VERSION, open_database


def indexes(db: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        if not row[0].startswith("sqlite_autoindex")
    }


def plan(db: sqlite3.Connection, query: str) -> str:
    return " / ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {query}"))


def make_v1(path: Path) -> None:
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    for i in range(3):
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds,"
            " practice_seconds, state) VALUES (?, ?, -300, 'bedtime', 1200, 600, ?)",
            (f"s{i}", f"2026-11-2{i}T03:00:00.000", "running" if i == 2 else "completed"),
        )
    db.close()


def test_a_version_1_file_gains_the_indexes_and_keeps_its_sessions(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    make_v1(path)
    opened = open_database(path)
    db = opened.connection
    try:
        assert SCHEMA_VERSION >= 2
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"sessions_started_id", "sessions_running"} <= indexes(db)
        assert "sessions_started" not in indexes(db)
        assert [r.id for r in sessions.list_sessions(db)] == ["s2", "s1", "s0"]
        assert sessions.running_ids(db) == ["s2"]
        backup = path.with_name(f"history.sqlite3.before-v{SCHEMA_VERSION}")
        assert backup.exists() and stat.S_IMODE(backup.stat().st_mode) == 0o600
    finally:
        db.close()


def test_listing_and_finding_running_sessions_use_the_indexes(data_dir: Path) -> None:
    db = open_database(data_dir / "history.sqlite3").connection
    try:
        for order in ("ASC", "DESC"):
            listing = plan(db, f"SELECT * FROM sessions ORDER BY started_utc {order}, id {order}")
            assert "sessions_started_id" in listing and "TEMP B-TREE" not in listing
        assert "sessions_running" in plan(db, "SELECT id FROM sessions WHERE state = 'running'")
        urges = plan(db, "SELECT * FROM urges WHERE session_id = 'x' ORDER BY seq")
        assert "(session_id=?)" in urges and "TEMP B-TREE" not in urges
    finally:
        db.close()
