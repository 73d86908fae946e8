"""A session whose history cannot be written for a while loses nothing: the
writes wait in memory, in order, and are saved once the history can take them."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_database_trouble import _in_small_disk, needs_mounts

from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.session import Kind
from rls_companion.storage import sessions
from rls_companion.storage.db import Problem, open_database
from rls_companion.storage.recorder import BUSY_WAIT_MS, SessionRecorder

START = datetime(2026, 12, 2, 22, 0, tzinfo=UTC)


def _record() -> SessionRecord:
    return SessionRecord(
        id="s1",
        started_at=START,
        ended_at=None,
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=0.0,
        state=SessionState.RUNNING,
    )


def test_a_busy_history_keeps_the_session_in_memory_and_saves_it_later(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    db = open_database(path).connection
    troubles: list[Problem] = []
    recorder = SessionRecorder(db, data_dir / "running", on_trouble=troubles.append)
    recorder.begin(_record())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    began = time.monotonic()
    recorder.checkpoint(30.0, START + timedelta(seconds=30))
    waited = time.monotonic() - began
    seq = recorder.add_urge(UrgeRecord(START + timedelta(seconds=40), 15, 12.0, Outcome.HELD, 5))
    recorder.checkpoint(60.0, START + timedelta(seconds=60))
    recorder.end(SessionState.STOPPED, 75.0, START + timedelta(seconds=75))
    assert waited < BUSY_WAIT_MS / 1000 + 0.5  # the window is never held long
    assert troubles == [Problem.BUSY]  # said once
    # The urge and the newest progress wait; older progress was replaced.
    assert recorder.waiting == 2
    assert recorder.flush() is False
    other.execute("ROLLBACK")
    other.close()

    assert recorder.flush() is True
    assert recorder.trouble is None and recorder.waiting == 0
    saved = sessions.get_session(db, "s1")
    assert saved is not None
    assert (saved.state, saved.practice_seconds) == (SessionState.STOPPED, 75.0)
    assert saved.ended_at == START + timedelta(seconds=75)
    assert [(u.held_seconds, u.outcome) for u in saved.urges] == [(12.0, Outcome.HELD)]
    assert seq == 0
    db.close()


FULL_DISK_SESSION = """
from datetime import UTC, datetime, timedelta
from rls_companion.core.records import SessionRecord, SessionState
from rls_companion.core.session import Kind
from rls_companion.storage import sessions
from rls_companion.storage.recorder import SessionRecorder
start = datetime(2026, 12, 2, 22, 0, tzinfo=UTC)
path = disk / "data" / "history.sqlite3"
db = open_database(path).connection
troubles = []
recorder = SessionRecorder(db, disk / "data" / "running", on_trouble=troubles.append)
recorder.begin(SessionRecord("s1", start, None, Kind.BEDTIME, 1200, 0.0, SessionState.RUNNING))
recorder.checkpoint(5.0, start + timedelta(seconds=5))
def fill(name, block):
    fd = os.open(disk / name, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, bytes(block)):
            pass
    except OSError:
        pass
    os.close(fd)
fill("fill", 4096)
fill("fill-tail", 1)
# Twenty minutes of checkpoints with the disk full, then the end.
for second in range(10, 1200, 5):
    recorder.checkpoint(float(second), start + timedelta(seconds=second))
recorder.end(SessionState.COMPLETED, 1200.0, start + timedelta(seconds=1200))
result["troubles"] = [str(t) for t in troubles]
result["waiting"] = recorder.waiting
result["flushed_while_full"] = recorder.flush()
(disk / "fill").unlink()
(disk / "fill-tail").unlink()
result["flushed"] = recorder.flush()
saved = sessions.get_session(db, "s1")
result["saved"] = [saved.state.value, saved.practice_seconds]
"""


@needs_mounts
def test_a_full_disk_during_a_session_loses_nothing(tmp_path: Path) -> None:
    result = _in_small_disk(tmp_path, FULL_DISK_SESSION)
    assert result["troubles"] == ["full"]
    assert result["waiting"] == 1  # only the newest progress waits
    assert result["flushed_while_full"] is False
    assert result["flushed"] is True
    assert result["saved"] == ["completed", 1200.0]


def test_a_refused_write_is_dropped_not_retried_for_ever(data_dir: Path) -> None:
    db = open_database(data_dir / "history.sqlite3").connection
    recorder = SessionRecorder(db, data_dir / "running")
    recorder.begin(_record())
    recorder.end(SessionState.COMPLETED, 10.0, START + timedelta(seconds=10))
    # The same id again can never be inserted: dropped with a log line.
    recorder.begin(_record())
    assert recorder.waiting == 0 and recorder.trouble is None
    recorder.end(SessionState.COMPLETED, 10.0, START + timedelta(seconds=10))
    db.close()
