"""Spoken guidance through the platform's speech engine (Qt TextToSpeech).

`auto` picks the first engine that initialises and has a voice for the
guidance's language, never the mock engine (which is for tests); the voice is
chosen by `core.voice_choice`. Where none works, guidance is shown as
captions with gentle chimes, and the window says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal

from rls_companion.core.settings import Value
from rls_companion.core.voice_choice import GUIDANCE_LANGUAGE, Voice, VoiceChoice, choose_voice

log = logging.getLogger(__name__)

TEST_ENGINE = "mock"


def engine_names() -> list[str]:
    from PySide6.QtTextToSpeech import QTextToSpeech

    return list(QTextToSpeech.availableEngines())


def pick_voice(tts: object, chosen: str, language: str = GUIDANCE_LANGUAGE) -> VoiceChoice:
    """Choose the engine's voice for words in `language` (core.voice_choice)
    and set it; a VoiceChoice without a voice leaves the engine as it was."""
    from PySide6.QtCore import QLocale
    from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

    assert isinstance(tts, QTextToSpeech)
    voices: dict[Voice, QVoice] = {}
    for locale in tts.availableLocales():
        for qvoice in tts.allVoices(locale):
            voices.setdefault(Voice(qvoice.name(), qvoice.locale().name()), qvoice)
    default = tts.voice()
    choice = choose_voice(
        list(voices),
        chosen=chosen,
        language=language,
        own_locale=QLocale().name(),
        engine_default=default.name(),
        main_locale=QLocale(language).name(),
    )
    if choice.voice is not None:
        tts.setVoice(voices[choice.voice])
    return choice


class Speech(QObject):
    speaking = Signal(bool)

    def __init__(
        self,
        values: Mapping[str, Value],
        parent: QObject | None = None,
        language: str = GUIDANCE_LANGUAGE,
    ) -> None:
        super().__init__(parent)
        self.engine_name: str | None = None
        self.problem: str | None = None
        self._lacks_voice = False  # an engine works, but none of its voices fits
        self._tts = None
        if not values["speech.enabled"]:
            return
        wanted = str(values["speech.engine"])
        from PySide6.QtTextToSpeech import QTextToSpeech

        names = engine_names()
        candidates = [n for n in names if n != TEST_ENGINE] if wanted == "auto" else [wanted]
        for name in candidates:
            if name not in names:
                self.problem = f"the speech engine {name!r} is not installed"
                continue
            tts = QTextToSpeech(name, self)
            if tts.state() == QTextToSpeech.State.Error or not tts.availableVoices():
                self.problem = f"the speech engine {name!r} did not start"
                tts.setParent(None)
                continue
            choice = pick_voice(tts, str(values["speech.voice"]), language)
            if choice.voice is None:
                self.problem = f"the speech engine {name!r} has {choice.reason}"
                self._lacks_voice = True
                tts.setParent(None)
                continue
            self.engine_name = name
            self._configure(tts, values)
            self._tts = tts
            self.problem = None
            log.info(
                "speech: %s, voice %s (%s): %s",
                name,
                tts.voice().name(),
                tts.voice().locale().name(),
                choice.reason,
            )
            break
        else:
            self.problem = self.problem or "no speech engine is installed"
        if self._tts is None:
            log.info("speech: %s; captions only", self.problem)

    def _configure(self, tts: object, values: Mapping[str, Value]) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        assert isinstance(tts, QTextToSpeech)
        tts.setRate(float(values["speech.rate"]))
        tts.setVolume(int(values["speech.volume"]) / 100.0)
        tts.stateChanged.connect(
            lambda state: self.speaking.emit(state == QTextToSpeech.State.Speaking)
        )

    @property
    def available(self) -> bool:
        return self._tts is not None

    @property
    def notice(self) -> str:
        """What the window says once when the guidance cannot be spoken."""
        if self._lacks_voice:
            return (
                "No voice for the guidance's language was found:"
                " the guidance is shown as captions, with soft chimes."
            )
        return "No speech engine was found: the guidance is shown as captions, with soft chimes."

    def say(self, text: str) -> None:
        if self._tts is not None:
            self._tts.say(text)

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()
