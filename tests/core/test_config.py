"""The typed settings mirror the schema exactly and build the same domain objects."""

from __future__ import annotations

from dataclasses import fields

import pytest

from rls_companion.core import settings as schema
from rls_companion.core.breathing import CustomShape, Ramp, build_cycle
from rls_companion.core.config import SECTIONS, Settings, field_types
from rls_companion.core.session import Kind
from rls_companion.core.streaks import StreakRules
from rls_companion.core.urge import UrgeConfig


def test_every_schema_key_is_one_typed_field_and_nothing_else() -> None:
    typed = {
        f"{section.name}.{name}": kind
        for section in SECTIONS
        for name, kind in field_types(section.name).items()
    }
    assert set(typed) == {spec.key for spec in schema.SCHEMA}
    for spec in schema.SCHEMA:
        kind = typed[spec.key]
        if spec.choices and kind is not str:
            # An enum whose values are exactly the schema's choices.
            assert sorted(member.value for member in kind) == sorted(spec.choices), spec.key
            assert issubclass(kind, str), spec.key
        else:
            assert kind is spec.kind, spec.key
    assert [f.name for f in fields(Settings)] == [section.name for section in SECTIONS]


def test_defaults_read_back_with_their_types() -> None:
    settings = Settings.from_values(schema.defaults())
    assert settings.session.kind is Kind.BEDTIME
    assert settings.breathing.breaths_per_minute == 6.0
    assert isinstance(settings.breathing.breaths_per_minute, float)
    assert settings.audio.volume == 60 and isinstance(settings.audio.volume, int)
    assert settings.urge.enabled is True
    assert settings.reminder.time == "22:30"


def test_sections_build_the_domain_objects_from_the_values() -> None:
    values = schema.defaults() | {
        "breathing.pattern": "custom",
        "breathing.breaths_per_minute": 5.5,
        "breathing.exhale_ratio": 2.0,
        "breathing.hold_in_seconds": 1.5,
        "breathing.hold_out_seconds": 0.5,
        "breathing.ramp": True,
        "breathing.ramp_start_bpm": 9.0,
        "breathing.ramp_minutes": 4.0,
        "streak.rollover_hour": 4,
        "streak.min_practice_minutes": 12,
        "urge.start_target_seconds": 30,
        "urge.max_target_seconds": 300,
        "urge.step_seconds": 20,
        "session.length_minutes": 35,
        "session.quick_minutes": 7,
        "session.resettle_minutes": 11,
    }
    settings = Settings.from_values(values)
    plan = settings.breathing.plan()
    assert plan.segments == build_cycle("custom", 5.5, CustomShape(2.0, 1.5, 0.5))
    assert plan.ramp == Ramp(9.0, 240.0)
    assert settings.streak.rules() == StreakRules(4, 12)
    assert settings.urge.protocol() == UrgeConfig(start_target=30, ceiling=300, step=20)
    assert [settings.session.minutes(k) for k in Kind] == [35.0, 7.0, 11.0, 3.0]


def test_no_ramp_when_it_is_off() -> None:
    assert Settings.from_values(schema.defaults()).breathing.plan().ramp is None


def test_a_missing_key_is_refused_loudly() -> None:
    values = schema.defaults()
    del values["audio.volume"]
    with pytest.raises(KeyError, match=r"audio\.volume"):
        Settings.from_values(values)
