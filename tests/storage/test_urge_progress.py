"""The urge target moves once per finished night and persists in the file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from rls_companion.core import settings as schema
from rls_companion.core.config import Settings
from rls_companion.core.records import SessionRecord, SessionState, UrgeRecord
from rls_companion.storage import sessions, urge_progress
from rls_companion.storage.db import open_database

TZ = timezone(timedelta(hours=-5))
SETTINGS = Settings.from_values(
    schema.defaults()
)  # start 15 s, ceiling 120 s, step 10 s, rollover 06:00


def _night(db_path: Path, day: int, outcomes: list[tuple[str, int | None]]) -> None:
    start = datetime(2026, 11, day, 22, 30, tzinfo=TZ)
    urges = tuple(
        UrgeRecord(start + timedelta(minutes=i + 1), 15, 15.0 if o == "held" else 4.0, o, n)
        for i, (o, n) in enumerate(outcomes)
    )
    db = open_database(db_path).connection
    sessions.insert_session(
        db,
        SessionRecord(
            f"s-{day}",
            start,
            start + timedelta(minutes=20),
            "bedtime",
            1200,
            1200.0,
            SessionState.COMPLETED,
            urges=urges,
        ),
    )
    db.close()


def _target(db_path: Path, now: datetime) -> int:
    db = open_database(db_path).connection
    try:
        return urge_progress.current_target(db, SETTINGS, now)
    finally:
        db.close()


def test_three_good_nights_step_up_and_it_persists_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    for day in (1, 2, 3):
        _night(path, day, [("held", 3), ("held", 4), ("moved", None)])
    # Evening of the 3rd: tonight (the 3rd) is not over, so only two nights count.
    assert _target(path, datetime(2026, 11, 3, 23, 0, tzinfo=TZ)) == 15
    # Next evening: three finished qualifying nights → one step up.
    assert _target(path, datetime(2026, 11, 4, 21, 0, tzinfo=TZ)) == 25
    # Asking again (a restart) evaluates nothing twice.
    assert _target(path, datetime(2026, 11, 4, 21, 5, tzinfo=TZ)) == 25


def test_a_strong_urge_steps_back_and_a_session_at_1_30_counts_for_the_night_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    for day in (1, 2, 3):
        _night(path, day, [("held", 2)])
    assert _target(path, datetime(2026, 11, 4, 12, 0, tzinfo=TZ)) == 25
    # 01:30 on the 5th belongs to the night of the 4th.
    start = datetime(2026, 11, 5, 1, 30, tzinfo=TZ)
    db = open_database(path).connection
    sessions.insert_session(
        db,
        SessionRecord(
            "late",
            start,
            start + timedelta(minutes=10),
            "resettle",
            600,
            600.0,
            SessionState.COMPLETED,
            urges=(UrgeRecord(start, 25, 9.0, "moved", 8),),
        ),
    )
    db.close()
    # Still the night of the 4th at 05:00 on the 5th: not over yet.
    assert _target(path, datetime(2026, 11, 5, 5, 0, tzinfo=TZ)) == 25
    assert _target(path, datetime(2026, 11, 5, 7, 0, tzinfo=TZ)) == 15
