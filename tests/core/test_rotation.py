"""Tonight's guidance: each stage's scripts take turns, night by night."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rls_companion.core import guidance
from rls_companion.core.rotation import (
    NAMES_PATTERN,
    Preferences,
    join_names,
    keep_lead,
    split_names,
    tonight,
)
from rls_companion.core.session import StageKind

STAGES = tuple(guidance.LIBRARY)


def _nights(stage: StageKind, preferences: Preferences, count: int) -> list[str]:
    """The lead of each of `count` nights in a row, each chosen from the ones before."""
    past: list[str] = []
    for _ in range(count):
        order = tonight(stage, preferences, past)
        past.append(order[0])
    return past


def test_three_scripts_take_turns_in_the_library_order() -> None:
    leads = _nights(StageKind.BODY_SCAN, Preferences(), 7)
    assert leads == ["body_scan", "legs_release", "breath_to_feet"] * 2 + ["body_scan"]


def test_the_order_holds_every_enabled_script_once_last_nights_lead_last() -> None:
    order = tonight(StageKind.REST, Preferences(), ["somatic_awareness"])
    assert order == ("counting_breaths", "warm_heavy", "somatic_awareness")
    order = tonight(StageKind.REST, Preferences(), ["counting_breaths", "somatic_awareness"])
    assert order == ("warm_heavy", "counting_breaths", "somatic_awareness")


def test_a_favourite_comes_round_about_twice_as_often() -> None:
    preferences = Preferences(favourites=frozenset({"warm_heavy"}))
    leads = _nights(StageKind.REST, preferences, 60)
    counts = Counter(leads)
    assert counts["warm_heavy"] == 30  # every other night
    assert counts["somatic_awareness"] == counts["counting_breaths"] == 15


def test_a_script_switched_off_is_never_chosen_and_one_left_repeats() -> None:
    preferences = Preferences(off=frozenset({"body_scan", "breath_to_feet"}))
    assert _nights(StageKind.BODY_SCAN, preferences, 4) == ["legs_release"] * 4
    everything_off = Preferences(off=frozenset(guidance.LIBRARY[StageKind.WIND_DOWN]))
    assert tonight(StageKind.WIND_DOWN, everything_off, ["wind_down"]) == ()


def test_a_lead_already_chosen_tonight_is_kept_unless_switched_off() -> None:
    past = ["body_scan"]
    assert keep_lead(StageKind.BODY_SCAN, Preferences(), past, "breath_to_feet") == (
        "breath_to_feet",
        "legs_release",
        "body_scan",
    )
    off = Preferences(off=frozenset({"breath_to_feet"}))
    assert keep_lead(StageKind.BODY_SCAN, off, past, "breath_to_feet") == (
        "legs_release",
        "body_scan",
    )


def test_setting_values_name_scripts_in_the_library_order() -> None:
    import re

    assert join_names(frozenset({"warm_heavy", "body_scan"})) == "body_scan,warm_heavy"
    assert split_names("body_scan,warm_heavy") == {"body_scan", "warm_heavy"}
    assert split_names("") == frozenset()
    assert re.fullmatch(NAMES_PATTERN, "letting_go,legs_release")
    assert re.fullmatch(NAMES_PATTERN, "")
    assert not re.fullmatch(NAMES_PATTERN, "body_scan,")
    assert not re.fullmatch(NAMES_PATTERN, "breath_prompts")


@settings(max_examples=60, deadline=None)
@given(
    stage=st.sampled_from(STAGES),
    data=st.data(),
)
def test_sixty_nights_never_repeat_last_nights_script_while_another_is_on(
    stage: StageKind, data: st.DataObject
) -> None:
    names = guidance.LIBRARY[stage]
    past: list[str] = []
    for _night in range(60):
        # the person may change their choices on any night
        off = data.draw(st.frozensets(st.sampled_from(names), max_size=len(names)))
        favourites = data.draw(st.frozensets(st.sampled_from(names)))
        preferences = Preferences(off, favourites)
        order = tonight(stage, preferences, past)
        enabled = [n for n in names if n not in off]
        assert sorted(order) == sorted(enabled)
        if not order:
            continue
        if past and len(enabled) > 1:
            assert order[0] != past[-1]
        past.append(order[0])


@pytest.mark.parametrize("stage", STAGES)
def test_with_everything_on_every_script_leads_within_as_many_nights(stage: StageKind) -> None:
    names = guidance.LIBRARY[stage]
    leads = _nights(stage, Preferences(), 60)
    for start in range(60 - len(names)):
        assert set(leads[start : start + len(names)]) == set(names)
