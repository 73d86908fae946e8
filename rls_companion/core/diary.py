"""The morning check-in: one sleep diary entry per night.

Every time is an aware instant that keeps the local offset it was entered
with, like every other instant the app stores. The derived figures are worked
out on absolute instants, so a night across a daylight-saving change has the
hour it really had (ten hours from 22:00 to 07:00 on the night the clocks go
back, eight on the night they go forward).

`check` refuses an entry with one line naming the field, in this order:

1. a time without a UTC offset (the first such field);
2. a number out of its range, a `legs_disturbed` that is not one of the
   answers, a note that is too long;
3. the order into bed ≤ tried to sleep < final waking ≤ out of bed: the field
   named is the first one that comes before the one it should follow;
4. a negative total sleep: `minutes_to_sleep` is named when it alone is longer
   than the time from trying to sleep to the final waking, otherwise
   `minutes_awake` (what is left after falling asleep cannot hold it);
5. a `night` that is not the night `tried_to_sleep_at` belongs to under the
   streak rules. With the default rollover at 06:00, trying to sleep at 01:30
   still belongs to the night that began the evening before.

The check-in is offered once a morning (`night_to_offer`): for the night that
ended at the last rollover, if it has no entry and was not offered before.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum

from rls_companion.core.reminder import TIME_HELP, parse_time
from rls_companion.core.streaks import StreakRules, night_of


class LegsDisturbed(StrEnum):
    """Did leg sensations delay sleep or wake you?"""

    NONE = "none"
    A_LITTLE = "a_little"
    A_LOT = "a_lot"


QUALITY_MIN = 1
QUALITY_MAX = 5
QUALITY_WORDS = {1: "very poor", 2: "poor", 3: "fair", 4: "good", 5: "very good"}

MAX_MINUTES_TO_SLEEP = 600
MAX_AWAKENINGS = 50
MAX_MINUTES_AWAKE = 900
MAX_NOTE_LENGTH = 500

# Wall-clock times of the form from this hour on are in the evening of the
# night's date; earlier ones are in the morning after.
EVENING_FROM = time(12, 0)

# Each field in plain words, for the one-line messages.
FIELD_WORDS = {
    "night": "The night",
    "in_bed_at": "The time into bed",
    "tried_to_sleep_at": "The time you tried to sleep",
    "minutes_to_sleep": "The minutes it took to fall asleep",
    "awakenings": "The number of awakenings",
    "minutes_awake": "The minutes awake in the night",
    "final_waking_at": "The time of the final waking",
    "out_of_bed_at": "The time out of bed",
    "quality": "The sleep quality",
    "legs_disturbed": "Whether your legs disturbed your sleep",
    "note": "The note",
}

DEFAULT_RULES = StreakRules()

_TIMES = ("in_bed_at", "tried_to_sleep_at", "final_waking_at", "out_of_bed_at")


class DiaryError(ValueError):
    """An entry refused; `field` is the field's name as in the product description."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{FIELD_WORDS[field]} {problem}.")


@dataclass(frozen=True)
class DiaryEntry:
    night: date
    in_bed_at: datetime
    tried_to_sleep_at: datetime
    minutes_to_sleep: int
    awakenings: int
    minutes_awake: int
    final_waking_at: datetime
    out_of_bed_at: datetime
    quality: int
    legs_disturbed: LegsDisturbed
    note: str = ""

    @property
    def time_in_bed_minutes(self) -> float:
        """From into bed to out of bed."""
        return _minutes_between(self.in_bed_at, self.out_of_bed_at)

    @property
    def total_sleep_minutes(self) -> float:
        """From trying to sleep to the final waking, less the time to fall
        asleep and the time awake in the night."""
        span = _minutes_between(self.tried_to_sleep_at, self.final_waking_at)
        return span - self.minutes_to_sleep - self.minutes_awake

    @property
    def sleep_efficiency(self) -> float:
        """Total sleep as a percentage of the time in bed (0 when no time in
        bed, which a checked entry never has)."""
        in_bed = self.time_in_bed_minutes
        if in_bed <= 0:
            return 0.0
        return self.total_sleep_minutes / in_bed * 100


def _minutes_between(start: datetime, end: datetime) -> float:
    # Subtracting two datetimes that share a tzinfo ignores their offsets;
    # in UTC the difference is the real one.
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


def _check_range(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DiaryError(name, f"must be a whole number from {low} to {high}")


def check(entry: DiaryEntry, rules: StreakRules = DEFAULT_RULES) -> DiaryEntry:
    """The entry if it can be kept, or `DiaryError` naming the first problem.

    A `legs_disturbed` given as its plain value ("a_lot") comes back as the
    member; nothing else is changed.
    """
    for name in _TIMES:
        value = getattr(entry, name)
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise DiaryError(name, "needs a date, a time and a UTC offset")

    _check_range("minutes_to_sleep", entry.minutes_to_sleep, 0, MAX_MINUTES_TO_SLEEP)
    _check_range("awakenings", entry.awakenings, 0, MAX_AWAKENINGS)
    _check_range("minutes_awake", entry.minutes_awake, 0, MAX_MINUTES_AWAKE)
    _check_range("quality", entry.quality, QUALITY_MIN, QUALITY_MAX)
    legs = entry.legs_disturbed
    if not isinstance(legs, LegsDisturbed):
        try:
            legs = LegsDisturbed(legs)
        except ValueError:
            raise DiaryError("legs_disturbed", "must be none, a_little or a_lot") from None
        entry = replace(entry, legs_disturbed=legs)
    if not isinstance(entry.note, str) or len(entry.note) > MAX_NOTE_LENGTH:
        raise DiaryError("note", f"must be text of at most {MAX_NOTE_LENGTH} characters")

    in_bed, tried, final, out = (getattr(entry, name).astimezone(UTC) for name in _TIMES)
    if tried < in_bed:
        raise DiaryError("tried_to_sleep_at", "is before the time into bed")
    if final <= tried:
        raise DiaryError("final_waking_at", "is not after the time you tried to sleep")
    if out < final:
        raise DiaryError("out_of_bed_at", "is before the final waking")

    asleep_span = _minutes_between(entry.tried_to_sleep_at, entry.final_waking_at)
    if entry.minutes_to_sleep > asleep_span:
        raise DiaryError(
            "minutes_to_sleep",
            "are more than the time from trying to sleep to the final waking",
        )
    if entry.total_sleep_minutes < 0:
        raise DiaryError(
            "minutes_awake",
            "leave no time asleep between trying to sleep and the final waking",
        )

    belongs_to = night_of(entry.tried_to_sleep_at, rules)
    if entry.night != belongs_to:
        raise DiaryError(
            "night",
            f"{entry.night.isoformat()} is not the night of the time you tried to sleep "
            f"({belongs_to.isoformat()})",
        )
    return entry


def local_instant(night: date, wall: time, tz: tzinfo | None) -> datetime:
    """A form's wall-clock time as an instant of the night.

    Times from 12:00 are on the night's date, earlier ones on the next date.
    `tz` is a zone with its rules (a `zoneinfo.ZoneInfo`); None means the
    computer's own zone. The result has the fixed UTC offset in force at that
    instant. A time the clocks skip (02:30 when they go forward) is read with
    the offset before the change, so it becomes 03:30 summer time; a time
    that happens twice (02:30 when they go back) is the first of the two.
    """
    day = night if wall >= EVENING_FROM else night + timedelta(days=1)
    naive_wall = wall.replace(tzinfo=None, fold=0)
    if tz is None:
        return _computer_instant(datetime.combine(day, naive_wall))
    instant = datetime.combine(day, naive_wall, tzinfo=tz).astimezone(UTC).astimezone(tz)
    offset = instant.utcoffset()
    if offset is None:
        return instant  # refused by `check`
    return instant.astimezone(timezone(offset))


def _computer_instant(wall: datetime) -> datetime:
    """`wall` (naive) read in the computer's own zone, as `local_instant` reads
    it in a ZoneInfo. Python reads a skipped time with the offset after the
    change when fold is 0 and before it when fold is 1: the second reading is
    the one wanted there, and the first everywhere else (a repeated time is
    then the first of the two)."""
    first = wall.astimezone()
    chosen = first if first.replace(tzinfo=None) == wall else wall.replace(fold=1).astimezone()
    offset = chosen.utcoffset()
    return chosen if offset is None else chosen.astimezone(timezone(offset))


def wall_time(field: str, text: str) -> time:
    """A time typed into the morning form as HH:MM, or `DiaryError` naming `field`."""
    try:
        return parse_time(text.strip())
    except ValueError:
        raise DiaryError(field, f"must be {TIME_HELP}") from None


def last_night(now: datetime, rules: StreakRules = DEFAULT_RULES) -> date:
    """The night that ended at the last rollover before `now` (an aware instant):
    the newest night a check-in can be about."""
    return night_of(now, rules) - timedelta(days=1)


def night_to_offer(
    now: datetime,
    rules: StreakRules,
    offered_for: date | None,
    kept: Container[date],
) -> date | None:
    """The night to offer the morning check-in for when the app opens at `now`,
    or None.

    It is the night that ended at the last rollover (`last_night`), offered
    once: not when `kept` already has an entry for it, and not when the check-in
    was offered for it, or for a later night (`offered_for`, the last night it
    was offered for), before. Filling in a night that was skipped stays
    possible from the window at any time; it is just not asked again.
    """
    night = last_night(now, rules)
    if offered_for is not None and offered_for >= night:
        return None
    if night in kept:
        return None
    return night


def entry_from_times(
    night: date,
    in_bed: time,
    tried: time,
    minutes_to_sleep: int,
    awakenings: int,
    minutes_awake: int,
    final_waking: time,
    out_of_bed: time,
    quality: int,
    legs: LegsDisturbed,
    note: str,
    tz: tzinfo | None,
    *,
    rules: StreakRules = DEFAULT_RULES,
) -> DiaryEntry:
    """A checked entry from the morning form's wall-clock times in zone `tz`
    (None: the computer's own; see `local_instant` for how each time is placed)."""
    return check(
        DiaryEntry(
            night=night,
            in_bed_at=local_instant(night, in_bed, tz),
            tried_to_sleep_at=local_instant(night, tried, tz),
            minutes_to_sleep=minutes_to_sleep,
            awakenings=awakenings,
            minutes_awake=minutes_awake,
            final_waking_at=local_instant(night, final_waking, tz),
            out_of_bed_at=local_instant(night, out_of_bed, tz),
            quality=quality,
            legs_disturbed=legs,
            note=note,
        ),
        rules,
    )
