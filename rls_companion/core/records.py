"""What a session looks like once recorded: the history's data model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from rls_companion.core.session import Kind

# Every 0–10 rating: leg sensations before and after a session, and an urge's strength.
RATING_MIN = 0
RATING_MAX = 10


def whole_seconds(seconds: float) -> int:
    """Seconds rounded to whole seconds (half up): what is exported and counted."""
    return int(seconds + 0.5)


class SessionState(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


class Outcome(StrEnum):
    """How an urge episode ended: the target reached, or the choice to move."""

    HELD = "held"
    MOVED = "moved"


@dataclass(frozen=True)
class UrgeRecord:
    at: datetime
    target_seconds: int
    held_seconds: float
    outcome: Outcome
    intensity: int | None = None


@dataclass(frozen=True)
class SessionRecord:
    id: str
    started_at: datetime
    ended_at: datetime | None
    kind: Kind
    planned_seconds: int
    practice_seconds: float
    state: SessionState
    pattern: str | None = None
    breaths_per_minute: float | None = None
    rating_before: int | None = None
    rating_after: int | None = None
    urges: tuple[UrgeRecord, ...] = field(default=())

    @property
    def whole_practice_seconds(self) -> int:
        return whole_seconds(self.practice_seconds)

    @property
    def completed(self) -> bool:
        return self.state is SessionState.COMPLETED

    @property
    def interrupted(self) -> bool:
        return self.state is SessionState.INTERRUPTED


class SessionBrief(NamedTuple):
    """What the streak figures and charts need of a session, and no more.

    Ten years of history is thousands of sessions; reading only these fields
    is several times faster than reading whole records.
    """

    id: str
    started_at: datetime
    whole_practice_seconds: int
    rating_before: int | None
    rating_after: int | None


def brief(record: SessionRecord) -> SessionBrief:
    return SessionBrief(
        record.id,
        record.started_at,
        record.whole_practice_seconds,
        record.rating_before,
        record.rating_after,
    )
