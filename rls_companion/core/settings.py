"""The settings schema: one table shared by the window and the command line.

Each key has a type, a default and its limits. Text from the command line and
values from the settings file go through the same `parse`/`validate`, so the
two can never disagree about what is allowed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rls_companion.core import breathing, reminder, rotation, urge
from rls_companion.core.outputs import Backend
from rls_companion.core.session import Kind

Value = bool | int | float | str


class SettingError(ValueError):
    """A key or value that the schema refuses; the message names the key."""


@dataclass(frozen=True)
class Spec:
    key: str
    kind: type
    default: Value
    label: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""
    # (key, value): the setting only matters while that other setting has that value.
    applies_when: tuple[str, Value] | None = None
    # Text that must have a certain form: a regular expression the whole value
    # must match, and what it means in words (used in messages and `config list`).
    pattern: str | None = None
    pattern_help: str = ""

    def describe_range(self) -> str:
        if self.choices:
            return " | ".join(self.choices)
        if self.kind is bool:
            return "true | false"
        if self.pattern:
            return self.pattern_help
        if self.kind is str:
            return "text"
        return f"{_fmt(self.minimum)}–{_fmt(self.maximum)}"


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


SCHEMA: tuple[Spec, ...] = (
    Spec(
        "breathing.pattern", str, "resonance", "Breathing pattern", choices=breathing.PATTERN_NAMES
    ),
    Spec(
        "breathing.breaths_per_minute",
        float,
        breathing.DEFAULT_BPM,
        "Breaths per minute",
        breathing.MIN_BPM,
        breathing.MAX_BPM,
    ),
    Spec(
        "breathing.exhale_ratio",
        float,
        1.5,
        "Exhale : inhale (custom pattern)",
        breathing.MIN_EXHALE_RATIO,
        breathing.MAX_EXHALE_RATIO,
        applies_when=("breathing.pattern", "custom"),
    ),
    Spec(
        "breathing.hold_in_seconds",
        float,
        0.0,
        "Hold after inhale, s (custom pattern)",
        0.0,
        breathing.MAX_HOLD_SECONDS,
        applies_when=("breathing.pattern", "custom"),
    ),
    Spec(
        "breathing.hold_out_seconds",
        float,
        0.0,
        "Hold after exhale, s (custom pattern)",
        0.0,
        breathing.MAX_HOLD_SECONDS,
        applies_when=("breathing.pattern", "custom"),
    ),
    Spec(
        "breathing.ramp",
        bool,
        False,
        "Start faster and slow to the pace",
        help="Begin at a quicker, easy pace and slow smoothly to your pace.",
    ),
    Spec(
        "breathing.ramp_start_bpm",
        float,
        10.0,
        "Ramp starting pace (breaths/min)",
        breathing.MIN_BPM,
        breathing.MAX_BPM,
        applies_when=("breathing.ramp", True),
    ),
    Spec(
        "breathing.ramp_minutes",
        float,
        3.0,
        "Ramp length (minutes)",
        0.5,
        10.0,
        applies_when=("breathing.ramp", True),
    ),
    Spec("session.length_minutes", int, 20, "Session length (minutes)", 5, 60),
    Spec(
        "session.kind",
        str,
        "bedtime",
        "Session to begin with",
        choices=tuple(kind.value for kind in Kind),
        help="Remembered from the last session you began.",
    ),
    Spec("session.quick_minutes", int, 5, "Quick breathing length (minutes)", 2, 30),
    Spec("session.resettle_minutes", int, 10, "Re-settle length (minutes)", 5, 30),
    Spec("streak.rollover_hour", int, 6, "New night starts at (hour)", 0, 12),
    Spec("streak.min_practice_minutes", int, 5, "Minutes that make a practised night", 1, 60),
    Spec("streak.visible", bool, True, "Show streak counters"),
    Spec("urge.enabled", bool, True, "Resist-the-urge timer"),
    Spec(
        "urge.start_target_seconds",
        int,
        urge.DEFAULT_START_TARGET_SECONDS,
        "First urge target (s)",
        urge.FLOOR_SECONDS,
        urge.MAX_CEILING_SECONDS,
        applies_when=("urge.enabled", True),
    ),
    Spec(
        "urge.max_target_seconds",
        int,
        urge.DEFAULT_CEILING_SECONDS,
        "Longest urge target (s)",
        urge.FLOOR_SECONDS,
        urge.MAX_CEILING_SECONDS,
        applies_when=("urge.enabled", True),
    ),
    Spec(
        "urge.step_seconds",
        int,
        urge.DEFAULT_STEP_SECONDS,
        "Urge target step (s)",
        1,
        60,
        applies_when=("urge.enabled", True),
    ),
    Spec("audio.volume", int, 60, "Volume (%)", 0, 100),
    Spec(
        "audio.backend",
        str,
        Backend.AUTO.value,
        "Sound output",
        choices=tuple(b.value for b in Backend),
    ),
    Spec("audio.breath_tone", bool, True, "Breath tone"),
    Spec(
        "audio.ambient",
        str,
        "none",
        "Ambient sound",
        choices=("none", "brown", "pink"),
        help="A soft bed of noise under the breath tone: brown is deeper, pink brighter.",
    ),
    Spec("audio.ambient_level", int, 40, "Ambient level (%)", 0, 100),
    Spec(
        "audio.ambient_breathes",
        bool,
        True,
        "Ambient sound swells with the breath",
        help="The bed rises a little with each inhale and ebbs with each exhale.",
    ),
    Spec(
        "audio.phase_chime",
        bool,
        False,
        "Chime at each change of phase",
        help="A quiet chime when the breath turns from in to hold to out.",
    ),
    Spec("speech.enabled", bool, True, "Spoken guidance"),
    Spec(
        "speech.engine",
        str,
        "auto",
        "Speech engine",
        help=(
            "'auto' uses espeak-ng, mixed into the session's sound, where it is installed,"
            " then the system's engine; or a name listed by 'doctor'."
        ),
        pattern=r".+",
        pattern_help="a name: 'auto' or one listed by 'doctor'",
        applies_when=("speech.enabled", True),
    ),
    Spec(
        "speech.voice",
        str,
        "",
        "Voice",
        help="Empty: a voice that speaks the guidance's language, chosen as 'doctor' shows.",
        applies_when=("speech.enabled", True),
    ),
    Spec(
        "speech.rate",
        float,
        -0.2,
        "Speaking rate (-1 slow … 1 fast)",
        -1.0,
        1.0,
        applies_when=("speech.enabled", True),
    ),
    Spec(
        "speech.volume",
        int,
        80,
        "Voice volume (%)",
        0,
        100,
        help="The voice beside the breath sounds: at 80 it is as loud as the breath tone.",
        applies_when=("speech.enabled", True),
    ),
    Spec(
        "guidance.off",
        str,
        "",
        "Guidance switched off",
        help="Scripts never chosen for a session; the others take turns, night by night.",
        pattern=rotation.NAMES_PATTERN,
        pattern_help=rotation.NAMES_HELP,
    ),
    Spec(
        "guidance.favourites",
        str,
        "",
        "Favourite guidance",
        help="Favourites come round about twice as often as the other scripts.",
        pattern=rotation.NAMES_PATTERN,
        pattern_help=rotation.NAMES_HELP,
    ),
    Spec(
        "reminder.enabled",
        bool,
        False,
        "Bedtime reminder",
        help="A quiet note at bedtime, from the tray icon where the desktop has one.",
    ),
    Spec(
        "reminder.time",
        str,
        "22:30",
        "Reminder time",
        pattern=reminder.TIME_PATTERN,
        pattern_help=reminder.TIME_HELP,
        applies_when=("reminder.enabled", True),
    ),
    Spec(
        "reminder.days",
        str,
        ",".join(reminder.WEEKDAYS),
        "Reminder days",
        pattern=reminder.DAYS_PATTERN,
        pattern_help=reminder.DAYS_HELP,
        applies_when=("reminder.enabled", True),
    ),
    Spec("appearance.theme", str, "night", "Theme", choices=("night", "dark", "light", "system")),
    Spec("appearance.reduced_motion", bool, False, "Reduced motion"),
    Spec(
        "appearance.lights_out",
        bool,
        False,
        "Start sessions with the lights out",
        help="A black screen while the sound and guidance go on (L during a session). "
        "The re-settle session always starts this way.",
    ),
)

SPECS: dict[str, Spec] = {spec.key: spec for spec in SCHEMA}

MAX_TEXT_LENGTH = 100
_WHOLE = r"[+-]?[0-9]+"
# Infinities and NaN get through here to be refused as "not a finite number".
_DECIMAL = (
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:[+-]?(?:inf|infinity|nan))"
)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def spec_for(key: str) -> Spec:
    try:
        return SPECS[key]
    except KeyError:
        raise SettingError(f"unknown setting {_show(key)} (see 'config list')") from None


SHOWN_LENGTH = 40


def _show(value: object) -> str:
    """A value as a message quotes it: its repr, cut to a short line, so that a
    huge value in a settings file never floods a terminal or a log."""
    shown = repr(value)
    return shown if len(shown) <= SHOWN_LENGTH else shown[: SHOWN_LENGTH - 1] + "…"


def parse(key: str, text: str) -> Value:
    """Turn command-line or form text into a validated value."""
    spec = spec_for(key)
    raw = text.strip()
    value: Value
    if spec.kind is bool:
        lowered = raw.lower()
        if lowered in _TRUE:
            value = True
        elif lowered in _FALSE:
            value = False
        else:
            raise SettingError(f"{key}: {_show(text)} is not true or false")
    elif spec.kind is int:
        # Python would also read "٥٠" and "5_0" as 50; a setting takes plain digits.
        if not re.fullmatch(_WHOLE, raw):
            raise SettingError(f"{key}: {_show(text)} is not a whole number")
        value = int(raw)
    elif spec.kind is float:
        if not re.fullmatch(_DECIMAL, raw):
            raise SettingError(f"{key}: {_show(text)} is not a number")
        value = float(raw)
    else:
        value = raw
    return validate(key, value)


def validate(key: str, value: Any) -> Value:
    """Check a typed value (e.g. from the settings file) against the schema."""
    spec = spec_for(key)
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise SettingError(f"{key}: {_show(value)} is not true or false")
        return value
    if spec.kind is str:
        if not isinstance(value, str):
            raise SettingError(f"{key}: {_show(value)} is not text")
        if spec.choices and value not in spec.choices:
            raise SettingError(f"{key}: {_show(value)} is not one of {spec.describe_range()}")
        if len(value) > MAX_TEXT_LENGTH or not value.isprintable() or value != value.strip():
            raise SettingError(f"{key}: {_show(value)} is not a short line of plain text")
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            raise SettingError(f"{key}: {_show(value)} is not {spec.pattern_help}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingError(f"{key}: {_show(value)} is not a number")
    number: int | float
    if spec.kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise SettingError(f"{key}: {_show(value)} is not a whole number")
        number = int(value)
    else:
        number = float(value)
        if not math.isfinite(number):
            raise SettingError(f"{key}: {_show(value)} is not a finite number")
    assert spec.minimum is not None and spec.maximum is not None
    if not spec.minimum <= number <= spec.maximum:
        raise SettingError(f"{key}: {_fmt(number)} is out of range ({spec.describe_range()})")
    return number


def defaults() -> dict[str, Value]:
    return {spec.key: spec.default for spec in SCHEMA}


def format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _fmt(value) if isinstance(value, int | float) else value


def merge_valid(raw: Mapping[str, Any]) -> tuple[dict[str, Value], list[str]]:
    """Defaults overlaid with every valid value of `raw`; problems as messages.

    A bad value falls back to its default on its own: one broken line in the
    settings file never resets the others.
    """
    values = defaults()
    problems: list[str] = []
    for key, value in raw.items():
        try:
            values[key] = validate(key, value)
        except SettingError as error:
            problems.append(
                f"{error}; using the default {format_value(values.get(key, ''))!s}"
                if key in SPECS
                else str(error)
            )
    return values, problems
