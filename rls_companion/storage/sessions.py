"""Reading and writing sessions in the history file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from rls_companion.core.records import (
    Outcome,
    SessionBrief,
    SessionRecord,
    SessionState,
    UrgeRecord,
    whole_seconds,
)
from rls_companion.core.session import Kind
from rls_companion.core.timestamps import from_parts, to_parts


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")  # may fail too (a full disk): then roll back as well
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def insert_session(db: sqlite3.Connection, record: SessionRecord) -> None:
    started, started_offset = to_parts(record.started_at)
    ended, ended_offset = to_parts(record.ended_at) if record.ended_at else (None, None)
    db.execute(
        "INSERT INTO sessions (id, started_utc, started_offset, ended_utc, ended_offset, kind,"
        " planned_seconds, practice_seconds, state, pattern, breaths_per_minute,"
        " rating_before, rating_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            record.id,
            started,
            started_offset,
            ended,
            ended_offset,
            record.kind,
            record.planned_seconds,
            record.practice_seconds,
            record.state.value,
            record.pattern,
            record.breaths_per_minute,
            record.rating_before,
            record.rating_after,
        ),
    )
    for seq, urge in enumerate(record.urges):
        insert_urge(db, record.id, seq, urge)


def insert_urge(db: sqlite3.Connection, session_id: str, seq: int, urge: UrgeRecord) -> None:
    at, at_offset = to_parts(urge.at)
    db.execute(
        "INSERT INTO urges (session_id, seq, at_utc, at_offset, target_seconds, held_seconds,"
        " outcome, intensity) VALUES (?,?,?,?,?,?,?,?)",
        (
            session_id,
            seq,
            at,
            at_offset,
            urge.target_seconds,
            urge.held_seconds,
            urge.outcome,
            urge.intensity,
        ),
    )


def update_progress(
    db: sqlite3.Connection,
    session_id: str,
    practice_seconds: float,
    seen_at: datetime,
    state: SessionState = SessionState.RUNNING,
) -> None:
    """Checkpoint: practice so far and the last instant the session was alive."""
    seen, seen_offset = to_parts(seen_at)
    db.execute(
        "UPDATE sessions SET practice_seconds = ?, ended_utc = ?, ended_offset = ?, state = ?"
        " WHERE id = ?",
        (practice_seconds, seen, seen_offset, state.value, session_id),
    )


def set_ratings(
    db: sqlite3.Connection, session_id: str, before: int | None, after: int | None
) -> None:
    db.execute(
        "UPDATE sessions SET rating_before = ?, rating_after = ? WHERE id = ?",
        (before, after, session_id),
    )


def mark_interrupted(db: sqlite3.Connection, session_id: str) -> None:
    db.execute(
        "UPDATE sessions SET state = 'interrupted' WHERE id = ? AND state = 'running'",
        (session_id,),
    )


def running_ids(db: sqlite3.Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT id FROM sessions WHERE state = 'running'")]


def list_sessions(db: sqlite3.Connection, newest_first: bool = True) -> list[SessionRecord]:
    """Every session with its urges, newest first unless asked otherwise."""
    order = "DESC" if newest_first else "ASC"
    urges: dict[str, list[UrgeRecord]] = {}
    for row in db.execute("SELECT * FROM urges ORDER BY session_id, seq"):
        urges.setdefault(row["session_id"], []).append(_urge_from_row(row))
    return [
        _session_from_row(row, tuple(urges.get(row["id"], ())))
        for row in db.execute(f"SELECT * FROM sessions ORDER BY started_utc {order}, id {order}")
    ]


def list_briefs(db: sqlite3.Connection) -> list[SessionBrief]:
    """Every session, newest first, with only what streaks and charts need.

    On ten years of history this is several times faster than `list_sessions`.
    """
    return [
        SessionBrief(
            session_id, from_parts(started, offset), whole_seconds(practice), before, after
        )
        for session_id, started, offset, practice, before, after in db.execute(
            "SELECT id, started_utc, started_offset, practice_seconds, rating_before,"
            " rating_after FROM sessions ORDER BY started_utc DESC, id DESC"
        )
    ]


def get_session(db: sqlite3.Connection, session_id: str) -> SessionRecord | None:
    found = get_sessions(db, [session_id])
    return found[0] if found else None


_IDS_PER_QUERY = 500  # well under SQLite's limit on parameters


def get_sessions(db: sqlite3.Connection, ids: Sequence[str]) -> list[SessionRecord]:
    """The sessions with these ids, with their urges, in the order asked for;
    ids no longer in the history are left out."""
    rows: dict[str, sqlite3.Row] = {}
    urges: dict[str, list[UrgeRecord]] = {}
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT * FROM sessions WHERE id IN ({marks})", chunk):
            rows[row["id"]] = row
        for row in db.execute(
            f"SELECT * FROM urges WHERE session_id IN ({marks}) ORDER BY session_id, seq", chunk
        ):
            urges.setdefault(row["session_id"], []).append(_urge_from_row(row))
    return [
        _session_from_row(rows[session_id], tuple(urges.get(session_id, ())))
        for session_id in ids
        if session_id in rows
    ]


def _urge_from_row(row: sqlite3.Row) -> UrgeRecord:
    return UrgeRecord(
        from_parts(row["at_utc"], row["at_offset"]),
        row["target_seconds"],
        row["held_seconds"],
        Outcome(row["outcome"]),
        row["intensity"],
    )


def _session_from_row(row: sqlite3.Row, urges: tuple[UrgeRecord, ...]) -> SessionRecord:
    ended = (
        from_parts(row["ended_utc"], row["ended_offset"]) if row["ended_utc"] is not None else None
    )
    return SessionRecord(
        id=row["id"],
        started_at=from_parts(row["started_utc"], row["started_offset"]),
        ended_at=ended,
        kind=Kind(row["kind"]),
        planned_seconds=row["planned_seconds"],
        practice_seconds=row["practice_seconds"],
        state=SessionState(row["state"]),
        pattern=row["pattern"],
        breaths_per_minute=row["breaths_per_minute"],
        rating_before=row["rating_before"],
        rating_after=row["rating_after"],
        urges=urges,
    )


def delete_session(db: sqlite3.Connection, session_id: str) -> SessionRecord | None:
    """Remove a session (and its urges); returns it so the caller can undo."""
    record = get_session(db, session_id)
    if record is None:
        return None
    with transaction(db):
        db.execute("DELETE FROM urges WHERE session_id = ?", (session_id,))
        db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
    return record


def restore_session(db: sqlite3.Connection, record: SessionRecord) -> None:
    """Put back a deleted session exactly as it was (undo)."""
    with transaction(db):
        insert_session(db, record)


def has_session(db: sqlite3.Connection, session_id: str) -> bool:
    return db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None


def update_urge(
    db: sqlite3.Connection,
    session_id: str,
    seq: int,
    held_seconds: float,
    outcome: Outcome,
    intensity: int | None,
) -> None:
    db.execute(
        "UPDATE urges SET held_seconds = ?, outcome = ?, intensity = ?"
        " WHERE session_id = ? AND seq = ?",
        (held_seconds, outcome, intensity, session_id, seq),
    )


def set_rating_after(db: sqlite3.Connection, session_id: str, rating: int | None) -> None:
    db.execute("UPDATE sessions SET rating_after = ? WHERE id = ?", (rating, session_id))
