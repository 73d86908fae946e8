"""Recording a running session so that nothing is lost.

The row is written at the first second and checkpointed at least every 10
seconds. While the session runs, its process holds an advisory lock on a small
file; when any later process finds a 'running' row whose lock is free, the
process that owned it has died (crash, kill, power loss) and the row becomes
'interrupted' with the practice seconds of its last checkpoint.

A write that fails (a full disk, a file busy in another program) loses
nothing: it waits in memory, in order, and every later write, or `flush`,
tries again from the first waiting one. Only the newest progress of the
session needs to wait; older ones are replaced by it. The first failure is
reported once through `on_trouble`; waits for a busy file are kept short, so
the window never freezes on one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.paths import ensure_private_dir
from rls_companion.storage import sessions
from rls_companion.storage.db import Problem, classify

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 5.0
# How long one write may wait for a history file busy in another program
# before it is left waiting in memory (the window stays responsive).
BUSY_WAIT_MS = 250


@dataclass
class _Write:
    run: Callable[[], None]
    progress: bool  # the session's practice so far: only the newest matters


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
    def __init__(
        self,
        db: sqlite3.Connection,
        run_dir: Path,
        on_trouble: Callable[[Problem], None] | None = None,
    ) -> None:
        self.db = db
        self.run_dir = run_dir
        self.on_trouble = on_trouble
        self.session_id: str | None = None
        self.last_session_id: str | None = None  # stays after the end, for the rating after
        self._started_at = datetime.min.replace(tzinfo=UTC)
        self._lock: IO[str] | None = None
        self._urges = 0
        self._waiting: list[_Write] = []
        self.trouble: Problem | None = None
        self._path = Path(str(db.execute("PRAGMA database_list").fetchone()[2]))
        db.execute(f"PRAGMA busy_timeout = {BUSY_WAIT_MS}")

    @property
    def waiting(self) -> int:
        """Writes kept in memory until the history can take them."""
        return len(self._waiting)

    def begin(self, record: SessionRecord) -> None:
        try:
            ensure_private_dir(self.run_dir)
            lock_path = self.run_dir / f"{record.id}.lock"
            fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
            self._lock = os.fdopen(fd, "w")
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:  # the session runs all the same
            log.warning("cannot hold the session's lock file: %s", error)
            self._lock = None
        self.session_id = record.id
        self.last_session_id = record.id
        self._started_at = record.started_at
        self._urges = 0

        def insert() -> None:
            with sessions.transaction(self.db):
                sessions.insert_session(self.db, record)

        self._write(insert)

    def _seen(self, now: datetime) -> datetime:
        # If the wall clock was set back mid-session, never record an end
        # before the start: the history must stay importable.
        return max(now, self._started_at)

    def checkpoint(self, practice_seconds: float, now: datetime) -> None:
        if self.session_id is not None:
            self._progress(self.session_id, practice_seconds, self._seen(now), SessionState.RUNNING)

    def add_urge(self, urge: UrgeRecord) -> int:
        """Save an urge episode the moment it starts; returns its number."""
        session_id = self.session_id
        if session_id is None:
            raise RuntimeError("no session is being recorded")
        seq = self._urges
        self._urges += 1
        self._write(lambda: sessions.insert_urge(self.db, session_id, seq, urge))
        return seq

    def update_urge(
        self, seq: int, held_seconds: float, outcome: Outcome, intensity: int | None
    ) -> None:
        session_id = self.session_id
        if session_id is not None:
            self._write(
                lambda: sessions.update_urge(
                    self.db, session_id, seq, held_seconds, outcome, intensity
                )
            )

    def set_ratings(self, before: int | None, after: int | None) -> None:
        session_id = self.session_id
        if session_id is not None:
            self._write(lambda: sessions.set_ratings(self.db, session_id, before, after))

    def set_rating_after(self, rating: int | None) -> None:
        """The rating given on the end card, after the session was saved."""
        session_id = self.last_session_id
        if session_id is not None:
            self._write(lambda: sessions.set_rating_after(self.db, session_id, rating))

    def end(self, state: SessionState, practice_seconds: float, now: datetime) -> None:
        if self.session_id is None:
            return
        self._progress(self.session_id, practice_seconds, self._seen(now), state)
        self._release()

    def _progress(
        self, session_id: str, practice_seconds: float, seen: datetime, state: SessionState
    ) -> None:
        self._write(
            lambda: sessions.update_progress(self.db, session_id, practice_seconds, seen, state),
            progress=True,
        )

    def _write(self, run: Callable[[], None], progress: bool = False) -> None:
        if progress:
            self._waiting = [write for write in self._waiting if not write.progress]
        self._waiting.append(_Write(run, progress))
        self.flush()

    def flush(self) -> bool:
        """Write everything waiting, in order; True when nothing is left waiting."""
        while self._waiting:
            try:
                self._waiting[0].run()
            except sqlite3.IntegrityError as error:  # can never succeed: say so, go on
                log.error("a session write was refused and dropped: %s", error)
            except sqlite3.Error as error:
                self._troubled(error)
                return False
            self._waiting.pop(0)
        if self.trouble is not None:
            log.info("the history can be written again; everything waiting was saved")
            self.trouble = None
        return True

    def _troubled(self, error: sqlite3.Error) -> None:
        problem = classify(error, self._path)
        if self.trouble is None:
            log.warning("cannot save the session right now (%s); keeping it in memory", error)
            self.trouble = problem
            if self.on_trouble is not None:
                self.on_trouble(problem)

    def _release(self) -> None:
        if self._lock is not None and self.session_id is not None:
            (self.run_dir / f"{self.session_id}.lock").unlink(missing_ok=True)
            self._lock.close()
        self._lock = None
        self.session_id = None
