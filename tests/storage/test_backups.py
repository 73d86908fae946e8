"""Daily copies of the history: one a day, seven kept, restorable by name."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from rls_companion import cli
from rls_companion.storage import backups
from rls_companion.storage.db import open_database


def _add(db: sqlite3.Connection, session_id: str) -> None:
    db.execute(
        "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
        " VALUES (?, '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'completed')",
        (session_id,),
    )


def _ids(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT id FROM sessions ORDER BY id")]
    finally:
        db.close()


def test_one_copy_a_day_seven_kept(data_dir: Path) -> None:
    database = data_dir / "history.sqlite3"
    db = open_database(database).connection
    first = date(2026, 11, 20)
    for day in range(10):
        _add(db, f"night-{day}")
        made = backups.make_daily(db, database, first + timedelta(days=day))
        assert made is not None
        # A second opening the same day copies nothing.
        assert backups.make_daily(db, database, first + timedelta(days=day)) is None
    db.close()
    kept = backups.list_backups(database)
    assert [b.day for b in kept] == [first + timedelta(days=d) for d in range(9, 2, -1)]
    # Each copy holds the history as it was that day: day 9 has ten sessions.
    assert [b.sessions for b in kept] == [10, 9, 8, 7, 6, 5, 4]
    assert _ids(kept[-1].path) == [f"night-{d}" for d in range(4)]
    folder = backups.folder(database)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(b.path.stat().st_mode) for b in kept} == {0o600}
    assert sorted(p.name for p in folder.iterdir()) == sorted(b.name for b in kept)


def test_a_copy_taken_during_a_write_is_consistent(data_dir: Path) -> None:
    database = data_dir / "history.sqlite3"
    db = open_database(database).connection
    _add(db, "saved")
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
        " VALUES ('half-written', '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'running')"
    )
    made = backups.make_daily(db, database, date(2026, 12, 3))
    writer.execute("ROLLBACK")
    writer.close()
    db.close()
    assert made is not None
    assert _ids(made) == ["saved"]
    check = sqlite3.connect(made)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_restore_through_the_command_line_keeps_the_current_history_aside(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = data_dir / "history.sqlite3"
    db = open_database(database).connection
    _add(db, "before")
    backups.make_daily(db, database, date(2026, 12, 2))
    _add(db, "after")
    db.close()

    assert cli.main(["backup", "list"]) == 0
    assert capsys.readouterr().out == "history-2026-12-02.sqlite3  1 session\n"

    assert cli.main(["backup", "restore", "history-2026-12-02.sqlite3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "restored history-2026-12-02.sqlite3; the history before it was kept as "
        "history.sqlite3.before-restore-"
    )
    aside = data_dir / out.rstrip().rsplit(" ", 1)[1]
    assert _ids(aside) == ["after", "before"]
    assert cli.main(["history", "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == ["before"]


def test_an_unknown_backup_is_one_line_and_changes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = data_dir / "history.sqlite3"
    db = open_database(database).connection
    _add(db, "kept")
    db.close()
    assert cli.main(["backup", "restore", "history-1999-01-01.sqlite3"]) == 2
    assert capsys.readouterr().err == (
        "rls-companion: there is no backup called 'history-1999-01-01.sqlite3'"
        " (see 'backup list')\n"
    )
    assert _ids(database) == ["kept"]
    assert not list(data_dir.glob("*.before-restore-*"))


def test_no_backups_yet(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["backup", "list"]) == 0
    assert capsys.readouterr().out == "No backups yet: the window makes one each day it opens.\n"
