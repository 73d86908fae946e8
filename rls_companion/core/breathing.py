"""Breathing patterns and the position in the breath as a function of time.

A pattern is a cycle of phases. Its shape (the ratios between phases) is fixed
by the preset; the pace (breaths per minute) sets the cycle length, so changing
the pace scales every phase and keeps the ratios. Where the user is in the
breath is computed from elapsed practice time alone: no state is carried from
frame to frame, so a dropped or late frame cannot move any later boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is loaded only where levels are rendered (never by the CLI)
    import numpy as np
    import numpy.typing as npt

MIN_BPM = 4.5
MAX_BPM = 10.0
DEFAULT_BPM = 6.0
MIN_EXHALE_RATIO = 1.0
MAX_EXHALE_RATIO = 2.5
MAX_HOLD_SECONDS = 7.0
# A custom pattern's holds are fixed seconds; they never squeeze the moving
# part of the breath below this.
MIN_MOVING_SECONDS = 3.0


class Phase(StrEnum):
    INHALE = "inhale"
    HOLD_IN = "hold_in"
    EXHALE = "exhale"
    HOLD_OUT = "hold_out"


PHASE_WORDS = {
    Phase.INHALE: "Breathe in",
    Phase.HOLD_IN: "Hold",
    Phase.EXHALE: "Breathe out",
    Phase.HOLD_OUT: "Hold",
}


@dataclass(frozen=True)
class Segment:
    """One phase of a cycle: its length and the lung level it moves between."""

    phase: Phase
    seconds: float
    level_from: float
    level_to: float


@dataclass(frozen=True)
class PatternShape:
    """A preset's proportions: (phase, relative length, level from, level to)."""

    name: str
    label: str
    parts: tuple[tuple[Phase, float, float, float], ...]


def _simple(
    name: str, label: str, inhale: float, hold_in: float, exhale: float, hold_out: float
) -> PatternShape:
    parts = [(Phase.INHALE, inhale, 0.0, 1.0)]
    if hold_in:
        parts.append((Phase.HOLD_IN, hold_in, 1.0, 1.0))
    parts.append((Phase.EXHALE, exhale, 1.0, 0.0))
    if hold_out:
        parts.append((Phase.HOLD_OUT, hold_out, 0.0, 0.0))
    return PatternShape(name, label, tuple(parts))


PRESETS: dict[str, PatternShape] = {
    shape.name: shape
    for shape in (
        _simple("resonance", "Resonance (4 in, 6 out)", 4, 0, 6, 0),
        _simple("extended_exhale", "Extended exhale (4 in, 8 out)", 4, 0, 8, 0),
        _simple("box", "Box (4-4-4-4)", 4, 4, 4, 4),
        _simple("4-7-8", "4-7-8", 4, 7, 8, 0),
        # Two inhales through the nose (a long one, then a short top-up sip),
        # then a long, slow exhale.
        PatternShape(
            "cyclic_sigh",
            "Cyclic sigh (two inhales, long exhale)",
            (
                (Phase.INHALE, 2.0, 0.0, 0.75),
                (Phase.INHALE, 1.0, 0.75, 1.0),
                (Phase.EXHALE, 6.0, 1.0, 0.0),
            ),
        ),
    )
}
PATTERN_NAMES: tuple[str, ...] = (*PRESETS, "custom")


@dataclass(frozen=True)
class CustomShape:
    exhale_ratio: float = 1.5
    hold_in_seconds: float = 0.0
    hold_out_seconds: float = 0.0


def build_cycle(pattern: str, bpm: float, custom: CustomShape | None = None) -> tuple[Segment, ...]:
    """The segments of one breath of `pattern` at `bpm` breaths per minute."""
    if not MIN_BPM <= bpm <= MAX_BPM:
        raise ValueError(f"pace {bpm} is outside {MIN_BPM}-{MAX_BPM} breaths per minute")
    cycle = 60.0 / bpm
    if pattern == "custom":
        return _custom_cycle(cycle, custom or CustomShape())
    try:
        shape = PRESETS[pattern]
    except KeyError:
        raise ValueError(f"unknown breathing pattern {pattern!r}") from None
    total = sum(part[1] for part in shape.parts)
    return tuple(
        Segment(phase, cycle * weight / total, lo, hi) for phase, weight, lo, hi in shape.parts
    )


def _custom_cycle(cycle: float, shape: CustomShape) -> tuple[Segment, ...]:
    if not MIN_EXHALE_RATIO <= shape.exhale_ratio <= MAX_EXHALE_RATIO:
        raise ValueError(f"exhale ratio {shape.exhale_ratio} is outside 1-2.5")
    holds = [
        min(max(h, 0.0), MAX_HOLD_SECONDS) for h in (shape.hold_in_seconds, shape.hold_out_seconds)
    ]
    room = cycle - MIN_MOVING_SECONDS
    if sum(holds) > room:
        scale = room / sum(holds)
        holds = [h * scale for h in holds]
    moving = cycle - sum(holds)
    inhale = moving / (1.0 + shape.exhale_ratio)
    parts = [Segment(Phase.INHALE, inhale, 0.0, 1.0)]
    if holds[0] > 0:
        parts.append(Segment(Phase.HOLD_IN, holds[0], 1.0, 1.0))
    parts.append(Segment(Phase.EXHALE, moving - inhale, 1.0, 0.0))
    if holds[1] > 0:
        parts.append(Segment(Phase.HOLD_OUT, holds[1], 0.0, 0.0))
    return tuple(parts)


def ease_in_out(progress: float) -> float:
    """Sinusoidal ease: slow at both ends, like a natural breath."""
    return 0.5 - 0.5 * math.cos(math.pi * min(max(progress, 0.0), 1.0))


@dataclass(frozen=True)
class BreathState:
    phase: Phase
    segment_index: int
    breath_index: int
    segment_elapsed: float
    segment_seconds: float
    level: float

    @property
    def segment_remaining(self) -> float:
        return max(self.segment_seconds - self.segment_elapsed, 0.0)

    @property
    def moving(self) -> bool:
        """Whether the lung level (and so the picture) changes in this segment."""
        return self.phase in (Phase.INHALE, Phase.EXHALE)


@dataclass(frozen=True)
class Ramp:
    """Start at a faster pace and slow smoothly (cosine) to the target."""

    start_bpm: float
    seconds: float


class BreathPlan:
    """Where the breath is at any elapsed practice time.

    With a ramp the pace eases from `ramp.start_bpm` to `bpm` over
    `ramp.seconds`; the number of breaths taken is the closed-form integral of
    the pace, so position stays a pure function of time.
    """

    def __init__(self, segments: tuple[Segment, ...], ramp: Ramp | None = None) -> None:
        if not segments:
            raise ValueError("a breathing cycle needs at least one segment")
        self.segments = segments
        self.cycle_seconds = sum(s.seconds for s in segments)
        self.bpm = 60.0 / self.cycle_seconds
        self.ramp = ramp if ramp and ramp.seconds > 0 and ramp.start_bpm != self.bpm else None
        starts = [0.0]
        for seg in segments[:-1]:
            starts.append(starts[-1] + seg.seconds / self.cycle_seconds)
        self._fraction_starts = tuple(starts)
        # Segment start and end times of a plain cycle, added up exactly as
        # `state_at` adds them, so `levels_at` lands on the same side of a boundary.
        ends: list[float] = []
        seg_start = 0.0
        for seg in segments:
            ends.append(seg_start + seg.seconds)
            seg_start += seg.seconds
        self._cycle_ends = tuple(ends)
        self._cycle_starts = (0.0, *ends[:-1])
        # (breath index * segment count + segment index) -> (start, end) seconds of a
        # ramped plan's segment, filled by `levels_at` (the inverse pace is costly).
        self._segment_cache: dict[int, tuple[float, float]] = {}
        self._level_tables: npt.NDArray[np.float64] | None = None  # built on first use
        self._positive_segments = all(s.seconds > 0 for s in segments)

    def breaths_at(self, t: float) -> float:
        """Breaths completed (fractional) after `t` seconds of practice."""
        t = max(t, 0.0)
        ramp = self.ramp
        if ramp is None:
            return t / self.cycle_seconds
        b0, b1, r = ramp.start_bpm, self.bpm, ramp.seconds
        if t >= r:
            return (b1 * r + (b0 - b1) * r / 2.0 + b1 * (t - r)) / 60.0
        return (b1 * t + (b0 - b1) / 2.0 * (t + r / math.pi * math.sin(math.pi * t / r))) / 60.0

    def time_of_breaths(self, breaths: float) -> float:
        """Inverse of `breaths_at` (monotonic, so bisection is exact enough)."""
        ramp = self.ramp
        if ramp is None:
            return breaths * self.cycle_seconds
        if breaths <= 0:
            return 0.0
        ramp_breaths = self.breaths_at(ramp.seconds)
        if breaths >= ramp_breaths:
            return ramp.seconds + (breaths - ramp_breaths) * self.cycle_seconds
        lo, hi = 0.0, ramp.seconds
        for _ in range(60):
            mid = (lo + hi) / 2.0
            if self.breaths_at(mid) < breaths:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2.0

    def _cycle_seconds_at(self, breath_index: int) -> float:
        return self.time_of_breaths(breath_index + 1) - self.time_of_breaths(breath_index)

    def state_at(self, t: float) -> BreathState:
        t = max(t, 0.0)
        if self.ramp is None:
            # Plain time arithmetic: exact at boundaries, no drift over hours.
            breath_index = math.floor(t / self.cycle_seconds)
            within = t - breath_index * self.cycle_seconds
            seg_start = 0.0
            for index, seg in enumerate(self.segments):
                if within < seg_start + seg.seconds or index == len(self.segments) - 1:
                    return self._state(seg, index, breath_index, within - seg_start, seg.seconds)
                seg_start += seg.seconds
        breaths = self.breaths_at(t)
        breath_index = math.floor(breaths)
        fraction = breaths - breath_index
        index = max(i for i, start in enumerate(self._fraction_starts) if fraction >= start)
        seg_start, seg_end = self._segment_times(breath_index, index)
        # `breaths` carries rounding error; the boundary times (the ones that
        # boundaries_between lists) decide which side of a boundary `t` is on.
        if not seg_start <= t < seg_end:
            step = 1 if t >= seg_end else -1
            count = len(self.segments)
            breath_index, index = divmod(breath_index * count + index + step, count)
            seg_start, seg_end = self._segment_times(breath_index, index)
        return self._state(
            self.segments[index], index, breath_index, t - seg_start, seg_end - seg_start
        )

    def levels_at(self, times: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """`state_at(t).level` for every `t` of `times` (any shape), vectorised for audio.

        The same arithmetic as `state_at`, element by element: a plain plan by
        taking the time modulo the cycle, a ramped plan through the closed-form
        breath count, settled against the same boundary times `state_at` uses.
        """
        import numpy as np  # here, not at the top: kept off the command line's imports

        tables = self._level_tables
        if tables is None:
            tables = self._level_tables = np.array(
                [
                    self._cycle_starts,
                    [s.seconds for s in self.segments],
                    [s.level_from for s in self.segments],
                    [s.level_to - s.level_from for s in self.segments],
                    self._cycle_ends,
                ]
            )
        given = np.asarray(times, dtype=np.float64)
        t = np.maximum(given.reshape(-1), 0.0)
        if self.ramp is None:
            cycle = self.cycle_seconds
            whole = t / cycle
            np.floor(whole, out=whole)
            whole *= cycle
            within = t - whole
            index = np.searchsorted(tables[4], within, side="right")
            np.minimum(index, len(self.segments) - 1, out=index)
            rows = tables[:4, index]
            seconds = rows[1]
            elapsed = within - rows[0]
        else:
            index, starts, ends = self._ramped_segments(t)
            rows = tables[:4, index]
            seconds = ends - starts
            elapsed = t - starts
        np.maximum(elapsed, 0.0, out=elapsed)
        np.minimum(elapsed, seconds, out=elapsed)
        if self._positive_segments:
            # 0 <= elapsed <= seconds, so the quotient is already within [0, 1].
            progress = elapsed / seconds
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                progress = np.where(seconds > 0, elapsed / seconds, 1.0)
        progress *= np.pi
        ease: npt.NDArray[np.float64] = np.cos(progress, out=progress)
        ease *= -0.5
        ease += 0.5
        ease *= rows[3]
        ease += rows[2]
        return ease.reshape(given.shape)

    def _ramped_segments(
        self, t: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Segment index, start and end time at each time of a ramped plan."""
        import numpy as np

        ramp = self.ramp
        assert ramp is not None
        b0, b1, r = ramp.start_bpm, self.bpm, ramp.seconds
        during = (b1 * t + (b0 - b1) / 2.0 * (t + r / math.pi * np.sin(math.pi * t / r))) / 60.0
        after = (b1 * r + (b0 - b1) * r / 2.0 + b1 * (t - r)) / 60.0
        breaths = np.where(t >= r, after, during)
        breath_index = np.floor(breaths)
        index = np.searchsorted(self._fraction_starts, breaths - breath_index, side="right") - 1
        count = len(self.segments)
        keys = breath_index.astype(np.int64) * count + index
        starts, ends = self._segment_bounds(keys)
        # As in `state_at`: the boundary times decide which side of a boundary t is on.
        step = np.where(t >= ends, 1, np.where(t < starts, -1, 0))
        if step.any():
            keys = keys + step
            starts, ends = self._segment_bounds(keys)
        return np.asarray(keys % count, dtype=np.intp), starts, ends

    def _segment_bounds(
        self, keys: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        import numpy as np

        unique, inverse = np.unique(keys, return_inverse=True)
        cache = self._segment_cache
        if len(cache) > 4096:
            cache.clear()
        bounds = []
        count = len(self.segments)
        for key in unique.tolist():
            found = cache.get(key)
            if found is None:
                found = cache[key] = self._segment_times(*divmod(key, count))
            bounds.append(found)
        table = np.asarray(bounds, dtype=np.float64).reshape(-1, 2)
        return table[inverse, 0], table[inverse, 1]

    def _segment_times(self, breath_index: int, index: int) -> tuple[float, float]:
        start = self._boundary(breath_index, self._fraction_starts[index])
        if index + 1 < len(self.segments):
            return start, self._boundary(breath_index, self._fraction_starts[index + 1])
        return start, self._boundary(breath_index + 1, 0.0)

    @staticmethod
    def _state(
        seg: Segment, index: int, breath_index: int, elapsed: float, seconds: float
    ) -> BreathState:
        elapsed = min(max(elapsed, 0.0), seconds)
        progress = elapsed / seconds if seconds > 0 else 1.0
        level = seg.level_from + (seg.level_to - seg.level_from) * ease_in_out(progress)
        return BreathState(seg.phase, index, breath_index, elapsed, seconds, level)

    def boundaries_between(self, t0: float, t1: float) -> list[float]:
        """Every segment boundary in (t0, t1]: for cue scheduling and tests."""
        out: list[float] = []
        index = math.floor(self.breaths_at(t0))
        while True:
            for start in self._fraction_starts:
                b = self._boundary(index, start)
                if b > t1:
                    return out
                if b > t0:
                    out.append(b)
            index += 1

    def _boundary(self, breath_index: int, fraction_start: float) -> float:
        if self.ramp is None:
            return breath_index * self.cycle_seconds + fraction_start * self.cycle_seconds
        return max(self.time_of_breaths(breath_index + fraction_start), 0.0)

    def next_boundary_after(self, t: float) -> float:
        state = self.state_at(t)
        return t + state.segment_remaining
