"""When the bedtime reminder is due.

The reminder is a time of day on chosen weekdays, in local time. The next
instant is computed afresh from the wall clock each time (never by adding a
day to the last one), so daylight-saving changes, travel and a laptop that
slept through the evening all land on the right local time.

Local times that happen twice or never follow the usual calendar rules
(as in java.time and PEP 495 with fold=0): a time that happens twice is taken
at its first occurrence, and a time skipped by a spring-forward change is
moved later by the length of the gap.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

TIME_PATTERN = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
TIME_HELP = "a time of day as HH:MM, 00:00–23:59"
_DAY = "(?:" + "|".join(WEEKDAYS) + ")"
# The lookahead refuses a day named twice ("mon,mon").
DAYS_PATTERN = f"(?!.*\\b({'|'.join(WEEKDAYS)})\\b.*\\b\\1\\b){_DAY}(?:,{_DAY})*"
DAYS_HELP = "a comma-separated list of days from mon,tue,wed,thu,fri,sat,sun, each once"

# A reminder missed while the laptop slept is still worth showing if it wakes
# soon after; later than this, the evening has moved on and it waits for the
# next one.
MISSED_GRACE = timedelta(minutes=30)


def parse_time(text: str) -> time:
    """'22:30' -> 22:30; raises ValueError for anything that is not HH:MM."""
    if not re.fullmatch(TIME_PATTERN, text):
        raise ValueError(f"{text!r} is not {TIME_HELP}")
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def parse_days(text: str) -> frozenset[int]:
    """'mon,fri' -> {0, 4} (Monday is 0, as in `date.weekday()`)."""
    if not re.fullmatch(DAYS_PATTERN, text):
        raise ValueError(f"{text!r} is not {DAYS_HELP}")
    return frozenset(WEEKDAYS.index(day) for day in text.split(","))


def next_reminder(
    now: datetime, at: time, days: Collection[int], zone: tzinfo | None = None
) -> datetime | None:
    """The first instant strictly after `now` when the local clock reads `at`
    on one of `days`; None when no day is chosen.

    `now` must be aware. `zone` is the local time zone with its rules (a
    `zoneinfo.ZoneInfo`); None means the computer's own zone. The result
    carries the fixed UTC offset in force at that instant: datetimes sharing a
    ZoneInfo compare and subtract by wall time, which is wrong across a change.
    """
    if now.utcoffset() is None:
        raise ValueError("now must carry its UTC offset")
    if not days:
        return None
    today = _local(now, zone).date()
    # One day back covers a `now` just past local midnight whose reminder of
    # "yesterday" was shifted past midnight by a gap; eight days forward
    # always reaches the same weekday again.
    for offset in range(-1, 9):
        day = today + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        candidate = _instant(day, at, zone)
        if candidate > now:
            return candidate
    raise AssertionError("a chosen weekday always comes within eight days")


def still_worth_showing(due: datetime, now: datetime) -> bool:
    """A reminder due at `due` and noticed at `now` (e.g. on waking from sleep)."""
    return due <= now <= due + MISSED_GRACE


def _local(instant: datetime, zone: tzinfo | None) -> datetime:
    return instant.astimezone(zone) if zone is not None else instant.astimezone()


def _instant(day: date, at: time, zone: tzinfo | None) -> datetime:
    """The first instant when the local clock reads `at` on `day`; for a
    reading skipped by a gap, the instant it would have had after the gap."""
    wall = datetime.combine(day, at)
    readings = [_aware(wall.replace(fold=fold), zone) for fold in (0, 1)]
    real = [reading for reading in readings if reading.replace(tzinfo=None) == wall]
    return min(real) if real else max(readings)


def _aware(wall: datetime, zone: tzinfo | None) -> datetime:
    if zone is None:
        # A naive datetime is read in the computer's own zone, with its rules.
        return wall.astimezone()
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return instant.astimezone(timezone(offset))
