"""Plain-words descriptions of sessions, for the window and the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rls_companion.core.diary import QUALITY_WORDS, DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place, trigger_words
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


LEGS_WORDS = {
    LegsDisturbed.NONE: "legs did not disturb sleep",
    LegsDisturbed.A_LITTLE: "legs disturbed sleep a little",
    LegsDisturbed.A_LOT: "legs disturbed sleep a lot",
}


def hours_minutes(minutes: float) -> str:
    """A length of time as "7 h 05 min" (whole minutes)."""
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def diary_words(entry: DiaryEntry) -> str:
    return (
        f"in bed {entry.in_bed_at:%H:%M}–{entry.out_of_bed_at:%H:%M}"
        f" ({hours_minutes(entry.time_in_bed_minutes)})  ·  "
        f"asleep {hours_minutes(entry.total_sleep_minutes)}"
        f"  ·  efficiency {entry.sleep_efficiency:.0f}%  ·  "
        f"{QUALITY_WORDS[entry.quality]}  ·  {LEGS_WORDS[LegsDisturbed(entry.legs_disturbed)]}"
    )


def evening_words(log: EveningLog) -> str:
    if log.none_today:
        parts = ["no sensations today"]
    elif log.symptoms_started_at is not None:
        places = ", ".join(str(p) for p in Place if p in log.symptom_places)
        parts = [
            f"sensations from {log.symptoms_started_at:%H:%M}" + (f" ({places})" if places else "")
        ]
    else:
        parts = []
    if log.rating is not None:
        parts.append(f"bedtime {log.rating}/10")
    if log.triggers:
        parts.append("; ".join(trigger_words(t).lower() for t in log.triggers))
    return "  ·  ".join(parts) or "nothing noted"


def describe_nights(diary: Iterable[DiaryEntry], evening: Iterable[EveningLog]) -> list[str]:
    """One block per night, oldest first: the date, then its diary and evening lines."""
    by_night: dict[date, list[str]] = {}
    for log in evening:
        by_night.setdefault(log.night, []).append(f"  evening: {evening_words(log)}")
    for entry in diary:
        by_night.setdefault(entry.night, []).insert(0, f"  sleep:   {diary_words(entry)}")
    lines: list[str] = []
    for night in sorted(by_night):
        lines.append(f"Night of {night:%a %d %b %Y}")
        lines.extend(by_night[night])
    return lines
