"""Plain-words descriptions of sessions, for the window and the terminal."""

from __future__ import annotations

from rls_companion.core.records import Outcome, SessionRecord, SessionState
from rls_companion.core.session import KIND_TITLES, Kind, kind_name

STATE_WORDS = {
    SessionState.COMPLETED: "completed",
    SessionState.STOPPED: "stopped early",
    SessionState.INTERRUPTED: "interrupted",
    SessionState.RUNNING: "in progress",
}


def kind_title(kind: Kind) -> str:
    return KIND_TITLES[kind]


def when(record: SessionRecord) -> str:
    started = record.started_at
    return f"{started:%a %d %b %Y}, {started:%H:%M}"


def practice_words(record: SessionRecord) -> str:
    minutes = round(record.practice_seconds / 60)
    return "under a minute" if minutes < 1 else f"{minutes} min"


def describe(record: SessionRecord) -> str:
    return (
        f"{when(record)}  ·  {kind_title(record.kind)}  ·  {practice_words(record)}"
        f"  ·  {STATE_WORDS[record.state]}"
    )


def ratings_words(record: SessionRecord) -> str:
    before, after = record.rating_before, record.rating_after
    if before is not None and after is not None:
        return f"sensations {before} → {after}"
    if before is not None:
        return f"sensations {before} before"
    if after is not None:
        return f"sensations {after} after"
    return ""


def urges_words(record: SessionRecord) -> str:
    count = len(record.urges)
    if count == 0:
        return ""
    held = sum(1 for urge in record.urges if urge.outcome == Outcome.HELD)
    longest = round(max(urge.held_seconds for urge in record.urges))
    noun = "urge" if count == 1 else "urges"
    return f"{count} {noun}, {held} held, longest {longest} s"


def details(record: SessionRecord) -> str:
    """The second line of a session in the history: what kind, how it ended, how it felt."""
    parts = [
        kind_name(record.kind),
        STATE_WORDS[record.state],
        ratings_words(record),
        urges_words(record),
    ]
    return "  ·  ".join(part for part in parts if part)
