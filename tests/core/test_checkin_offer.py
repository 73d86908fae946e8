"""When the morning check-in is offered, and how the form's typed times are read.

The check-in asks about the night that ended at the last rollover, once: not
when that night already has an entry, and not twice for the same night.
"""

from __future__ import annotations

import sys
import time as systime
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from rls_companion.core.diary import (
    DiaryError,
    LegsDisturbed,
    entry_from_times,
    last_night,
    local_instant,
    night_to_offer,
    wall_time,
)
from rls_companion.core.streaks import StreakRules

EST = timezone(timedelta(hours=-5))
DEFAULT = StreakRules()
NOTHING_KEPT: frozenset[date] = frozenset()


def test_after_the_rollover_the_night_that_just_ended_is_offered() -> None:
    # 07:30 on Wednesday 2 December: the night of Tuesday 1 December ended at 06:00.
    now = datetime(2026, 12, 2, 7, 30, tzinfo=EST)
    assert night_to_offer(now, DEFAULT, None, NOTHING_KEPT) == date(2026, 12, 1)


def test_before_the_rollover_the_night_is_not_over_so_the_one_before_is_asked_about() -> None:
    # 05:59 on 2 December still belongs to the night of 1 December, which is
    # not over; the last night that ended is 30 November.
    now = datetime(2026, 12, 2, 5, 59, tzinfo=EST)
    assert night_to_offer(now, DEFAULT, None, NOTHING_KEPT) == date(2026, 11, 30)
    # At 06:00 exactly the night of 1 December has ended.
    at_rollover = datetime(2026, 12, 2, 6, 0, tzinfo=EST)
    assert night_to_offer(at_rollover, DEFAULT, None, NOTHING_KEPT) == date(2026, 12, 1)


def test_in_the_evening_the_last_night_is_still_the_one_that_ended_this_morning() -> None:
    now = datetime(2026, 12, 2, 21, 45, tzinfo=EST)
    assert last_night(now, DEFAULT) == date(2026, 12, 1)


def test_a_night_with_an_entry_is_not_offered() -> None:
    now = datetime(2026, 12, 2, 7, 30, tzinfo=EST)
    assert night_to_offer(now, DEFAULT, None, {date(2026, 12, 1)}) is None
    # An entry for another night does not count.
    assert night_to_offer(now, DEFAULT, None, {date(2026, 11, 30)}) == date(2026, 12, 1)


def test_a_night_already_offered_is_not_offered_again() -> None:
    now = datetime(2026, 12, 2, 7, 30, tzinfo=EST)
    assert night_to_offer(now, DEFAULT, date(2026, 12, 1), NOTHING_KEPT) is None
    # Offered for a later night (the clock was set back since): not offered either.
    assert night_to_offer(now, DEFAULT, date(2026, 12, 5), NOTHING_KEPT) is None
    # Offered yesterday morning for the night before: this morning is a new offer.
    assert night_to_offer(now, DEFAULT, date(2026, 11, 30), NOTHING_KEPT) == date(2026, 12, 1)


def test_the_next_morning_offers_the_next_night() -> None:
    offered = night_to_offer(datetime(2026, 12, 2, 7, 30, tzinfo=EST), DEFAULT, None, NOTHING_KEPT)
    assert offered == date(2026, 12, 1)
    next_morning = datetime(2026, 12, 3, 8, 0, tzinfo=EST)
    assert night_to_offer(next_morning, DEFAULT, offered, NOTHING_KEPT) == date(2026, 12, 2)


def test_a_custom_rollover_hour_moves_the_morning() -> None:
    # Rollover at 10:00: at 09:00 the night of 1 December is still going on,
    # so the last night over is 30 November; at 10:00 it is 1 December.
    late = StreakRules(rollover_hour=10)
    assert night_to_offer(datetime(2026, 12, 2, 9, 0, tzinfo=EST), late, None, NOTHING_KEPT) == (
        date(2026, 11, 30)
    )
    assert night_to_offer(datetime(2026, 12, 2, 10, 0, tzinfo=EST), late, None, NOTHING_KEPT) == (
        date(2026, 12, 1)
    )
    # Rollover at midnight: just after midnight the evening's night is over.
    midnight = StreakRules(rollover_hour=0)
    assert last_night(datetime(2026, 12, 2, 0, 5, tzinfo=EST), midnight) == date(2026, 12, 1)


def test_the_night_follows_the_offset_of_the_instant_given() -> None:
    # 11:30 UTC is 06:30 in New York (the night of 1 December is over) but
    # 03:30 in Los Angeles (it is not).
    utc = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)
    assert last_night(utc.astimezone(EST), DEFAULT) == date(2026, 12, 1)
    assert last_night(utc.astimezone(timezone(timedelta(hours=-8))), DEFAULT) == date(2026, 11, 30)


def test_typed_times_are_read_as_hh_mm() -> None:
    assert wall_time("in_bed_at", "22:30") == time(22, 30)
    assert wall_time("out_of_bed_at", " 7:05 ") == time(7, 5)


@pytest.mark.parametrize("text", ["", "2230", "24:00", "22:60", "half ten", "22:30:00"])
def test_a_typed_time_that_is_not_hh_mm_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(DiaryError) as refused:
        wall_time("final_waking_at", text)
    assert refused.value.field == "final_waking_at"
    assert str(refused.value) == (
        "The time of the final waking must be a time of day as HH:MM, 00:00–23:59."
    )


@pytest.fixture
def berlin_computer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own time zone is Berlin."""
    if not hasattr(systime, "tzset") or sys.platform == "win32":
        pytest.skip("the time zone of the process can be changed only on Unix")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


@pytest.mark.usefixtures("berlin_computer")
def test_without_a_zone_times_are_placed_in_the_computers_own_zone() -> None:
    # Berlin in December is UTC+1: 23:10 on the night's date, 06:40 the next morning.
    evening = local_instant(date(2026, 12, 1), time(23, 10), None)
    morning = local_instant(date(2026, 12, 1), time(6, 40), None)
    assert evening.isoformat() == "2026-12-01T23:10:00+01:00"
    assert morning.isoformat() == "2026-12-02T06:40:00+01:00"


@pytest.mark.usefixtures("berlin_computer")
def test_without_a_zone_a_skipped_or_repeated_time_reads_as_with_a_zone() -> None:
    # Clocks go forward at 02:00 on 29 March 2026: 02:30 read with the winter
    # offset (+01:00) is 01:30 UTC, which is 03:30 summer time.
    skipped = local_instant(date(2026, 3, 28), time(2, 30), None)
    assert skipped.isoformat() == "2026-03-29T03:30:00+02:00"
    # Clocks go back at 03:00 on 25 October 2026: 02:30 happens twice; the first (+02:00).
    repeated = local_instant(date(2026, 10, 24), time(2, 30), None)
    assert repeated.isoformat() == "2026-10-25T02:30:00+02:00"


@pytest.mark.usefixtures("berlin_computer")
def test_a_form_entry_without_a_zone_has_the_hour_the_night_really_had() -> None:
    # The night of 24 October 2026 in Berlin: the clocks go back an hour at
    # 03:00, so 22:00 to 07:00 is ten hours (600 minutes) in bed.
    # Tried to sleep 22:30, final waking 06:30: 9 h = 540 min, less 30 to fall
    # asleep and 20 awake = 490 min asleep; 490 / 600 = 81.67 %.
    entry = entry_from_times(
        date(2026, 10, 24),
        time(22, 0),
        time(22, 30),
        30,
        2,
        20,
        time(6, 30),
        time(7, 0),
        3,
        LegsDisturbed.NONE,
        "",
        None,
    )
    assert entry.time_in_bed_minutes == 600
    assert entry.total_sleep_minutes == 490
    assert round(entry.sleep_efficiency, 2) == 81.67
