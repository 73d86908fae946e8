"""The evening log, checked against the product description."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from rls_companion.core.evening import (
    DEFAULT_TRIGGERS,
    NONE_TODAY,
    TRIGGER_WORDS,
    EveningError,
    EveningLog,
    Place,
    check,
    onset_minutes,
    trigger_words,
)
from rls_companion.core.streaks import StreakRules
from rls_companion.core.timestamps import from_parts

SUMMER = timezone(timedelta(hours=2))
NIGHT = date(2026, 6, 10)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=SUMMER)


BASE = EveningLog(
    night=NIGHT,
    symptoms_started_at=at(10, 20, 30),
    none_today=False,
    symptom_places=frozenset({Place.LEGS}),
    rating=6,
    triggers=("alcohol", "long_sit"),
    note="",
)


def log(**changes: Any) -> EveningLog:
    return replace(BASE, **changes)


def refused(candidate: EveningLog, rules: StreakRules | None = None) -> EveningError:
    with pytest.raises(EveningError) as caught:
        if rules is None:
            check(candidate)
        else:
            check(candidate, rules)
    return caught.value


def test_the_names_are_as_described() -> None:
    assert [p.value for p in Place] == ["legs", "arms", "elsewhere"]
    assert DEFAULT_TRIGGERS == (
        "caffeine_after_noon",
        "alcohol",
        "nicotine",
        "sedating_antihistamine_or_sleep_aid",
        "long_sit",
        "late_hard_exercise",
        "missed_usual_medicine",
        "short_sleep",
    )
    assert tuple(TRIGGER_WORDS) == DEFAULT_TRIGGERS
    assert TRIGGER_WORDS["long_sit"] == "A long sit (flight, car, film)"
    assert TRIGGER_WORDS["missed_usual_medicine"] == "A missed dose of a usual medicine"
    assert NONE_TODAY == "none_today"
    assert issubclass(EveningError, ValueError)


def test_a_full_log_is_kept_as_given() -> None:
    assert check(BASE) == BASE


def test_an_empty_log_is_fine() -> None:
    empty = EveningLog(night=NIGHT)
    assert check(empty) == empty
    assert onset_minutes(empty) is None


def test_triggers_are_trimmed_without_repeats_and_sorted() -> None:
    kept = check(log(triggers=("  restless day ", "nicotine", "alcohol", "nicotine")))
    assert kept.triggers == ("alcohol", "nicotine", "restless day")
    assert trigger_words("nicotine") == "Nicotine"
    assert trigger_words("restless day") == "restless day"


def test_own_labels_are_one_to_forty_characters_of_one_line() -> None:
    assert check(log(triggers=("x" * 40,))).triggers == ("x" * 40,)
    assert check(log(triggers=(" Kaffee spät ",))).triggers == ("Kaffee spät",)
    for bad in ("x" * 41, "", "   ", "two\nlines", "tab\there"):
        assert refused(log(triggers=(bad,))).field == "triggers"
    not_text: Any = (3,)
    assert refused(log(triggers=not_text)).field == "triggers"


def test_none_today_cannot_come_with_a_start_or_places() -> None:
    with_start = log(none_today=True, symptom_places=frozenset())
    assert refused(with_start).field == "symptoms_started_at"
    with_places = log(none_today=True, symptoms_started_at=None)
    assert refused(with_places).field == "symptoms_started_at"
    quiet = log(none_today=True, symptoms_started_at=None, symptom_places=frozenset(), rating=0)
    assert check(quiet) == quiet
    assert onset_minutes(quiet) is None


def test_places_are_the_three_answers() -> None:
    plain: Any = frozenset({"arms", Place.LEGS})
    assert check(log(symptom_places=plain)).symptom_places == {Place.ARMS, Place.LEGS}
    other: Any = frozenset({"feet"})
    assert refused(log(symptom_places=other)).field == "symptom_places"


@pytest.mark.parametrize("bad", [-1, 11, True, 5.5])
def test_the_rating_is_zero_to_ten(bad: Any) -> None:
    assert refused(log(rating=bad)).field == "rating"


@pytest.mark.parametrize("good", [0, 10, None])
def test_the_rating_limits_are_allowed(good: int | None) -> None:
    assert check(log(rating=good)).rating == good


def test_the_note_has_a_limit() -> None:
    assert check(log(note="x" * 500)).note == "x" * 500
    assert refused(log(note="x" * 501)).field == "note"


def test_the_start_needs_an_offset_and_must_be_in_the_night() -> None:
    assert refused(log(symptoms_started_at=datetime(2026, 6, 10, 20, 30))).field == (
        "symptoms_started_at"
    )
    # 05:00 on 10 June belongs to the night of 9 June (rollover 06:00).
    assert refused(log(symptoms_started_at=at(10, 5, 0))).field == "symptoms_started_at"
    # 05:59 the morning after is still the night of 10 June; 06:00 is not.
    assert check(log(symptoms_started_at=at(11, 5, 59))).symptoms_started_at == at(11, 5, 59)
    assert refused(log(symptoms_started_at=at(11, 6, 0))).field == "symptoms_started_at"
    # With the rollover at midnight, 00:30 is the next night.
    midnight = StreakRules(rollover_hour=0)
    assert refused(log(symptoms_started_at=at(11, 0, 30)), midnight).field == (
        "symptoms_started_at"
    )


def test_a_message_is_one_line_naming_the_field_in_plain_words() -> None:
    message = str(refused(log(rating=11)))
    assert "\n" not in message
    assert message.startswith("The bedtime rating ")


def test_onset_minutes_counts_from_the_midnight_that_begins_the_night() -> None:
    assert onset_minutes(BASE) == 20 * 60 + 30  # 1230
    assert onset_minutes(log(symptoms_started_at=at(10, 14, 5))) == 845
    # 01:15 the morning after: a day (1440) plus 75.
    assert onset_minutes(log(symptoms_started_at=at(11, 1, 15))) == 1515


def test_onset_minutes_reads_the_wall_time_in_the_stored_offset() -> None:
    # Stored as 18:30 UTC with the offset +120 minutes: 20:30 local.
    stored = from_parts("2026-06-10T18:30:00.000", 120)
    assert onset_minutes(log(symptoms_started_at=stored)) == 1230
    # The same instant recorded while at +00:00 reads 18:30 there.
    elsewhere = from_parts("2026-06-10T18:30:00.000", 0)
    assert onset_minutes(log(symptoms_started_at=elsewhere)) == 1110
