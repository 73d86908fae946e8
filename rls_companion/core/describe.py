"""Plain-words descriptions of sessions, for the window and the terminal."""

from __future__ import annotations

from rls_companion.core.records import SessionRecord, SessionState
from rls_companion.core.session import KIND_TITLES, Kind

STATE_WORDS = {
    SessionState.COMPLETED: "completed",
    SessionState.STOPPED: "stopped early",
    SessionState.INTERRUPTED: "interrupted",
    SessionState.RUNNING: "in progress",
}


def kind_title(kind: str) -> str:
    try:
        return KIND_TITLES[Kind(kind)]
    except ValueError:
        return kind


def describe(record: SessionRecord) -> str:
    started = record.started_at
    when = f"{started:%a %d %b %Y}, {started:%H:%M}"
    minutes = round(record.practice_seconds / 60)
    practised = "under a minute" if minutes < 1 else f"{minutes} min"
    return f"{when}  ·  {kind_title(record.kind)}  ·  {practised}  ·  {STATE_WORDS[record.state]}"
