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
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cached_property
from typing import Protocol, TypeVar

DEFAULT_ROLLOVER_HOUR = 6
DEFAULT_MIN_PRACTICE_MINUTES = 5


@dataclass(frozen=True)
class StreakRules:
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    min_practice_minutes: int = DEFAULT_MIN_PRACTICE_MINUTES

    @property
    def min_practice_seconds(self) -> int:
        return self.min_practice_minutes * 60

    @cached_property
    def rollover(self) -> timedelta:
        return timedelta(hours=self.rollover_hour)


class Practice(Protocol):
    """A session as the streak rules see it (a `SessionRecord` or a `SessionBrief`)."""

    @property
    def started_at(self) -> datetime: ...

    @property
    def whole_practice_seconds(self) -> int: ...


def night_of(instant: datetime, rules: StreakRules) -> date:
    """The night an aware local instant belongs to."""
    if instant.utcoffset() is None:
        raise ValueError("night_of needs an instant with a UTC offset")
    return (instant - rules.rollover).date()


def practice_by_night(records: Iterable[Practice], rules: StreakRules) -> dict[date, int]:
    nights: dict[date, int] = {}
    for record in records:
        night = night_of(record.started_at, rules)
        nights[night] = nights.get(night, 0) + record.whole_practice_seconds
    return nights


def practised(practice: dict[date, int], rules: StreakRules) -> set[date]:
    """The nights among `practice_by_night`'s answer that were practised."""
    enough = rules.min_practice_seconds
    return {night for night, seconds in practice.items() if seconds >= enough}


def practised_nights(records: Iterable[Practice], rules: StreakRules) -> set[date]:
    return practised(practice_by_night(records, rules), rules)


def current_streak(practised: set[date], tonight: date) -> int:
    night = tonight if tonight in practised else tonight - timedelta(days=1)
    count = 0
    while night in practised:
        count += 1
        night -= timedelta(days=1)
    return count


def longest_streak(practised: set[date]) -> int:
    days = {night.toordinal() for night in practised}
    best = 0
    for day in days:
        if day - 1 in days:
            continue  # not the start of a run
        length = 1
        while day + length in days:
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


P = TypeVar("P", bound=Practice)


def known_at(records: Iterable[P], as_of: datetime) -> list[P]:
    """The sessions that count as of an instant: those that started by then."""
    if as_of.utcoffset() is None:
        raise ValueError("stats need an instant with a UTC offset")
    return started_between(records, None, as_of)


def started_between(records: Iterable[P], since: datetime | None, until: datetime) -> list[P]:
    """The sessions that started from `since` (if given) to `until`, both included.

    Aware instants in different zones compare by working out both UTC
    offsets, which on ten years of history costs more than the rest of the
    figures; so the bounds are moved into each fixed-offset zone once and
    compared there (the same answer: a fixed offset maps wall time to UTC
    one to one). Other zones are compared as given.
    """
    bounds: dict[tzinfo, tuple[datetime | None, datetime]] = {}
    kept = []
    for record in records:
        start = record.started_at
        zone = start.tzinfo
        if type(zone) is timezone:
            bound = bounds.get(zone)
            if bound is None:
                bound = bounds[zone] = (
                    since.astimezone(zone) if since else None,
                    until.astimezone(zone),
                )
            low, high = bound
        else:
            low, high = since, until
        if start <= high and (low is None or low <= start):
            kept.append(record)
    return kept


def stats(records: Iterable[Practice], as_of: datetime, rules: StreakRules) -> Stats:
    """Figures as of an instant: sessions that started after it do not count."""
    known = known_at(records, as_of)
    practice = practice_by_night(known, rules)
    return stats_of(practice, practised(practice, rules), len(known), night_of(as_of, rules))


def stats_of(practice: dict[date, int], nights: set[date], sessions: int, tonight: date) -> Stats:
    """`stats` from the practice by night of the `sessions` known tonight, and
    the `nights` among them that were practised."""
    return Stats(
        current_streak=current_streak(nights, tonight),
        longest_streak=longest_streak(nights),
        practised_nights=len(nights),
        sessions=sessions,
        total_practice_seconds=sum(practice.values()),
    )
