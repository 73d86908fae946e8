"""When the bedtime reminder comes: local time, chosen days, daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rls_companion.core.reminder import (
    MISSED_GRACE,
    WEEKDAYS,
    next_reminder,
    parse_days,
    parse_time,
    still_worth_showing,
)

NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
EVERY_DAY = frozenset(range(7))


def at(zone: ZoneInfo, *fields: int) -> datetime:
    return datetime(*fields, tzinfo=zone)  # type: ignore[misc]


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone)


# --- reading the settings -------------------------------------------------------------------


def test_parse_time() -> None:
    assert parse_time("22:30") == time(22, 30)
    assert parse_time("7:05") == time(7, 5)
    assert parse_time("00:00") == time(0, 0)
    for bad in ("24:00", "22:60", "2230", "22:30:00", " 22:30", ""):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_time(bad)


def test_parse_days() -> None:
    assert parse_days(",".join(WEEKDAYS)) == EVERY_DAY
    assert parse_days("mon,fri") == {0, 4}
    assert parse_days("sun") == {6}
    for bad in ("", "Mon", "monday", "mon,", "mon,,tue", "mon tue", "sat,sat", "mon,tue,mon"):
        with pytest.raises(ValueError, match="comma-separated"):
            parse_days(bad)


# --- the next instant -----------------------------------------------------------------------


def test_later_today() -> None:
    now = at(NEW_YORK, 2026, 11, 20, 21, 0)  # a Friday
    assert next_reminder(now, time(22, 30), EVERY_DAY, NEW_YORK) == at(
        NEW_YORK, 2026, 11, 20, 22, 30
    )


def test_already_passed_today_means_tomorrow() -> None:
    now = at(NEW_YORK, 2026, 11, 20, 22, 31)
    assert next_reminder(now, time(22, 30), EVERY_DAY, NEW_YORK) == at(
        NEW_YORK, 2026, 11, 21, 22, 30
    )


def test_strictly_after_now_so_a_reminder_that_just_fired_is_not_repeated() -> None:
    now = at(NEW_YORK, 2026, 11, 20, 22, 30)
    assert next_reminder(now, time(22, 30), EVERY_DAY, NEW_YORK) == at(
        NEW_YORK, 2026, 11, 21, 22, 30
    )


def test_only_the_chosen_days() -> None:
    friday_night = at(NEW_YORK, 2026, 11, 20, 23, 0)
    weekdays = parse_days("mon,tue,wed,thu,fri")
    assert next_reminder(friday_night, time(22, 30), weekdays, NEW_YORK) == at(
        NEW_YORK, 2026, 11, 23, 22, 30
    )


def test_a_single_day_that_just_passed_comes_back_in_a_week() -> None:
    friday_night = at(NEW_YORK, 2026, 11, 20, 23, 0)
    nxt = next_reminder(friday_night, time(22, 30), {4}, NEW_YORK)
    assert nxt == at(NEW_YORK, 2026, 11, 27, 22, 30)


def test_no_days_means_never() -> None:
    assert next_reminder(at(NEW_YORK, 2026, 11, 20, 21, 0), time(22, 30), set(), NEW_YORK) is None


def test_now_must_carry_its_offset() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        next_reminder(datetime(2026, 11, 20, 21, 0), time(22, 30), EVERY_DAY, NEW_YORK)


def test_now_in_another_offset_is_read_in_local_time() -> None:
    # 03:00 UTC on Saturday is still 22:00 on Friday in New York.
    now = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert next_reminder(now, time(22, 30), {4}, NEW_YORK) == at(NEW_YORK, 2026, 11, 20, 22, 30)


# --- daylight saving --------------------------------------------------------------------------


def test_spring_forward_keeps_the_local_time() -> None:
    # 2026-03-08 02:00 EST -> 03:00 EDT: the day is 23 hours long.
    now = at(NEW_YORK, 2026, 3, 7, 22, 30)
    nxt = next_reminder(now, time(22, 30), EVERY_DAY, NEW_YORK)
    assert nxt is not None
    assert local(nxt, NEW_YORK).time() == time(22, 30)
    assert nxt.utcoffset() == timedelta(hours=-4)
    assert nxt - now == timedelta(hours=23)


def test_fall_back_keeps_the_local_time() -> None:
    # 2026-11-01 02:00 EDT -> 01:00 EST: the day is 25 hours long.
    now = at(NEW_YORK, 2026, 10, 31, 22, 30)
    nxt = next_reminder(now, time(22, 30), EVERY_DAY, NEW_YORK)
    assert nxt is not None
    assert local(nxt, NEW_YORK).time() == time(22, 30)
    assert nxt.utcoffset() == timedelta(hours=-5)
    assert nxt - now == timedelta(hours=25)


def test_a_time_skipped_by_spring_forward_moves_later_by_the_gap() -> None:
    now = at(NEW_YORK, 2026, 3, 7, 23, 0)
    nxt = next_reminder(now, time(2, 30), EVERY_DAY, NEW_YORK)
    assert nxt == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert local(nxt, NEW_YORK).time() == time(3, 30)
    # And the day after, it is 02:30 again.
    assert next_reminder(nxt, time(2, 30), EVERY_DAY, NEW_YORK) == at(NEW_YORK, 2026, 3, 9, 2, 30)


def test_a_time_that_happens_twice_reminds_once_at_the_first() -> None:
    now = at(NEW_YORK, 2026, 10, 31, 23, 0)
    first = next_reminder(now, time(1, 30), EVERY_DAY, NEW_YORK)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    again = next_reminder(first, time(1, 30), EVERY_DAY, NEW_YORK)
    assert again == at(NEW_YORK, 2026, 11, 2, 1, 30)  # not 01:30 EST an hour later
    between = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 01:00 EST, the second time round
    assert next_reminder(between, time(1, 30), EVERY_DAY, NEW_YORK) == again


def test_southern_hemisphere() -> None:
    # Sydney moves its clocks forward on 2026-10-04 at 02:00.
    now = at(SYDNEY, 2026, 10, 3, 22, 0)
    nxt = next_reminder(now, time(21, 45), EVERY_DAY, SYDNEY)
    assert nxt is not None
    assert local(nxt, SYDNEY).replace(tzinfo=None) == datetime(2026, 10, 4, 21, 45)
    assert nxt.utcoffset() == timedelta(hours=11)


@pytest.mark.usefixtures("new_york_computer")
@pytest.mark.parametrize(
    ("now", "clock"),
    [
        (at(NEW_YORK, 2026, 3, 7, 22, 30), time(22, 30)),
        (at(NEW_YORK, 2026, 3, 7, 23, 0), time(2, 30)),
        (at(NEW_YORK, 2026, 10, 31, 23, 0), time(1, 30)),
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), time(1, 30)),
        (at(NEW_YORK, 2026, 7, 1, 12, 0), time(22, 30)),
    ],
)
def test_the_computers_own_zone_follows_the_same_rules(now: datetime, clock: time) -> None:
    own = next_reminder(now, clock, EVERY_DAY)
    assert own == next_reminder(now, clock, EVERY_DAY, NEW_YORK)
    assert own is not None and own.utcoffset() == local(own, NEW_YORK).utcoffset()


ZONES = [NEW_YORK, SYDNEY, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata")]


@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from(ZONES),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.frozensets(st.integers(0, 6), min_size=1),
)
def test_next_reminder_properties(
    utc_now: datetime, zone: ZoneInfo, clock: time, days: frozenset[int]
) -> None:
    now = utc_now.replace(tzinfo=UTC)
    nxt = next_reminder(now, clock, days, zone)
    assert nxt is not None
    assert now < nxt <= now + timedelta(days=7, hours=2)
    seen = local(nxt, zone)
    assert seen.weekday() in days
    if seen.time() != clock:
        # Only a time skipped by a clock change lands elsewhere: later, by the gap.
        before = local(nxt - timedelta(hours=3), zone).utcoffset()
        assert before is not None and nxt.utcoffset() != before
        assert seen.time() > clock
    # Nothing in between: asking again from any earlier moment gives the same answer.
    assert next_reminder(now + (nxt - now) / 2, clock, days, zone) == nxt
    assert next_reminder(nxt - timedelta(microseconds=1), clock, days, zone) == nxt


# --- missed while asleep ----------------------------------------------------------------------


def test_a_missed_reminder_is_shown_only_soon_after() -> None:
    due = at(NEW_YORK, 2026, 11, 20, 22, 30)
    assert still_worth_showing(due, due)
    assert still_worth_showing(due, due + MISSED_GRACE)
    assert not still_worth_showing(due, due + MISSED_GRACE + timedelta(seconds=1))
    assert not still_worth_showing(due, due - timedelta(seconds=1))
    assert timedelta(0) < MISSED_GRACE <= timedelta(hours=1)
