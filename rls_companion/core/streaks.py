"""Nights and streaks: the one place these rules live.

The night of a session is the local calendar date of (local start time minus
the rollover), using the UTC offset recorded with that session, so travel and
daylight-saving changes never move a session to another night. A night is
practised when its sessions' practice seconds add up to the minimum. Tonight
cannot break a streak: if the night of the instant asked about is not
practised (yet), the count starts from the night before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rls_companion.core.records import SessionRecord

DEFAULT_ROLLOVER_HOUR = 6
DEFAULT_MIN_PRACTICE_MINUTES = 5


@dataclass(frozen=True)
class StreakRules:
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    min_practice_minutes: int = DEFAULT_MIN_PRACTICE_MINUTES

    @property
    def min_practice_seconds(self) -> int:
        return self.min_practice_minutes * 60


def night_of(instant: datetime, rules: StreakRules) -> date:
    """The night an aware local instant belongs to."""
    if instant.utcoffset() is None:
        raise ValueError("night_of needs an instant with a UTC offset")
    return (instant - timedelta(hours=rules.rollover_hour)).date()


def practice_by_night(records: Iterable[SessionRecord], rules: StreakRules) -> dict[date, int]:
    nights: dict[date, int] = {}
    for record in records:
        night = night_of(record.started_at, rules)
        nights[night] = nights.get(night, 0) + record.whole_practice_seconds
    return nights


def practised_nights(records: Iterable[SessionRecord], rules: StreakRules) -> set[date]:
    return {
        night
        for night, seconds in practice_by_night(records, rules).items()
        if seconds >= rules.min_practice_seconds
    }


def current_streak(practised: set[date], tonight: date) -> int:
    night = tonight if tonight in practised else tonight - timedelta(days=1)
    count = 0
    while night in practised:
        count += 1
        night -= timedelta(days=1)
    return count


def longest_streak(practised: set[date]) -> int:
    best = 0
    for night in practised:
        if night - timedelta(days=1) in practised:
            continue  # not the start of a run
        length = 1
        while night + timedelta(days=length) in practised:
            length += 1
        best = max(best, length)
    return best


@dataclass(frozen=True)
class Stats:
    current_streak: int
    longest_streak: int
    practised_nights: int
    sessions: int
    total_practice_seconds: int

    def as_dict(self) -> dict[str, int]:
        return {
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "practised_nights": self.practised_nights,
            "sessions": self.sessions,
            "total_practice_seconds": self.total_practice_seconds,
        }


def stats(records: Iterable[SessionRecord], as_of: datetime, rules: StreakRules) -> Stats:
    """Figures as of an instant: sessions that started after it do not count."""
    if as_of.utcoffset() is None:
        raise ValueError("stats need an instant with a UTC offset")
    known = [r for r in records if r.started_at <= as_of]
    practised = practised_nights(known, rules)
    return Stats(
        current_streak=current_streak(practised, night_of(as_of, rules)),
        longest_streak=longest_streak(practised),
        practised_nights=len(practised),
        sessions=len(known),
        total_practice_seconds=sum(r.whole_practice_seconds for r in known),
    )
