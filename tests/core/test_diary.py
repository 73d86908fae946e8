"""The morning check-in, checked against the product description.

Every expected figure is worked out by hand:
- time in bed = out of bed − into bed;
- total sleep = (final waking − tried to sleep) − minutes to sleep − minutes awake;
- sleep efficiency = total sleep ÷ time in bed × 100;
all on absolute instants, so a night across a clock change has the hours it
really had.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rls_companion.core.diary import (
    MAX_AWAKENINGS,
    MAX_MINUTES_AWAKE,
    MAX_MINUTES_TO_SLEEP,
    MAX_NOTE_LENGTH,
    QUALITY_MAX,
    QUALITY_MIN,
    QUALITY_WORDS,
    DiaryEntry,
    DiaryError,
    LegsDisturbed,
    check,
    entry_from_times,
    local_instant,
)
from rls_companion.core.streaks import StreakRules

BERLIN = ZoneInfo("Europe/Berlin")
SUMMER = timezone(timedelta(hours=2))
NIGHT = date(2026, 6, 10)


def at(day: int, hour: int, minute: int, tz: timezone = SUMMER) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=tz)


# Into bed 22:40, tried 23:05, 20 min to sleep, 2 awakenings, 35 min awake,
# final waking 06:40, out 07:05.
BASE = DiaryEntry(
    night=NIGHT,
    in_bed_at=at(10, 22, 40),
    tried_to_sleep_at=at(10, 23, 5),
    minutes_to_sleep=20,
    awakenings=2,
    minutes_awake=35,
    final_waking_at=at(11, 6, 40),
    out_of_bed_at=at(11, 7, 5),
    quality=4,
    legs_disturbed=LegsDisturbed.A_LITTLE,
    note="",
)


def entry(**changes: Any) -> DiaryEntry:
    return replace(BASE, **changes)


def refused(candidate: DiaryEntry, rules: StreakRules | None = None) -> DiaryError:
    with pytest.raises(DiaryError) as caught:
        if rules is None:
            check(candidate)
        else:
            check(candidate, rules)
    return caught.value


def test_the_names_and_limits_are_as_described() -> None:
    assert [m.value for m in LegsDisturbed] == ["none", "a_little", "a_lot"]
    assert (QUALITY_MIN, QUALITY_MAX) == (1, 5)
    assert QUALITY_WORDS == {1: "very poor", 2: "poor", 3: "fair", 4: "good", 5: "very good"}
    assert (MAX_MINUTES_TO_SLEEP, MAX_AWAKENINGS, MAX_MINUTES_AWAKE, MAX_NOTE_LENGTH) == (
        600,
        50,
        900,
        500,
    )
    assert issubclass(DiaryError, ValueError)


def test_derived_figures_of_an_ordinary_night() -> None:
    # 22:40 -> 07:05 is 8 h 25 min; 23:05 -> 06:40 is 7 h 35 min = 455 min,
    # less 20 and 35 is 400; 400 / 505 = 79.207920...%.
    assert check(BASE) is BASE
    assert BASE.time_in_bed_minutes == 505.0
    assert BASE.total_sleep_minutes == 400.0
    assert BASE.sleep_efficiency == pytest.approx(79.2079, abs=1e-4)


def test_entry_from_times_places_evening_and_morning_times() -> None:
    made = entry_from_times(
        NIGHT,
        time(22, 40),
        time(23, 5),
        20,
        2,
        35,
        time(6, 40),
        time(7, 5),
        4,
        LegsDisturbed.A_LITTLE,
        "",
        BERLIN,
    )
    assert made == BASE
    assert made.in_bed_at.utcoffset() == timedelta(hours=2)
    assert made.out_of_bed_at.isoformat() == "2026-06-11T07:05:00+02:00"
    assert made.time_in_bed_minutes == 505.0


def test_the_night_the_clocks_go_back_has_an_extra_hour() -> None:
    # Berlin, 2026-10-25 03:00 summer time becomes 02:00 winter time.
    night = date(2026, 10, 24)
    made = entry_from_times(
        night,
        time(22, 0),
        time(22, 30),
        15,
        1,
        45,
        time(6, 30),
        time(7, 0),
        3,
        LegsDisturbed.NONE,
        "",
        BERLIN,
    )
    assert made.in_bed_at.utcoffset() == timedelta(hours=2)
    assert made.out_of_bed_at.utcoffset() == timedelta(hours=1)
    # 22:00 +02:00 (20:00 UTC) -> 07:00 +01:00 (06:00 UTC): 10 h.
    assert made.time_in_bed_minutes == 600.0
    # 22:30 -> 06:30 is 9 h = 540 min, less 15 and 45.
    assert made.total_sleep_minutes == 480.0
    assert made.sleep_efficiency == pytest.approx(80.0)


def test_the_night_the_clocks_go_forward_has_an_hour_less() -> None:
    # Berlin, 2026-03-29 02:00 winter time becomes 03:00 summer time.
    night = date(2026, 3, 28)
    made = entry_from_times(
        night,
        time(22, 0),
        time(22, 30),
        15,
        1,
        45,
        time(6, 30),
        time(7, 0),
        3,
        LegsDisturbed.NONE,
        "",
        BERLIN,
    )
    # 22:00 +01:00 (21:00 UTC) -> 07:00 +02:00 (05:00 UTC): 8 h.
    assert made.time_in_bed_minutes == 480.0
    # 22:30 -> 06:30 is 7 h = 420 min, less 15 and 45.
    assert made.total_sleep_minutes == 360.0
    assert made.sleep_efficiency == pytest.approx(75.0)


def test_figures_use_instants_even_when_the_entry_holds_a_named_zone() -> None:
    # Same night as above, built by hand with the zone itself: subtracting
    # wall times would give 9 h; the real time is 10 h.
    made = entry(
        night=date(2026, 10, 24),
        in_bed_at=datetime(2026, 10, 24, 22, 0, tzinfo=BERLIN),
        tried_to_sleep_at=datetime(2026, 10, 24, 22, 30, tzinfo=BERLIN),
        final_waking_at=datetime(2026, 10, 25, 6, 30, tzinfo=BERLIN),
        out_of_bed_at=datetime(2026, 10, 25, 7, 0, tzinfo=BERLIN),
        minutes_to_sleep=15,
        minutes_awake=45,
    )
    assert check(made) is made
    assert made.time_in_bed_minutes == 600.0
    assert made.total_sleep_minutes == 480.0


def test_wall_times_the_clock_skips_or_repeats() -> None:
    # 02:30 does not exist on 2026-03-29 in Berlin: read with the offset
    # before the change, it is 01:30 UTC, that is 03:30 summer time.
    skipped = local_instant(date(2026, 3, 28), time(2, 30), BERLIN)
    assert skipped.isoformat() == "2026-03-29T03:30:00+02:00"
    # 02:30 happens twice on 2026-10-25: the first one, in summer time.
    repeated = local_instant(date(2026, 10, 24), time(2, 30), BERLIN)
    assert repeated.isoformat() == "2026-10-25T02:30:00+02:00"
    assert repeated.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_trying_to_sleep_after_midnight_belongs_to_the_evening_before() -> None:
    # With the rollover at 06:00, 01:30 on 11 June is in the night of 10 June.
    made = entry_from_times(
        NIGHT,
        time(1, 0),
        time(1, 30),
        10,
        0,
        0,
        time(8, 0),
        time(8, 30),
        4,
        LegsDisturbed.NONE,
        "",
        BERLIN,
    )
    assert made.night == NIGHT
    assert made.tried_to_sleep_at.isoformat() == "2026-06-11T01:30:00+02:00"
    # 01:00 -> 08:30 is 450 min; 01:30 -> 08:00 is 390, less 10.
    assert made.time_in_bed_minutes == 450.0
    assert made.total_sleep_minutes == 380.0


def test_the_night_must_be_the_night_of_trying_to_sleep() -> None:
    late = entry(
        in_bed_at=at(11, 1, 0),
        tried_to_sleep_at=at(11, 1, 30),
        minutes_to_sleep=10,
        minutes_awake=0,
        final_waking_at=at(11, 8, 0),
        out_of_bed_at=at(11, 8, 30),
    )
    assert check(late) is late
    wrong = refused(replace(late, night=date(2026, 6, 11)))
    assert wrong.field == "night"
    assert "2026-06-11" in str(wrong) and "2026-06-10" in str(wrong)
    # With the rollover at 01:00, 01:30 already belongs to 11 June.
    early_rollover = StreakRules(rollover_hour=1)
    assert refused(late, early_rollover).field == "night"
    moved = replace(late, night=date(2026, 6, 11))
    assert check(moved, early_rollover) is moved


def test_a_time_without_an_offset_is_refused_naming_it() -> None:
    naive = datetime(2026, 6, 11, 6, 40)
    assert refused(entry(final_waking_at=naive)).field == "final_waking_at"
    assert refused(entry(in_bed_at=naive.replace(hour=22, day=10))).field == "in_bed_at"
    # The first such field is named.
    both = entry(tried_to_sleep_at=datetime(2026, 6, 10, 23, 5), out_of_bed_at=naive)
    assert refused(both).field == "tried_to_sleep_at"


@pytest.mark.parametrize(
    ("name", "bad", "good"),
    [
        ("minutes_to_sleep", [-1, 601, True, 2.5], [0, 20]),
        ("awakenings", [-1, 51, False], [0, 50]),
        ("minutes_awake", [-1, 901], [0, 35]),
        ("quality", [0, 6, True], [1, 5]),
    ],
)
def test_numbers_out_of_range_are_refused_naming_the_field(
    name: str, bad: list[object], good: list[int]
) -> None:
    for value in bad:
        error = refused(entry(**{name: value}))
        assert error.field == name
    for value in good:
        assert getattr(check(entry(**{name: value})), name) == value


def test_the_longest_wait_and_wake_fit_a_long_enough_night() -> None:
    long_night = entry(
        in_bed_at=at(10, 18, 0),
        tried_to_sleep_at=at(10, 18, 0),
        final_waking_at=at(12, 1, 0),
        out_of_bed_at=at(12, 1, 0),
        minutes_to_sleep=MAX_MINUTES_TO_SLEEP,
        minutes_awake=MAX_MINUTES_AWAKE,
    )
    # 18:00 on 10 June -> 01:00 on 12 June is 31 h = 1860 min; less 600 and 900.
    assert check(long_night).total_sleep_minutes == 360.0


def test_the_note_has_a_limit() -> None:
    assert check(entry(note="x" * 500)).note == "x" * 500
    assert refused(entry(note="x" * 501)).field == "note"


def test_legs_disturbed_must_be_one_of_the_answers() -> None:
    plain: Any = "a_lot"
    kept = check(entry(legs_disturbed=plain))
    assert kept.legs_disturbed is LegsDisturbed.A_LOT
    other: Any = "sometimes"
    assert refused(entry(legs_disturbed=other)).field == "legs_disturbed"


def test_the_order_of_the_times_names_the_first_one_out_of_place() -> None:
    assert refused(entry(tried_to_sleep_at=at(10, 22, 39))).field == "tried_to_sleep_at"
    assert refused(entry(final_waking_at=at(10, 23, 5))).field == "final_waking_at"
    assert refused(entry(out_of_bed_at=at(11, 6, 39))).field == "out_of_bed_at"
    # Two out of place: the earlier field in the order is named.
    both = entry(tried_to_sleep_at=at(10, 22, 39), out_of_bed_at=at(11, 6, 39))
    assert refused(both).field == "tried_to_sleep_at"
    # Equal where the rule allows it.
    same = entry(tried_to_sleep_at=at(10, 22, 40), out_of_bed_at=at(11, 6, 40))
    assert check(same) is same
    # 22:40 -> 06:40 is 480 min in bed; 480 - 20 - 35 = 425.
    assert same.time_in_bed_minutes == 480.0
    assert same.total_sleep_minutes == 425.0
    assert same.sleep_efficiency == pytest.approx(88.5417, abs=1e-4)


def test_the_order_is_judged_on_instants_not_wall_times() -> None:
    # 21:05 UTC is 23:05 at +02:00: after going to bed at 22:40 +02:00.
    mixed = entry(tried_to_sleep_at=datetime(2026, 6, 10, 21, 5, tzinfo=UTC))
    assert check(mixed) is mixed
    assert mixed.total_sleep_minutes == 400.0


def test_a_negative_total_sleep_names_the_minutes_that_make_it_so() -> None:
    # 23:05 -> 06:40 is 455 min.
    assert refused(entry(minutes_to_sleep=456, minutes_awake=0)).field == "minutes_to_sleep"
    assert refused(entry(minutes_to_sleep=420, minutes_awake=36)).field == "minutes_awake"
    no_sleep = check(entry(minutes_to_sleep=420, minutes_awake=35))
    assert no_sleep.total_sleep_minutes == 0.0
    assert no_sleep.sleep_efficiency == 0.0


def test_a_message_is_one_line_naming_the_field_in_plain_words() -> None:
    error = refused(entry(final_waking_at=at(10, 23, 0)))
    message = str(error)
    assert "\n" not in message
    assert message.startswith("The time of the final waking ")
    assert "minutes it took to fall asleep" in str(refused(entry(minutes_to_sleep=601)))


def test_entry_from_times_checks_the_entry() -> None:
    with pytest.raises(DiaryError) as caught:
        entry_from_times(
            NIGHT,
            time(22, 40),
            time(23, 5),
            20,
            2,
            35,
            time(6, 40),
            time(6, 30),
            4,
            LegsDisturbed.NONE,
            "",
            BERLIN,
        )
    assert caught.value.field == "out_of_bed_at"
