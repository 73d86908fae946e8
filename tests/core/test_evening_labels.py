"""The trigger labels an evening log form offers, and where its start time falls.

The person's own labels need no setting: they come back from the logs of the
last 90 nights. The start time typed into the form is placed in the night by
the rollover (06:00 by default), not by the diary's noon.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from rls_companion.core.evening import (
    DEFAULT_TRIGGERS,
    EveningError,
    EveningLog,
    check,
    label_nights,
    offered_labels,
    started_from_text,
    started_instant,
)
from rls_companion.core.streaks import StreakRules

NIGHT = date(2026, 11, 20)
EASTERN = timezone(timedelta(hours=-5))
BERLIN = ZoneInfo("Europe/Berlin")

# The eight defaults, written out: the form numbers them 1 to 8 in this order.
DEFAULTS = (
    "caffeine_after_noon",
    "alcohol",
    "nicotine",
    "sedating_antihistamine_or_sleep_aid",
    "long_sit",
    "late_hard_exercise",
    "missed_usual_medicine",
    "short_sleep",
)


def log(night: date, *triggers: str) -> EveningLog:
    return EveningLog(night=night, triggers=triggers)


def test_without_logs_the_defaults_are_offered_in_their_order() -> None:
    assert offered_labels([], NIGHT) == DEFAULTS
    assert DEFAULT_TRIGGERS == DEFAULTS


def test_own_labels_follow_the_defaults_in_the_order_first_used() -> None:
    logs = [  # given out of order on purpose: the night decides, not the list
        log(NIGHT - timedelta(days=2), "Late dinner", "alcohol", "Wine"),
        log(NIGHT - timedelta(days=10), "Wine"),
        log(NIGHT, "Stretching skipped"),
        log(NIGHT - timedelta(days=1), "Wine", "Late dinner"),
    ]
    # Ten nights before: Wine; two nights before: Late dinner (Wine is known);
    # tonight: Stretching skipped. "alcohol" is a default and stays in place.
    assert offered_labels(logs, NIGHT) == (*DEFAULTS, "Wine", "Late dinner", "Stretching skipped")


def test_a_label_is_forgotten_ninety_nights_after_its_last_use() -> None:
    # 90 nights up to and including the 20th of November start on the
    # 23rd of August (20 Nov is day 324 of 2026, 23 Aug day 235: 324 - 235 + 1 = 90).
    assert label_nights(NIGHT) == (date(2026, 8, 23), NIGHT)
    logs = [
        log(date(2026, 8, 22), "Old label"),
        log(date(2026, 8, 23), "Kept label"),
        log(date(2026, 11, 21), "Later label"),  # after the night asked about
    ]
    assert offered_labels(logs, NIGHT) == (*DEFAULTS, "Kept label")
    # Used again within the window, an old label comes back.
    logs.append(log(date(2026, 9, 1), "Old label"))
    assert offered_labels(logs, NIGHT) == (*DEFAULTS, "Kept label", "Old label")


def test_labels_of_checked_logs_come_back_as_they_were_kept() -> None:
    kept = check(log(NIGHT - timedelta(days=3), "  Late dinner ", "Late dinner", "alcohol"))
    assert offered_labels([kept], NIGHT) == (*DEFAULTS, "Late dinner")


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        # From 06:00 on, the night's own date; earlier, the morning after.
        (time(9, 0), datetime(2026, 11, 20, 9, 0, tzinfo=EASTERN)),
        (time(6, 0), datetime(2026, 11, 20, 6, 0, tzinfo=EASTERN)),
        (time(20, 30), datetime(2026, 11, 20, 20, 30, tzinfo=EASTERN)),
        (time(5, 59), datetime(2026, 11, 21, 5, 59, tzinfo=EASTERN)),
        (time(1, 15), datetime(2026, 11, 21, 1, 15, tzinfo=EASTERN)),
    ],
)
def test_a_start_time_falls_in_the_night_by_the_rollover(wall: time, expected: datetime) -> None:
    placed = started_instant(NIGHT, wall, EASTERN)
    assert placed == expected
    assert placed.utcoffset() == timedelta(hours=-5)
    # And the log it goes into is accepted for that night.
    assert check(EveningLog(night=NIGHT, symptoms_started_at=placed)).symptoms_started_at == placed


def test_the_rollover_of_the_settings_is_followed() -> None:
    late = StreakRules(rollover_hour=4)
    assert started_instant(NIGHT, time(5, 0), EASTERN, late) == datetime(
        2026, 11, 20, 5, 0, tzinfo=EASTERN
    )
    assert started_instant(NIGHT, time(3, 59), EASTERN, late) == datetime(
        2026, 11, 21, 3, 59, tzinfo=EASTERN
    )


def test_a_start_time_carries_the_offset_in_force_at_that_instant() -> None:
    # The night of 24 October 2026 in Berlin: the clocks go back at 03:00 on
    # the 25th, so 20:00 is summer time (+2) and 05:00 winter time (+1).
    evening = started_instant(date(2026, 10, 24), time(20, 0), BERLIN)
    morning = started_instant(date(2026, 10, 24), time(5, 0), BERLIN)
    assert evening.utcoffset() == timedelta(hours=2)
    assert morning.utcoffset() == timedelta(hours=1)
    assert morning - evening == timedelta(hours=10)  # 20:00 to 05:00, with the extra hour


def test_typed_start_times_are_read_or_refused_with_one_line() -> None:
    assert started_from_text(NIGHT, "  ", EASTERN) is None
    assert started_from_text(NIGHT, " 7:05 ", EASTERN) == datetime(
        2026, 11, 20, 7, 5, tzinfo=EASTERN
    )
    for text in ("25:00", "9.30", "21:5", "evening"):
        with pytest.raises(EveningError) as refused:
            started_from_text(NIGHT, text, EASTERN)
        assert refused.value.field == "symptoms_started_at"
        assert str(refused.value) == (
            "When the sensations started must be a time of day as HH:MM, 00:00–23:59."
        )
