"""Sound synthesis as numpy arrays: the breath tone, chime and mix tools.

The breath tone is a warm, low sine (with a little second and third harmonic)
whose pitch and loudness rise through the inhale and fall through the exhale,
so the pace can be followed with eyes closed. Pitch is integrated into a
running phase so blocks join without a seam, and every change of level goes
through a ramp, so nothing clicks. Output peaks stay far below full scale.

The breath level comes from a `BreathCurve` (worked out on a fixed grid with
the vectorised `BreathPlan.levels_at`), which the noise bed follows as well.
`Ducker` and `SafetyLimiter` are the mix's gain tools: a smooth dip while
speech plays, and a soft last resort against overs that the headroom budget
already rules out.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from rls_companion.core.breathing import BreathPlan
from rls_companion.core.noise import soft_limit
from rls_companion.core.rate import SAMPLE_RATE as SAMPLE_RATE  # re-exported

Block = npt.NDArray[np.float32]

LOW_HZ = 174.6  # F3: low and warm at the bottom of the breath
HIGH_HZ = 261.6  # C4: a fifth-and-a-bit above, at the top of the breath
FLOOR_LEVEL = 0.18  # the tone never vanishes between breaths, it just sinks
HARMONICS = ((1, 1.0), (2, 0.22), (3, 0.06))
# Peak of the tone at full volume before fades: -6 dBFS, leaving headroom for
# whatever else is mixed in later.
FULL_SCALE_PEAK = 0.5
CONTROL_STEP = 128  # samples (of practice time) between evaluations of the breath position
CURVE_POINTS = 512  # control points worked out at a time (about 1.5 s of breath)
SUB_BLOCK = 8192  # longer renders are made in pieces, keeping float32 phases precise
PAUSE_RAMP_SECONDS = 0.4
TAU = 2.0 * np.pi


def _harmonic_peak() -> float:
    phase = np.linspace(0.0, 2.0 * np.pi, 4096, endpoint=False)
    wave = sum(weight * np.sin(n * phase) for n, weight in HARMONICS)
    return float(np.max(np.abs(wave)))


_NORMALISE = FULL_SCALE_PEAK / _harmonic_peak()
# With s = sin(p) and c = cos(p): sin 2p = 2sc and sin 3p = s (4c**2 - 1), so
# the whole harmonic sum is s * (A + c (B + C c)): one sine and one cosine.
_WEIGHTS = dict(HARMONICS)
_HARM_A = _WEIGHTS[1] - _WEIGHTS[3]
_HARM_B = 2.0 * _WEIGHTS[2]
_HARM_C = 4.0 * _WEIGHTS[3]
assert set(_WEIGHTS) == {1, 2, 3}, "the fast harmonic sum covers three harmonics"


class BreathCurve:
    """The breath level of a plan as a smooth per-sample curve.

    The level is worked out (with `BreathPlan.levels_at`) on a fixed grid of
    practice times, every `CONTROL_STEP` samples, a few hundred points at a
    time, and interpolated linearly between: the curve is the same whatever
    the block sizes, and a block costs a handful of array operations.
    """

    def __init__(self, plan: BreathPlan, sample_rate: int = SAMPLE_RATE) -> None:
        self.plan = plan
        self.rate = sample_rate
        self._step = CONTROL_STEP / sample_rate  # practice seconds between grid points
        self._first = 0  # grid index of the first level held
        self._levels = np.zeros(0)
        self._slopes = np.zeros(0)  # level change to the next grid point
        self._ramp = np.arange(SUB_BLOCK, dtype=np.float64)

    def levels(self, t0: float, frames: int, speed: float = 1.0) -> npt.NDArray[np.float64]:
        """Breath level (0 empty .. 1 full) per sample from practice time t0.

        `speed` is practice seconds per audio second (0 holds the breath still).
        """
        if frames <= 0:
            return np.zeros(0)
        if frames > len(self._ramp):
            self._ramp = np.arange(frames, dtype=np.float64)
        per_sample = speed / self.rate / self._step  # grid steps per sample
        start = t0 / self._step
        first = math.floor(start)
        last = math.floor(start + (frames - 1) * per_sample) + 1
        if first < self._first or last >= self._first + len(self._levels):
            count = max(CURVE_POINTS, last - first + 2)
            self._first = first
            self._levels = self.plan.levels_at((first + np.arange(count)) * self._step)
            self._slopes = np.diff(self._levels, append=self._levels[-1])
        position = self._ramp[:frames] * per_sample
        position += start - self._first
        index = position.astype(np.intp)  # floor: positions are not negative
        position -= index
        level = self._slopes.take(index)
        level *= position
        level += self._levels.take(index)
        return level


class BreathTone:
    """A continuous tone that follows the breath level of a plan."""

    def __init__(
        self, plan: BreathPlan, sample_rate: int = SAMPLE_RATE, curve: BreathCurve | None = None
    ) -> None:
        self.plan = plan
        self.rate = sample_rate
        self.curve = curve if curve is not None else BreathCurve(plan, sample_rate)
        self._phase = 0.0
        self._inc_low = TAU * LOW_HZ / sample_rate
        self._inc_span = TAU * (HIGH_HZ - LOW_HZ) / sample_rate

    def levels(self, t0: float, frames: int, speed: float = 1.0) -> npt.NDArray[np.float64]:
        """Breath level (0 empty .. 1 full) per sample from time t0.

        `speed` is session seconds per audio second (0 holds the breath still).
        """
        return self.curve.levels(t0, frames, speed)

    def render(self, t0: float, frames: int, speed: float = 1.0) -> npt.NDArray[np.float64]:
        return self.render_levels(self.levels(t0, frames, speed))

    def lanes(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """(slope, offset) of the phase increment and of the amplitude, each a
        straight-line function of the breath level."""
        return (
            (self._inc_span, self._inc_low),
            ((1.0 - FLOOR_LEVEL) * _NORMALISE, FLOOR_LEVEL * _NORMALISE),
        )

    def render_levels(self, level: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The tone for a per-sample breath level (continuing the running phase)."""
        (inc_slope, inc_offset), (amp_slope, amp_offset) = self.lanes()
        lanes = np.multiply.outer((inc_slope, amp_slope), level)
        lanes += ((inc_offset,), (amp_offset,))
        return self.render_lanes(lanes[0], lanes[1])

    def render_lanes(
        self, increments: npt.NDArray[np.float64], amplitude: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """The tone for per-sample phase increments and amplitudes (both are
        used up: written over)."""
        frames = len(increments)
        if frames > SUB_BLOCK:
            return np.concatenate(
                [
                    self.render_lanes(increments[i : i + SUB_BLOCK], amplitude[i : i + SUB_BLOCK])
                    for i in range(0, frames, SUB_BLOCK)
                ]
            )
        if frames == 0:
            return np.zeros(0)
        # Pitch is integrated into a running phase (float64), so blocks join
        # without a seam; the short, wrapped phase is precise enough in float32.
        last = float(increments[-1])
        increments[0] = self._phase  # so the running sum starts from it
        phase = np.add.accumulate(increments)
        self._phase = (float(phase[-1]) + last) % TAU
        narrow = phase.astype(np.float32)
        s = np.sin(narrow)
        c = np.cos(narrow, out=narrow)
        wave = c * _HARM_C
        wave += _HARM_B
        wave *= c
        wave += _HARM_A
        wave *= s
        amplitude *= wave
        return amplitude


def tone_rms(plan: BreathPlan, points: int = 2000) -> float:
    """The breath tone's RMS over one whole breath (before volume and fades),
    worked out from the breath curve: the level other sounds are balanced to.

    The harmonics are orthogonal, so the wave's mean square is the amplitude's
    mean square times half the sum of the squared weights.
    """
    times = (np.arange(points) + 0.5) * (plan.cycle_seconds / points)
    amplitude = FLOOR_LEVEL + (1.0 - FLOOR_LEVEL) * plan.levels_at(times)
    wave_mean_square = sum(w * w for _, w in HARMONICS) / 2.0
    return float(_NORMALISE * math.sqrt(float(np.mean(amplitude**2)) * wave_mean_square))


def raised_cosine(frames: int, rising: bool = True) -> npt.NDArray[np.float64]:
    """A fade of `frames` samples along half a cosine, strictly between 0
    and 1 (neither end repeats the level before or after it): the one ramp
    every fade in or out of a stream uses, so none of them clicks."""
    ramp: npt.NDArray[np.float64] = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, frames + 2)[1:-1])
    return ramp if rising else ramp[::-1]


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

    @property
    def steady(self) -> bool:
        return self.value == self.target

    def render(self, frames: int) -> npt.NDArray[np.float64]:
        if self.value == self.target:
            return np.full(frames, self.value, dtype=np.float64)
        direction = 1.0 if self.target > self.value else -1.0
        ramp = self.value + direction * self._step * np.arange(1, frames + 1)
        ramp = np.minimum(ramp, self.target) if direction > 0 else np.maximum(ramp, self.target)
        self.value = float(ramp[-1]) if frames else self.value
        return np.asarray(ramp, dtype=np.float64)


class Ducker:
    """A gain that dips by `depth_db` while speech plays and comes back after.

    It glides over `seconds` along a raised cosine in decibels, so the change
    starts and ends gently, and holds still (a plain number) otherwise. The
    glide is worked out once, sample by sample, and read back either way.
    """

    def __init__(self, depth_db: float, seconds: float, sample_rate: int = SAMPLE_RATE) -> None:
        if depth_db < 0.0 or seconds <= 0.0:
            raise ValueError("ducking needs a depth of 0 dB or more over a positive time")
        self.depth_db = depth_db
        self.floor = float(10.0 ** (-depth_db / 20.0))  # the gain while fully ducked
        self.length = max(round(seconds * sample_rate), 1)  # samples in a glide
        eased = 0.5 - 0.5 * np.cos(np.pi * np.arange(self.length + 1) / self.length)
        self._glide = 10.0 ** (-depth_db / 20.0 * eased)  # gain at each step of the way
        self._steps = np.arange(1, SUB_BLOCK + 1)
        self.position = 0  # samples into the glide: 0 full level .. length fully ducked
        self.target = 0

    @property
    def progress(self) -> float:
        """0 at full level, 1 fully ducked."""
        return self.position / self.length

    def duck(self, active: bool) -> None:
        self.target = self.length if active else 0

    def render(self, frames: int) -> float | npt.NDArray[np.float64]:
        position, target = self.position, self.target
        if position == target or frames <= 0:
            return 1.0 if position == 0 else self.floor
        if frames > len(self._steps):
            self._steps = np.arange(1, frames + 1)
        if target > position:
            path = np.minimum(self._steps[:frames] + position, target)
        else:
            path = np.maximum(position - self._steps[:frames], target)
        self.position = int(path[-1])
        return self._glide.take(path)


LIMIT_CEILING = 10.0 ** (-1.0 / 20.0)  # -1 dBFS
LIMIT_ATTACK_SECONDS = 0.002
LIMIT_RELEASE_SECONDS = 0.5  # from full reduction back to unity


class SafetyLimiter:
    """A last resort, never reached by design: every source has a headroom
    budget that keeps the mix below `LIMIT_CEILING`.

    Should a block still go over, its gain glides down within 2 ms and back up
    over half a second; what overshoots during that glide is rounded off
    towards full scale (tanh above the ceiling), never clipped hard.
    """

    def __init__(self, sample_rate: int = SAMPLE_RATE) -> None:
        self.gain = 1.0
        self.engaged = 0  # blocks that needed it (diagnostics and tests)
        self._attack = max(int(LIMIT_ATTACK_SECONDS * sample_rate), 1)
        self._release = 1.0 / (LIMIT_RELEASE_SECONDS * sample_rate)

    def process(self, block: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Limit `block` (in place) and return it."""
        if len(block) == 0:
            return block
        peak = max(float(block.max()), -float(block.min()))
        if peak <= LIMIT_CEILING and self.gain == 1.0:
            return block
        need = min(1.0, LIMIT_CEILING / peak) if peak > 0.0 else 1.0
        if need < self.gain:
            self.engaged += 1
            reach = np.minimum(np.arange(1, len(block) + 1) / self._attack, 1.0)
        else:
            need = min(need, self.gain + self._release * len(block))
            reach = np.arange(1, len(block) + 1) / len(block)
        block *= self.gain + (need - self.gain) * reach
        self.gain = need
        return soft_limit(block, LIMIT_CEILING, 1.0)


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
