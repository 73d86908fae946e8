"""How each setting reads in the Settings page: sections, human labels,
units and precision, and when a field matters enough to be shown.

The schema (core.settings) stays the one place for keys, defaults and limits;
this module only says how the window presents them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rls_companion.core import settings as schema
from rls_companion.core.session import Kind, kind_name


@dataclass(frozen=True)
class Field:
    title: str
    unit: str = ""  # after the number, e.g. "minutes"
    decimals: int = 0  # at most; trailing zeros are not shown
    step: float = 1.0
    special: str = ""  # shown instead of the smallest value, e.g. "No hold"
    choices: Mapping[str, str] | None = None  # value -> label
    # Text for a number other than "value unit" (and its inverse).
    show: Callable[[float], str] | None = None
    read: Callable[[str], float] | None = None


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    sentence: str
    keys: tuple[str, ...]


def _speaking_pace(rate: float) -> str:
    return f"{round(100 * 2.0**rate)}% of natural speed"


def _read_speaking_pace(text: str) -> float:
    digits = "".join(c for c in text if c.isdigit() or c in ".,").replace(",", ".")
    return math.log2(max(float(digits or "100"), 1.0) / 100)


def _hour(hour: float) -> str:
    return f"{int(hour):02d}:00"


def _read_hour(text: str) -> float:
    return float(text.split(":", 1)[0].strip() or "0")


PATTERNS = {
    "resonance": "Resonance — 4 in, 6 out",
    "extended_exhale": "Extended exhale — 4 in, 8 out",
    "box": "Box — 4 in, hold 4, 4 out, hold 4",
    "4-7-8": "4-7-8 — 4 in, hold 7, 8 out",
    "cyclic_sigh": "Cyclic sigh — two breaths in, one long out",
    "custom": "Custom — your own ratio and holds",
}
MINUTES = "minutes"
BREATHS = "breaths a minute"

FIELDS: dict[str, Field] = {
    "breathing.pattern": Field("Pattern", choices=PATTERNS),
    "breathing.breaths_per_minute": Field("Pace", BREATHS, decimals=1, step=0.5),
    "breathing.exhale_ratio": Field(
        "Breath out", "× as long as the breath in", decimals=1, step=0.1
    ),
    "breathing.hold_in_seconds": Field(
        "Hold when full", "seconds", decimals=1, step=0.5, special="No hold"
    ),
    "breathing.hold_out_seconds": Field(
        "Hold when empty", "seconds", decimals=1, step=0.5, special="No hold"
    ),
    "breathing.ramp": Field("Begin faster and slow down to your pace"),
    "breathing.ramp_start_bpm": Field("Starting pace", BREATHS, decimals=1, step=0.5),
    "breathing.ramp_minutes": Field("Slow down over", MINUTES, decimals=1, step=0.5),
    "session.length_minutes": Field("Bedtime session", MINUTES),
    "session.kind": Field(
        "Tonight offers first", choices={kind.value: kind_name(kind) for kind in Kind}
    ),
    "session.quick_minutes": Field("Quick breathing", MINUTES),
    "session.resettle_minutes": Field("Re-settle", MINUTES),
    "urge.enabled": Field("Resist-the-urge timer"),
    "urge.start_target_seconds": Field("First wait", "seconds"),
    "urge.max_target_seconds": Field("Longest wait", "seconds"),
    "urge.step_seconds": Field("Grows by", "seconds"),
    "audio.volume": Field("Volume", "%"),
    "audio.backend": Field(
        "Sound output",
        choices={
            "auto": "Automatic",
            "qt": "Qt Multimedia",
            "simpleaudio": "simpleaudio",
            "none": "No sound",
        },
    ),
    "audio.breath_tone": Field("Breath tone"),
    "audio.ambient": Field(
        "Ambient sound",
        choices={"none": "None", "brown": "Brown noise — deeper", "pink": "Pink noise — brighter"},
    ),
    "audio.ambient_level": Field("Ambient level", "%"),
    "audio.ambient_breathes": Field("Ambient sound swells with the breath"),
    "audio.phase_chime": Field("Chime at each change of phase"),
    "speech.enabled": Field("Spoken guidance"),
    "speech.engine": Field("Speech engine"),
    "speech.voice": Field("Voice"),
    "speech.rate": Field(
        "Speaking pace", step=0.1, show=_speaking_pace, read=_read_speaking_pace, decimals=2
    ),
    "speech.volume": Field("Voice volume", "%"),
    "streak.rollover_hour": Field("A new night begins at", show=_hour, read=_read_hour),
    "streak.min_practice_minutes": Field("A practised night needs", "minutes of practice"),
    "streak.visible": Field("Show streak counters"),
    "reminder.enabled": Field("Bedtime reminder"),
    "reminder.time": Field("Remind me at"),
    "reminder.days": Field("On"),
    "appearance.theme": Field(
        "Theme",
        choices={
            "night": "Night — dim and warm",
            "dark": "Dark",
            "light": "Light",
            "system": "Follow the system",
        },
    ),
    "appearance.reduced_motion": Field("Reduced motion: the orb brightens instead of growing"),
    "appearance.lights_out": Field("Start sessions with the lights out"),
}


def _section(name: str, title: str, sentence: str) -> Section:
    """A section holding every setting whose key begins with `name`."""
    return Section(
        name, title, sentence, tuple(k for k in schema.SPECS if k.startswith(name + "."))
    )


SECTIONS: tuple[Section, ...] = (
    _section(
        "breathing",
        "Breathing",
        "How each session paces your breath. The preview changes at its next breath.",
    ),
    _section(
        "session",
        "Sessions",
        "How long each kind of session lasts, and which one Tonight offers first.",
    ),
    _section(
        "guidance",
        "Guidance",
        "The spoken scripts take turns, night by night. Switch off any you would rather not"
        " hear; a favourite comes round about twice as often.",
    ),
    _section(
        "urge",
        "Resist the urge",
        "How long the urge timer asks you to wait, and how that grows over the nights.",
    ),
    _section("audio", "Sound", "What you hear during a session."),
    _section(
        "speech",
        "Voice",
        "The voice that reads the guidance. Captions show whether or not it speaks.",
    ),
    _section(
        "streak",
        "Nights and streaks",
        "What counts as a practised night, and whether streaks are shown.",
    ),
    _section(
        "reminder",
        "Bedtime reminder",
        "A quiet note at bedtime, from the tray icon where the desktop has one.",
    ),
    _section("appearance", "Look", "How the app looks at night."),
)

# Fields that matter only with another value than the schema's `applies_when`
# can say (it names one value; these depend on "anything but").
_SHOWN_UNLESS: dict[str, tuple[str, schema.Value]] = {
    "audio.ambient_level": ("audio.ambient", "none"),
    "audio.ambient_breathes": ("audio.ambient", "none"),
}


def shown(key: str, value_of: Callable[[str], schema.Value]) -> bool:
    """Whether a field matters with the other settings as they are."""
    condition = schema.SPECS[key].applies_when
    if condition is not None and value_of(condition[0]) != condition[1]:
        return False
    unless = _SHOWN_UNLESS.get(key)
    return unless is None or value_of(unless[0]) != unless[1]


def number_text(field: Field, value: float) -> str:
    """A number as the page shows it: its unit, and no needless decimals."""
    if field.show is not None:
        return field.show(value)
    text = f"{value:.{field.decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if not field.unit:
        return text
    return f"{text}{field.unit}" if field.unit == "%" else f"{text} {field.unit}"
