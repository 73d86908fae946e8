"""Which voice reads the guidance: one that speaks the words' language.

Speech engines list hundreds of voices, and their default is whatever comes
first (speech-dispatcher with espeak-ng once offered "Bishnupriya Manipuri"
for English text). So, unless the person chose a voice: a voice of their own
locale if it speaks the guidance's language (en_GB for a British English
desktop), then the engine's default if it speaks that language, then one of
the language's main locale (en_US), then any voice that does. With none, the
guidance is shown as captions only: words read by a voice made for another
language are no comfort at bedtime.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

GUIDANCE_LANGUAGE = "en"  # the language the guidance scripts are written in


@dataclass(frozen=True)
class Voice:
    name: str
    locale: str  # as Qt names it: "en_GB"

    @property
    def language(self) -> str:
        return self.locale.split("_", 1)[0]


@dataclass(frozen=True)
class VoiceChoice:
    voice: Voice | None  # None: no voice speaks the language, captions only
    reason: str


def ranked(
    voices: Sequence[Voice],
    language: str = GUIDANCE_LANGUAGE,
    own_locale: str = "",
    engine_default: str = "",
    main_locale: str = "",
) -> list[Voice]:
    """`voices` best first: those that speak `language` (the person's locale,
    the engine's default, the language's main locale, plain voices before
    variants), then all others. Settings list them in this order."""
    return sorted(
        voices,
        key=lambda v: (
            v.language != language,
            v.locale != own_locale,
            v.name != engine_default,
            v.locale != main_locale,
            "+" in v.name,
            v.name,
        ),
    )


def choose_voice(
    voices: Sequence[Voice],
    chosen: str = "",
    language: str = GUIDANCE_LANGUAGE,
    own_locale: str = "",
    engine_default: str = "",
    main_locale: str = "",
) -> VoiceChoice:
    """`own_locale` is the person's ("en_GB"), `main_locale` the language's
    most common one ("en_US", as QLocale("en") says), for when theirs is of
    another language. Among equals a plain voice comes before its variants
    (espeak-ng names them "English (America)+Max"), then by name, so the
    choice never depends on the order an engine lists its voices in."""
    if chosen:
        for voice in voices:
            if voice.name == chosen:
                return VoiceChoice(voice, "chosen in Settings")
    speaking = [v for v in voices if v.language == language]
    missing = f" (the chosen voice {chosen!r} is not installed)" if chosen else ""
    if not speaking:
        return VoiceChoice(None, f"no voice that speaks {language!r}{missing}")
    best = ranked(speaking, language, own_locale, engine_default, main_locale)[0]
    if best.locale == own_locale:
        why = f"speaks {language!r} as in your locale {own_locale}"
    elif best.name == engine_default:
        why = f"the engine's default voice, which speaks {language!r}"
    elif best.locale == main_locale:
        why = f"speaks {language!r} as in {main_locale}"
    else:
        why = f"one of {len(speaking)} voices that speak {language!r}"
    return VoiceChoice(best, why + missing)
