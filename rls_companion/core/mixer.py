"""The session's sound, pulled block by block by an audio sink.

The sink asks for the next block whenever its buffer has room, often in
bursts. The mixer keeps its own sample-accurate cursor, so consecutive blocks
join seamlessly, and steers it towards the session clock (plus the sink's
buffer lead) by playing up to 5 % faster or slower: small drift is absorbed
without a seam. A large jump (the computer slept, the device stalled) fades
out, moves the cursor, and fades back in, so it is never heard as a click.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rls_companion.core.breathing import BreathPlan
from rls_companion.core.session import Timeline
from rls_companion.core.sound import SAMPLE_RATE, Block, BreathTone, GainRamp, chime, to_float32

STEER_LIMIT = 0.05  # the most the cursor may run fast or slow
STEER_SECONDS = 1.0  # drift is corrected over about this long
JUMP_SECONDS = 0.5  # beyond this, fade out, jump, fade in


@dataclass(frozen=True)
class Moment:
    """The session as seen by the audio thread at one pull."""

    practice: float  # seconds of practice so far (drives the breath)
    position: float  # position on the timeline (drives fades)
    running: bool


class SessionMixer:
    def __init__(
        self,
        plan: BreathPlan,
        timeline: Timeline,
        volume: float,
        breath_tone: bool = True,
        sample_rate: int = SAMPLE_RATE,
    ) -> None:
        self.rate = sample_rate
        self.timeline = timeline
        self.volume = min(max(volume, 0.0), 1.0)
        self.tone = BreathTone(plan, sample_rate) if breath_tone else None
        self.run_gain = GainRamp(0.0, sample_rate=sample_rate)
        self.cursor: float | None = None
        self.resyncs = 0
        self._chime = chime(sample_rate)
        self._voices: dict[int, float] = {}  # handle -> practice time it starts
        self._next_voice = 0

    def schedule_chime(self, at_practice: float) -> int:
        """Ring the soft chime when practice time reaches `at_practice`.

        Scheduled ahead, it lands on time even though audio is rendered half
        a second early; returns a handle for `cancel`.
        """
        self._next_voice += 1
        self._voices[self._next_voice] = at_practice
        return self._next_voice

    def cancel(self, handle: int) -> None:
        self._voices.pop(handle, None)

    def _mix_voices(self, out: npt.NDArray[np.float64], start: float, speed: float) -> None:
        length = len(self._chime)
        for handle, at in list(self._voices.items()):
            offset = round((at - start) * self.rate / max(speed, 1e-9))
            if offset >= len(out):
                continue
            if offset + length <= 0:
                del self._voices[handle]
                continue
            lo, hi = max(offset, 0), min(offset + length, len(out))
            out[lo:hi] += self._chime[lo - offset : hi - offset]

    def pull(self, frames: int, moment: Moment, lead_seconds: float = 0.0) -> Block:
        """The next `frames` samples of mono float32 audio."""
        if frames <= 0:
            return np.zeros(0, dtype=np.float32)
        target = moment.practice + lead_seconds
        if self.cursor is None:
            self.cursor = target
        drift = target - self.cursor
        jumping = moment.running and abs(drift) > JUMP_SECONDS
        if jumping and self.run_gain.value == 0.0:
            self.cursor = target
            self.resyncs += 1
            drift, jumping = 0.0, False
        self.run_gain.target = 1.0 if moment.running and not jumping else 0.0
        gain = self.run_gain.render(frames)
        seconds = frames / self.rate
        speed = 1.0
        if moment.running and not jumping:
            speed += min(max(drift / STEER_SECONDS, -STEER_LIMIT), STEER_LIMIT)
        skipped = moment.position - moment.practice
        start = self.cursor
        end = start + seconds * speed if moment.running else start
        fade = np.linspace(
            self.timeline.fade_level(start + skipped),
            self.timeline.fade_level(end + skipped),
            frames,
        )
        out = np.zeros(frames)
        if self.tone is not None:
            out += self.tone.render(start, frames, speed if moment.running else 0.0)
        if moment.running:
            self._mix_voices(out, start, speed)
        self.cursor = end
        return to_float32(out * gain * fade * self.volume)
