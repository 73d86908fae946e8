"""The clinician report's figures, its "things to discuss" rules, and its CSV.

Expected values are worked out by hand in the comments beside them.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place
from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.report import (
    CSV_COLUMNS,
    NOT_LOGGED,
    Span,
    build_report,
    csv_text,
    default_period,
    wall_minutes,
)
from rls_companion.core.session import Kind
from rls_companion.core.streaks import StreakRules

RULES = StreakRules()  # rollover 06:00, 5 minutes make a practised night
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
FIRST = date(2026, 11, 3)
LAST = date(2026, 11, 16)


def at(night: date, clock: str, zone: timezone = CET) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    day = night if hours >= 12 else night + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=zone)


def entry(
    night: date,
    *,
    in_bed: str = "23:00",
    out: str = "07:00",
    to_sleep: int = 20,
    awake: int = 0,
    awakenings: int = 1,
    quality: int = 3,
    legs: LegsDisturbed = LegsDisturbed.NONE,
    zone: timezone = CET,
    out_zone: timezone | None = None,
) -> DiaryEntry:
    # Trying to sleep at the time into bed, waking at the time out of bed.
    return DiaryEntry(
        night=night,
        in_bed_at=at(night, in_bed, zone),
        tried_to_sleep_at=at(night, in_bed, zone),
        minutes_to_sleep=to_sleep,
        awakenings=awakenings,
        minutes_awake=awake,
        final_waking_at=at(night, out, out_zone or zone),
        out_of_bed_at=at(night, out, out_zone or zone),
        quality=quality,
        legs_disturbed=legs,
    )


def onset(night: date, clock: str | None, places: frozenset[Place] = frozenset()) -> EveningLog:
    return EveningLog(
        night=night,
        symptoms_started_at=None if clock is None else at(night, clock),
        none_today=clock is None,
        symptom_places=places if clock else frozenset(),
    )


def session(
    night: date,
    seconds: int,
    before: int | None = None,
    after: int | None = None,
    urges: tuple[tuple[str, int | None], ...] = (),
    start: str = "22:00",
) -> SessionRecord:
    started = at(night, start)
    return SessionRecord(
        id=f"{night}-{start}",
        started_at=started,
        ended_at=started + timedelta(seconds=seconds),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=float(seconds),
        state=SessionState.COMPLETED,
        rating_before=before,
        rating_after=after,
        urges=tuple(
            UrgeRecord(started, 15, 15.0, Outcome(outcome), intensity)
            for outcome, intensity in urges
        ),
    )


def night(index: int) -> date:
    return FIRST + timedelta(days=index)


def figures(report: object) -> dict[str, str]:
    return dict(report.figures())  # type: ignore[attr-defined]


def test_every_figure_from_a_small_log() -> None:
    entries = [
        # 480 min in bed; asleep 480 - 20 - 0 = 460 (95.8%)
        entry(night(0), to_sleep=20, awakenings=0, quality=4),
        # asleep 480 - 60 - 60 = 360 (75%), legs a lot
        entry(night(1), to_sleep=60, awake=60, awakenings=3, quality=2, legs=LegsDisturbed.A_LOT),
        # asleep 480 - 10 - 50 = 420 (87.5%), legs a little
        entry(
            night(2), to_sleep=10, awake=50, awakenings=2, quality=3, legs=LegsDisturbed.A_LITTLE
        ),
    ]
    logs = [
        onset(night(0), "20:10"),
        onset(night(1), "21:40"),
        onset(night(2), None),
        onset(night(4), "01:20"),  # after midnight: later than any evening start
        # The nights before: 21:30, 22:00, 22:30 -> usual 22:00
        onset(FIRST - timedelta(days=1), "21:30"),
        onset(FIRST - timedelta(days=2), "22:00"),
        onset(FIRST - timedelta(days=3), "22:30"),
    ]
    records = [
        session(night(0), 1200, 7, 4, (("held", 3), ("moved", 6))),
        session(night(1), 600, 5, 5, (("held", 2),)),
        session(night(1), 120, start="02:00"),  # the same night, 02:00 the morning after
        session(night(3), 180, 6, None),  # 3 minutes: not practised; rated before only
        session(FIRST - timedelta(days=1), 1200, 9, 1, (("moved", 9),)),  # before the period
    ]
    report = build_report(FIRST, LAST, entries, logs, records, RULES, 35)
    words = figures(report)
    assert report.nights == 14 and report.nights_logged == 4
    assert words["Nights logged"] == "4 of 14 (3 morning check-ins, 4 evening logs)"
    # (460 + 360 + 420) / 3 = 413.3 min
    assert words["Total sleep"] == "mean 6 h 53 min, range 6 h 00 min – 7 h 40 min"
    # (95.83 + 75 + 87.5) / 3 = 86.1
    assert words["Sleep efficiency"] == "mean 86%, range 75–96%"
    assert words["Time to fall asleep"] == "mean 30 min, range 10–60 min"
    assert words["Awakenings in the night"] == "mean 1.7, range 0–3"
    assert words["Sleep quality (1 very poor – 5 very good)"] == "mean 3.0 (fair), range 2–4"
    assert words["Legs delayed sleep or woke them"] == "2 of 3 nights (1 a lot)"
    # Starts 1210, 1300, 1520: the median is 1300 = 21:40; none on night 2.
    assert words["Sensations usually began"] == "21:40 (median of 3 nights); none on 1 night"
    assert words["Compared with the 14 nights before"] == "20 min earlier (then 22:00)"
    # Both ratings: 7→4 and 5→5.
    assert words["Bedtime leg rating (0–10)"] == (
        "mean 6.0 before a session, 4.5 after (2 sessions rated both times)"
    )
    # 1200 + 600 + 120 + 180 = 2100 s = 35 min; nights 0 and 1 practised.
    assert words["Practice"] == "2 of 14 nights practised, 35 min in all (4 sessions)"
    assert words["Urge target now"] == "35 s"
    assert words["Urges held"] == "2 of 3 (67%)"
    assert report.rows[1].session_count == 2 and report.rows[1].practice_seconds == 720
    assert report.discuss == ()


def test_figures_without_data_say_not_logged_never_zero() -> None:
    report = build_report(FIRST, LAST, [], [], [], RULES, None)
    words = figures(report)
    for name in (
        "Total sleep",
        "Sleep efficiency",
        "Time to fall asleep",
        "Awakenings in the night",
        "Sleep quality (1 very poor – 5 very good)",
        "Legs delayed sleep or woke them",
        "Sensations usually began",
        "Compared with the 14 nights before",
        "Bedtime leg rating (0–10)",
        "Urges held",
    ):
        assert words[name] == NOT_LOGGED, name
    assert words["Urge target now"] == "urge timer switched off"
    assert report.efficiency_series == tuple((night(i), None) for i in range(14))


def test_the_trend_compares_with_as_many_nights_before_as_the_period_has() -> None:
    logs = [
        onset(date(2026, 11, 10), "21:00"),
        onset(date(2026, 11, 9), "20:00"),  # just before a 2-night period
        onset(date(2026, 11, 7), "19:00"),  # 4 nights before: not compared with
    ]
    report = build_report(date(2026, 11, 10), date(2026, 11, 11), [], logs, [], RULES, 15)
    assert report.previous_nights == 2
    assert figures(report)["Compared with the 2 nights before"] == "1 h 00 min later (then 20:00)"


def test_an_even_count_of_starts_gives_the_earlier_middle_one() -> None:
    logs = [onset(night(i), clock) for i, clock in enumerate(("20:00", "20:40", "21:00", "22:00"))]
    report = build_report(FIRST, LAST, [], logs, [], RULES, 15)
    assert report.usual_onset == 20 * 60 + 40


# --- things to discuss ----------------------------------------------------------------------


def _earlier_logs(starts: list[str | None]) -> list[EveningLog]:
    """The 28 nights before the period from 21:00, then `starts` on nights 7 to 13."""
    before = [onset(FIRST - timedelta(days=k), "21:00") for k in range(1, 29)]
    return before + [onset(night(7 + i), clock) for i, clock in enumerate(starts)]


def test_discuss_sensations_two_hours_earlier_on_five_of_the_last_seven_nights() -> None:
    # 19:00 is exactly 2 h before 21:00; 17:30 is 3 h 30 min before.
    logs = _earlier_logs(["19:00", "19:00", "21:00", "17:30", "19:00", None, "19:00"])
    report = build_report(FIRST, LAST, [], logs, [], RULES, 15)
    # Shifts 120 120 210 120 120: the median is 120 min, 2 hours.
    assert report.discuss == (
        "Sensations began about 2 hours earlier than before on 5 of the last 7 days.",
    )
    assert report.discuss_closing == "You may want to talk this over with a clinician."


@pytest.mark.parametrize(
    "starts",
    [
        # Only four of the seven nights 2 h earlier.
        ["19:00", "19:00", "21:00", "19:00", "21:00", None, "19:00"],
        # Five nights, but 19:01 is 1 h 59 min earlier.
        ["19:00", "19:00", "19:01", "19:00", "20:00", None, "19:00"],
    ],
)
def test_no_discuss_when_the_earlier_starts_just_fall_short(starts: list[str | None]) -> None:
    report = build_report(FIRST, LAST, [], _earlier_logs(starts), [], RULES, 15)
    assert report.discuss == ()


def test_the_last_seven_logged_nights_are_those_that_say_when() -> None:
    # Nights 1-2 from 21:00, nights 3-7 from 19:00 (2 h earlier), then four
    # logs with a rating only. Those four say nothing about the start, so the
    # last seven logged nights are 1-7: five of them 2 h earlier. (Counted as
    # logged, they would leave only nights 5-7 early among the last seven.)
    before = [onset(FIRST - timedelta(days=k), "21:00") for k in range(1, 29)]
    starts = [onset(night(i), "21:00") for i in (1, 2)]
    starts += [onset(night(i), "19:00") for i in range(3, 8)]
    ratings = [EveningLog(night=night(i), rating=4) for i in range(8, 12)]
    report = build_report(FIRST, LAST, [], before + starts + ratings, [], RULES, 15)
    assert report.discuss == (
        "Sensations began about 2 hours earlier than before on 5 of the last 7 days.",
    )


def test_discuss_sensations_in_the_arms() -> None:
    logs = [
        onset(night(2), "20:00", frozenset({Place.LEGS, Place.ARMS})),
        onset(night(5), "20:00", frozenset({Place.ARMS})),
    ]
    report = build_report(FIRST, LAST, [], logs, [], RULES, 15)
    assert report.discuss == ("Sensations in the arms were logged on 2 nights.",)


def test_no_discuss_for_legs_and_elsewhere() -> None:
    logs = [onset(night(2), "20:00", frozenset({Place.LEGS, Place.ELSEWHERE}))]
    arms_before = [onset(FIRST - timedelta(days=1), "20:00", frozenset({Place.ARMS}))]
    assert build_report(FIRST, LAST, [], logs + arms_before, [], RULES, 15).discuss == ()


def test_discuss_low_sleep_efficiency_on_more_than_half_the_nights() -> None:
    # 480 min in bed: 85% is 408 min asleep. 72 min to fall asleep -> 408
    # (85.0%, not below); 73 -> 407 (84.8%, below).
    low = [entry(night(i), to_sleep=73) for i in range(4)]
    fine = [entry(night(i), to_sleep=72) for i in range(4, 7)]
    report = build_report(FIRST, LAST, low + fine, [], [], RULES, 15)
    assert report.discuss == (
        "Sleep efficiency was below 85% on 4 of the 7 nights with a morning check-in.",
    )


def test_no_discuss_when_exactly_half_the_nights_are_below_85_percent() -> None:
    low = [entry(night(i), to_sleep=73) for i in range(3)]
    fine = [entry(night(i), to_sleep=72) for i in range(3, 6)]
    assert build_report(FIRST, LAST, low + fine, [], [], RULES, 15).discuss == ()


def test_every_rule_at_once_reads_as_several_observations() -> None:
    logs = _earlier_logs(["18:00"] * 7)
    logs.append(onset(night(1), "20:00", frozenset({Place.ARMS})))
    entries = [entry(night(i), to_sleep=120) for i in range(3)]
    report = build_report(FIRST, LAST, entries, logs, [], RULES, 15)
    assert report.discuss == (
        "Sensations began about 3 hours earlier than before on 7 of the last 7 days.",
        "Sensations in the arms were logged on 1 night.",
        "Sleep efficiency was below 85% on 3 of the 3 nights with a morning check-in.",
    )
    assert report.discuss_closing == "You may want to talk these over with a clinician."
    for sentence in report.discuss:
        assert "syndrome" not in sentence.lower() and "augmentation" not in sentence.lower()


# --- nights, periods and the CSV ------------------------------------------------------------


def test_a_night_across_the_change_from_summer_time() -> None:
    # Europe: the clocks went back from 03:00 CEST to 02:00 CET on 25 Oct 2026.
    # Into bed 23:00 CEST, out 07:00 CET: nine hours in bed, eight on the clock.
    night_of_change = date(2026, 10, 24)
    crossing = entry(night_of_change, to_sleep=30, zone=CEST, out_zone=CET)
    log = EveningLog(
        night=night_of_change, symptoms_started_at=datetime(2026, 10, 24, 21, 0, tzinfo=CEST)
    )
    report = build_report(night_of_change, night_of_change, [crossing], [log], [], RULES, 15)
    [row] = report.rows
    assert crossing.time_in_bed_minutes == 540
    assert row.in_bed == Span(23 * 60, 31 * 60)  # drawn 23:00 to 07:00 on the clock
    assert row.asleep == Span(23 * 60 + 30, 31 * 60)
    assert row.onset == 21 * 60
    [_, cells] = list(csv.reader(io.StringIO(csv_text(report))))
    assert cells[CSV_COLUMNS.index("time_in_bed_minutes")] == "540"
    assert cells[CSV_COLUMNS.index("total_sleep_minutes")] == "510"  # 540 - 30
    assert cells[CSV_COLUMNS.index("in_bed_at")] == "2026-10-24T23:00:00+02:00"
    assert cells[CSV_COLUMNS.index("out_of_bed_at")] == "2026-10-25T07:00:00+01:00"


def test_wall_minutes_count_from_the_midnight_that_begins_the_night() -> None:
    assert wall_minutes(FIRST, at(FIRST, "23:10")) == 1390
    assert wall_minutes(FIRST, at(FIRST, "06:45")) == 1845


@pytest.mark.parametrize(
    ("now", "first", "last"),
    [
        # 01:30 belongs to the night of 16 Nov, which is not over: 2–15 Nov.
        (datetime(2026, 11, 17, 1, 30, tzinfo=CET), date(2026, 11, 2), date(2026, 11, 15)),
        # 07:00: the night of 16 Nov is over: 3–16 Nov.
        (datetime(2026, 11, 17, 7, 0, tzinfo=CET), date(2026, 11, 3), date(2026, 11, 16)),
    ],
)
def test_the_default_period_is_the_14_nights_before_tonight(
    now: datetime, first: date, last: date
) -> None:
    assert default_period(now, RULES) == (first, last)


def test_a_period_that_ends_before_it_begins_is_refused() -> None:
    with pytest.raises(ValueError, match="before it begins"):
        build_report(LAST, FIRST, [], [], [], RULES, 15)


def test_csv_has_a_row_for_every_night_and_every_field() -> None:
    note_entry = entry(night(1), to_sleep=20, awake=40, legs=LegsDisturbed.A_LITTLE)
    note_entry = DiaryEntry(**{**note_entry.__dict__, "note": "=woke at 3"})
    log = EveningLog(
        night=night(1),
        symptoms_started_at=at(night(1), "20:15"),
        symptom_places=frozenset({Place.ARMS, Place.LEGS}),
        rating=6,
        triggers=("alcohol", "long_sit"),
        note="long drive",
    )
    records = [session(night(1), 900), session(night(1), 330, start="23:30")]
    report = build_report(
        FIRST, LAST, [note_entry], [log, onset(night(2), None)], records, RULES, 15
    )
    rows = list(csv.reader(io.StringIO(csv_text(report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 15
    assert rows[1] == ["2026-11-03"] + [""] * 19 + ["0.0", "0"]
    assert dict(zip(CSV_COLUMNS, rows[2], strict=True)) == {
        "night": "2026-11-04",
        "in_bed_at": "2026-11-04T23:00:00+01:00",
        "tried_to_sleep_at": "2026-11-04T23:00:00+01:00",
        "minutes_to_sleep": "20",
        "awakenings": "1",
        "minutes_awake": "40",
        "final_waking_at": "2026-11-05T07:00:00+01:00",
        "out_of_bed_at": "2026-11-05T07:00:00+01:00",
        "quality": "3",
        "legs_disturbed": "a_little",
        "diary_note": "'=woke at 3",  # never a spreadsheet formula
        "symptoms_started_at": "2026-11-04T20:15:00+01:00",
        "symptom_places": "legs;arms",
        "bedtime_rating": "6",
        "triggers": "alcohol;long_sit",
        "evening_note": "long drive",
        "time_in_bed_minutes": "480",
        "total_sleep_minutes": "420",  # 480 - 20 - 40
        "sleep_efficiency": "87.5",
        "onset_minutes": "1215",
        "practice_minutes": "20.5",  # 900 + 330 s = 1230 s
        "sessions": "2",
    }
    assert rows[3][CSV_COLUMNS.index("symptoms_started_at")] == "none_today"


def test_trigger_letters_follow_the_default_list_then_own_labels() -> None:
    logs = [
        EveningLog(night=night(0), triggers=("zumba", "alcohol")),
        EveningLog(night=night(1), triggers=("caffeine_after_noon", "bath")),
    ]
    report = build_report(FIRST, LAST, [], logs, [], RULES, 15)
    assert report.legend == (
        ("A", "Caffeine after noon"),
        ("B", "Alcohol"),
        ("C", "bath"),
        ("D", "zumba"),
    )
    assert [report.rows[0].letters, report.rows[1].letters] == ["B D", "A C"]
