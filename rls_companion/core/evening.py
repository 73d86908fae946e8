"""The evening log: one per night, optional, and any field may be empty.

When the sensations started (or `none_today`), where they were felt, the
bedtime 0–10 rating, what the day held that might matter (the default
triggers, or the person's own labels) and a note.

`check` refuses a log with one line naming the field, and hands back the log
with its trigger labels trimmed, without repeats and sorted, and its places
as `Place` members. A start time must belong to the log's night under the
streak rules (with the rollover at 06:00: from 06:00 on the night's date to
06:00 the next morning), so that `onset_minutes` orders the nights' starts
the way they happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from statistics import median_low

from rls_companion.core.diary import EVENING_FROM, local_instant
from rls_companion.core.records import RATING_MAX, RATING_MIN
from rls_companion.core.reminder import TIME_HELP, parse_time
from rls_companion.core.streaks import StreakRules, night_of


class Place(StrEnum):
    LEGS = "legs"
    ARMS = "arms"
    ELSEWHERE = "elsewhere"


DEFAULT_TRIGGERS: tuple[str, ...] = (
    "caffeine_after_noon",
    "alcohol",
    "nicotine",
    "sedating_antihistamine_or_sleep_aid",
    "long_sit",
    "late_hard_exercise",
    "missed_usual_medicine",
    "short_sleep",
)
TRIGGER_WORDS: dict[str, str] = {
    "caffeine_after_noon": "Caffeine after noon",
    "alcohol": "Alcohol",
    "nicotine": "Nicotine",
    "sedating_antihistamine_or_sleep_aid": "A sedating antihistamine or sleep aid",
    "long_sit": "A long sit (flight, car, film)",
    "late_hard_exercise": "Hard exercise late in the day",
    "missed_usual_medicine": "A missed dose of a usual medicine",
    "short_sleep": "Short sleep the night before",
}

# What `symptoms_started_at` holds in exports on a night without sensations.
NONE_TODAY = "none_today"

MAX_LABEL_LENGTH = 40
MAX_NOTE_LENGTH = 500
MINUTES_PER_DAY = 24 * 60

# The person's own trigger labels are offered again while they were used in
# one of this many nights, up to and including the night being logged.
LABEL_MEMORY_NIGHTS = 90

DEFAULT_RULES = StreakRules()

FIELD_WORDS = {
    "symptoms_started_at": "When the sensations started",
    "symptom_places": "Where the sensations were felt",
    "rating": "The bedtime rating",
    "triggers": "A trigger",
    "note": "The note",
}


class EveningError(ValueError):
    """A log refused; `field` is the field's name as in the product description."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{FIELD_WORDS[field]} {problem}.")


@dataclass(frozen=True)
class EveningLog:
    night: date
    symptoms_started_at: datetime | None = None
    none_today: bool = False
    symptom_places: frozenset[Place] = field(default_factory=frozenset)
    rating: int | None = None
    triggers: tuple[str, ...] = ()
    note: str = ""


def trigger_words(label: str) -> str:
    """How a trigger reads: the default wording, or the person's own label."""
    return TRIGGER_WORDS.get(label, label)


def _label(raw: object) -> str:
    if not isinstance(raw, str):
        raise EveningError("triggers", "must be text")
    label = raw.strip()
    if not 1 <= len(label) <= MAX_LABEL_LENGTH:
        raise EveningError("triggers", f"must be 1 to {MAX_LABEL_LENGTH} characters")
    if not label.isprintable():
        raise EveningError("triggers", "must be a single line of text")
    return label


def check(log: EveningLog, rules: StreakRules = DEFAULT_RULES) -> EveningLog:
    """The log as it is kept, or `EveningError` naming the first problem."""
    started = log.symptoms_started_at
    if started is not None:
        if not isinstance(started, datetime) or started.utcoffset() is None:
            raise EveningError("symptoms_started_at", "needs a date, a time and a UTC offset")
        if night_of(started, rules) != log.night:
            raise EveningError(
                "symptoms_started_at",
                f"is not in the night of {log.night.isoformat()}",
            )
    if log.none_today and (started is not None or log.symptom_places):
        raise EveningError(
            "symptoms_started_at",
            "cannot be given, nor where they were felt, on a night logged as none today",
        )

    places = set()
    for place in log.symptom_places:
        try:
            places.add(Place(place))
        except ValueError:
            raise EveningError("symptom_places", "must be legs, arms or elsewhere") from None

    rating = log.rating
    if rating is not None and (
        isinstance(rating, bool)
        or not isinstance(rating, int)
        or not RATING_MIN <= rating <= RATING_MAX
    ):
        raise EveningError("rating", f"must be a whole number from {RATING_MIN} to {RATING_MAX}")

    triggers = tuple(sorted({_label(raw) for raw in log.triggers}))

    if not isinstance(log.note, str) or len(log.note) > MAX_NOTE_LENGTH:
        raise EveningError("note", f"must be text of at most {MAX_NOTE_LENGTH} characters")

    return replace(log, symptom_places=frozenset(places), triggers=triggers)


def onset_minutes(log: EveningLog) -> int | None:
    """When the sensations started, in whole minutes after the local midnight
    that begins the log's night: the wall time of the stored instant (in its
    own offset), plus a day for each date after the night's date. A start at
    20:30 is 1230; one at 01:15 the morning after is 1515, later than any
    evening start, as it happened. None when no start time was logged."""
    started = log.symptoms_started_at
    if started is None:
        return None
    days = (started.date() - log.night).days
    return days * MINUTES_PER_DAY + started.hour * 60 + started.minute


def label_nights(night: date) -> tuple[date, date]:
    """The first and last night whose logs lend their labels to `night`'s form."""
    return night - timedelta(days=LABEL_MEMORY_NIGHTS - 1), night


def offered_labels(logs: Iterable[EveningLog], night: date) -> tuple[str, ...]:
    """The trigger labels a form for `night` offers: the defaults in their
    order, then every other label used in the logs of `label_nights(night)`,
    in the order first used (oldest night first; within a night, as kept).

    The person's own labels need no setting of their own: a label stays on
    the list while it was used within the last `LABEL_MEMORY_NIGHTS` nights,
    and quietly leaves it after that.
    """
    first, last = label_nights(night)
    offered = list(DEFAULT_TRIGGERS)
    for log in sorted(logs, key=lambda kept: kept.night):
        if not first <= log.night <= last:
            continue
        for label in log.triggers:
            if label not in offered:
                offered.append(label)
    return tuple(offered)


def started_instant(
    night: date, wall: time, tz: tzinfo | None = None, rules: StreakRules = DEFAULT_RULES
) -> datetime:
    """A form's "when did the sensations start today" as an instant of `night`.

    Unlike the morning check-in, whose evening begins at noon, the day of an
    evening log begins at the rollover: with the default 06:00, a start at
    09:00 is that morning (sensations starting early in the day are worth
    keeping) and one at 01:15 is the morning after. `tz` is a zone with its
    rules (a `zoneinfo.ZoneInfo`), placed as `local_instant` places the
    diary's times; None means the computer's own zone. The result has the
    fixed UTC offset in force at that instant.
    """
    day = night if wall.hour >= rules.rollover_hour else night + timedelta(days=1)
    if tz is None:
        local = datetime.combine(day, wall.replace(tzinfo=None)).astimezone()
        offset = local.utcoffset()
        return local if offset is None else local.astimezone(timezone(offset))
    # `local_instant` puts noon and later on the date it is given, earlier times on the next.
    return local_instant(day if wall >= EVENING_FROM else day - timedelta(days=1), wall, tz)


def started_from_text(
    night: date, text: str, tz: tzinfo | None = None, rules: StreakRules = DEFAULT_RULES
) -> datetime | None:
    """The start time typed into a form (HH:MM), as `started_instant` places
    it; None when the field is blank; `EveningError` when it is not a time."""
    text = text.strip()
    if not text:
        return None
    try:
        wall = parse_time(text)
    except ValueError:
        raise EveningError("symptoms_started_at", f"must be {TIME_HELP}") from None
    return started_instant(night, wall, tz, rules)


def usual_onset(minutes: Sequence[int]) -> int | None:
    """The usual start of the sensations: the median start, the earlier middle one
    of an even count (a time that was really logged). None with nothing logged."""
    return median_low(minutes) if minutes else None


def clock_words(minutes: int) -> str:
    """Minutes after a midnight as a 24-hour wall-clock time: 1515 -> "01:15"."""
    hours, mins = divmod(minutes % MINUTES_PER_DAY, 60)
    return f"{hours:02d}:{mins:02d}"
