"""The History screen's figures, arranged once per refresh in O(n).

Which nights are practised and how streaks count is decided in `streaks`; this
module only arranges those answers for a calendar and two charts, so the
window never re-derives a rule. The practice of every night is added up
once and serves the streak figures, the calendar and the chart alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from rls_companion.core import streaks
from rls_companion.core.streaks import Practice, Stats, StreakRules

CALENDAR_WEEKS = 53  # the window shows as many of these as fit, and at least 26
MIN_CALENDAR_WEEKS = 26
CHART_NIGHTS = 42


# A session of a night starts no earlier than that night's local midnight, which
# is at most 14 hours (the largest UTC offset) before midnight UTC; a margin of
# two days keeps every session of the first night charted.
_NIGHT_MARGIN = timedelta(days=2)


class NightState(StrEnum):
    PRACTISED = "practised"
    PARTLY = "partly"  # some practice, but less than makes a practised night
    NONE = "none"


@dataclass(frozen=True)
class Night:
    night: date
    seconds: int
    state: NightState

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class RatingNight:
    """Mean ratings of a night's rated sessions (before and after, each 0–10)."""

    night: date
    before: float | None
    after: float | None


class Rated(Practice, Protocol):
    """A session as the History figures see it (a `SessionRecord` or a `SessionBrief`)."""

    @property
    def rating_before(self) -> int | None: ...

    @property
    def rating_after(self) -> int | None: ...


@dataclass(frozen=True)
class HistorySummary:
    tonight: date
    stats: Stats
    calendar: tuple[Night, ...]  # whole weeks, oldest first, ending tonight
    recent: tuple[Night, ...]  # the last CHART_NIGHTS nights, oldest first, ending tonight
    ratings: tuple[RatingNight, ...]  # rated nights among `recent`, oldest first


def calendar_start(tonight: date, weeks: int, week_start: int = 0) -> date:
    """First night of a calendar of `weeks` whole weeks whose last week holds tonight.

    `week_start` is the weekday rows begin with (0 Monday … 6 Sunday).
    """
    this_week = tonight - timedelta(days=(tonight.weekday() - week_start) % 7)
    return this_week - timedelta(weeks=weeks - 1)


def nights_between(
    first: date, last: date, practice: dict[date, int], practised: set[date]
) -> tuple[Night, ...]:
    nights = []
    night = first
    while night <= last:
        seconds = practice.get(night, 0)
        if night in practised:
            state = NightState.PRACTISED
        elif seconds > 0:
            state = NightState.PARTLY
        else:
            state = NightState.NONE
        nights.append(Night(night, seconds, state))
        night += timedelta(days=1)
    return tuple(nights)


def ratings_by_night(
    records: Iterable[Rated], rules: StreakRules, first: date, last: date
) -> tuple[RatingNight, ...]:
    befores: dict[date, list[int]] = {}
    afters: dict[date, list[int]] = {}
    for record in records:
        if record.rating_before is None and record.rating_after is None:
            continue
        night = streaks.night_of(record.started_at, rules)
        if not first <= night <= last:
            continue
        befores.setdefault(night, [])
        afters.setdefault(night, [])
        if record.rating_before is not None:
            befores[night].append(record.rating_before)
        if record.rating_after is not None:
            afters[night].append(record.rating_after)
    return tuple(
        RatingNight(night, _mean(befores[night]), _mean(afters[night])) for night in sorted(befores)
    )


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(
    records: Sequence[Rated],
    as_of: datetime,
    rules: StreakRules,
    weeks: int = CALENDAR_WEEKS,
    chart_nights: int = CHART_NIGHTS,
    week_start: int = 0,
) -> HistorySummary:
    """Everything the History screen shows, as of an instant (later sessions do not count)."""
    tonight = streaks.night_of(as_of, rules)
    chart_first = tonight - timedelta(days=chart_nights - 1)
    calendar_first = calendar_start(tonight, weeks, week_start)
    known = streaks.known_at(records, as_of)
    cutoff = datetime.combine(chart_first, time(), UTC) - _NIGHT_MARGIN
    practice = streaks.practice_by_night(known, rules)
    practised = streaks.practised(practice, rules)
    return HistorySummary(
        tonight=tonight,
        stats=streaks.stats_of(practice, practised, len(known), tonight),
        calendar=nights_between(calendar_first, tonight, practice, practised),
        recent=nights_between(chart_first, tonight, practice, practised),
        ratings=ratings_by_night(
            streaks.started_between(known, cutoff, as_of), rules, chart_first, tonight
        ),
    )
