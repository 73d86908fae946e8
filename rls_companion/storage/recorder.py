"""Recording a running session so that nothing is lost.

The row is written at the first second and checkpointed at least every 10
seconds. While the session runs, its process holds an advisory lock on a small
file; when any later process finds a 'running' row whose lock is free, the
process that owned it has died (crash, kill, power loss) and the row becomes
'interrupted' with the practice seconds of its last checkpoint.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.paths import ensure_private_dir
from rls_companion.storage import sessions

CHECKPOINT_SECONDS = 5.0


def reap_orphans(db: sqlite3.Connection, run_dir: Path) -> list[str]:
    """Mark sessions whose process is gone as interrupted; return their ids."""
    reaped = []
    for session_id in sessions.running_ids(db):
        lock_path = run_dir / f"{session_id}.lock"
        try:
            handle = open(lock_path, "a")  # noqa: SIM115 - closed below
        except OSError:
            handle = None
        if handle is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue  # its process is alive
            lock_path.unlink(missing_ok=True)
            handle.close()
        sessions.mark_interrupted(db, session_id)
        reaped.append(session_id)
    return reaped


class SessionRecorder:
    def __init__(self, db: sqlite3.Connection, run_dir: Path) -> None:
        self.db = db
        self.run_dir = run_dir
        self.session_id: str | None = None
        self.last_session_id: str | None = None  # stays after the end, for the rating after
        self._started_at = datetime.min.replace(tzinfo=UTC)
        self._lock: IO[str] | None = None
        self._urges = 0

    def begin(self, record: SessionRecord) -> None:
        ensure_private_dir(self.run_dir)
        lock_path = self.run_dir / f"{record.id}.lock"
        fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
        self._lock = os.fdopen(fd, "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with sessions.transaction(self.db):
            sessions.insert_session(self.db, record)
        self.session_id = record.id
        self.last_session_id = record.id
        self._started_at = record.started_at
        self._urges = 0

    def _seen(self, now: datetime) -> datetime:
        # If the wall clock was set back mid-session, never record an end
        # before the start: the history must stay importable.
        return max(now, self._started_at)

    def checkpoint(self, practice_seconds: float, now: datetime) -> None:
        if self.session_id is not None:
            sessions.update_progress(self.db, self.session_id, practice_seconds, self._seen(now))

    def add_urge(self, urge: UrgeRecord) -> int:
        """Save an urge episode the moment it starts; returns its number."""
        if self.session_id is None:
            raise RuntimeError("no session is being recorded")
        seq = self._urges
        sessions.insert_urge(self.db, self.session_id, seq, urge)
        self._urges += 1
        return seq

    def update_urge(
        self, seq: int, held_seconds: float, outcome: Outcome, intensity: int | None
    ) -> None:
        if self.session_id is not None:
            sessions.update_urge(self.db, self.session_id, seq, held_seconds, outcome, intensity)

    def set_ratings(self, before: int | None, after: int | None) -> None:
        if self.session_id is not None:
            sessions.set_ratings(self.db, self.session_id, before, after)

    def end(self, state: SessionState, practice_seconds: float, now: datetime) -> None:
        if self.session_id is None:
            return
        sessions.update_progress(self.db, self.session_id, practice_seconds, self._seen(now), state)
        self._release()

    def _release(self) -> None:
        if self._lock is not None and self.session_id is not None:
            (self.run_dir / f"{self.session_id}.lock").unlink(missing_ok=True)
            self._lock.close()
        self._lock = None
        self.session_id = None
