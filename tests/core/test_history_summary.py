"""The History screen's figures, checked against a small history worked out by hand.

Rules (PRODUCT.md): the night of a session is the local date of (local start
minus the rollover, 6 h by default); a night is practised when its sessions'
whole practice seconds reach 5 x 60 = 300; the current streak counts back from
tonight when tonight is practised, else from the night before.

As of Fri 20 Nov 2026 22:15 (UTC-5), tonight is Fri 20 Nov. By hand:

| night  | sessions (whole seconds)                  | total | state     |
|--------|-------------------------------------------|-------|-----------|
| Thu 12 | 22:00 900                                 | 900   | practised |
| Fri 13 | 22:00 600                                 | 600   | practised |
| Sat 14 | 22:00 1200                                | 1200  | practised |
| Sun 15 | 22:00 1200 (rated after 2)                | 1200  | practised |
| Mon 16 | 21:00 299.4 -> 299                        | 299   | partly    |
| Tue 17 | none                                      | 0     | none      |
| Wed 18 | 22:00 120, 22:30 179.6 -> 180             | 300   | practised |
| Thu 19 | 23:00 600 (6 -> 3), Fri 01:30 200 (4 -> -)| 800   | practised |
| Fri 20 | 21:00 100 (tonight, not over)             | 100   | partly    |

A session on Sat 21 Nov starts after the instant asked about and counts nowhere.
Current streak: tonight is not practised, so from Thu 19: 19, 18, then 17 is
not -> 2. Longest: 12-15 -> 4. Practised nights 6; sessions 10; practice
900+600+1200+1200+299+120+180+600+200+100 = 5399 s.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from rls_companion.core.history_summary import (
    Night,
    NightState,
    RatingNight,
    calendar_start,
    summarise,
)
from rls_companion.core.records import SessionRecord, SessionState
from rls_companion.core.session import Kind
from rls_companion.core.streaks import StreakRules

EST = timezone(timedelta(hours=-5))
KIRIBATI = timezone(timedelta(hours=14))
RULES = StreakRules()
AS_OF = datetime(2026, 11, 20, 22, 15, tzinfo=EST)
_ids = itertools.count(1)


def session(
    start: datetime, seconds: float, before: int | None = None, after: int | None = None
) -> SessionRecord:
    return SessionRecord(
        id=f"s{next(_ids)}",
        started_at=start,
        ended_at=start + timedelta(seconds=seconds),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=seconds,
        state=SessionState.COMPLETED,
        rating_before=before,
        rating_after=after,
    )


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=EST)


def hand_worked() -> list[SessionRecord]:
    return [
        session(at(12, 22), 900),
        session(at(13, 22), 600),
        session(at(14, 22), 1200),
        session(at(15, 22), 1200, after=2),
        session(at(16, 21), 299.4),
        session(at(18, 22), 120),
        session(at(18, 22, 30), 179.6),
        session(at(19, 23), 600, before=6, after=3),
        session(at(20, 1, 30), 200, before=4),
        session(at(20, 21), 100),
        session(at(21, 22), 1200, before=9, after=9),  # after the instant asked about
    ]


P, S, N = NightState.PRACTISED, NightState.PARTLY, NightState.NONE


def test_streak_figures_come_from_the_streak_rules() -> None:
    summary = summarise(hand_worked(), AS_OF, RULES)
    assert summary.tonight == date(2026, 11, 20)
    stats = summary.stats
    assert (stats.current_streak, stats.longest_streak, stats.practised_nights) == (2, 4, 6)
    assert (stats.sessions, stats.total_practice_seconds) == (10, 5399)


def test_calendar_is_whole_weeks_ending_tonight_with_three_states() -> None:
    summary = summarise(hand_worked(), AS_OF, RULES, weeks=2, week_start=0)
    # Tonight is a Friday; its week began on Monday 16, the week before on Monday 9.
    assert [c.night for c in summary.calendar] == [date(2026, 11, d) for d in range(9, 21)]
    assert [c.state for c in summary.calendar] == [N, N, N, P, P, P, P, S, N, P, P, S]
    assert [c.seconds for c in summary.calendar][3:] == [
        900,
        600,
        1200,
        1200,
        299,
        0,
        300,
        800,
        100,
    ]


def test_calendar_weeks_can_start_on_sunday() -> None:
    summary = summarise(hand_worked(), AS_OF, RULES, weeks=2, week_start=6)
    assert summary.calendar[0].night == date(2026, 11, 8)  # Sunday a week before Sunday 15
    assert summary.calendar[-1].night == date(2026, 11, 20)
    assert len(summary.calendar) == 13
    assert calendar_start(date(2026, 11, 15), 1, week_start=6) == date(2026, 11, 15)
    assert calendar_start(date(2026, 11, 15), 26) == date(2026, 5, 18)


def test_recent_nights_for_the_minutes_chart() -> None:
    summary = summarise(hand_worked(), AS_OF, RULES, chart_nights=3)
    assert summary.recent == (
        Night(date(2026, 11, 18), 300, P),
        Night(date(2026, 11, 19), 800, P),
        Night(date(2026, 11, 20), 100, S),
    )
    assert summary.recent[1].minutes == 800 / 60


def test_ratings_are_averaged_per_night_and_absent_ones_stay_absent() -> None:
    summary = summarise(hand_worked(), AS_OF, RULES, chart_nights=7)
    assert summary.ratings == (
        RatingNight(date(2026, 11, 15), None, 2.0),
        RatingNight(date(2026, 11, 19), 5.0, 3.0),
    )
    assert summarise(hand_worked(), AS_OF, RULES, chart_nights=5).ratings == (
        RatingNight(date(2026, 11, 19), 5.0, 3.0),
    )


def test_the_minimum_and_rollover_settings_change_the_answers() -> None:
    strict = StreakRules(rollover_hour=6, min_practice_minutes=10)
    summary = summarise(hand_worked(), AS_OF, strict, weeks=1)
    # Ten minutes is 600 s: Thu 19 (800 s) still counts, Wed 18 (300 s) no longer does.
    assert [c.state for c in summary.calendar] == [S, N, S, P, S]
    assert summary.stats.current_streak == 1
    assert summary.stats.longest_streak == 4  # 12-15: 900, 600, 1200, 1200
    no_rollover = StreakRules(rollover_hour=0)
    summary = summarise(hand_worked(), AS_OF, no_rollover, weeks=1)
    # The 01:30 session now belongs to Fri 20: Thu 19 has 600 s and Fri 20 has 300 s.
    assert [c.seconds for c in summary.calendar] == [299, 0, 300, 600, 300]
    assert summary.calendar[-1].state is P
    assert summary.stats.current_streak == 3  # tonight practised: 20, 19, 18


def test_old_history_counts_in_the_streaks_but_not_in_the_calendar() -> None:
    old = [session(datetime(2020, 1, d, 22, tzinfo=EST), 600) for d in range(1, 11)]
    summary = summarise(old + hand_worked(), AS_OF, RULES, weeks=2)
    assert summary.stats.longest_streak == 10
    assert summary.stats.sessions == 20
    assert [c.state for c in summary.calendar] == [N, N, N, P, P, P, P, S, N, P, P, S]


def test_a_session_far_east_of_utc_still_lands_on_the_first_calendar_night() -> None:
    # 06:30 at UTC+14 on Mon 9 Nov is 16:30 UTC on Sun 8 Nov; its night is Mon 9.
    early = session(datetime(2026, 11, 9, 6, 30, tzinfo=KIRIBATI), 600)
    summary = summarise([early, *hand_worked()], AS_OF, RULES, weeks=2, week_start=0)
    assert summary.calendar[0] == Night(date(2026, 11, 9), 600, P)


def test_an_empty_history_is_all_quiet_nights() -> None:
    summary = summarise([], AS_OF, RULES, weeks=26, chart_nights=42)
    assert summary.stats.sessions == 0
    assert len(summary.calendar) == 25 * 7 + 5  # Monday to Friday of this week
    assert {c.state for c in summary.calendar} == {N}
    assert len(summary.recent) == 42 and summary.ratings == ()
