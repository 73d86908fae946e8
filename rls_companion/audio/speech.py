"""Spoken guidance, which never makes the window wait.

Two kinds of engine:

- **espeak-ng, mixed** (`espeak-ng`, through libespeak-ng): each caption is
  synthesized to samples on a background thread, a few captions ahead,
  levelled beside the breath tone (core.speech_level) and mixed into the
  session's own sound, so the voice never clips, sits at the tone's loudness,
  lowers the soundscape while it speaks and follows the session's fade.
- **live** (Qt TextToSpeech: speech-dispatcher, or the platform's engine
  elsewhere): the engine speaks by itself at a calibrated volume, from its own
  thread, so an engine that takes long to answer (speech-dispatcher's first
  start has taken 15 s) delays only the voice, never the window.

`auto` tries espeak-ng first, then every live engine but Qt's mock engine
(which is for tests). The voice is chosen by `core.voice_choice`. Until the
engine answers, and where none works, the guidance is shown as captions (the
window says so once).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, QThread, Signal, Slot

from rls_companion.audio import espeak
from rls_companion.core.config import Settings
from rls_companion.core.guidance import WORDS_PER_MINUTE
from rls_companion.core.rate import SAMPLE_RATE
from rls_companion.core.voice_choice import (
    GUIDANCE_LANGUAGE,
    Voice,
    VoiceChoice,
    choose_voice,
    ranked,
)

if TYPE_CHECKING:  # numpy is loaded only once a session makes sound
    import numpy as np
    import numpy.typing as npt

    Wave = npt.NDArray[np.float32]

log = logging.getLogger(__name__)

TEST_ENGINE = "mock"
MIXED_ENGINE = espeak.ENGINE_NAME
# Live engines speak at their own level, outside the mix: speech-dispatcher
# with espeak-ng peaks at full scale from Qt volume 0.8, at -6 dBFS at 0.28
# and about -3.5 dBFS at this volume (measured; linear in between). The voice
# has it at the default settings and less when either volume is turned down.
LIVE_PEAK_VOLUME = 0.38
CACHE_SIZE = 4  # synthesized captions kept (a few seconds of audio each)
STOP_WAIT_MS = 500  # how long closing waits for a live engine's thread


def live_volume(voice_volume: int, session_volume: int) -> float:
    """Qt's volume (0-1) for a live engine: LIVE_PEAK_VOLUME at the default
    settings, scaled down with either volume, never above it."""
    from rls_companion.core.settings import SPECS
    from rls_companion.core.speech_level import BALANCE_NEUTRAL

    default = int(SPECS["audio.volume"].default)
    share = voice_volume / BALANCE_NEUTRAL * session_volume / default
    return LIVE_PEAK_VOLUME * min(max(share, 0.0), 1.0)


def guidance_rate(settings: Settings) -> float:
    """The pace the guidance is planned at: the voice's, or natural without one."""
    return rate_factor(settings.speech.rate) if settings.speech.enabled else 1.0


def rate_factor(rate: float) -> float:
    """How much faster than normal the `speech.rate` setting (-1..1) speaks:
    about an octave each way."""
    return float(2.0**rate)


def words_per_minute(rate: float) -> int:
    return round(WORDS_PER_MINUTE * rate_factor(rate))


def _desktop_locales(language: str) -> tuple[str, str]:
    return QLocale().name(), QLocale(language).name()


def pick_voice(tts: object, chosen: str, language: str = GUIDANCE_LANGUAGE) -> VoiceChoice:
    """Choose a Qt engine's voice for words in `language` (core.voice_choice)
    and set it; a VoiceChoice without a voice leaves the engine as it was."""
    from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

    assert isinstance(tts, QTextToSpeech)
    voices: dict[Voice, QVoice] = {}
    for locale in tts.availableLocales():
        for qvoice in tts.allVoices(locale):
            voices.setdefault(Voice(qvoice.name(), qvoice.locale().name()), qvoice)
    own, main = _desktop_locales(language)
    choice = choose_voice(
        list(voices),
        chosen=chosen,
        language=language,
        own_locale=own,
        engine_default=tts.voice().name(),
        main_locale=main,
    )
    if choice.voice is not None:
        tts.setVoice(voices[choice.voice])
    return choice


def pick_espeak_voice(
    chosen: str, language: str = GUIDANCE_LANGUAGE
) -> tuple[espeak.EspeakVoice | None, VoiceChoice]:
    """espeak-ng's voice for `language` and why; EspeakProblem if it cannot load."""
    engine = espeak.load()
    voices = {Voice(v.name, v.locale): v for v in engine.voices()}
    own, main = _desktop_locales(language)
    choice = choose_voice(
        list(voices), chosen=chosen, language=language, own_locale=own, main_locale=main
    )
    return (voices[choice.voice] if choice.voice else None), choice


def mixed_voices(language: str = GUIDANCE_LANGUAGE) -> list[Voice]:
    """espeak-ng's voices, those for `language` first as they would be
    chosen ([] where the library is missing). Call off the GUI thread."""
    try:
        engine = espeak.load()
    except espeak.EspeakProblem:
        return []
    own, main = _desktop_locales(language)
    voices = [Voice(v.name, v.locale) for v in engine.voices()]
    return ranked(voices, language, own_locale=own, main_locale=main)


@dataclass(frozen=True)
class Answer:
    """What an engine said when it was started."""

    engine: str | None  # the engine that speaks, or None
    voice: Voice | None = None
    reason: str = ""
    problem: str | None = None
    lacks_voice: bool = False  # an engine works, but none of its voices fits


@dataclass(frozen=True)
class Request:
    """Everything a speech thread needs, read from the settings on the GUI thread."""

    chosen_voice: str
    language: str
    rate: float
    volume: int  # the "Voice volume" setting
    session_volume: int  # the sound's volume setting
    target_rms: float  # levelled loudness of a mixed voice, at volume 100
    sample_rate: int


class _Synthesizer:
    """espeak-ng on a background thread: synthesizes the captions asked for,
    in order, a few ahead, levelled and ready to mix."""

    def __init__(self, request: Request, owner: Speech) -> None:
        self._request = request
        self._owner = owner
        self._wanted: list[str] = []
        self._ready: OrderedDict[str, Wave] = OrderedDict()
        self._closed = False
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="speech-synth", daemon=True)
        self._thread.start()

    def want(self, texts: Sequence[str]) -> None:
        with self._lock:
            self._wanted = [t for t in dict.fromkeys(texts) if t.strip()]
            self._lock.notify()

    def wave(self, text: str) -> Wave | None:
        with self._lock:
            return self._ready.get(text)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wanted = []
            self._lock.notify()

    def _next(self) -> str | None:
        with self._lock:
            while not self._closed:
                todo = [t for t in self._wanted if t not in self._ready]
                if todo:
                    return todo[0]
                self._lock.wait()
            return None

    def _tell(self, news: Answer | str) -> None:
        """Pass news to the Speech on the GUI thread, unless it is gone (the
        session ended while the engine was busy)."""
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # its Qt object was deleted
            if isinstance(news, Answer):
                self._owner.answered.emit(news)
            else:
                self._owner.voiced.emit(news)

    def _run(self) -> None:
        request = self._request
        try:
            voice, choice = pick_espeak_voice(request.chosen_voice, request.language)
        except espeak.EspeakProblem as problem:
            self._tell(Answer(None, problem=f"espeak-ng: {problem}"))
            return
        if voice is None:
            self._tell(Answer(None, problem=f"espeak-ng has {choice.reason}", lacks_voice=True))
            return
        self._tell(Answer(MIXED_ENGINE, choice.voice, choice.reason))
        try:
            self._synthesize_wanted(voice)
        except Exception:
            log.exception("speech: synthesis failed; captions only from here")

    def _synthesize_wanted(self, voice: espeak.EspeakVoice) -> None:
        import numpy as np

        from rls_companion.core.speech_level import level_speech

        engine = espeak.load()
        request = self._request
        pace = words_per_minute(request.rate)
        while (text := self._next()) is not None:
            raw = engine.synthesize(text, voice, pace)
            wave = level_speech(raw, engine.sample_rate, request.sample_rate, request.target_rms)
            with self._lock:
                self._ready[text] = wave.astype(np.float32)
                while len(self._ready) > CACHE_SIZE:
                    stale = next((t for t in self._ready if t not in self._wanted), None)
                    self._ready.pop(stale if stale is not None else next(iter(self._ready)))
            self._tell(text)


SPEECHD_ANSWER_SECONDS = 60.0  # how long a starting speech-dispatcher may take
SPEECHD_POLL_SECONDS = 0.1


def _speechd_address() -> tuple[int, object] | None:
    """Where libspeechd would connect: (address family, address), or None
    for an address this check does not know (then it is not checked)."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address.startswith("inet_socket:"):
        host, _, port = address.removeprefix("inet_socket:").rpartition(":")
        return (socket.AF_INET, (host or "127.0.0.1", int(port or 6560)))
    if address.startswith("unix_socket:"):
        return (socket.AF_UNIX, address.removeprefix("unix_socket:"))
    if address:
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR") or os.path.expanduser("~/.cache")
    return (socket.AF_UNIX, os.path.join(runtime, "speech-dispatcher", "speechd.sock"))


def speechd_answers(
    closing: threading.Event, seconds: float = SPEECHD_ANSWER_SECONDS
) -> str | None:
    """Wait, without holding up anything else, until speech-dispatcher answers
    a greeting; None when it does, else why not.

    Qt's engine connects while holding Python's lock, so a speech-dispatcher
    that is slow to start (15 s has been seen) would freeze every thread,
    the window's too. Asked here first, it then connects at once. One that is
    not running is started (as libspeechd would)."""
    where = _speechd_address()
    if where is None:
        return None
    family, address = where
    deadline = time.monotonic() + seconds
    spawned = False
    while not closing.is_set() and time.monotonic() < deadline:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as conn:
                conn.settimeout(SPEECHD_POLL_SECONDS)
                conn.connect(address)  # type: ignore[arg-type]
                conn.sendall(b"SET self CLIENT_NAME rls:companion:check\r\n")
                reply = b""
                while b"\n" not in reply:
                    if closing.is_set() or time.monotonic() > deadline:
                        return "speech-dispatcher did not answer"
                    try:
                        chunk = conn.recv(256)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    reply += chunk
                if reply.startswith(b"2"):
                    with contextlib.suppress(OSError):
                        conn.sendall(b"QUIT\r\n")
                    return None
        except OSError:
            if not spawned and family == socket.AF_UNIX and shutil.which("speech-dispatcher"):
                spawned = True
                with contextlib.suppress(OSError, subprocess.SubprocessError):
                    subprocess.Popen(
                        ["speech-dispatcher", "--spawn"],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                    )
        closing.wait(SPEECHD_POLL_SECONDS)
    return "speech-dispatcher did not answer"


class _LiveWorker(QObject):
    """A Qt TextToSpeech engine, created and driven on the speech thread."""

    answered = Signal(object)
    speaking = Signal(bool)

    def __init__(self, candidates: list[str], request: Request, closing: threading.Event) -> None:
        super().__init__()
        self._candidates = candidates
        self._request = request
        self._closing = closing
        self._tts: object = None

    @Slot()
    def open(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        problem, lacks_voice = "no speech engine is installed", False
        names = list(QTextToSpeech.availableEngines())
        for name in self._candidates:
            if name not in names:
                problem = f"the speech engine {name!r} is not installed"
                continue
            if name == "speechd" and (silent := speechd_answers(self._closing)) is not None:
                problem = silent
                continue
            if self._closing.is_set():
                return
            tts = QTextToSpeech(name, self)
            if tts.state() == QTextToSpeech.State.Error or not tts.availableVoices():
                problem = f"the speech engine {name!r} did not start"
                tts.setParent(None)
                continue
            choice = pick_voice(tts, self._request.chosen_voice, self._request.language)
            if choice.voice is None:
                problem, lacks_voice = f"the speech engine {name!r} has {choice.reason}", True
                tts.setParent(None)
                continue
            tts.setRate(self._request.rate)
            tts.setVolume(live_volume(self._request.volume, self._request.session_volume))
            # A bound slot: Qt drops the connection when this worker is deleted
            # (a lambda would outlive it and emit on a deleted object).
            tts.stateChanged.connect(self._state_changed)
            self._tts = tts
            self.answered.emit(Answer(name, choice.voice, choice.reason))
            return
        self.answered.emit(Answer(None, problem=problem, lacks_voice=lacks_voice))

    @Slot(object)
    def _state_changed(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        with contextlib.suppress(RuntimeError):  # deleted while the news was queued
            self.speaking.emit(state == QTextToSpeech.State.Speaking)

    @Slot(str)
    def say(self, text: str) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if isinstance(self._tts, QTextToSpeech):
            self._tts.say(text)

    @Slot()
    def stop(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if isinstance(self._tts, QTextToSpeech):
            self._tts.stop()


_STUCK: list[QThread] = []  # live engines that never answered; kept until the process ends


def stuck_engines() -> int:
    """Live engine threads still waiting on their engine (the app then exits
    without waiting for them)."""
    return sum(1 for thread in _STUCK if thread.isRunning())


class Speech(QObject):
    answered = Signal(object)  # an Answer, from whichever thread started the engine
    ready = Signal()  # the engine answered: `available` and `problem` are known
    voiced = Signal(str)  # a caption is synthesized and can be mixed (mixed engine)
    speaking = Signal(bool)  # a live engine started or stopped speaking
    _say = Signal(str)
    _stop = Signal()

    def __init__(
        self,
        settings: Settings,
        parent: QObject | None = None,
        language: str = GUIDANCE_LANGUAGE,
        *,
        target_rms: float = 0.18,
        sample_rate: int = SAMPLE_RATE,
    ) -> None:
        super().__init__(parent)
        self.engine_name: str | None = None
        self.voice: Voice | None = None
        self.problem: str | None = None
        self.settled = False
        self._lacks_voice = False
        self._synth: _Synthesizer | None = None
        self._thread: QThread | None = None
        self._worker: _LiveWorker | None = None
        self._closing = threading.Event()  # tells a live engine's thread to give up
        self.answered.connect(self._on_answer)
        speech = settings.speech
        if not speech.enabled:
            self.settled = True
            return
        self._request = Request(
            chosen_voice=speech.voice,
            language=language,
            rate=speech.rate,
            volume=speech.volume,
            session_volume=settings.audio.volume,
            target_rms=target_rms,
            sample_rate=sample_rate,
        )
        wanted = speech.engine
        self._live: list[str] = []
        if wanted == "auto":
            from PySide6.QtTextToSpeech import QTextToSpeech

            self._live = [n for n in QTextToSpeech.availableEngines() if n != TEST_ENGINE]
        elif wanted != MIXED_ENGINE:
            self._live = [wanted]
        if wanted in ("auto", MIXED_ENGINE):
            self._synth = _Synthesizer(self._request, self)
        else:
            self._start_live()

    # -- the engine's answer -------------------------------------------------
    def _start_live(self) -> None:
        thread = QThread()
        thread.setObjectName("speech-live")
        worker = _LiveWorker(self._live, self._request, self._closing)
        worker.moveToThread(thread)
        thread.started.connect(worker.open)
        thread.finished.connect(worker.deleteLater)
        worker.answered.connect(self._on_answer)
        worker.speaking.connect(self.speaking)
        self._say.connect(worker.say)
        self._stop.connect(worker.stop)
        self._thread, self._worker = thread, worker
        thread.start()

    @Slot(object)
    def _on_answer(self, answer: Answer) -> None:
        if self.settled:
            return
        if answer.engine is None:
            self.problem = answer.problem
            self._lacks_voice = self._lacks_voice or answer.lacks_voice
            if self._synth is not None:
                self._synth.close()
                self._synth = None
                if self._live:
                    self._start_live()
                    return
            self.settled = True
            log.info("speech: %s; captions only", self.problem)
            self.ready.emit()
            return
        self.settled = True
        self.engine_name, self.voice, self.problem = answer.engine, answer.voice, None
        assert answer.voice is not None
        log.info(
            "speech: %s, voice %s (%s): %s",
            answer.engine,
            answer.voice.name,
            answer.voice.locale,
            answer.reason,
        )
        self.ready.emit()

    @property
    def available(self) -> bool:
        return self.engine_name is not None

    @property
    def mixes(self) -> bool:
        """The voice comes through the session's own sound (`wave`), not `say`."""
        return self.engine_name == MIXED_ENGINE

    @property
    def notice(self) -> str:
        """What the window says once when the guidance cannot be spoken."""
        if self._lacks_voice:
            return (
                "No voice for the guidance's language was found:"
                " the guidance is shown as captions, with soft chimes."
            )
        return "No speech engine was found: the guidance is shown as captions, with soft chimes."

    # -- speaking ------------------------------------------------------------
    def prepare(self, texts: Sequence[str]) -> None:
        """The captions to have ready next, soonest first (mixed engine)."""
        if self._synth is not None:
            self._synth.want(texts)

    def wave(self, text: str) -> Wave | None:
        """The levelled samples of `text`, once synthesized (mixed engine)."""
        return self._synth.wave(text) if self._synth is not None and self.mixes else None

    def say(self, text: str) -> None:
        """Speak `text` now (live engine; it interrupts what it was saying)."""
        if self.available and not self.mixes:
            self._say.emit(text)

    def stop(self) -> None:
        if self.available and not self.mixes:
            self._stop.emit()

    def close(self) -> None:
        """Stop the engine's thread; one stuck waiting on its engine is left
        to end with the process."""
        if self._synth is not None:
            self._synth.close()
            self._synth = None
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is None or worker is None:
            return
        self._closing.set()
        self._stop.emit()
        thread.quit()
        if not thread.wait(STOP_WAIT_MS):
            log.warning("speech: the engine did not answer; it is left to end with the app")
            _STUCK.append(thread)
