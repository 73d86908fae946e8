"""The settings as typed values: one frozen dataclass per section of the schema.

The schema (`core.settings.SCHEMA`) stays the one table of keys, defaults and
limits; this module only gives its validated values names and types, so code
reads `settings.breathing.breaths_per_minute` (checked by mypy) instead of
`values["breathing.breaths_per_minute"]` (a runtime KeyError when misspelt).
Each section also turns itself into the domain object the rest of the app
needs (a breathing plan, streak rules, the urge protocol), in one place.

Every field is named after its key: `Section.field` is the key
`section.field`. tests/core/test_config.py checks that the dataclasses and the
schema list the same keys with the same types.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Self

from rls_companion.core.breathing import BreathPlan, CustomShape, Ramp, build_cycle
from rls_companion.core.outputs import Backend
from rls_companion.core.rotation import Preferences, split_names
from rls_companion.core.session import STRETCH_MINUTES, Kind
from rls_companion.core.settings import Value
from rls_companion.core.streaks import StreakRules
from rls_companion.core.urge import UrgeConfig


class _Section:
    """Builds a section from the flat validated values, converting each to its field's type."""

    name: typing.ClassVar[str]

    @classmethod
    def from_values(cls, values: Mapping[str, Value]) -> Self:
        types = field_types(cls.name)
        kwargs: dict[str, Any] = {
            name: kind(values[f"{cls.name}.{name}"]) for name, kind in types.items()
        }
        return cls(**kwargs)


@functools.cache
def field_types(name: str) -> dict[str, type]:
    """Each field of a section with the type it holds (bool, int, float, str or an enum)."""
    section = next(s for s in SECTIONS if s.name == name)
    hints = typing.get_type_hints(section)
    return {field.name: hints[field.name] for field in fields(section)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class Breathing(_Section):
    name: typing.ClassVar[str] = "breathing"
    pattern: str
    breaths_per_minute: float
    exhale_ratio: float
    hold_in_seconds: float
    hold_out_seconds: float
    ramp: bool
    ramp_start_bpm: float
    ramp_minutes: float

    def plan(self) -> BreathPlan:
        """Tonight's breathing: the chosen pattern at the chosen pace, with the ramp if on."""
        custom = CustomShape(self.exhale_ratio, self.hold_in_seconds, self.hold_out_seconds)
        segments = build_cycle(self.pattern, self.breaths_per_minute, custom)
        ramp = Ramp(self.ramp_start_bpm, self.ramp_minutes * 60.0) if self.ramp else None
        return BreathPlan(segments, ramp)


@dataclass(frozen=True)
class Session(_Section):
    name: typing.ClassVar[str] = "session"
    length_minutes: int
    kind: Kind
    quick_minutes: int
    resettle_minutes: int

    def minutes(self, kind: Kind) -> float:
        """How long a session of each kind lasts unless asked otherwise."""
        return float(
            {
                Kind.BEDTIME: self.length_minutes,
                Kind.BREATHING: self.quick_minutes,
                Kind.RESETTLE: self.resettle_minutes,
                Kind.STRETCH: STRETCH_MINUTES,
            }[kind]
        )


@dataclass(frozen=True)
class Streak(_Section):
    name: typing.ClassVar[str] = "streak"
    rollover_hour: int
    min_practice_minutes: int
    visible: bool

    def rules(self) -> StreakRules:
        return StreakRules(self.rollover_hour, self.min_practice_minutes)


@dataclass(frozen=True)
class Urge(_Section):
    name: typing.ClassVar[str] = "urge"
    enabled: bool
    start_target_seconds: int
    max_target_seconds: int
    step_seconds: int

    def protocol(self) -> UrgeConfig:
        return UrgeConfig(
            start_target=self.start_target_seconds,
            ceiling=self.max_target_seconds,
            step=self.step_seconds,
        )


@dataclass(frozen=True)
class Audio(_Section):
    name: typing.ClassVar[str] = "audio"
    volume: int
    backend: Backend
    breath_tone: bool
    ambient: str
    ambient_level: int
    ambient_breathes: bool
    phase_chime: bool


@dataclass(frozen=True)
class Speech(_Section):
    name: typing.ClassVar[str] = "speech"
    enabled: bool
    engine: str
    voice: str
    rate: float
    volume: int


@dataclass(frozen=True)
class Guidance(_Section):
    name: typing.ClassVar[str] = "guidance"
    off: str
    favourites: str

    def preferences(self) -> Preferences:
        return Preferences(split_names(self.off), split_names(self.favourites))


@dataclass(frozen=True)
class Reminder(_Section):
    name: typing.ClassVar[str] = "reminder"
    enabled: bool
    time: str
    days: str


@dataclass(frozen=True)
class Appearance(_Section):
    name: typing.ClassVar[str] = "appearance"
    theme: str
    reduced_motion: bool
    lights_out: bool


SECTIONS: tuple[type[_Section], ...] = (
    Breathing,
    Session,
    Streak,
    Urge,
    Audio,
    Speech,
    Guidance,
    Reminder,
    Appearance,
)


@dataclass(frozen=True)
class Settings:
    """Every setting, typed, as one immutable value."""

    breathing: Breathing
    session: Session
    streak: Streak
    urge: Urge
    audio: Audio
    speech: Speech
    guidance: Guidance
    reminder: Reminder
    appearance: Appearance

    @classmethod
    def from_values(cls, values: Mapping[str, Value]) -> Settings:
        """From values the schema has validated (a full set, as `SettingsFile.values` is)."""
        return cls(
            Breathing.from_values(values),
            Session.from_values(values),
            Streak.from_values(values),
            Urge.from_values(values),
            Audio.from_values(values),
            Speech.from_values(values),
            Guidance.from_values(values),
            Reminder.from_values(values),
            Appearance.from_values(values),
        )
