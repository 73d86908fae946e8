"""The diary beside practice, checked against nights worked out by hand.

Tonight is Fri 20 Nov 2026 (UTC-5); History charts 42 nights, from Sat 10 Oct.
The figures line covers the last 14 nights, Sat 7 Nov to Fri 20 Nov.

Check-ins (time in bed = out − into bed; total sleep = final waking − tried
to sleep − minutes to fall asleep − minutes awake; efficiency = sleep / bed):

| night  | bed   | tried | to sleep | awake | waking | out   | in bed | sleep | efficiency |
|--------|-------|-------|----------|-------|--------|-------|--------|-------|------------|
| Thu 1 Oct | 22:00 | 22:00 | 0 | 0   | 06:00  | 06:00 | not charted (before 10 Oct)    |
| Thu 5 Nov | 22:00 | 22:00 | 0 | 0   | 06:00  | 06:00 | 480    | 480   | 100        |
| Mon 16 | 23:00 | 23:30 | 20       | 10    | 07:00  | 07:30 | 510    | 420   | 82.3529…   |
| Wed 18 | 22:00 | 22:00 | 15       | 15    | 06:00  | 06:00 | 480    | 450   | 93.75      |
| Thu 19 | 22:30 | 23:00 | 30       | 30    | 06:30  | 07:00 | 510    | 390   | 76.4705…   |

Last 14 nights: (82.3529 + 93.75 + 76.4706) / 3 = 252.5735 / 3 = 84.19 -> 84%.

Evening logs (onset = minutes after the midnight that begins the night):
Fri 2 Oct 18:00 (not charted); Fri 6 Nov 18:00 -> 1080 (charted, not in the
last 14); Mon 16 19:30 -> 1170; Tue 17 none today; Wed 18 Thu 01:15 -> 1515;
Thu 19 20:15 -> 1215; Sun 15 only a note (neither). Last 14 sorted: 1170,
1215, 1515 -> median 1215 = 20:15.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from rls_companion.core import diary, evening
from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.diary_summary import (
    EfficiencyNight,
    OnsetNight,
    clock_words,
    figures_line,
    summarise_diary,
)
from rls_companion.core.evening import EveningLog

EST = timezone(timedelta(hours=-5))
TONIGHT = date(2026, 11, 20)
FIRST = date(2026, 10, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall time of the night `day`: from noon on that date, else the morning after."""
    on = day if hour >= 12 else day + timedelta(days=1)
    return datetime(on.year, on.month, on.day, hour, minute, tzinfo=EST)


def entry(
    night: date,
    bed: tuple[int, int],
    tried: tuple[int, int],
    to_sleep: int,
    awake: int,
    waking: tuple[int, int],
    out: tuple[int, int],
) -> DiaryEntry:
    return diary.check(
        DiaryEntry(
            night=night,
            in_bed_at=at(night, *bed),
            tried_to_sleep_at=at(night, *tried),
            minutes_to_sleep=to_sleep,
            awakenings=1,
            minutes_awake=awake,
            final_waking_at=at(night, *waking),
            out_of_bed_at=at(night, *out),
            quality=3,
            legs_disturbed=LegsDisturbed.A_LITTLE,
        )
    )


def started(night: date, hour: int, minute: int = 0) -> EveningLog:
    return evening.check(EveningLog(night, symptoms_started_at=at(night, hour, minute)))


def nov(day: int) -> date:
    return date(2026, 11, day)


ENTRIES = [
    entry(date(2026, 10, 1), (22, 0), (22, 0), 0, 0, (6, 0), (6, 0)),
    entry(nov(19), (22, 30), (23, 0), 30, 30, (6, 30), (7, 0)),
    entry(nov(5), (22, 0), (22, 0), 0, 0, (6, 0), (6, 0)),
    entry(nov(16), (23, 0), (23, 30), 20, 10, (7, 0), (7, 30)),
    entry(nov(18), (22, 0), (22, 0), 15, 15, (6, 0), (6, 0)),
]
LOGS = [
    started(date(2026, 10, 2), 18),
    started(nov(6), 18),
    evening.check(EveningLog(nov(15), note="a long drive")),
    started(nov(16), 19, 30),
    evening.check(EveningLog(nov(17), none_today=True)),
    started(nov(18), 1, 15),
    started(nov(19), 20, 15),
]


def test_series_hold_the_charted_nights_oldest_first() -> None:
    summary = summarise_diary(ENTRIES, LOGS, FIRST, TONIGHT)

    assert [e.night for e in summary.efficiency] == [nov(5), nov(16), nov(18), nov(19)]
    assert summary.efficiency[0] == EfficiencyNight(nov(5), 100.0)
    assert summary.efficiency[1].percent == pytest.approx(420 / 510 * 100)  # 82.35
    assert summary.efficiency[2].percent == pytest.approx(93.75)
    assert summary.efficiency[3].percent == pytest.approx(390 / 510 * 100)  # 76.47
    assert summary.onsets == (
        OnsetNight(nov(6), 1080),
        OnsetNight(nov(16), 1170),
        OnsetNight(nov(18), 1515),
        OnsetNight(nov(19), 1215),
    )
    assert summary.none_today == (nov(17),)
    assert summary.logged


def test_figures_line_speaks_of_the_last_fourteen_nights() -> None:
    summary = summarise_diary(ENTRIES, LOGS, FIRST, TONIGHT)

    assert summary.figures == (
        "Sleep efficiency 84% (3 of the last 14 nights) · "
        "sensations usually from 20:15 · no sensations on 1 night"
    )


def test_nothing_logged_in_the_span() -> None:
    # Only the October nights, before the charted span.
    summary = summarise_diary(ENTRIES[:1], LOGS[:1], FIRST, TONIGHT)

    assert summary.efficiency == ()
    assert summary.onsets == ()
    assert summary.none_today == ()
    assert not summary.logged
    assert summary.figures == "Nothing logged in the last 14 nights."


def test_a_log_with_only_a_note_charts_nothing() -> None:
    summary = summarise_diary([], [LOGS[2]], FIRST, TONIGHT)

    assert not summary.logged


def test_every_night_of_the_fourteen_is_said_plainly() -> None:
    # 14 nights at 90 % each, and two starts 19:30 and 20:15: the earlier middle one.
    assert (
        figures_line([90.0] * 14, [1215, 1170], 0, 14)
        == "Sleep efficiency 90% (last 14 nights) · sensations usually from 19:30"
    )


def test_one_start_alone_is_not_called_usual() -> None:
    assert figures_line([], [1515], 2, 14) == (
        "Sensations from 01:15 (1 night) · no sensations on 2 nights"
    )


def test_clock_words_wrap_after_midnight() -> None:
    assert clock_words(1230) == "20:30"
    assert clock_words(1440) == "00:00"
    assert clock_words(1515) == "01:15"
    assert clock_words(725) == "12:05"
