"""The sleep diary and evening log as History shows them beside practice.

History charts the same nights for everything it shows (the recent nights of
`history_summary`); this module arranges the diary over those nights: the
sleep efficiency of every night with a morning check-in, when the sensations
started on every night with a logged start, and the nights logged as "none
today". The derived figures themselves are defined once, in `diary` and
`evening`; nothing here re-derives them.

The figures line speaks of the last `FIGURE_NIGHTS` nights ending tonight,
the span a report covers by default: the average of those nights' sleep
efficiencies (each night counts once, however long it was), and the usual
start of the sensations, the median start time. With an even count the
earlier of the two middle starts is taken, so the time given is one that was
really logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rls_companion.core.diary import DiaryEntry
from rls_companion.core.evening import EveningLog, clock_words, onset_minutes, usual_onset

FIGURE_NIGHTS = 14


@dataclass(frozen=True)
class EfficiencyNight:
    night: date
    percent: float  # total sleep as a percentage of the time in bed


@dataclass(frozen=True)
class OnsetNight:
    night: date
    minutes: int  # after the midnight that begins the night; above 1440 is after midnight


@dataclass(frozen=True)
class DiarySummary:
    first: date  # the first night charted
    tonight: date  # the last night charted
    efficiency: tuple[EfficiencyNight, ...]  # nights with a check-in, oldest first
    onsets: tuple[OnsetNight, ...]  # nights with a logged start, oldest first
    none_today: tuple[date, ...]  # nights logged as without sensations, oldest first
    figures: str  # one line of words about the last FIGURE_NIGHTS nights

    @property
    def logged(self) -> bool:
        """Whether there is anything to chart."""
        return bool(self.efficiency or self.onsets or self.none_today)


def _nights(count: int) -> str:
    return "1 night" if count == 1 else f"{count} nights"


def figures_line(
    efficiencies: Sequence[float], onsets: Sequence[int], none_today: int, span: int
) -> str:
    """The figures of `span` nights in words, from the values logged in them."""
    parts: list[str] = []
    if efficiencies:
        average = round(sum(efficiencies) / len(efficiencies))
        which = (
            f"last {span} nights"
            if len(efficiencies) == span
            else f"{len(efficiencies)} of the last {span} nights"
        )
        parts.append(f"Sleep efficiency {average}% ({which})")
    middle = usual_onset(onsets)
    if middle is not None:
        usual = clock_words(middle)
        if len(onsets) == 1:
            parts.append(f"sensations from {usual} (1 night)")
        else:
            parts.append(f"sensations usually from {usual}")
    if none_today:
        parts.append(f"no sensations on {_nights(none_today)}")
    if not parts:
        return f"Nothing logged in the last {span} nights."
    line = " · ".join(parts)
    return line[0].upper() + line[1:]


def summarise_diary(
    entries: Sequence[DiaryEntry],
    logs: Sequence[EveningLog],
    first: date,
    tonight: date,
    figure_nights: int = FIGURE_NIGHTS,
) -> DiarySummary:
    """The diary over the nights `first` to `tonight` (entries outside are left out)."""
    charted = [e for e in entries if first <= e.night <= tonight]
    efficiency = tuple(
        EfficiencyNight(e.night, e.sleep_efficiency) for e in sorted(charted, key=_night)
    )
    onsets: list[OnsetNight] = []
    none_today: list[date] = []
    for log in sorted(logs, key=_night):
        if not first <= log.night <= tonight:
            continue
        minutes = onset_minutes(log)
        if minutes is not None:
            onsets.append(OnsetNight(log.night, minutes))
        elif log.none_today:
            none_today.append(log.night)

    recent_from = tonight - timedelta(days=figure_nights - 1)
    figures = figures_line(
        [e.percent for e in efficiency if e.night >= recent_from],
        [o.minutes for o in onsets if o.night >= recent_from],
        sum(1 for night in none_today if night >= recent_from),
        figure_nights,
    )
    return DiarySummary(first, tonight, efficiency, tuple(onsets), tuple(none_today), figures)


def _night(entry: DiaryEntry | EveningLog) -> date:
    return entry.night
