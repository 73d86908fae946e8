"""Spoken guidance through the platform's speech engine (Qt TextToSpeech).

`auto` picks the first engine that initialises and has a voice, never the
mock engine (which is for tests). Where none works, guidance is shown as
captions with gentle chimes, and the window says so once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QObject, Signal

from rls_companion.core.settings import Value

log = logging.getLogger(__name__)

TEST_ENGINE = "mock"


def engine_names() -> list[str]:
    from PySide6.QtTextToSpeech import QTextToSpeech

    return list(QTextToSpeech.availableEngines())


class Speech(QObject):
    speaking = Signal(bool)

    def __init__(self, values: Mapping[str, Value], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine_name: str | None = None
        self.problem: str | None = None
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
            self.engine_name = name
            self._configure(tts, values)
            self._tts = tts
            self.problem = None
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
        voice_name = str(values["speech.voice"])
        for voice in tts.availableVoices():
            if voice.name() == voice_name:
                tts.setVoice(voice)
                break
        tts.stateChanged.connect(
            lambda state: self.speaking.emit(state == QTextToSpeech.State.Speaking)
        )
        log.info("speech: %s, voice %s", self.engine_name or "engine", tts.voice().name())

    @property
    def available(self) -> bool:
        return self._tts is not None

    def say(self, text: str) -> None:
        if self._tts is not None:
            self._tts.say(text)

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()
