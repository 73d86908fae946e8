"""Nights and streaks, checked against the rules in the product description.

Every expected value below is worked out by hand from the rules:
- the night of a session is the local calendar date of (local start time minus
  the rollover), using the UTC offset recorded with the session;
- a night is practised when its sessions' whole practice seconds add up to at
  least min_practice_minutes x 60;
- the current streak as of T counts back from the night of T if it is
  practised, otherwise from the night before;
- the longest streak is the longest run of consecutive practised nights.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rls_companion.core.records import SessionRecord, SessionState
from rls_companion.core.session import Kind
from rls_companion.core.streaks import (
    StreakRules,
    current_streak,
    longest_streak,
    night_of,
    practice_by_night,
    practised_nights,
    started_between,
    stats,
)

DEFAULT = StreakRules()
_ids = itertools.count(1)


def zone(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


EST = zone(-5)  # America/New_York in winter
EDT = zone(-4)  # America/New_York in summer
TOKYO = zone(9)
PST = zone(-8)  # California in winter


def session(
    started_at: datetime,
    practice_seconds: float = 600.0,
    state: SessionState = SessionState.COMPLETED,
) -> SessionRecord:
    return SessionRecord(
        id=f"s{next(_ids)}",
        started_at=started_at,
        ended_at=started_at + timedelta(seconds=practice_seconds),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=practice_seconds,
        state=state,
    )


def nights(*days: int, year: int = 2026, month: int = 1) -> set[date]:
    return {date(year, month, d) for d in days}


# --- The night of a session -------------------------------------------------


@pytest.mark.parametrize(
    ("local", "rollover_hour", "expected_night"),
    [
        # Default 6 h: 05:59 is still the previous night, 06:00 starts a new one.
        (datetime(2026, 1, 11, 5, 59, tzinfo=EST), 6, date(2026, 1, 10)),
        (datetime(2026, 1, 11, 5, 59, 59, 999_999, tzinfo=EST), 6, date(2026, 1, 10)),
        (datetime(2026, 1, 11, 6, 0, tzinfo=EST), 6, date(2026, 1, 11)),
        # 01:30 belongs to the night before.
        (datetime(2026, 1, 11, 1, 30, tzinfo=EST), 6, date(2026, 1, 10)),
        (datetime(2026, 1, 10, 23, 59, tzinfo=EST), 6, date(2026, 1, 10)),
        # Midnight with the default rollover: still the night before.
        (datetime(2026, 1, 11, 0, 0, tzinfo=EST), 6, date(2026, 1, 10)),
        # Across a month and a year boundary.
        (datetime(2026, 3, 1, 2, 0, tzinfo=EST), 6, date(2026, 2, 28)),
        (datetime(2027, 1, 1, 3, 0, tzinfo=EST), 6, date(2026, 12, 31)),
        # Rollover 0: the night is simply the local calendar date.
        (datetime(2026, 1, 10, 23, 59, tzinfo=EST), 0, date(2026, 1, 10)),
        (datetime(2026, 1, 11, 0, 0, tzinfo=EST), 0, date(2026, 1, 11)),
        (datetime(2026, 1, 11, 1, 30, tzinfo=EST), 0, date(2026, 1, 11)),
        # Rollover 12: the night runs from noon to noon.
        (datetime(2026, 1, 11, 11, 59, tzinfo=EST), 12, date(2026, 1, 10)),
        (datetime(2026, 1, 11, 12, 0, tzinfo=EST), 12, date(2026, 1, 11)),
        (datetime(2026, 1, 11, 5, 0, tzinfo=EST), 12, date(2026, 1, 10)),
    ],
)
def test_night_of_around_the_rollover(
    local: datetime, rollover_hour: int, expected_night: date
) -> None:
    assert night_of(local, StreakRules(rollover_hour=rollover_hour)) == expected_night


def test_night_of_uses_local_time_not_utc() -> None:
    # 05:59 at UTC-5 is 10:59 UTC; in UTC terms that is after 06:00 but the
    # local clock said 05:59, so it is still the night of 10 January.
    instant = datetime(2026, 1, 11, 5, 59, tzinfo=EST)
    assert night_of(instant, DEFAULT) == date(2026, 1, 10)
    # 22:00 at UTC-5 is 03:00 UTC the next day: still the night of the 10th.
    assert night_of(datetime(2026, 1, 10, 22, 0, tzinfo=EST), DEFAULT) == date(2026, 1, 10)


def test_night_of_rejects_naive_instant() -> None:
    with pytest.raises(ValueError):
        night_of(datetime(2026, 1, 10, 22, 0), DEFAULT)


def test_session_just_before_and_after_rollover_fall_on_different_nights() -> None:
    before = session(datetime(2026, 1, 11, 5, 59, tzinfo=EST))
    after = session(datetime(2026, 1, 11, 6, 0, tzinfo=EST))
    assert practised_nights([before, after], DEFAULT) == nights(10, 11)


def test_rollover_zero_and_twelve_group_sessions_differently() -> None:
    # 23:30 on the 10th and 01:30 on the 11th, 3 min each.
    late = session(datetime(2026, 1, 10, 23, 30, tzinfo=EST), 180)
    early = session(datetime(2026, 1, 11, 1, 30, tzinfo=EST), 180)
    # Rollover 6 (and 12): both are the night of the 10th: 6 min, practised.
    assert practised_nights([late, early], DEFAULT) == nights(10)
    assert practised_nights([late, early], StreakRules(rollover_hour=12)) == nights(10)
    # Rollover 0: 3 min on the 10th and 3 min on the 11th: neither practised.
    assert practised_nights([late, early], StreakRules(rollover_hour=0)) == set()
    assert practice_by_night([late, early], StreakRules(rollover_hour=0)) == {
        date(2026, 1, 10): 180,
        date(2026, 1, 11): 180,
    }


# --- Practised nights and the minimum --------------------------------------


def test_three_short_sessions_add_up_to_a_practised_night() -> None:
    # 22:00, 23:30 and 02:00 (the night before), 2 min each: 6 min >= 5 min.
    records = [
        session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), 120),
        session(datetime(2026, 1, 10, 23, 30, tzinfo=EST), 120),
        session(datetime(2026, 1, 11, 2, 0, tzinfo=EST), 120),
    ]
    assert practice_by_night(records, DEFAULT) == {date(2026, 1, 10): 360}
    assert practised_nights(records, DEFAULT) == nights(10)


def test_two_short_sessions_do_not_make_a_practised_night() -> None:
    # 2 min + 2 min = 4 min < 5 min.
    records = [
        session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), 120),
        session(datetime(2026, 1, 11, 2, 0, tzinfo=EST), 120),
    ]
    assert practice_by_night(records, DEFAULT) == {date(2026, 1, 10): 240}
    assert practised_nights(records, DEFAULT) == set()


@pytest.mark.parametrize(
    ("practice_seconds", "practised"),
    [
        (300.0, True),  # exactly 5 min
        (299.4, False),  # rounds to 299 s
        (299.5, True),  # rounds half up to 300 s
        (299.0, False),
        (600.0, True),
        (0.0, False),
    ],
)
def test_min_practice_threshold_in_whole_seconds(practice_seconds: float, practised: bool) -> None:
    record = session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), practice_seconds)
    expected = nights(10) if practised else set()
    assert practised_nights([record], DEFAULT) == expected


def test_whole_second_rounding_is_half_up() -> None:
    start = datetime(2026, 1, 10, 22, 0, tzinfo=EST)
    assert session(start, 299.4).whole_practice_seconds == 299
    assert session(start, 299.5).whole_practice_seconds == 300
    assert session(start, 0.5).whole_practice_seconds == 1
    assert session(start, 0.49).whole_practice_seconds == 0


def test_night_total_adds_whole_seconds_of_each_session() -> None:
    # Each session counts in whole seconds: 149.4 -> 149 and 150.4 -> 150,
    # 299 s in all, one short of 300 s (the raw 299.8 s is not what counts).
    start = datetime(2026, 1, 10, 22, 0, tzinfo=EST)
    short = [session(start, 149.4), session(start + timedelta(minutes=10), 150.4)]
    assert practice_by_night(short, DEFAULT) == {date(2026, 1, 10): 299}
    assert practised_nights(short, DEFAULT) == set()
    # 150.5 -> 151 and 149.4 -> 149: exactly 300 s.
    enough = [session(start, 150.5), session(start + timedelta(minutes=10), 149.4)]
    assert practice_by_night(enough, DEFAULT) == {date(2026, 1, 10): 300}
    assert practised_nights(enough, DEFAULT) == nights(10)


@pytest.mark.parametrize(
    ("minutes", "practice_seconds", "practised"),
    [
        (1, 60.0, True),
        (1, 59.4, False),
        (60, 3600.0, True),
        (60, 3599.0, False),
        (10, 599.5, True),
    ],
)
def test_min_practice_minutes_setting(
    minutes: int, practice_seconds: float, practised: bool
) -> None:
    rules = StreakRules(min_practice_minutes=minutes)
    record = session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), practice_seconds)
    assert practised_nights([record], rules) == (nights(10) if practised else set())


def test_stopped_and_interrupted_sessions_count_their_practice() -> None:
    # "its sessions' practice seconds": an interrupted session keeps the
    # practice it really had.
    records = [
        session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), 150, SessionState.STOPPED),
        session(datetime(2026, 1, 10, 23, 0, tzinfo=EST), 150, SessionState.INTERRUPTED),
    ]
    assert practised_nights(records, DEFAULT) == nights(10)


# --- Daylight-saving changes (America/New_York) -----------------------------


def test_spring_forward_night_follows_recorded_offset() -> None:
    # 2026-03-08 02:00 EST becomes 03:00 EDT.
    # 01:30 -05:00 minus 6 h is 19:30 on the 7th.
    assert night_of(datetime(2026, 3, 8, 1, 30, tzinfo=EST), DEFAULT) == date(2026, 3, 7)
    # 05:59 -04:00 minus 6 h is 23:59 on the 7th; 06:00 -04:00 is the 8th.
    assert night_of(datetime(2026, 3, 8, 5, 59, tzinfo=EDT), DEFAULT) == date(2026, 3, 7)
    assert night_of(datetime(2026, 3, 8, 6, 0, tzinfo=EDT), DEFAULT) == date(2026, 3, 8)
    # The same UTC instant, 10:30Z, is 06:30 with -04:00 (night of the 8th)
    # but would be 05:30 with -05:00 (night of the 7th): the offset recorded
    # with the session decides.
    utc = datetime(2026, 3, 8, 10, 30, tzinfo=UTC)
    assert night_of(utc.astimezone(EDT), DEFAULT) == date(2026, 3, 8)
    assert night_of(utc.astimezone(EST), DEFAULT) == date(2026, 3, 7)


def test_fall_back_night_follows_recorded_offset() -> None:
    # 2026-11-01 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
    first = datetime(2026, 11, 1, 1, 30, tzinfo=EDT)  # 05:30Z
    second = datetime(2026, 11, 1, 1, 30, tzinfo=EST)  # 06:30Z
    assert second - first == timedelta(hours=1)
    assert night_of(first, DEFAULT) == date(2026, 10, 31)
    assert night_of(second, DEFAULT) == date(2026, 10, 31)
    # 05:59 -05:00 is still the 31st, 06:00 -05:00 is 1 November.
    assert night_of(datetime(2026, 11, 1, 5, 59, tzinfo=EST), DEFAULT) == date(2026, 10, 31)
    assert night_of(datetime(2026, 11, 1, 6, 0, tzinfo=EST), DEFAULT) == date(2026, 11, 1)
    # 10:30Z is 05:30 with -05:00 (night of the 31st); with -04:00 it would be
    # 06:30 (night of 1 November).
    utc = datetime(2026, 11, 1, 10, 30, tzinfo=UTC)
    assert night_of(utc.astimezone(EST), DEFAULT) == date(2026, 10, 31)
    assert night_of(utc.astimezone(EDT), DEFAULT) == date(2026, 11, 1)


def test_fall_back_repeated_hour_sessions_share_one_night() -> None:
    # 3 min in the first 01:30 and 3 min in the second: both on the night of
    # 31 October, 6 min in all.
    records = [
        session(datetime(2026, 11, 1, 1, 30, tzinfo=EDT), 180),
        session(datetime(2026, 11, 1, 1, 30, tzinfo=EST), 180),
    ]
    assert practice_by_night(records, DEFAULT) == {date(2026, 10, 31): 360}


def test_streak_runs_through_spring_forward() -> None:
    # 22:00 each evening; the UTC gap between the 7th and 8th sessions is 23 h.
    records = [
        session(datetime(2026, 3, 6, 22, 0, tzinfo=EST)),
        session(datetime(2026, 3, 7, 22, 0, tzinfo=EST)),
        session(datetime(2026, 3, 8, 22, 0, tzinfo=EDT)),
    ]
    as_of = datetime(2026, 3, 8, 23, 0, tzinfo=EDT)
    result = stats(records, as_of, DEFAULT)
    assert practised_nights(records, DEFAULT) == nights(6, 7, 8, month=3)
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (3, 3, 3)


def test_streak_runs_through_fall_back() -> None:
    # 22:00 each evening; the UTC gap between the 31st and 1st sessions is 25 h.
    records = [
        session(datetime(2026, 10, 30, 22, 0, tzinfo=EDT)),
        session(datetime(2026, 10, 31, 22, 0, tzinfo=EDT)),
        session(datetime(2026, 11, 1, 22, 0, tzinfo=EST)),
    ]
    as_of = datetime(2026, 11, 2, 7, 0, tzinfo=EST)  # night of 1 November
    result = stats(records, as_of, DEFAULT)
    assert practised_nights(records, DEFAULT) == {
        date(2026, 10, 30),
        date(2026, 10, 31),
        date(2026, 11, 1),
    }
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (3, 3, 3)


# --- Travel across time zones ------------------------------------------------


def test_travel_tokyo_to_california_keeps_consecutive_nights() -> None:
    # 23:00 +09:00 on 10 Jan (14:00Z on the 10th): night of the 10th.
    # 22:00 -08:00 on 11 Jan (06:00Z on the 12th): night of the 11th.
    # 40 h apart in UTC, yet consecutive local nights.
    tokyo = session(datetime(2026, 1, 10, 23, 0, tzinfo=TOKYO))
    california = session(datetime(2026, 1, 11, 22, 0, tzinfo=PST))
    assert california.started_at - tokyo.started_at == timedelta(hours=40)
    assert practised_nights([tokyo, california], DEFAULT) == nights(10, 11)
    result = stats([tokyo, california], datetime(2026, 1, 11, 23, 0, tzinfo=PST), DEFAULT)
    assert (result.current_streak, result.longest_streak) == (2, 2)


def test_travel_california_to_tokyo_skipping_a_local_date_breaks_streak() -> None:
    # 22:00 -08:00 on 10 Jan (06:00Z on the 11th): night of the 10th.
    # 23:00 +09:00 on 12 Jan (14:00Z on the 12th): night of the 12th.
    # Only 32 h apart in UTC, but the local night of the 11th has no session.
    california = session(datetime(2026, 1, 10, 22, 0, tzinfo=PST))
    tokyo = session(datetime(2026, 1, 12, 23, 0, tzinfo=TOKYO))
    assert tokyo.started_at - california.started_at == timedelta(hours=32)
    assert practised_nights([california, tokyo], DEFAULT) == nights(10, 12)
    result = stats([california, tokyo], datetime(2026, 1, 12, 23, 30, tzinfo=TOKYO), DEFAULT)
    assert (result.current_streak, result.longest_streak) == (1, 1)


def test_same_utc_day_can_be_two_local_nights() -> None:
    # 12:00Z on 10 Jan recorded at -08:00 is 04:00 on the 10th: night of the 9th.
    # 13:30Z on 10 Jan recorded at +09:00 is 22:30 on the 10th: night of the 10th.
    west = session(datetime(2026, 1, 10, 12, 0, tzinfo=UTC).astimezone(PST))
    east = session(datetime(2026, 1, 10, 13, 30, tzinfo=UTC).astimezone(TOKYO))
    assert west.started_at.astimezone(UTC).date() == east.started_at.astimezone(UTC).date()
    assert practised_nights([west, east], DEFAULT) == nights(9, 10)


def test_same_utc_day_short_sessions_on_two_local_nights_are_not_summed() -> None:
    # Same two instants, 3 min each: 6 min on one UTC day, but 3 min on each of
    # two local nights, so neither night is practised.
    west = session(datetime(2026, 1, 10, 12, 0, tzinfo=UTC).astimezone(PST), 180)
    east = session(datetime(2026, 1, 10, 13, 30, tzinfo=UTC).astimezone(TOKYO), 180)
    assert practice_by_night([west, east], DEFAULT) == {
        date(2026, 1, 9): 180,
        date(2026, 1, 10): 180,
    }
    assert practised_nights([west, east], DEFAULT) == set()


def test_two_utc_days_can_be_one_local_night() -> None:
    # 15:00 -08:00 (23:00Z on the 10th) and 17:00 -08:00 (01:00Z on the 11th),
    # 3 min each: one local night, 6 min, practised.
    records = [
        session(datetime(2026, 1, 10, 15, 0, tzinfo=PST), 180),
        session(datetime(2026, 1, 10, 17, 0, tzinfo=PST), 180),
    ]
    assert practised_nights(records, DEFAULT) == nights(10)


# --- Streaks and stats --------------------------------------------------------


def test_stats_of_empty_history_are_all_zero() -> None:
    result = stats([], datetime(2026, 1, 10, 22, 0, tzinfo=EST), DEFAULT)
    assert result.as_dict() == {
        "current_streak": 0,
        "longest_streak": 0,
        "practised_nights": 0,
        "sessions": 0,
        "total_practice_seconds": 0,
    }


def test_streak_functions_on_empty_set() -> None:
    assert current_streak(set(), date(2026, 1, 10)) == 0
    assert longest_streak(set()) == 0


def _three_nights() -> list[SessionRecord]:
    # Practised nights 8, 9 and 10 January.
    return [session(datetime(2026, 1, d, 22, 0, tzinfo=EST)) for d in (8, 9, 10)]


def test_current_streak_tonight_not_yet_practised_counts_from_night_before() -> None:
    # 22:00 on the 11th: night of the 11th, nothing yet -> count from the 10th.
    result = stats(_three_nights(), datetime(2026, 1, 11, 22, 0, tzinfo=EST), DEFAULT)
    assert result.current_streak == 3


def test_current_streak_early_morning_is_still_the_practised_night() -> None:
    # 05:00 on the 11th is the night of the 10th, which is practised.
    result = stats(_three_nights(), datetime(2026, 1, 11, 5, 0, tzinfo=EST), DEFAULT)
    assert result.current_streak == 3


def test_current_streak_includes_tonight_once_practised() -> None:
    records = [*_three_nights(), session(datetime(2026, 1, 11, 22, 0, tzinfo=EST))]
    result = stats(records, datetime(2026, 1, 11, 23, 0, tzinfo=EST), DEFAULT)
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (4, 4, 4)


def test_current_streak_before_tonights_session_starts_ignores_it() -> None:
    records = [*_three_nights(), session(datetime(2026, 1, 11, 22, 0, tzinfo=EST))]
    result = stats(records, datetime(2026, 1, 11, 21, 0, tzinfo=EST), DEFAULT)
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (3, 3, 3)
    assert result.sessions == 3


def test_current_streak_broken_by_one_missed_night() -> None:
    # As of 22:00 on the 12th: tonight (12th) not practised, the 11th was
    # missed, so the current streak is 0; the longest is still 3.
    result = stats(_three_nights(), datetime(2026, 1, 12, 22, 0, tzinfo=EST), DEFAULT)
    assert (result.current_streak, result.longest_streak) == (0, 3)


def test_current_streak_restarts_after_a_gap() -> None:
    # Nights 8, 9, 10 and 12; as of the night of the 12th: 1.
    records = [*_three_nights(), session(datetime(2026, 1, 12, 22, 0, tzinfo=EST))]
    result = stats(records, datetime(2026, 1, 12, 23, 0, tzinfo=EST), DEFAULT)
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (1, 3, 4)
    # As of the night of the 13th (not practised yet): counts from the 12th: 1.
    later = stats(records, datetime(2026, 1, 13, 22, 0, tzinfo=EST), DEFAULT)
    assert later.current_streak == 1


def test_unpractised_short_session_tonight_does_not_break_streak() -> None:
    # A 2 min session tonight does not make tonight practised; count from the
    # night before.
    records = [*_three_nights(), session(datetime(2026, 1, 11, 22, 0, tzinfo=EST), 120)]
    result = stats(records, datetime(2026, 1, 11, 23, 0, tzinfo=EST), DEFAULT)
    assert (result.current_streak, result.practised_nights, result.sessions) == (3, 3, 4)


def test_current_streak_function_directly() -> None:
    practised = nights(8, 9, 10)
    assert current_streak(practised, date(2026, 1, 10)) == 3
    assert current_streak(practised, date(2026, 1, 11)) == 3
    assert current_streak(practised, date(2026, 1, 9)) == 2
    assert current_streak(practised, date(2026, 1, 12)) == 0
    assert current_streak(practised, date(2026, 1, 7)) == 0


def test_longest_streak_across_several_runs() -> None:
    # Runs: 1-3 (3), 5-9 (5), 12-13 (2).
    practised = nights(1, 2, 3, 5, 6, 7, 8, 9, 12, 13)
    assert longest_streak(practised) == 5
    records = [session(datetime(2026, 1, d.day, 22, 0, tzinfo=EST)) for d in sorted(practised)]
    result = stats(records, datetime(2026, 1, 13, 23, 0, tzinfo=EST), DEFAULT)
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (2, 5, 10)


def test_longest_streak_across_month_and_year_ends() -> None:
    practised = {date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 3)}
    assert longest_streak(practised) == 3
    assert longest_streak({date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)}) == 3


def test_stats_ignore_sessions_starting_after_as_of() -> None:
    as_of = datetime(2026, 1, 11, 22, 0, tzinfo=EST)
    records = [
        session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), 600),
        session(as_of, 400),  # starts exactly at as_of: counts
        session(as_of + timedelta(microseconds=1), 700),  # after: ignored
        session(datetime(2026, 1, 12, 22, 0, tzinfo=EST), 900),  # later night: ignored
    ]
    result = stats(records, as_of, DEFAULT)
    assert result.as_dict() == {
        "current_streak": 2,
        "longest_streak": 2,
        "practised_nights": 2,
        "sessions": 2,
        "total_practice_seconds": 1000,
    }


def test_stats_compare_as_of_by_instant_not_wall_clock() -> None:
    # The session starts at 22:00 -08:00 (06:00Z on the 11th). As of 23:00
    # -05:00 on the 10th (04:00Z on the 11th) it has not started yet.
    records = [session(datetime(2026, 1, 10, 22, 0, tzinfo=PST))]
    before = stats(records, datetime(2026, 1, 10, 23, 0, tzinfo=EST), DEFAULT)
    assert before.sessions == 0
    after = stats(records, datetime(2026, 1, 11, 2, 0, tzinfo=EST), DEFAULT)  # 07:00Z
    assert after.sessions == 1


def test_stats_require_aware_as_of() -> None:
    with pytest.raises(ValueError):
        stats(_three_nights(), datetime(2026, 1, 11, 22, 0), DEFAULT)


def test_stats_sessions_and_total_practice_seconds() -> None:
    # Whole seconds half up: 100.4 -> 100, 200.5 -> 201, 59.6 -> 60,
    # 0.2 -> 0; total 361 over 4 sessions. Night of the 10th: 100 + 201 = 301
    # (practised); night of the 11th: 60 + 0 = 60 (not practised).
    records = [
        session(datetime(2026, 1, 10, 22, 0, tzinfo=EST), 100.4),
        session(datetime(2026, 1, 11, 1, 0, tzinfo=EST), 200.5, SessionState.STOPPED),
        session(datetime(2026, 1, 11, 22, 0, tzinfo=EST), 59.6, SessionState.INTERRUPTED),
        session(datetime(2026, 1, 11, 23, 0, tzinfo=EST), 0.2, SessionState.STOPPED),
    ]
    result = stats(records, datetime(2026, 1, 11, 23, 30, tzinfo=EST), DEFAULT)
    assert result.as_dict() == {
        "current_streak": 1,
        "longest_streak": 1,
        "practised_nights": 1,
        "sessions": 4,
        "total_practice_seconds": 361,
    }


def test_stats_with_custom_rules() -> None:
    # Rollover 12, minimum 10 min. 11:00 on the 11th is the night of the 10th.
    rules = StreakRules(rollover_hour=12, min_practice_minutes=10)
    records = [
        session(datetime(2026, 1, 10, 21, 0, tzinfo=EST), 300),
        session(datetime(2026, 1, 11, 11, 0, tzinfo=EST), 300),  # 600 s on the 10th
        session(datetime(2026, 1, 11, 21, 0, tzinfo=EST), 599),  # 11th: short
    ]
    result = stats(records, datetime(2026, 1, 11, 22, 0, tzinfo=EST), rules)
    assert (result.current_streak, result.longest_streak, result.practised_nights) == (1, 1, 1)


# --- Properties ---------------------------------------------------------------

BASE = date(2026, 1, 1)
night_offsets = st.sets(st.integers(min_value=0, max_value=60), max_size=40)


def to_dates(offsets: set[int]) -> set[date]:
    return {BASE + timedelta(days=n) for n in offsets}


def brute_longest(offsets: set[int]) -> int:
    ordinals = sorted(offsets)
    best = 0
    run = 0
    previous = None
    for value in ordinals:
        run = run + 1 if previous is not None and value == previous + 1 else 1
        best = max(best, run)
        previous = value
    return best


def brute_current(offsets: set[int], tonight: int) -> int:
    start = tonight if tonight in offsets else tonight - 1
    length = 0
    for k in range(len(offsets) + 1):
        if all(start - j in offsets for j in range(k)):
            length = k
    return length


@settings(max_examples=200)
@given(offsets=night_offsets)
def test_property_longest_streak_matches_brute_force(offsets: set[int]) -> None:
    assert longest_streak(to_dates(offsets)) == brute_longest(offsets)


@settings(max_examples=200)
@given(offsets=night_offsets, tonight=st.integers(min_value=-2, max_value=63))
def test_property_current_streak_matches_brute_force(offsets: set[int], tonight: int) -> None:
    result = current_streak(to_dates(offsets), BASE + timedelta(days=tonight))
    assert result == brute_current(offsets, tonight)


@given(offsets=night_offsets, tonight=st.integers(min_value=-2, max_value=63))
def test_property_current_streak_not_above_longest(offsets: set[int], tonight: int) -> None:
    practised = to_dates(offsets)
    assert current_streak(practised, BASE + timedelta(days=tonight)) <= longest_streak(practised)


@given(offsets=night_offsets, extra=st.integers(min_value=-5, max_value=65))
def test_property_adding_a_night_never_lowers_longest(offsets: set[int], extra: int) -> None:
    before = longest_streak(to_dates(offsets))
    after = longest_streak(to_dates(offsets | {extra}))
    assert after >= before
    if extra in offsets:
        assert after == before


offset_minutes = st.integers(min_value=-12 * 60, max_value=14 * 60)
utc_instants = st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30), timezones=st.none()
)


@settings(max_examples=300)
@given(
    utc_naive=utc_instants,
    minutes=offset_minutes,
    rollover_hour=st.integers(min_value=0, max_value=12),
)
def test_property_night_is_local_date_minus_rollover(
    utc_naive: datetime, minutes: int, rollover_hour: int
) -> None:
    offset = timedelta(minutes=minutes)
    instant = utc_naive.replace(tzinfo=UTC).astimezone(timezone(offset))
    # Independent computation on naive wall-clock values: the local wall time
    # is UTC plus the offset; before the rollover hour it is the night before.
    local_wall = utc_naive + offset
    before_rollover = local_wall.time() < time(hour=rollover_hour)
    expected = local_wall.date() - timedelta(days=1 if before_rollover else 0)
    assert night_of(instant, StreakRules(rollover_hour=rollover_hour)) == expected


zones = st.sampled_from([zone(-8), zone(-5), zone(-4), zone(0), zone(5, 45), zone(9), zone(14)])


@st.composite
def records_strategy(draw: st.DrawFn) -> list[SessionRecord]:
    count = draw(st.integers(min_value=0, max_value=12))
    records = []
    for _ in range(count):
        minutes = draw(st.integers(min_value=0, max_value=20 * 24 * 60))
        utc = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
        practice = draw(st.floats(min_value=0, max_value=900, allow_nan=False))
        records.append(session(utc.astimezone(draw(zones)), practice))
    return records


@settings(max_examples=100)
@given(
    records=records_strategy(),
    data=st.data(),
    as_of_minutes=st.integers(min_value=0, max_value=22 * 24 * 60),
    as_of_zone=zones,
    rollover_hour=st.integers(min_value=0, max_value=12),
)
def test_property_record_order_never_changes_stats(
    records: list[SessionRecord],
    data: st.DataObject,
    as_of_minutes: int,
    as_of_zone: timezone,
    rollover_hour: int,
) -> None:
    rules = StreakRules(rollover_hour=rollover_hour)
    as_of = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=as_of_minutes)).astimezone(
        as_of_zone
    )
    shuffled = data.draw(st.permutations(records))
    assert stats(shuffled, as_of, rules) == stats(records, as_of, rules)
    assert stats(list(reversed(records)), as_of, rules) == stats(records, as_of, rules)


@settings(max_examples=200)
@given(
    records=records_strategy(),
    night=st.integers(min_value=0, max_value=20),
    total=st.integers(min_value=0, max_value=1200),
    data=st.data(),
    rollover_hour=st.integers(min_value=0, max_value=12),
    tz=zones,
)
def test_property_splitting_a_session_keeps_practised_nights(
    records: list[SessionRecord],
    night: int,
    total: int,
    data: st.DataObject,
    rollover_hour: int,
    tz: timezone,
) -> None:
    rules = StreakRules(rollover_hour=rollover_hour)
    # A night starts at the rollover hour local time and lasts 24 h.
    night_start = datetime(2026, 1, 1, tzinfo=tz) + timedelta(days=night, hours=rollover_hour)
    starts_in_night = st.integers(min_value=0, max_value=24 * 3600 - 1).map(
        lambda s: night_start + timedelta(seconds=s)
    )
    whole = session(data.draw(starts_in_night), float(total))
    cuts = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=total), max_size=5)))
    parts = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
    pieces = [session(data.draw(starts_in_night), float(p)) for p in parts]
    assert sum(p.whole_practice_seconds for p in pieces) == total
    assert {night_of(p.started_at, rules) for p in pieces} == {night_of(whole.started_at, rules)}
    assert practised_nights([*records, *pieces], rules) == practised_nights(
        [*records, whole], rules
    )


# --- Which sessions started in a span (compared per zone for speed) ----------

NEW_YORK = ZoneInfo("America/New_York")


def test_started_between_includes_both_bounds_and_compares_instants() -> None:
    since = datetime(2026, 1, 10, 22, 0, tzinfo=EST)  # 03:00Z on the 11th
    until = datetime(2026, 1, 11, 2, 0, tzinfo=EST)  # 07:00Z
    inside = [
        session(since),
        session(until.astimezone(TOKYO)),  # the same instant, another zone
        session(datetime(2026, 1, 10, 22, 0, tzinfo=PST)),  # 06:00Z
        session(datetime(2026, 1, 11, 4, 0, tzinfo=UTC)),
    ]
    outside = [
        session(since - timedelta(microseconds=1)),
        session(until.astimezone(PST) + timedelta(microseconds=1)),
        session(datetime(2026, 1, 11, 8, 0, tzinfo=TOKYO)),  # 23:00Z on the 10th
    ]
    assert started_between([*outside, *inside], since, until) == inside
    assert started_between([*outside, *inside], None, until) == [outside[0], outside[2], *inside]


def test_started_between_across_a_daylight_saving_fold() -> None:
    # 01:30 happens twice in New York on 1 Nov 2026: first in EDT, then in EST.
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=0)  # 05:30Z
    second = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=1)  # 06:30Z
    until = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    records = [session(first), session(second), session(second.astimezone(EST))]
    assert started_between(records, None, until) == records[:1]


instants = st.integers(min_value=0, max_value=3 * 24 * 60).map(
    lambda minutes: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
)


@settings(max_examples=200)
@given(
    starts=st.lists(st.tuples(instants, zones), max_size=30),
    since=st.none() | st.tuples(instants, zones),
    until=st.tuples(instants, zones),
)
def test_property_started_between_matches_plain_comparison(
    starts: list[tuple[datetime, timezone]],
    since: tuple[datetime, timezone] | None,
    until: tuple[datetime, timezone],
) -> None:
    records = [session(utc.astimezone(tz)) for utc, tz in starts]
    low = since[0].astimezone(since[1]) if since else None
    high = until[0].astimezone(until[1])
    expected = [r for r in records if r.started_at <= high and (low is None or low <= r.started_at)]
    assert started_between(records, low, high) == expected
