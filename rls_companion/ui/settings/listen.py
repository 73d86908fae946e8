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
from PySide6.QtCore import QObject

from rls_companion.audio.output import choose_sink
from rls_companion.audio.sinks import Sink
from rls_companion.core.clock import Clock
from rls_companion.core.config import Audio
from rls_companion.core.mixer import Moment, SessionMixer
from rls_companion.core.preview import PacedPreview, Part
from rls_companion.core.session import FADE_IN_SECONDS, Kind, build_timeline
from rls_companion.core.sound import Block

CROSSFADE_SECONDS = 0.25
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
        self.preview = preview
        self.clock = clock
        self._lock = threading.Lock()
        self._began = clock.monotonic()
        self._mixers: list[tuple[Part, SessionMixer]] = []
        choice = choose_sink(audio.backend, parent, on_notice)
        self.sink: Sink = choice.sink
        self._add(preview.part_at(self._began), audio)
        if choice.notice:
            on_notice(choice.notice)
        self.sink.start(self._pull)

    def _mixer(self, part: Part, audio: Audio) -> SessionMixer:
        return SessionMixer(
            part.plan,
            _TIMELINE,
            audio.volume / 100.0,
            breath_tone=audio.breath_tone,
            sample_rate=self.sink.sample_rate,
            ambient=audio.ambient,
            ambient_level=audio.ambient_level / 100.0,
            ambient_breathes=audio.ambient_breathes,
            phase_chime=audio.phase_chime,
        )

    def _add(self, part: Part, audio: Audio) -> None:
        mixer = self._mixer(part, audio)
        with self._lock:
            # A part replaced before it began is dropped with its mixer.
            self._mixers = [(p, m) for p, m in self._mixers if p.start < part.start]
            self._mixers.append((part, mixer))

    def follow(self, part: Part, audio: Audio) -> None:
        """The preview has a new part: its sound takes over when it begins."""
        self._add(part, audio)

    def stop(self) -> None:
        self.sink.stop()

    def _pull(self, frames: int, lead: float) -> Block:
        now = self.clock.monotonic()
        heard = now + lead  # the moment this block is heard
        position = min(now - self._began, _STEADY)
        with self._lock:
            begun = [(p, m) for p, m in self._mixers if p.start <= heard] or self._mixers[:1]
            # Keep the newest part that has begun, and the one before it while
            # the crossfade between them lasts.
            current = begun[-1]
            fading = begun[-2] if len(begun) > 1 else None
            if fading is not None and heard - current[0].start > CROSSFADE_SECONDS + 1.0:
                self._mixers = [(p, m) for p, m in self._mixers if p.start >= current[0].start]
                fading = None
            block = self._render(current, frames, now, lead, position)
            if fading is None:
                return block
            old = self._render(fading, frames, now, lead, position)
        # The weight of the new sound at each sample of the block.
        times = heard + np.arange(frames) / self.sink.sample_rate
        weight = np.clip((times - current[0].start) / CROSSFADE_SECONDS, 0.0, 1.0)
        mixed = old * (1.0 - weight) + block * weight
        return mixed.astype(np.float32)

    @staticmethod
    def _render(
        entry: tuple[Part, SessionMixer], frames: int, now: float, lead: float, position: float
    ) -> Block:
        part, mixer = entry
        return mixer.pull(frames, Moment(now - part.start, position, True), lead)
