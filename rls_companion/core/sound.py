"""Sound synthesis as numpy arrays: the breath tone and the session mix.

The breath tone is a warm, low sine (with a little second and third harmonic)
whose pitch and loudness rise through the inhale and fall through the exhale,
so the pace can be followed with eyes closed. Pitch is integrated into a
running phase so blocks join without a seam, and every change of level goes
through a ramp, so nothing clicks. Output peaks stay far below full scale.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rls_companion.core.breathing import BreathPlan

SAMPLE_RATE = 44100
Block = npt.NDArray[np.float32]

LOW_HZ = 174.6  # F3: low and warm at the bottom of the breath
HIGH_HZ = 261.6  # C4: a fifth-and-a-bit above, at the top of the breath
FLOOR_LEVEL = 0.18  # the tone never vanishes between breaths, it just sinks
HARMONICS = ((1, 1.0), (2, 0.22), (3, 0.06))
# Peak of the tone at full volume before fades: -6 dBFS, leaving headroom for
# whatever else is mixed in later.
FULL_SCALE_PEAK = 0.5
CONTROL_STEP = 128  # samples between evaluations of the breath position
PAUSE_RAMP_SECONDS = 0.4


def _harmonic_peak() -> float:
    phase = np.linspace(0.0, 2.0 * np.pi, 4096, endpoint=False)
    wave = sum(weight * np.sin(n * phase) for n, weight in HARMONICS)
    return float(np.max(np.abs(wave)))


_NORMALISE = FULL_SCALE_PEAK / _harmonic_peak()


class BreathTone:
    """A continuous tone that follows the breath level of a plan."""

    def __init__(self, plan: BreathPlan, sample_rate: int = SAMPLE_RATE) -> None:
        self.plan = plan
        self.rate = sample_rate
        self._phase = 0.0

    def levels(self, t0: float, frames: int, speed: float = 1.0) -> npt.NDArray[np.float64]:
        """Breath level (0 empty .. 1 full) per sample from time t0.

        `speed` is session seconds per audio second (0 holds the breath still).
        """
        count = frames // CONTROL_STEP + 2
        times = t0 + np.arange(count) * (CONTROL_STEP * speed / self.rate)
        points = np.array([self.plan.state_at(float(t)).level for t in times])
        sample_times = np.arange(frames, dtype=np.float64) / CONTROL_STEP
        return np.asarray(np.interp(sample_times, np.arange(count), points), dtype=np.float64)

    def render(self, t0: float, frames: int, speed: float = 1.0) -> npt.NDArray[np.float64]:
        level = self.levels(t0, frames, speed)
        freq = LOW_HZ + (HIGH_HZ - LOW_HZ) * level
        increments = 2.0 * np.pi * freq / self.rate
        phase = self._phase + np.cumsum(increments) - increments[0]
        self._phase = float((phase[-1] + increments[-1]) % (2.0 * np.pi)) if frames else self._phase
        wave = sum(weight * np.sin(n * phase) for n, weight in HARMONICS)
        amplitude = FLOOR_LEVEL + (1.0 - FLOOR_LEVEL) * level
        return np.asarray(wave * amplitude * _NORMALISE, dtype=np.float64)


class GainRamp:
    """A gain that moves towards its target at a bounded rate (no clicks)."""

    def __init__(
        self,
        value: float = 0.0,
        seconds_full_swing: float = PAUSE_RAMP_SECONDS,
        sample_rate: int = SAMPLE_RATE,
    ) -> None:
        self.value = value
        self.target = value
        self._step = 1.0 / max(seconds_full_swing * sample_rate, 1.0)

    def render(self, frames: int) -> npt.NDArray[np.float64]:
        if self.value == self.target:
            return np.full(frames, self.value, dtype=np.float64)
        direction = 1.0 if self.target > self.value else -1.0
        ramp = self.value + direction * self._step * np.arange(1, frames + 1)
        ramp = np.minimum(ramp, self.target) if direction > 0 else np.maximum(ramp, self.target)
        self.value = float(ramp[-1]) if frames else self.value
        return np.asarray(ramp, dtype=np.float64)


def to_float32(block: npt.NDArray[np.float64]) -> Block:
    return np.clip(block, -1.0, 1.0).astype(np.float32)


CHIME_HZ = 392.0  # G4: soft, below the brightness of a phone alert
CHIME_PEAK = 0.22
CHIME_PARTIALS = ((1.0, 1.0), (2.01, 0.28), (3.02, 0.08))


def chime(sample_rate: int = SAMPLE_RATE, seconds: float = 2.5) -> npt.NDArray[np.float64]:
    """A soft bell: a 20 ms rounded attack, a slow exponential decay, and a
    final fade so it ends at exactly zero."""
    frames = int(seconds * sample_rate)
    t = np.arange(frames) / sample_rate
    wave = sum(
        weight * np.sin(2.0 * np.pi * CHIME_HZ * ratio * t) * np.exp(-t * (1.2 + ratio * 0.6))
        for ratio, weight in CHIME_PARTIALS
    )
    attack = min(int(0.02 * sample_rate), frames)
    envelope = np.ones(frames)
    envelope[:attack] = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, attack))
    tail = min(int(0.3 * sample_rate), frames)
    envelope[-tail:] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, tail))
    shaped = wave * envelope
    return np.asarray(shaped * (CHIME_PEAK / np.max(np.abs(shaped))), dtype=np.float64)
