"""The settings schema shared by the window, the settings file and the command line."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rls_companion.core.settings import (
    SCHEMA,
    SPECS,
    SettingError,
    Spec,
    defaults,
    format_value,
    merge_valid,
    parse,
    spec_for,
    validate,
)

NUMERIC = [spec for spec in SCHEMA if spec.kind in (int, float)]
BOOLS = [spec for spec in SCHEMA if spec.kind is bool]
CHOICES = [spec for spec in SCHEMA if spec.kind is str]


def one_clear_line(message: str, key: str) -> None:
    assert key in message
    assert "\n" not in message and "\r" not in message
    assert message.strip() == message and message


# --- what PRODUCT.md requires ------------------------------------------------------------------


def test_keys_are_unique_and_dotted() -> None:
    assert len(SPECS) == len(SCHEMA)
    for spec in SCHEMA:
        section, _, name = spec.key.partition(".")
        assert section and name and "." not in name
        assert spec.label


@pytest.mark.parametrize(
    ("key", "kind", "default", "low", "high"),
    [
        ("breathing.breaths_per_minute", float, 6.0, 4.5, 10),
        ("session.length_minutes", int, 20, 5, 60),
        ("streak.rollover_hour", int, 6, 0, 12),
        ("streak.min_practice_minutes", int, 5, 1, 60),
        # First target 15 s, floor 5 s; the ceiling can be set up to 300 s (default 120).
        ("urge.start_target_seconds", int, 15, 5, 300),
        ("urge.max_target_seconds", int, 120, 5, 300),
    ],
)
def test_product_numbers(key: str, kind: type, default: Any, low: Any, high: Any) -> None:
    spec = spec_for(key)
    assert spec.kind is kind
    assert spec.default == default and type(spec.default) is kind
    assert validate(key, low) == low
    assert validate(key, high) == high
    step = 0.01 if kind is float else 1
    for outside in (low - step, high + step):
        with pytest.raises(SettingError, match="out of range"):
            validate(key, outside)


def test_urge_step_is_ten_seconds() -> None:
    assert spec_for("urge.step_seconds").default == 10


def test_pattern_choices_are_the_presets_and_custom() -> None:
    spec = spec_for("breathing.pattern")
    assert spec.default == "resonance"
    assert set(spec.choices) == {
        "resonance",
        "extended_exhale",
        "box",
        "4-7-8",
        "cyclic_sigh",
        "custom",
    }


def test_audio_backend_choices() -> None:
    spec = spec_for("audio.backend")
    assert set(spec.choices) == {"auto", "qt", "simpleaudio", "none"}
    # Qt Multimedia is the default output ("auto" picks it first).
    assert spec.default in ("auto", "qt")


def test_audio_volume_is_a_percentage() -> None:
    assert validate("audio.volume", 0) == 0
    assert validate("audio.volume", 100) == 100
    for outside in (-1, 101):
        with pytest.raises(SettingError):
            validate("audio.volume", outside)
    assert 0 < spec_for("audio.volume").default <= 100


def test_appearance() -> None:
    theme = spec_for("appearance.theme")
    assert {"light", "dark", "system"} <= set(theme.choices)
    # Dim and warm by default at night, not a bright light theme.
    assert theme.default not in ("light", "system")
    motion = spec_for("appearance.reduced_motion")
    assert motion.kind is bool and motion.default is False


def test_switches() -> None:
    # Streak counters can be hidden and the urge timer switched off: both are on until then.
    for key in ("streak.visible", "urge.enabled"):
        assert spec_for(key).kind is bool
        assert spec_for(key).default is True


def test_custom_breathing_limits_follow_the_breathing_rules() -> None:
    assert validate("breathing.exhale_ratio", 1) == 1.0
    assert validate("breathing.exhale_ratio", 2.5) == 2.5
    for key in ("breathing.hold_in_seconds", "breathing.hold_out_seconds"):
        assert spec_for(key).default == 0.0  # holds are off by default
        assert validate(key, 7) == 7.0
        with pytest.raises(SettingError, match=key):
            validate(key, 7.5)
    with pytest.raises(SettingError):
        validate("breathing.exhale_ratio", 0.9)


@pytest.mark.parametrize("spec", SCHEMA, ids=lambda s: s.key)
def test_every_default_is_valid(spec: Spec) -> None:
    assert validate(spec.key, spec.default) == spec.default
    assert type(validate(spec.key, spec.default)) is spec.kind
    assert parse(spec.key, format_value(spec.default)) == spec.default


def test_defaults_cover_the_whole_schema() -> None:
    values = defaults()
    assert list(values) == [spec.key for spec in SCHEMA]
    values["audio.volume"] = -5  # a copy: changing it leaves the schema alone
    assert defaults()["audio.volume"] == spec_for("audio.volume").default


def test_bedtime_reminder_is_off_until_asked_for() -> None:
    assert spec_for("reminder.enabled").kind is bool
    assert spec_for("reminder.enabled").default is False
    assert spec_for("reminder.time").default == "22:30"
    assert spec_for("reminder.days").default == "mon,tue,wed,thu,fri,sat,sun"
    for key in ("reminder.time", "reminder.days"):
        assert spec_for(key).applies_when == ("reminder.enabled", True)


@pytest.mark.parametrize("text", ["22:30", "00:00", "23:59", "7:05", "07:05", " 21:15 "])
def test_reminder_times_accepted(text: str) -> None:
    assert parse("reminder.time", text) == text.strip()


@pytest.mark.parametrize(
    "text",
    ["25:00", "24:00", "12:60", "22.30", "2230", "22:3", "22:30:00", "noon", "", "１２:００"],
)
def test_reminder_times_refused_in_one_clear_line(text: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse("reminder.time", text)
    message = str(caught.value)
    one_clear_line(message, "reminder.time")
    assert repr(text.strip()) in message
    assert "HH:MM" in message


@pytest.mark.parametrize("text", ["mon", "sun,sat", "mon,tue,wed,thu,fri"])
def test_reminder_days_accepted(text: str) -> None:
    assert parse("reminder.days", text) == text


@pytest.mark.parametrize(
    "text",
    ["", "monday", "Mon", "mon,,tue", "mon,", "mon tue", "mon;tue", "fri,fri", "mon,sun,mon"],
)
def test_reminder_days_refused_in_one_clear_line(text: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse("reminder.days", text)
    message = str(caught.value)
    one_clear_line(message, "reminder.days")
    assert "mon,tue,wed,thu,fri,sat,sun" in message


def test_a_text_format_is_described_where_settings_are_listed() -> None:
    assert "HH:MM" in spec_for("reminder.time").describe_range()
    assert spec_for("speech.voice").describe_range() == "text"
    assert spec_for("speech.voice").pattern is None


# --- parse --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("audio.volume", "٥٠"),  # Arabic-Indic digits: Python's int() reads 50
        ("audio.volume", "5_0"),  # an underscore: int() reads 50
        ("audio.volume", "５０"),  # full-width digits
        ("breathing.breaths_per_minute", "٦"),
        ("breathing.breaths_per_minute", "6_0"),
    ],
)
def test_numbers_take_plain_digits_only(key: str, text: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse(key, text)
    one_clear_line(str(caught.value), key)
    assert repr(text) in str(caught.value)


def test_the_speech_engine_cannot_be_empty() -> None:
    with pytest.raises(SettingError, match=r"speech\.engine: '' is not a name"):
        parse("speech.engine", "")
    assert parse("speech.engine", "espeak-ng") == "espeak-ng"


@pytest.mark.parametrize("word", ["true", "TRUE", "Yes", "on", "1", "  true  "])
def test_true_words(word: str) -> None:
    assert parse("streak.visible", word) is True


@pytest.mark.parametrize("word", ["false", "False", "NO", "off", "0", " off\n"])
def test_false_words(word: str) -> None:
    assert parse("appearance.reduced_motion", word) is False


@pytest.mark.parametrize("word", ["", "2", "maybe", "truthy", "y", "t"])
def test_other_words_are_not_booleans(word: str) -> None:
    with pytest.raises(SettingError, match="not true or false") as caught:
        parse("urge.enabled", word)
    one_clear_line(str(caught.value), "urge.enabled")


def test_parse_numbers() -> None:
    assert parse("session.length_minutes", " 45 ") == 45
    assert type(parse("session.length_minutes", "45")) is int
    assert parse("breathing.breaths_per_minute", "5.5") == 5.5
    assert parse("breathing.breaths_per_minute", "7") == 7.0
    assert type(parse("breathing.breaths_per_minute", "7")) is float
    assert parse("breathing.pattern", " box ") == "box"


@pytest.mark.parametrize(
    ("key", "text", "words"),
    [
        ("session.length_minutes", "twenty", "not a whole number"),
        ("session.length_minutes", "20.5", "not a whole number"),
        ("session.length_minutes", "", "not a whole number"),
        ("breathing.breaths_per_minute", "six", "not a number"),
        ("breathing.breaths_per_minute", "6,5", "not a number"),
        ("breathing.breaths_per_minute", "nan", "not a finite number"),
        ("breathing.breaths_per_minute", "inf", "not a finite number"),
        ("audio.volume", "12\n34", "not a whole number"),
    ],
)
def test_non_numbers_are_refused_in_one_line(key: str, text: str, words: str) -> None:
    with pytest.raises(SettingError, match=words) as caught:
        parse(key, text)
    one_clear_line(str(caught.value), key)


@pytest.mark.parametrize(
    ("key", "text", "shown"),
    [
        ("session.length_minutes", "999", "999"),
        ("session.length_minutes", "4", "4"),
        ("streak.rollover_hour", "13", "13"),
        ("streak.rollover_hour", "-1", "-1"),
        ("breathing.breaths_per_minute", "4.4", "4.4"),
        ("breathing.breaths_per_minute", "10.5", "10.5"),
        ("urge.max_target_seconds", "301", "301"),
        ("audio.volume", "101", "101"),
    ],
)
def test_out_of_range_is_refused_naming_key_value_and_range(
    key: str, text: str, shown: str
) -> None:
    spec = spec_for(key)
    with pytest.raises(SettingError, match="out of range") as caught:
        parse(key, text)
    message = str(caught.value)
    one_clear_line(message, key)
    assert shown in message
    assert f"({spec.describe_range()})" in message


def test_choice_outside_the_list_names_the_choices() -> None:
    with pytest.raises(SettingError) as caught:
        parse("audio.backend", "pulse")
    message = str(caught.value)
    one_clear_line(message, "audio.backend")
    for choice in ("auto", "qt", "simpleaudio", "none", "'pulse'"):
        assert choice in message


@pytest.mark.parametrize("key", ["nope", "breathing", "breathing.speed", "audio.volume.x", ""])
def test_unknown_keys_are_refused(key: str) -> None:
    for call in (lambda: parse(key, "1"), lambda: validate(key, 1), lambda: spec_for(key)):
        with pytest.raises(SettingError, match="unknown setting") as caught:
            call()
        assert repr(key) in str(caught.value)
        assert "\n" not in str(caught.value)


# --- validate -------------------------------------------------------------------------------------


def test_validate_types() -> None:
    assert validate("session.length_minutes", 30.0) == 30
    assert type(validate("session.length_minutes", 30.0)) is int
    assert type(validate("breathing.breaths_per_minute", 7)) is float
    for key, value, words in [
        ("session.length_minutes", 30.5, "not a whole number"),
        ("session.length_minutes", "30", "not a number"),
        ("session.length_minutes", True, "not a number"),
        ("audio.volume", None, "not a number"),
        ("breathing.breaths_per_minute", math.inf, "not a finite number"),
        ("breathing.breaths_per_minute", [6], "not a number"),
        ("streak.visible", 1, "not true or false"),
        ("streak.visible", "true", "not true or false"),
        ("breathing.pattern", 3, "not text"),
        ("breathing.pattern", "Box", "not one of"),
    ]:
        with pytest.raises(SettingError, match=words) as caught:
            validate(key, value)
        one_clear_line(str(caught.value), key)


# --- merge_valid ----------------------------------------------------------------------------------


def test_merge_valid_keeps_good_values_and_falls_back_per_key() -> None:
    values, problems = merge_valid(
        {
            "session.length_minutes": 999,
            "audio.volume": 35,
            "breathing.pattern": "box",
            "streak.visible": "sometimes",
            "mystery.key": 1,
        }
    )
    assert values["session.length_minutes"] == 20
    assert values["streak.visible"] is True
    assert values["audio.volume"] == 35
    assert values["breathing.pattern"] == "box"
    assert "mystery.key" not in values
    assert set(values) == set(SPECS)
    untouched = set(SPECS) - {
        "session.length_minutes",
        "audio.volume",
        "breathing.pattern",
        "streak.visible",
    }
    assert {k: values[k] for k in untouched} == {k: defaults()[k] for k in untouched}
    assert len(problems) == 3
    length, visible, mystery = problems
    one_clear_line(length, "session.length_minutes")
    assert "999" in length and "default 20" in length
    one_clear_line(visible, "streak.visible")
    assert "default true" in visible
    one_clear_line(mystery, "mystery.key")
    assert "unknown setting" in mystery


def test_merge_valid_of_nothing_is_the_defaults() -> None:
    assert merge_valid({}) == (defaults(), [])


# --- round trip -----------------------------------------------------------------------------------


def candidates(spec: Spec) -> st.SearchStrategy[Any]:
    """Mostly values the schema should accept, with some it should not."""
    anything = st.one_of(
        st.booleans(),
        st.integers(-1000, 1000),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
    )
    if spec.kind is bool:
        return st.one_of(st.booleans(), anything)
    if spec.kind is str and spec.choices:
        return st.one_of(st.sampled_from(spec.choices), anything)
    if spec.kind is str and spec.pattern:
        return st.one_of(st.from_regex(spec.pattern, fullmatch=True), anything)
    if spec.kind is str:
        return st.one_of(st.text(max_size=120), anything)
    assert spec.minimum is not None and spec.maximum is not None
    low, high = spec.minimum, spec.maximum
    return st.one_of(
        st.integers(math.floor(low) - 2, math.ceil(high) + 2),
        st.floats(low - 1, high + 1),
        st.floats(low, high),
        st.integers(math.ceil(low), math.floor(high)).map(float),
        anything,
    )


@given(st.sampled_from(SCHEMA).flatmap(lambda spec: st.tuples(st.just(spec), candidates(spec))))
def test_accepted_values_round_trip_through_text(pair: tuple[Spec, Any]) -> None:
    spec, value = pair
    try:
        accepted = validate(spec.key, value)
    except SettingError as error:
        one_clear_line(str(error), spec.key)
        return
    assert type(accepted) is spec.kind
    again = parse(spec.key, format_value(accepted))
    assert again == accepted
    assert type(again) is spec.kind
    if spec.minimum is not None and spec.maximum is not None:
        assert spec.minimum <= accepted <= spec.maximum


@given(st.sampled_from(SCHEMA), st.text(max_size=20))
def test_any_text_is_either_a_valid_value_or_one_clear_line(spec: Spec, text: str) -> None:
    try:
        value = parse(spec.key, text)
    except SettingError as error:
        one_clear_line(str(error), spec.key)
    else:
        assert validate(spec.key, value) == value
