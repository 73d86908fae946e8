""" "Listen" in the breathing preview: the session's own sound for the settings.

The preview's breath (core.preview) drives a `SessionMixer` built from the
sound settings, played through the same output a session would use. A new
part of the preview (a changed pattern, pace or sound) gets a mixer of its
own, which takes over at the start of that part's first breath, crossfaded
over `CROSSFADE_SECONDS` while both tones rest at their quietest, so a change
is heard at the next breath and never as a jump or a click.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer

from rls_companion.audio.output import choose_sink
from rls_companion.audio.sinks import Sink
from rls_companion.core.clock import Clock
from rls_companion.core.config import Audio
from rls_companion.core.mixer import Moment, SessionMixer
from rls_companion.core.preview import PacedPreview, Part
from rls_companion.core.session import FADE_IN_SECONDS, Kind, build_timeline
from rls_companion.core.sound import Block

CROSSFADE_SECONDS = 0.25
# Stopping fades the sound out (the mixer's own fade when it stops running);
# the output is closed once that and the output's lead have played.
TAIL_MS = 1500
# The mixer's fades follow a timeline: this one fades in when listening begins
# and, held below its wind-down, never fades out.
_TIMELINE = build_timeline(Kind.BREATHING, 60)
_STEADY = FADE_IN_SECONDS + 1.0


class Listening:
    """The preview's sound while "Listen" is on."""

    def __init__(
        self,
        preview: PacedPreview,
        clock: Clock,
        audio: Audio,
        parent: QObject,
        on_notice: Callable[[str], None],
    ) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._began = clock.monotonic()
        self._mixers: list[tuple[Part, SessionMixer]] = []
        self._current: tuple[Part, SessionMixer] | None = None
        self._fading: tuple[Part, SessionMixer] | None = None  # the sound being left
        self._faded = 0  # samples of the crossfade played so far
        self._running = True
        choice = choose_sink(audio.backend, parent, on_notice)
        self.sink: Sink = choice.sink
        self._tail = QTimer(parent)
        self._tail.setSingleShot(True)
        self._tail.setInterval(TAIL_MS)
        self._tail.timeout.connect(self._close)
        self._app = QCoreApplication.instance()
        if self._app is not None:  # quitting during the tail still stops the output
            self._app.aboutToQuit.connect(self.sink.stop)
        self._add(preview.part_at(self._began), audio)
        if choice.notice:
            on_notice(choice.notice)
        self.sink.start(self._pull)

    def _add(self, part: Part, audio: Audio) -> None:
        mixer = SessionMixer.for_settings(part.plan, _TIMELINE, audio, self.sink.sample_rate)
        with self._lock:
            # A part replaced before it began is dropped with its mixer.
            self._mixers = [e for e in self._mixers if e[0].start < part.start]
            self._mixers.append((part, mixer))

    def follow(self, part: Part, audio: Audio) -> None:
        """The preview has a new part: its sound takes over when it begins."""
        self._add(part, audio)

    def stop(self) -> None:
        """Fade out (as a stopped session does), then close the output."""
        with self._lock:
            self._running = False
        self._tail.start()

    def _close(self) -> None:
        self.sink.stop()
        if self._app is not None:
            self._app.aboutToQuit.disconnect(self.sink.stop)
        self._tail.deleteLater()

    def _pull(self, frames: int, lead: float) -> Block:
        now = self.clock.monotonic()
        heard = now + lead  # the moment this block is heard
        position = min(now - self._began, _STEADY)
        with self._lock:
            begun = [e for e in self._mixers if e[0].start <= heard] or self._mixers[:1]
            newest = begun[-1]
            if self._current is None or newest[1] is not self._current[1]:
                # A new part has begun: the sound crossfades from the one before,
                # counted in samples so the blocks join without a seam.
                self._fading, self._current, self._faded = self._current, newest, 0
                self._mixers = [e for e in self._mixers if e[0].start >= newest[0].start]
            block = self._render(newest, frames, now, lead, position)
            fading = self._fading
            if fading is None:
                return block
            old = self._render(fading, frames, now, lead, position)
            length = CROSSFADE_SECONDS * self.sink.sample_rate
            weight = np.clip((np.arange(frames) + self._faded) / length, 0.0, 1.0)
            self._faded += frames
            if self._faded >= length:
                self._fading = None
        mixed = old * (1.0 - weight) + block * weight
        return mixed.astype(np.float32)

    def _render(
        self,
        entry: tuple[Part, SessionMixer],
        frames: int,
        now: float,
        lead: float,
        position: float,
    ) -> Block:
        part, mixer = entry
        return mixer.pull(frames, Moment(now - part.start, position, self._running), lead)
