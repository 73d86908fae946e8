"""Opening the history file: schema, privacy, newer versions and corrupt files."""

from __future__ import annotations

import random
import sqlite3
import stat
from pathlib import Path

import pytest

from rls_companion.storage.db import (
    MIGRATIONS,
    SCHEMA_VERSION,
    DatabaseError,
    integrity_report,
    open_database,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_schema_version_counts_the_migrations() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 1


def test_a_new_database(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    opened = open_database(path)
    db = opened.connection
    try:
        assert opened.notices == []
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"sessions", "urges"} <= tables(db)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert integrity_report(db) == "ok"
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
            " VALUES ('a', '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'running')"
        )
        assert mode(path) == 0o600
        assert mode(data_dir) == 0o700
        for extra in ("-wal", "-shm"):
            side = Path(str(path) + extra)
            if side.exists():
                assert mode(side) == 0o600
    finally:
        db.close()


def test_reopening_keeps_the_data(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    db = open_database(path).connection
    db.execute(
        "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
        " VALUES ('a', '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'completed')"
    )
    db.close()
    again = open_database(path)
    try:
        assert again.notices == []
        assert [r[0] for r in again.connection.execute("SELECT id FROM sessions")] == ["a"]
    finally:
        again.connection.close()


def test_an_existing_folder_is_made_private(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    open_database(data_dir / "history.sqlite3").connection.close()
    assert mode(data_dir) == 0o700


def test_a_folder_made_stricter_keeps_its_mode(data_dir: Path) -> None:
    """0500 is closed to others already: reading the history must not open it
    up for writing."""
    open_database(data_dir / "history.sqlite3").connection.close()
    data_dir.chmod(0o500)
    try:
        from rls_companion.paths import ensure_private_dir

        ensure_private_dir(data_dir)
        assert mode(data_dir) == 0o500
    finally:
        data_dir.chmod(0o700)


def test_the_schema_refuses_bad_rows(data_dir: Path) -> None:
    db = open_database(data_dir / "history.sqlite3").connection
    try:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds,"
                " state) VALUES ('a', '2026-11-21T03:15:00.000', 0, 'bedtime', 60, 'lost')"
            )
        with pytest.raises(sqlite3.IntegrityError):  # an urge needs its session
            db.execute(
                "INSERT INTO urges (session_id, seq, at_utc, at_offset, target_seconds,"
                " held_seconds, outcome) VALUES ('nope', 0, '2026-11-21T03:15:00.000', 0, 15,"
                " 3.0, 'held')"
            )
    finally:
        db.close()


def make_newer(path: Path, wal: bool) -> bytes:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE future (x)")
    db.execute("INSERT INTO future VALUES (1)")
    db.commit()
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("wal", [True, False], ids=["wal", "rollback-journal"])
def test_a_newer_database_is_refused_and_left_untouched(data_dir: Path, wal: bool) -> None:
    data_dir.mkdir()
    path = data_dir / "history.sqlite3"
    before = make_newer(path, wal)
    listing = sorted(p.name for p in data_dir.iterdir())
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    message = str(caught.value)
    assert "newer version" in message and str(SCHEMA_VERSION + 1) in message
    assert "\n" not in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == listing
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert check.execute("SELECT x FROM future").fetchall() == [(1,)]
    finally:
        check.close()


def test_garbage_is_moved_aside_and_a_fresh_history_started(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "history.sqlite3"
    garbage = random.Random(7).randbytes(20_000)
    path.write_bytes(garbage)
    opened = open_database(path)
    db = opened.connection
    try:
        asides = [p for p in data_dir.iterdir() if p.name.startswith("history.sqlite3.corrupt-")]
        assert len(asides) == 1
        aside = asides[0]
        assert aside.read_bytes() == garbage
        assert len(opened.notices) == 1
        assert aside.name in opened.notices[0]
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
            " VALUES ('a', '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'running')"
        )
        assert mode(path) == 0o600
        assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    finally:
        db.close()


def test_a_damaged_index_page_is_moved_aside_and_loses_no_session(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    db = open_database(path).connection
    for i in range(200):
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
            " VALUES (?, '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'completed')",
            (f"session-{i:04d}-" + "x" * 200,),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    damaged = bytearray(path.read_bytes())
    assert len(damaged) > 6 * page_size
    damaged[3 * page_size : 4 * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(damaged))
    opened = open_database(path)
    try:
        assert len(opened.notices) == 1
        (aside,) = [
            p
            for p in data_dir.iterdir()
            if ".corrupt-" in p.name and "-wal" not in p.name and "-shm" not in p.name
        ]
        assert aside.read_bytes() == bytes(damaged)
        # Page 3 holds the index of session ids, not the sessions: all are saved.
        assert opened.connection.execute("SELECT count(*) FROM sessions").fetchone()[0] == 200
        assert "200 sessions could be read" in opened.notices[0]
    finally:
        opened.connection.close()
