"""The clinician report's figures, worked out once for the PDF, the CSV and the tests.

A report covers a period of nights (by default the 14 nights ending with
the last completed one) and looks back at the 28 nights before it: the
usual start of the sensations in the nights just before is the comparison
for the trend on page 1 and for the first "things to discuss" rule.

Every mean and range is of what was logged: a night without a check-in is
left out, never counted as zero, and a figure with nothing behind it reads
"not logged". The derived figures of a night (time in bed, total sleep,
sleep efficiency, when the sensations began) are the ones `diary` and
`evening` define; nothing here re-derives them.

The usual start of the sensations is the median start with an even count
taken as the earlier of the two middle starts (`statistics.median_low`), as
History shows it: a time that was really logged.

"Things to discuss" names an observation and suggests a clinician; it never
names a condition. It appears only when the log shows one of these:

1. on at least 5 of the last 7 logged nights of the period (nights whose
   evening log says when the sensations started, or that there were none),
   they started 2 hours or more before the usual start of the 28 nights
   before the period;
2. sensations in the arms were logged on any night of the period;
3. sleep efficiency was below 85% on more than half of the nights with a
   morning check-in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median_low

from rls_companion.core.cells import cell_text
from rls_companion.core.describe import hours_minutes
from rls_companion.core.diary import QUALITY_WORDS, DiaryEntry, LegsDisturbed
from rls_companion.core.evening import (
    DEFAULT_TRIGGERS,
    MINUTES_PER_DAY,
    NONE_TODAY,
    EveningLog,
    Place,
    clock_words,
    onset_minutes,
    trigger_words,
    usual_onset,
)
from rls_companion.core.records import Outcome, SessionRecord
from rls_companion.core.streaks import StreakRules, night_of, practice_by_night, practised
from rls_companion.core.timestamps import format_local

PERIOD_NIGHTS = 14  # the default period
BASELINE_NIGHTS = 28  # looked back at before the period
EARLIER_MINUTES = 120  # "started at least 2 hours earlier"
RECENT_LOGGED_NIGHTS = 7  # "... on at least 5 of the last 7 logged nights"
EARLIER_NIGHTS_NEEDED = 5
EFFICIENCY_FLOOR = 85.0  # percent

# The night grid runs from 18:00 on the night's date to 12:00 the next day, in
# minutes after the midnight that begins the night (the scale of `onset_minutes`).
GRID_START = 18 * 60
GRID_END = MINUTES_PER_DAY + 12 * 60

NOT_LOGGED = "not logged"
DISCUSS_TITLE = "Things to discuss"
DISCUSS_ONE = "You may want to talk this over with a clinician."
DISCUSS_MANY = "You may want to talk these over with a clinician."


def default_period(now: datetime, rules: StreakRules) -> tuple[date, date]:
    """The 14 nights ending with the last completed night (tonight is not over)."""
    last = night_of(now, rules) - timedelta(days=1)
    return last - timedelta(days=PERIOD_NIGHTS - 1), last


def wall_minutes(night: date, instant: datetime) -> int:
    """An instant's wall time (in its own offset) in whole minutes after the
    midnight that begins `night`: 23:10 is 1390, 06:45 the next morning 1845."""
    return (instant.date() - night).days * MINUTES_PER_DAY + instant.hour * 60 + instant.minute


def _whole(value: float) -> int:
    """Rounded half up, as figures are read (82.5% is 83%)."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


@dataclass(frozen=True)
class Spread:
    """The values logged for one figure: their mean and range."""

    values: tuple[float, ...]

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def high(self) -> float | None:
        return max(self.values) if self.values else None


@dataclass(frozen=True)
class Span:
    """From `start` to `end`, in minutes after the midnight that begins the night."""

    start: int
    end: int


@dataclass(frozen=True)
class NightRow:
    """One night of the period, as page 2's grid draws it and the CSV lists it."""

    night: date
    entry: DiaryEntry | None
    log: EveningLog | None
    in_bed: Span | None
    asleep: Span | None  # from falling asleep (by the diary's estimate) to the final waking
    sessions: tuple[Span, ...]
    onset: int | None  # when the sensations began, on the same scale
    letters: str  # the night's triggers as legend letters, e.g. "A C"
    practice_seconds: int
    session_count: int

    @property
    def efficiency(self) -> float | None:
        return self.entry.sleep_efficiency if self.entry else None


@dataclass(frozen=True)
class ReportData:
    first: date
    last: date
    rows: tuple[NightRow, ...]  # every night of the period, oldest first
    previous_nights: int  # how many nights before the period the onset trend compares with
    total_sleep: Spread  # minutes
    efficiency: Spread  # percent
    minutes_to_sleep: Spread
    awakenings: Spread
    quality: Spread
    legs_disturbed: int  # nights when the legs delayed sleep or woke them
    legs_a_lot: int
    onsets: tuple[int, ...]  # the period's logged starts, oldest night first
    none_today: int  # nights logged as without sensations
    previous_onsets: tuple[int, ...]  # the starts of the `previous_nights` before the period
    rated_before: Spread  # sessions rated both before and after: the ratings before
    rated_after: Spread  # ... and after
    practised_nights: int
    practice_seconds: int
    sessions: int
    urge_target: int | None  # seconds; None when the urge timer is switched off
    urges: int
    urges_held: int
    legend: tuple[tuple[str, str], ...]  # (letter, trigger in words), in letter order
    discuss: tuple[str, ...]  # observations; empty when no rule applies

    @property
    def nights(self) -> int:
        return len(self.rows)

    @property
    def diary_nights(self) -> int:
        return sum(1 for row in self.rows if row.entry is not None)

    @property
    def evening_nights(self) -> int:
        return sum(1 for row in self.rows if row.log is not None)

    @property
    def nights_logged(self) -> int:
        """Nights with a morning check-in or an evening log."""
        return sum(1 for row in self.rows if row.entry is not None or row.log is not None)

    @property
    def usual_onset(self) -> int | None:
        return usual_onset(self.onsets)

    @property
    def previous_usual_onset(self) -> int | None:
        return usual_onset(self.previous_onsets)

    @property
    def efficiency_series(self) -> tuple[tuple[date, float | None], ...]:
        return tuple((row.night, row.efficiency) for row in self.rows)

    @property
    def onset_series(self) -> tuple[tuple[date, int | None], ...]:
        return tuple((row.night, row.onset) for row in self.rows)

    @property
    def discuss_closing(self) -> str:
        return DISCUSS_ONE if len(self.discuss) == 1 else DISCUSS_MANY

    def figures(self) -> tuple[tuple[str, str], ...]:
        """Page 1's table: each figure's name and its value in words."""
        return tuple(_figures(self))


def _nights_in(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _letters(labels: Iterable[str]) -> dict[str, str]:
    """A letter for each trigger seen: the default list in its order, then the
    person's own labels alphabetically (A–Z, then A2, B2, ...)."""
    seen = set(labels)
    ordered = [t for t in DEFAULT_TRIGGERS if t in seen]
    ordered += sorted(seen - set(DEFAULT_TRIGGERS))
    return {
        label: chr(ord("A") + i % 26) + (str(i // 26 + 1) if i >= 26 else "")
        for i, label in enumerate(ordered)
    }


def build_report(
    first: date,
    last: date,
    entries: Iterable[DiaryEntry],
    logs: Iterable[EveningLog],
    sessions: Iterable[SessionRecord],
    rules: StreakRules,
    urge_target: int | None,
) -> ReportData:
    """The report of the nights `first` to `last` (inclusive). Entries, logs and
    sessions outside the period and the 28 nights before it are left out."""
    if last < first:
        raise ValueError(f"the period ends ({last}) before it begins ({first})")
    previous_nights = min((last - first).days + 1, BASELINE_NIGHTS)
    diary_by_night = {e.night: e for e in entries if first <= e.night <= last}
    all_logs = list(logs)
    log_by_night = {log.night: log for log in all_logs if first <= log.night <= last}
    in_period = [s for s in sessions if first <= night_of(s.started_at, rules) <= last]
    sessions_by_night: dict[date, list[SessionRecord]] = {}
    for record in sorted(in_period, key=lambda s: s.started_at):
        sessions_by_night.setdefault(night_of(record.started_at, rules), []).append(record)
    letters = _letters(t for log in log_by_night.values() for t in log.triggers)

    rows = tuple(
        _row(night, diary_by_night.get(night), log_by_night.get(night), sessions_by_night, letters)
        for night in _nights_in(first, last)
    )
    entries_in = [row.entry for row in rows if row.entry is not None]
    logs_in = [row.log for row in rows if row.log is not None]
    onsets = tuple(row.onset for row in rows if row.onset is not None)

    def onsets_between(low: date, high: date) -> tuple[int, ...]:
        found = [(log.night, onset_minutes(log)) for log in all_logs if low <= log.night <= high]
        return tuple(minutes for _, minutes in sorted(found) if minutes is not None)

    day = timedelta(days=1)
    previous = onsets_between(first - previous_nights * day, first - day)
    baseline = usual_onset(onsets_between(first - BASELINE_NIGHTS * day, first - day))

    pairs = [
        (s.rating_before, s.rating_after)
        for s in in_period
        if s.rating_before is not None and s.rating_after is not None
    ]
    practice = practice_by_night(in_period, rules)
    urges = [urge for s in in_period for urge in s.urges]
    legs = [e.legs_disturbed for e in entries_in if e.legs_disturbed != LegsDisturbed.NONE]

    return ReportData(
        first=first,
        last=last,
        rows=rows,
        previous_nights=previous_nights,
        total_sleep=Spread(tuple(e.total_sleep_minutes for e in entries_in)),
        efficiency=Spread(tuple(e.sleep_efficiency for e in entries_in)),
        minutes_to_sleep=Spread(tuple(float(e.minutes_to_sleep) for e in entries_in)),
        awakenings=Spread(tuple(float(e.awakenings) for e in entries_in)),
        quality=Spread(tuple(float(e.quality) for e in entries_in)),
        legs_disturbed=len(legs),
        legs_a_lot=sum(1 for answer in legs if answer == LegsDisturbed.A_LOT),
        onsets=onsets,
        none_today=sum(1 for log in logs_in if log.none_today),
        previous_onsets=previous,
        rated_before=Spread(tuple(float(before) for before, _ in pairs)),
        rated_after=Spread(tuple(float(after) for _, after in pairs)),
        practised_nights=len(practised(practice, rules)),
        practice_seconds=sum(practice.values()),
        sessions=len(in_period),
        urge_target=urge_target,
        urges=len(urges),
        urges_held=sum(1 for urge in urges if urge.outcome == Outcome.HELD),
        legend=tuple((letter, trigger_words(label)) for label, letter in letters.items()),
        discuss=tuple(_discuss(rows, entries_in, logs_in, baseline)),
    )


def _row(
    night: date,
    entry: DiaryEntry | None,
    log: EveningLog | None,
    sessions_by_night: dict[date, list[SessionRecord]],
    letters: dict[str, str],
) -> NightRow:
    in_bed = asleep = None
    if entry is not None:
        in_bed = Span(
            wall_minutes(night, entry.in_bed_at), wall_minutes(night, entry.out_of_bed_at)
        )
        fell_asleep = entry.tried_to_sleep_at + timedelta(minutes=entry.minutes_to_sleep)
        asleep = Span(wall_minutes(night, fell_asleep), wall_minutes(night, entry.final_waking_at))
    records = sessions_by_night.get(night, [])
    spans = []
    for record in records:
        end = record.ended_at or record.started_at + timedelta(seconds=record.practice_seconds)
        spans.append(Span(wall_minutes(night, record.started_at), wall_minutes(night, end)))
    return NightRow(
        night=night,
        entry=entry,
        log=log,
        in_bed=in_bed,
        asleep=asleep,
        sessions=tuple(spans),
        onset=onset_minutes(log) if log is not None else None,
        letters=" ".join(sorted((letters[t] for t in log.triggers), key=_letter_order))
        if log is not None
        else "",
        practice_seconds=sum(r.whole_practice_seconds for r in records),
        session_count=len(records),
    )


def _letter_order(letter: str) -> tuple[int, str]:
    return (int(letter[1:] or 1), letter[0])


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _discuss(
    rows: Sequence[NightRow],
    entries: Sequence[DiaryEntry],
    logs: Sequence[EveningLog],
    baseline: int | None,
) -> list[str]:
    found: list[str] = []
    answered = [
        row for row in rows if row.log is not None and (row.onset is not None or row.log.none_today)
    ]
    recent = answered[-RECENT_LOGGED_NIGHTS:]
    if baseline is not None:
        shifts = [
            baseline - row.onset
            for row in recent
            if row.onset is not None and baseline - row.onset >= EARLIER_MINUTES
        ]
        if len(shifts) >= EARLIER_NIGHTS_NEEDED:
            hours = _whole(median_low(shifts) / 60)
            found.append(
                f"Sensations began about {hours} hours earlier than before on "
                f"{len(shifts)} of the last {len(recent)} days."
            )
    arms = sum(1 for log in logs if Place.ARMS in log.symptom_places)
    if arms:
        found.append(f"Sensations in the arms were logged on {_count(arms, 'night', 'nights')}.")
    low = sum(1 for e in entries if e.sleep_efficiency < EFFICIENCY_FLOOR)
    if low * 2 > len(entries):
        found.append(
            f"Sleep efficiency was below {EFFICIENCY_FLOOR:.0f}% on {low} of the "
            f"{_count(len(entries), 'night', 'nights')} with a morning check-in."
        )
    return found


# --- page 1 in words ------------------------------------------------------------------------


def _range(spread: Spread, unit: str = "", digits: int = 0) -> str:
    assert spread.low is not None and spread.high is not None
    if digits:
        return f"{spread.low:.{digits}f}–{spread.high:.{digits}f}{unit}"
    return f"{_whole(spread.low)}–{_whole(spread.high)}{unit}"


def _figures(data: ReportData) -> Iterable[tuple[str, str]]:
    yield (
        "Nights logged",
        f"{data.nights_logged} of {data.nights} "
        f"({_count(data.diary_nights, 'morning check-in', 'morning check-ins')}, "
        f"{_count(data.evening_nights, 'evening log', 'evening logs')})",
    )
    sleep = data.total_sleep
    yield (
        "Total sleep",
        NOT_LOGGED
        if sleep.mean is None
        else f"mean {hours_minutes(sleep.mean)}, range {hours_minutes(sleep.low or 0)} – "
        f"{hours_minutes(sleep.high or 0)}",
    )
    yield (
        "Sleep efficiency",
        NOT_LOGGED
        if data.efficiency.mean is None
        else f"mean {_whole(data.efficiency.mean)}%, range {_range(data.efficiency, '%')}",
    )
    yield (
        "Time to fall asleep",
        NOT_LOGGED
        if data.minutes_to_sleep.mean is None
        else f"mean {_whole(data.minutes_to_sleep.mean)} min, "
        f"range {_range(data.minutes_to_sleep, ' min')}",
    )
    yield (
        "Awakenings in the night",
        NOT_LOGGED
        if data.awakenings.mean is None
        else f"mean {data.awakenings.mean:.1f}, range {_range(data.awakenings)}",
    )
    quality = data.quality
    yield (
        "Sleep quality (1 very poor – 5 very good)",
        NOT_LOGGED
        if quality.mean is None
        else f"mean {quality.mean:.1f} ({QUALITY_WORDS[_whole(quality.mean)]}), "
        f"range {_range(quality)}",
    )
    yield (
        "Legs delayed sleep or woke them",
        NOT_LOGGED
        if not data.diary_nights
        else f"{data.legs_disturbed} of {_count(data.diary_nights, 'night', 'nights')} "
        f"({data.legs_a_lot} a lot)",
    )
    yield ("Sensations usually began", _onset_words(data))
    yield (f"Compared with the {data.previous_nights} nights before", _trend_words(data))
    before, after = data.rated_before, data.rated_after
    yield (
        "Bedtime leg rating (0–10)",
        NOT_LOGGED
        if before.mean is None or after.mean is None
        else f"mean {before.mean:.1f} before a session, {after.mean:.1f} after "
        f"({_count(before.count, 'session', 'sessions')} rated both times)",
    )
    yield (
        "Practice",
        f"{data.practised_nights} of {data.nights} nights practised, "
        f"{_whole(data.practice_seconds / 60)} min in all "
        f"({_count(data.sessions, 'session', 'sessions')})",
    )
    yield (
        "Urge target now",
        "urge timer switched off" if data.urge_target is None else f"{data.urge_target} s",
    )
    yield (
        "Urges held",
        NOT_LOGGED
        if not data.urges
        else f"{data.urges_held} of {data.urges} ({_whole(data.urges_held * 100 / data.urges)}%)",
    )


def _onset_words(data: ReportData) -> str:
    usual = data.usual_onset
    none = f"none on {_count(data.none_today, 'night', 'nights')}" if data.none_today else ""
    if usual is None:
        return f"{NOT_LOGGED}; {none}" if none else NOT_LOGGED
    words = f"{clock_words(usual)} (median of {_count(len(data.onsets), 'night', 'nights')})"
    return f"{words}; {none}" if none else words


def _trend_words(data: ReportData) -> str:
    now, before = data.usual_onset, data.previous_usual_onset
    if now is None or before is None:
        return NOT_LOGGED
    then = f"then {clock_words(before)}"
    if now == before:
        return f"the same ({then})"
    direction = "earlier" if now < before else "later"
    return f"{hours_minutes(abs(now - before))} {direction} ({then})"


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "night",
    "in_bed_at",
    "tried_to_sleep_at",
    "minutes_to_sleep",
    "awakenings",
    "minutes_awake",
    "final_waking_at",
    "out_of_bed_at",
    "quality",
    "legs_disturbed",
    "diary_note",
    "symptoms_started_at",
    "symptom_places",
    "bedtime_rating",
    "triggers",
    "evening_note",
    "time_in_bed_minutes",
    "total_sleep_minutes",
    "sleep_efficiency",
    "onset_minutes",
    "practice_minutes",
    "sessions",
)


def _diary_cells(entry: DiaryEntry | None) -> list[object]:
    if entry is None:
        return [""] * 10
    return [
        format_local(entry.in_bed_at),
        format_local(entry.tried_to_sleep_at),
        entry.minutes_to_sleep,
        entry.awakenings,
        entry.minutes_awake,
        format_local(entry.final_waking_at),
        format_local(entry.out_of_bed_at),
        entry.quality,
        LegsDisturbed(entry.legs_disturbed).value,
        cell_text(entry.note),
    ]


def _evening_cells(log: EveningLog | None) -> list[object]:
    if log is None:
        return [""] * 5
    started = ""
    if log.symptoms_started_at is not None:
        started = format_local(log.symptoms_started_at)
    elif log.none_today:
        started = NONE_TODAY
    return [
        started,
        ";".join(place.value for place in Place if place in log.symptom_places),
        "" if log.rating is None else log.rating,
        cell_text(";".join(log.triggers)),
        cell_text(log.note),
    ]


def csv_text(data: ReportData) -> str:
    """One row per night of the period (blank cells where nothing was logged):
    every diary and evening field, then the derived figures. Minutes of time
    in bed and total sleep are whole, the efficiency a percentage to 0.1,
    the onset in minutes after the midnight that begins the night (above
    1440 is after midnight), practice minutes to 0.1."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in data.rows:
        entry = row.entry
        derived: list[object] = (
            [
                _whole(entry.time_in_bed_minutes),
                _whole(entry.total_sleep_minutes),
                f"{entry.sleep_efficiency:.1f}",
            ]
            if entry is not None
            else ["", "", ""]
        )
        writer.writerow(
            [
                row.night.isoformat(),
                *_diary_cells(entry),
                *_evening_cells(row.log),
                *derived,
                "" if row.onset is None else row.onset,
                f"{row.practice_seconds / 60:.1f}",
                row.session_count,
            ]
        )
    return out.getvalue()
