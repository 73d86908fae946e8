"""Sessions in the history file, and recording one that is running, crash included."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord, brief
from rls_companion.core.session import Kind
from rls_companion.paths import resolve
from rls_companion.storage import sessions
from rls_companion.storage.db import open_database
from rls_companion.storage.recorder import SessionRecorder, reap_orphans

NEW_YORK = timezone(timedelta(hours=-5))
NEW_YORK_SUMMER = timezone(timedelta(hours=-4))
KATHMANDU = timezone(timedelta(hours=5, minutes=45))


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    connection = open_database(resolve().database).connection
    yield connection
    connection.close()


def full_record() -> SessionRecord:
    start = datetime(2026, 11, 1, 1, 15, 30, 250_000, tzinfo=NEW_YORK_SUMMER)
    return SessionRecord(
        id="7d0c8c3e-0000-4000-8000-000000000001",
        started_at=start,
        # Daylight saving ended during the session: it ends in a different offset.
        ended_at=datetime(2026, 11, 1, 1, 40, 10, 500_000, tzinfo=NEW_YORK),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=1185.25,
        state=SessionState.COMPLETED,
        pattern="4-7-8",
        breaths_per_minute=5.5,
        rating_before=6,
        rating_after=3,
        urges=(
            UrgeRecord(start + timedelta(seconds=300), 15, 17.5, Outcome.HELD, 7),
            UrgeRecord(
                datetime(2026, 11, 1, 1, 29, 3, tzinfo=NEW_YORK), 25, 4.25, Outcome.MOVED, None
            ),
            UrgeRecord(datetime(2026, 11, 1, 1, 35, tzinfo=NEW_YORK), 25, 25.0, Outcome.HELD, 0),
        ),
    )


def minimal(session_id: str, started_at: datetime) -> SessionRecord:
    return SessionRecord(
        id=session_id,
        started_at=started_at,
        ended_at=None,
        kind=Kind.BREATHING,
        planned_seconds=300,
        practice_seconds=0.0,
        state=SessionState.RUNNING,
    )


def assert_same_record(got: SessionRecord, want: SessionRecord) -> None:
    assert got == want  # every field; aware datetimes compare as instants
    for a, b in [(got.started_at, want.started_at), (got.ended_at, want.ended_at)]:
        assert (a.isoformat() if a else None) == (b.isoformat() if b else None)
    assert [u.at.isoformat() for u in got.urges] == [u.at.isoformat() for u in want.urges]


def test_insert_and_list_keep_every_field(db: sqlite3.Connection) -> None:
    record = full_record()
    with sessions.transaction(db):
        sessions.insert_session(db, record)
    (got,) = sessions.list_sessions(db)
    assert_same_record(got, record)
    assert got.started_at.utcoffset() == timedelta(hours=-4)
    assert got.ended_at is not None and got.ended_at.utcoffset() == timedelta(hours=-5)
    assert got.completed and not got.interrupted
    assert [u.intensity for u in got.urges] == [7, None, 0]
    assert [u.outcome for u in got.urges] == ["held", "moved", "held"]
    assert got.kind is Kind.BEDTIME and all(type(u.outcome) is Outcome for u in got.urges)
    by_id = sessions.get_session(db, record.id)
    assert by_id is not None
    assert_same_record(by_id, record)
    assert sessions.get_session(db, "missing") is None


def test_a_session_without_optional_fields(db: sqlite3.Connection) -> None:
    record = minimal("bare", datetime(2026, 11, 20, 22, 15, tzinfo=NEW_YORK))
    sessions.insert_session(db, record)
    (got,) = sessions.list_sessions(db)
    assert_same_record(got, record)
    assert (got.ended_at, got.pattern, got.rating_before, got.urges) == (None, None, None, ())


def test_newest_first_by_instant_not_by_local_clock(db: sqlite3.Connection) -> None:
    # Local clocks say the Kathmandu session (00:30 on the 21st) is the latest, but it
    # began at 18:45 UTC on the 20th; the New York one began at 03:00 UTC on the 21st.
    kathmandu = minimal("b-kathmandu", datetime(2026, 11, 21, 0, 30, tzinfo=KATHMANDU))
    new_york = minimal("c-new-york", datetime(2026, 11, 20, 22, 0, tzinfo=NEW_YORK))
    oldest = minimal("a-oldest", datetime(2026, 11, 19, 22, 0, tzinfo=NEW_YORK))
    newest = minimal("d-newest", datetime(2026, 11, 22, 21, 0, tzinfo=NEW_YORK))
    for record in (kathmandu, newest, oldest, new_york):
        sessions.insert_session(db, record)
    assert [r.id for r in sessions.list_sessions(db)] == [
        "d-newest",
        "c-new-york",
        "b-kathmandu",
        "a-oldest",
    ]
    assert [r.id for r in sessions.list_sessions(db, newest_first=False)] == [
        "a-oldest",
        "b-kathmandu",
        "c-new-york",
        "d-newest",
    ]


def test_briefs_carry_what_streaks_need_newest_first(db: sqlite3.Connection) -> None:
    record = full_record()
    later = replace(
        minimal("later", datetime(2026, 11, 2, 0, 30, tzinfo=KATHMANDU)), practice_seconds=299.5
    )
    for each in (later, record):
        sessions.insert_session(db, each)
    got = sessions.list_briefs(db)
    assert got == [brief(later), brief(record)]
    assert got[1] == (record.id, record.started_at, 1185, 6, 3)
    assert got[0].whole_practice_seconds == 300  # half up
    # The local time and offset are kept, not only the instant.
    assert [b.started_at.isoformat() for b in got] == [
        "2026-11-02T00:30:00+05:45",
        "2026-11-01T01:15:30.250000-04:00",
    ]


def test_sessions_by_id_in_the_order_asked_leaving_out_missing(db: sqlite3.Connection) -> None:
    record = full_record()
    others = [
        minimal(f"s{n:04d}", datetime(2026, 1, 1, 22, tzinfo=NEW_YORK) + timedelta(days=n))
        for n in range(1200)  # more ids than one query takes
    ]
    for each in (record, *others):
        sessions.insert_session(db, each)
    wanted = ["s1100", record.id, "gone", "s0003", *(o.id for o in others[600:1150])]
    got = sessions.get_sessions(db, wanted)
    assert [r.id for r in got] == [w for w in wanted if w != "gone"]
    assert_same_record(got[1], record)  # urges included, in order
    assert sessions.get_sessions(db, []) == []
    assert sessions.get_session(db, "gone") is None


def test_a_failed_transaction_leaves_nothing(db: sqlite3.Connection) -> None:
    record = full_record()
    broken = UrgeRecord(record.started_at, 15, 3.0, "wriggled", None)  # not held or moved
    with pytest.raises(sqlite3.IntegrityError), sessions.transaction(db):
        sessions.insert_session(db, replace(record, urges=(broken,)))
    assert sessions.list_sessions(db) == []


# --- recording a running session ----------------------------------------------------------------


def test_begin_checkpoint_end(db: sqlite3.Connection) -> None:
    run_dir = resolve().run_dir
    start = datetime(2026, 11, 20, 22, 15, tzinfo=NEW_YORK)
    recorder = SessionRecorder(db, run_dir)
    recorder.begin(minimal("s1", start))
    lock = run_dir / "s1.lock"
    assert lock.exists()
    assert sessions.running_ids(db) == ["s1"]

    recorder.checkpoint(10.0, start + timedelta(seconds=10))
    (row,) = sessions.list_sessions(db)
    assert (row.state, row.practice_seconds) == (SessionState.RUNNING, 10.0)
    assert row.ended_at == start + timedelta(seconds=10)

    recorder.add_urge(UrgeRecord(start + timedelta(seconds=60), 15, 15.0, Outcome.HELD, 4))
    recorder.add_urge(UrgeRecord(start + timedelta(seconds=90), 15, 6.0, Outcome.MOVED, None))
    recorder.set_ratings(6, 2)
    recorder.checkpoint(295.5, start + timedelta(seconds=300))
    # Someone else opening the history now must leave the live session alone.
    assert reap_orphans(db, run_dir) == []

    recorder.end(SessionState.COMPLETED, 299.0, start + timedelta(seconds=305))
    assert not lock.exists()
    assert recorder.session_id is None
    (row,) = sessions.list_sessions(db)
    assert row.state is SessionState.COMPLETED and row.completed
    assert row.practice_seconds == 299.0
    assert row.ended_at == start + timedelta(seconds=305)
    assert (row.rating_before, row.rating_after) == (6, 2)
    assert [(u.held_seconds, u.outcome, u.intensity) for u in row.urges] == [
        (15.0, "held", 4),
        (6.0, "moved", None),
    ]
    assert sessions.running_ids(db) == []
    # Nothing more is written once it has ended.
    recorder.checkpoint(999.0, start + timedelta(seconds=999))
    assert sessions.list_sessions(db)[0].practice_seconds == 299.0


def test_recorder_checkpoints_often_enough() -> None:
    from rls_companion.storage import recorder

    assert 0 < recorder.CHECKPOINT_SECONDS <= 10


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    from rls_companion.core.records import SessionRecord, SessionState
    from rls_companion.core.session import Kind
    from rls_companion.storage.db import open_database
    from rls_companion.storage.recorder import SessionRecorder

    database, run_dir, session_id = sys.argv[1:4]
    db = open_database(Path(database)).connection
    recorder = SessionRecorder(db, Path(run_dir))
    start = datetime(2026, 11, 20, 22, 15, tzinfo=timezone(timedelta(hours=-5)))
    recorder.begin(SessionRecord(
        id=session_id, started_at=start, ended_at=None, kind=Kind.BEDTIME,
        planned_seconds=1200, practice_seconds=0.0, state=SessionState.RUNNING))
    recorder.checkpoint(42.0, start + timedelta(seconds=45))
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_killed_session_is_reaped_as_interrupted_but_a_live_one_is_not(
    db: sqlite3.Connection,
) -> None:
    paths = resolve()
    live_start = datetime(2026, 11, 20, 23, 0, tzinfo=NEW_YORK)
    live = SessionRecorder(db, paths.run_dir)
    live.begin(minimal("live", live_start))
    live.checkpoint(12.0, live_start + timedelta(seconds=12))

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(paths.database), str(paths.run_dir), "killed"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    # It died without cleaning up: its lock file and its running row are still there.
    assert (paths.run_dir / "killed.lock").exists()

    fresh = open_database(paths.database).connection
    try:
        before = {r.id: r for r in sessions.list_sessions(fresh)}
        assert before["killed"].state is SessionState.RUNNING
        assert before["killed"].practice_seconds == 42.0

        assert reap_orphans(fresh, paths.run_dir) == ["killed"]

        after = {r.id: r for r in sessions.list_sessions(fresh)}
        killed = after["killed"]
        assert killed.state is SessionState.INTERRUPTED and killed.interrupted
        assert not killed.completed
        assert killed.practice_seconds == 42.0
        start = datetime(2026, 11, 20, 22, 15, tzinfo=NEW_YORK)
        assert killed.ended_at == start + timedelta(seconds=45)
        assert not (paths.run_dir / "killed.lock").exists()

        assert after["live"].state is SessionState.RUNNING
        assert after["live"].practice_seconds == 12.0
        assert (paths.run_dir / "live.lock").exists()
        # Asking again changes nothing while the live session runs.
        assert reap_orphans(fresh, paths.run_dir) == []
    finally:
        fresh.close()

    live.end(SessionState.STOPPED, 20.0, live_start + timedelta(seconds=20))
    assert sessions.get_session(db, "live") is not None
    assert sessions.running_ids(db) == []


def test_a_running_row_without_any_lock_file_is_reaped(db: sqlite3.Connection) -> None:
    # E.g. the run folder was cleared after a power cut.
    start = datetime(2026, 11, 20, 22, 15, tzinfo=NEW_YORK)
    record = replace(minimal("lost", start), practice_seconds=30.0)
    sessions.insert_session(db, record)
    run_dir = resolve().run_dir
    run_dir.mkdir(parents=True)
    assert reap_orphans(db, run_dir) == ["lost"]
    (row,) = sessions.list_sessions(db)
    assert (row.state, row.practice_seconds) == (SessionState.INTERRUPTED, 30.0)
    assert list(run_dir.iterdir()) == []


def test_finished_sessions_are_never_reaped(db: sqlite3.Connection) -> None:
    start = datetime(2026, 11, 20, 22, 15, tzinfo=NEW_YORK)
    for state in (SessionState.COMPLETED, SessionState.STOPPED):
        sessions.insert_session(db, replace(minimal(state.value, start), state=state))
    run_dir = resolve().run_dir
    run_dir.mkdir(parents=True)
    assert reap_orphans(db, run_dir) == []
    assert {r.state for r in sessions.list_sessions(db)} == {
        SessionState.COMPLETED,
        SessionState.STOPPED,
    }
