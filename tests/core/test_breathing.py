"""Breathing patterns and the position in the breath.

Phase lengths are worked out by hand from the product rules. The long test
renders an 8-hour night at about 60 frames a second with frames dropped at
random and checks every rendered frame against boundaries computed exactly
(rational arithmetic), so any drift, off-by-one or counted-tick error shows.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest

from rls_companion.core.breathing import (
    PATTERN_NAMES,
    PRESETS,
    BreathPlan,
    CustomShape,
    Phase,
    Ramp,
    Segment,
    build_cycle,
    ease_in_out,
)

IN, HOLD_IN, OUT, HOLD_OUT = Phase.INHALE, Phase.HOLD_IN, Phase.EXHALE, Phase.HOLD_OUT
F = Fraction


def shape(segments: tuple[Segment, ...]) -> list[tuple[Phase, float]]:
    return [(s.phase, s.seconds) for s in segments]


def assert_cycle(segments: tuple[Segment, ...], expected: list[tuple[Phase, Fraction]]) -> None:
    assert [s.phase for s in segments] == [phase for phase, _ in expected]
    for seg, (_, seconds) in zip(segments, expected, strict=True):
        assert seg.seconds == pytest.approx(float(seconds), abs=1e-12)


# --- phase lengths ---------------------------------------------------------------------------


def test_the_preset_list_is_the_products() -> None:
    assert set(PRESETS) == {"resonance", "extended_exhale", "box", "4-7-8", "cyclic_sigh"}
    assert set(PATTERN_NAMES) == set(PRESETS) | {"custom"}


# At 6 breaths a minute one breath lasts 60 / 6 = 10 s.
SIX_PER_MINUTE = {
    # 4 in, 6 out is already a 10 s breath.
    "resonance": [(IN, F(4)), (OUT, F(6))],
    # 4:8 is a 12 s breath; scaled to 10 s: 4 * 10/12 = 10/3 in, 8 * 10/12 = 20/3 out.
    "extended_exhale": [(IN, F(10, 3)), (OUT, F(20, 3))],
    # 4-4-4-4 is 16 s; scaled to 10 s every side is 2.5 s.
    "box": [(IN, F(5, 2)), (HOLD_IN, F(5, 2)), (OUT, F(5, 2)), (HOLD_OUT, F(5, 2))],
    # 4-7-8 is 19 s; scaled to 10 s: 40/19 in, 70/19 hold, 80/19 out.
    "4-7-8": [(IN, F(40, 19)), (HOLD_IN, F(70, 19)), (OUT, F(80, 19))],
    # A 2 s nose inhale, a 1 s top-up sip, a 6 s exhale (9 s); scaled to 10 s.
    "cyclic_sigh": [(IN, F(20, 9)), (IN, F(10, 9)), (OUT, F(60, 9))],
}


@pytest.mark.parametrize("pattern", sorted(SIX_PER_MINUTE))
def test_preset_phase_lengths_at_six_per_minute(pattern: str) -> None:
    segments = build_cycle(pattern, 6.0)
    assert_cycle(segments, SIX_PER_MINUTE[pattern])
    assert sum(s.seconds for s in segments) == pytest.approx(10.0, abs=1e-12)


def test_resonance_is_four_in_six_out_exactly() -> None:
    assert shape(build_cycle("resonance", 6.0)) == [(IN, 4.0), (OUT, 6.0)]


def test_cyclic_sigh_is_two_inhales_then_a_longer_exhale() -> None:
    first, second, exhale = build_cycle("cyclic_sigh", 6.0)
    assert (first.phase, second.phase, exhale.phase) == (IN, IN, OUT)
    # The second inhale tops up the first: it carries on from where the first stopped.
    assert first.level_from == 0.0
    assert first.level_to == second.level_from
    assert 0.0 < first.level_to < 1.0
    assert second.level_to == 1.0
    assert exhale.level_from == 1.0 and exhale.level_to == 0.0
    assert second.seconds < first.seconds
    inhale = first.seconds + second.seconds
    assert inhale < exhale.seconds <= 2.5 * inhale


@pytest.mark.parametrize(
    ("pattern", "bpm", "expected"),
    [
        # 4.5/min: 60 / 4.5 = 40/3 s per breath.
        ("resonance", 4.5, [(IN, F(16, 3)), (OUT, F(8))]),
        ("extended_exhale", 4.5, [(IN, F(40, 9)), (OUT, F(80, 9))]),
        ("box", 4.5, [(IN, F(10, 3)), (HOLD_IN, F(10, 3)), (OUT, F(10, 3)), (HOLD_OUT, F(10, 3))]),
        ("4-7-8", 4.5, [(IN, F(160, 57)), (HOLD_IN, F(280, 57)), (OUT, F(320, 57))]),
        ("cyclic_sigh", 4.5, [(IN, F(80, 27)), (IN, F(40, 27)), (OUT, F(80, 9))]),
        # 10/min: 6 s per breath.
        ("resonance", 10.0, [(IN, F(12, 5)), (OUT, F(18, 5))]),
        ("extended_exhale", 10.0, [(IN, F(2)), (OUT, F(4))]),
        ("box", 10.0, [(IN, F(3, 2)), (HOLD_IN, F(3, 2)), (OUT, F(3, 2)), (HOLD_OUT, F(3, 2))]),
        ("4-7-8", 10.0, [(IN, F(24, 19)), (HOLD_IN, F(42, 19)), (OUT, F(48, 19))]),
        ("cyclic_sigh", 10.0, [(IN, F(4, 3)), (IN, F(2, 3)), (OUT, F(4))]),
    ],
)
def test_changing_the_pace_scales_every_phase(
    pattern: str, bpm: float, expected: list[tuple[Phase, Fraction]]
) -> None:
    segments = build_cycle(pattern, bpm)
    assert_cycle(segments, expected)
    assert sum(s.seconds for s in segments) == pytest.approx(60.0 / bpm, abs=1e-12)


@pytest.mark.parametrize("pattern", sorted(PRESETS))
@pytest.mark.parametrize("bpm", [4.5, 5.0, 7.3, 10.0])
def test_ratios_are_kept_at_any_pace(pattern: str, bpm: float) -> None:
    at_six = build_cycle(pattern, 6.0)
    other = build_cycle(pattern, bpm)
    assert [s.phase for s in other] == [s.phase for s in at_six]
    for a, b in zip(at_six, other, strict=True):
        assert b.seconds / a.seconds == pytest.approx(6.0 / bpm, rel=1e-12)


@pytest.mark.parametrize("bpm", [4.49, 4.0, 10.01, 12.0, 0.0, -6.0, math.nan, math.inf])
@pytest.mark.parametrize("pattern", PATTERN_NAMES)
def test_pace_outside_the_range_is_refused(pattern: str, bpm: float) -> None:
    with pytest.raises(ValueError, match="pace"):
        build_cycle(pattern, bpm)


@pytest.mark.parametrize("bpm", [4.5, 10.0])
@pytest.mark.parametrize("pattern", PATTERN_NAMES)
def test_the_ends_of_the_pace_range_are_allowed(pattern: str, bpm: float) -> None:
    assert sum(s.seconds for s in build_cycle(pattern, bpm)) == pytest.approx(60.0 / bpm)


def test_unknown_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown breathing pattern"):
        build_cycle("square", 6.0)


# --- custom pattern --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("custom", "expected"),
    [
        # No holds: the whole 10 s breath moves; in = 10 / (1 + ratio).
        (CustomShape(1.0), [(IN, F(5)), (OUT, F(5))]),
        (CustomShape(1.5), [(IN, F(4)), (OUT, F(6))]),
        (CustomShape(2.5), [(IN, F(20, 7)), (OUT, F(50, 7))]),
        # Holds 2 + 1 leave 7 s moving: 7 / 2 each way.
        (
            CustomShape(1.0, 2.0, 1.0),
            [(IN, F(7, 2)), (HOLD_IN, F(2)), (OUT, F(7, 2)), (HOLD_OUT, F(1))],
        ),
        # Only a hold-out: 8 s moving at 1:1.5.
        (CustomShape(1.5, 0.0, 2.0), [(IN, F(16, 5)), (OUT, F(24, 5)), (HOLD_OUT, F(2))]),
        # A 7 s hold just fits (3 s must keep moving): 3 s split 1.2 / 1.8.
        (CustomShape(1.5, 7.0, 0.0), [(IN, F(6, 5)), (HOLD_IN, F(7)), (OUT, F(9, 5))]),
        # Holds above 7 s are held to 7 s; below zero to none.
        (CustomShape(1.5, 9.0, -1.0), [(IN, F(6, 5)), (HOLD_IN, F(7)), (OUT, F(9, 5))]),
        # 4 + 4 s of holds do not fit beside 3 s of moving in 10 s: squeezed to 3.5 + 3.5.
        (
            CustomShape(2.0, 4.0, 4.0),
            [(IN, F(1)), (HOLD_IN, F(7, 2)), (OUT, F(2)), (HOLD_OUT, F(7, 2))],
        ),
    ],
)
def test_custom_pattern_at_six_per_minute(
    custom: CustomShape, expected: list[tuple[Phase, Fraction]]
) -> None:
    assert_cycle(build_cycle("custom", 6.0, custom), expected)


def test_custom_defaults_to_one_and_a_half_exhale_without_holds() -> None:
    assert shape(build_cycle("custom", 6.0)) == [(IN, 4.0), (OUT, 6.0)]


def test_custom_holds_are_squeezed_keeping_their_proportion() -> None:
    # At 10/min a breath is 6 s; 6 + 3 s of holds must shrink to 3 s (2 + 1).
    segments = build_cycle("custom", 10.0, CustomShape(1.0, 6.0, 3.0))
    assert_cycle(segments, [(IN, F(3, 2)), (HOLD_IN, F(2)), (OUT, F(3, 2)), (HOLD_OUT, F(1))])
    # At 4.5/min two 7 s holds (14 s) exceed 40/3 - 3 = 31/3 s: each becomes 31/6 s.
    segments = build_cycle("custom", 4.5, CustomShape(1.0, 7.0, 7.0))
    assert_cycle(
        segments, [(IN, F(3, 2)), (HOLD_IN, F(31, 6)), (OUT, F(3, 2)), (HOLD_OUT, F(31, 6))]
    )


@pytest.mark.parametrize("ratio", [0.99, 0.5, 2.51, 3.0, math.nan])
def test_custom_exhale_ratio_outside_one_to_two_and_a_half_is_refused(ratio: float) -> None:
    with pytest.raises(ValueError, match="exhale ratio"):
        build_cycle("custom", 6.0, CustomShape(ratio))


@pytest.mark.parametrize("bpm", [4.5, 6.0, 7.5, 10.0])
@pytest.mark.parametrize("ratio", [1.0, 1.7, 2.5])
@pytest.mark.parametrize(("hold_in", "hold_out"), [(0.0, 0.0), (7.0, 0.0), (7.0, 7.0), (3, 1)])
def test_custom_cycles_always_fill_the_breath(
    bpm: float, ratio: float, hold_in: float, hold_out: float
) -> None:
    segments = build_cycle("custom", bpm, CustomShape(ratio, hold_in, hold_out))
    by_phase = {s.phase: s.seconds for s in segments}
    assert sum(by_phase.values()) == pytest.approx(60.0 / bpm, abs=1e-12)
    assert by_phase[OUT] / by_phase[IN] == pytest.approx(ratio, rel=1e-12)
    assert by_phase.get(HOLD_IN, 0.0) <= 7.0 and by_phase.get(HOLD_OUT, 0.0) <= 7.0
    assert by_phase[IN] + by_phase[OUT] >= 3.0 - 1e-12


# --- the lung level --------------------------------------------------------------------------


def test_ease_in_out() -> None:
    assert ease_in_out(0.0) == 0.0
    assert ease_in_out(1.0) == 1.0
    assert ease_in_out(0.5) == pytest.approx(0.5, abs=1e-15)
    # (1 - cos(pi/4)) / 2 = (1 - sqrt(2)/2) / 2
    assert ease_in_out(0.25) == pytest.approx((1 - math.sqrt(2) / 2) / 2, abs=1e-15)
    assert ease_in_out(-3.0) == 0.0 and ease_in_out(7.0) == 1.0
    for p in np.linspace(0, 1, 41):
        assert ease_in_out(p) + ease_in_out(1 - p) == pytest.approx(1.0, abs=1e-15)
    levels = [ease_in_out(p) for p in np.linspace(0, 1, 101)]
    assert all(b > a for a, b in itertools.pairwise(levels))


def test_level_follows_the_breath() -> None:
    plan = BreathPlan(build_cycle("resonance", 6.0))
    assert plan.state_at(0.0).level == 0.0
    assert plan.state_at(1.0).level == pytest.approx((1 - math.sqrt(2) / 2) / 2, abs=1e-12)
    assert plan.state_at(2.0).level == pytest.approx(0.5, abs=1e-12)
    assert plan.state_at(4.0 - 1e-9).level == pytest.approx(1.0, abs=1e-12)
    top = plan.state_at(4.0)
    assert (top.phase, top.level, top.segment_elapsed) == (OUT, 1.0, 0.0)
    assert plan.state_at(7.0).level == pytest.approx(0.5, abs=1e-12)
    assert plan.state_at(10.0 - 1e-9).level == pytest.approx(0.0, abs=1e-12)
    again = plan.state_at(10.0)
    assert (again.phase, again.breath_index, again.level) == (IN, 1, 0.0)
    inhale = [plan.state_at(t).level for t in np.linspace(0, 4, 200, endpoint=False)]
    assert all(b > a for a, b in itertools.pairwise(inhale))


def test_holds_keep_the_level_still() -> None:
    plan = BreathPlan(build_cycle("box", 6.0))
    for t in (2.5, 3.0, 4.99):
        state = plan.state_at(t)
        assert (state.phase, state.level, state.moving) == (HOLD_IN, 1.0, False)
    for t in (7.5, 9.0, 9.99):
        state = plan.state_at(t)
        assert (state.phase, state.level, state.moving) == (HOLD_OUT, 0.0, False)
    assert plan.state_at(1.0).moving and plan.state_at(6.0).moving


def test_cyclic_sigh_level_rises_in_two_steps() -> None:
    plan = BreathPlan(build_cycle("cyclic_sigh", 6.0))
    first, second, _ = plan.segments
    end_first = first.seconds
    assert plan.state_at(end_first).level == pytest.approx(first.level_to)
    assert plan.state_at(end_first).segment_index == 1
    assert plan.state_at(end_first + second.seconds).level == pytest.approx(1.0)


def test_negative_time_is_the_start() -> None:
    plan = BreathPlan(build_cycle("box", 6.0))
    state = plan.state_at(-5.0)
    assert (state.phase, state.breath_index, state.segment_elapsed, state.level) == (IN, 0, 0, 0)


def test_remaining_and_next_boundary() -> None:
    plan = BreathPlan(build_cycle("4-7-8", 6.0))
    state = plan.state_at(3.0)  # in the hold that runs from 40/19 to 110/19 s
    assert state.phase is HOLD_IN
    assert state.segment_remaining == pytest.approx(110 / 19 - 3.0, abs=1e-12)
    assert plan.next_boundary_after(3.0) == pytest.approx(110 / 19, abs=1e-12)
    assert plan.next_boundary_after(9.5) == pytest.approx(10.0, abs=1e-12)


# --- eight hours of frames -------------------------------------------------------------------

FPS = 60
NIGHT_SECONDS = 8 * 3600
LAST_FRAME = NIGHT_SECONDS * FPS
# The session starts 0.37 of a frame after a display refresh, so frame n is shown at
# (n + 37/100) / 60 s = (100 n + 37) / 6000 s of practice.
FRAME_DENOMINATOR = 6000
# The longest run of dropped frames is 29 (a gap of 30): half a second, shorter than
# any segment of the plans below, so every segment is seen at least once.
MAX_GAP = 30


@dataclass(frozen=True)
class Exact:
    """A cycle as exact rational lengths, written out by hand."""

    name: str
    cycle: list[tuple[Phase, Fraction]]
    plan: BreathPlan

    @property
    def cycle_seconds(self) -> Fraction:
        return sum((seconds for _, seconds in self.cycle), F(0))


def preset(pattern: str, bpm: Fraction, weights: list[tuple[Phase, int]]) -> Exact:
    total = sum(w for _, w in weights)
    cycle = 60 / bpm
    return Exact(
        f"{pattern}@{bpm}",
        [(phase, cycle * w / total) for phase, w in weights],
        BreathPlan(build_cycle(pattern, float(bpm))),
    )


EXACT_PLANS = [
    preset("resonance", F(6), [(IN, 4), (OUT, 6)]),
    preset("extended_exhale", F(6), [(IN, 4), (OUT, 8)]),
    preset("box", F(6), [(IN, 4), (HOLD_IN, 4), (OUT, 4), (HOLD_OUT, 4)]),
    preset("4-7-8", F(6), [(IN, 4), (HOLD_IN, 7), (OUT, 8)]),
    preset("cyclic_sigh", F(6), [(IN, 2), (IN, 1), (OUT, 6)]),
    # A breath of 40/3 s: not a whole number of frames nor a binary fraction.
    preset("resonance", F(9, 2), [(IN, 4), (OUT, 6)]),
    preset("4-7-8", F(10), [(IN, 4), (HOLD_IN, 7), (OUT, 8)]),
    # Custom at 7.5/min (8 s): holds 1.5 + 1 leave 5.5 s moving at 1:2 = 11/6 in, 11/3 out.
    Exact(
        "custom-holds@7.5",
        [(IN, F(11, 6)), (HOLD_IN, F(3, 2)), (OUT, F(11, 3)), (HOLD_OUT, F(1))],
        BreathPlan(build_cycle("custom", 7.5, CustomShape(2.0, 1.5, 1.0))),
    ),
]


@dataclass(frozen=True)
class Boundaries:
    """Every segment start of a night, in order, with what starts there."""

    times: np.ndarray  # float seconds, the nearest double to the exact time
    segment: np.ndarray  # index of the segment that starts there
    breath: np.ndarray  # index of the breath it belongs to
    phases: list[Phase]  # phase of each segment index


def exact_boundaries(exact: Exact, until: float) -> tuple[Boundaries, np.ndarray, int]:
    """k * cycle + cumulative offsets, as integers in units of 1/scale seconds."""
    offsets = [F(0)]
    for _, seconds in exact.cycle[:-1]:
        offsets.append(offsets[-1] + seconds)
    cycle = exact.cycle_seconds
    scale = math.lcm(FRAME_DENOMINATOR, cycle.denominator, *(o.denominator for o in offsets))
    cycles = math.ceil(until / cycle) + 1
    k = np.repeat(np.arange(cycles, dtype=np.int64), len(offsets))
    seg = np.tile(np.arange(len(offsets)), cycles)
    scaled = k * int(cycle * scale) + np.array([int(o * scale) for o in offsets])[seg]
    assert scaled[-1] < 2**62
    bounds = Boundaries(scaled / scale, seg, k, [phase for phase, _ in exact.cycle])
    return bounds, scaled, scale


def dropped_frames(seed: int) -> np.ndarray:
    """Frame numbers actually rendered: gaps of 1-30 frames, from 0 to the 8-hour mark."""
    rng = np.random.default_rng(seed)
    gaps = rng.integers(1, MAX_GAP + 1, size=LAST_FRAME // 15)
    frames = np.concatenate(([0], np.cumsum(gaps)))
    assert frames[-1] > LAST_FRAME
    frames = frames[frames <= LAST_FRAME]
    assert frames[-1] > LAST_FRAME - MAX_GAP
    assert 100_000 < len(frames) < 125_000
    return frames


def frame_times(frames: np.ndarray) -> np.ndarray:
    return (100 * frames + 37) / FRAME_DENOMINATOR


def render(plan: BreathPlan, times: np.ndarray) -> dict[str, np.ndarray]:
    states = [plan.state_at(t) for t in times.tolist()]
    return {
        "segment": np.array([s.segment_index for s in states]),
        "breath": np.array([s.breath_index for s in states]),
        "phase": np.array([s.phase.value for s in states]),
        "elapsed": np.array([s.segment_elapsed for s in states]),
        "seconds": np.array([s.segment_seconds for s in states]),
        "level": np.array([s.level for s in states]),
    }


def check_frames(plan: BreathPlan, bounds: Boundaries, times: np.ndarray) -> int:
    """Compare every rendered frame with the boundary list; return the changes seen."""
    got = render(plan, times)
    last = np.searchsorted(bounds.times, times, side="right") - 1
    assert (last >= 0).all()
    expected_phase = np.array([p.value for p in bounds.phases])[bounds.segment[last]]

    wrong = np.flatnonzero(
        (got["segment"] != bounds.segment[last])
        | (got["phase"] != expected_phase)
        | (got["breath"] != bounds.breath[last])
    )
    assert wrong.size == 0, (
        f"{wrong.size} frames in the wrong phase, first at t={times[wrong[0]]!r}: "
        f"got segment {got['segment'][wrong[0]]} of breath {got['breath'][wrong[0]]}, "
        f"expected {bounds.segment[last[wrong[0]]]} of {bounds.breath[last[wrong[0]]]}"
    )
    exact_elapsed = times - bounds.times[last]
    exact_length = bounds.times[last + 1] - bounds.times[last]
    np.testing.assert_allclose(got["elapsed"], exact_elapsed, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got["seconds"], exact_length, rtol=0, atol=1e-6)
    assert ((got["level"] >= 0.0) & (got["level"] <= 1.0)).all()

    # A change between two rendered frames must be exactly one boundary crossed (no
    # segment is shorter than the longest gap), and the first frame after it must be
    # exactly frame time - boundary into its segment.
    changed = (
        np.flatnonzero(
            (got["segment"][1:] != got["segment"][:-1]) | (got["breath"][1:] != got["breath"][:-1])
        )
        + 1
    )
    assert np.array_equal(np.diff(last)[changed - 1], np.ones(changed.size, dtype=np.int64))
    crossed = np.count_nonzero((bounds.times > times[0]) & (bounds.times <= times[-1]))
    assert changed.size == crossed
    boundary = bounds.times[last[changed]]
    assert (got["elapsed"][changed] < MAX_GAP / FPS + 1e-9).all()
    np.testing.assert_allclose(got["elapsed"][changed], times[changed] - boundary, atol=1e-6)
    return int(changed.size)


def assert_frames_clear_of_boundaries(scaled: np.ndarray, scale: int) -> None:
    """No possible frame lies within 5 microseconds of a boundary (checked exactly).

    So rounding in floating point (about 1e-11 s at 8 hours) cannot put a frame on
    the other side of a boundary, and the test can demand the phase exactly.
    """
    per_unit = scale // FRAME_DENOMINATOR  # frame n is at (100 n + 37) * per_unit
    step = 100 * per_unit
    below = (scaled - 37 * per_unit) // step
    nearest = np.minimum(
        np.abs((100 * below + 37) * per_unit - scaled),
        np.abs((100 * (below + 1) + 37) * per_unit - scaled),
    )
    assert nearest.min() * 1_000_000 >= 5 * scale


@pytest.mark.parametrize("exact", EXACT_PLANS, ids=lambda e: e.name)
def test_eight_hours_of_dropped_frames_match_exact_boundaries(exact: Exact) -> None:
    bounds, scaled, scale = exact_boundaries(exact, NIGHT_SECONDS)
    assert_frames_clear_of_boundaries(scaled, scale)
    times = frame_times(dropped_frames(seed=sum(map(ord, exact.name))))
    changes = check_frames(exact.plan, bounds, times)
    segments_per_night = NIGHT_SECONDS / float(exact.cycle_seconds) * len(exact.cycle)
    assert changes == pytest.approx(segments_per_night, abs=len(exact.cycle) + 1)


def check_last_hour(plan: BreathPlan, bounds: Boundaries, segments_per_hour: float) -> None:
    in_last_hour = np.flatnonzero(
        (bounds.times >= NIGHT_SECONDS - 3600) & (bounds.times <= NIGHT_SECONDS)
    )
    assert in_last_hour.size >= segments_per_hour - 1
    for j in in_last_hour.tolist():
        b = float(bounds.times[j])
        before, after = plan.state_at(b - 0.001), plan.state_at(b + 0.001)
        assert (after.segment_index, after.breath_index) == (bounds.segment[j], bounds.breath[j])
        assert (before.segment_index, before.breath_index) == (
            bounds.segment[j - 1],
            bounds.breath[j - 1],
        )
        assert after.segment_elapsed == pytest.approx(0.001, abs=1e-9)
        assert before.segment_remaining == pytest.approx(0.001, abs=1e-9)
    listed = plan.boundaries_between(NIGHT_SECONDS - 3600 - 1e-9, NIGHT_SECONDS)
    np.testing.assert_allclose(listed, bounds.times[in_last_hour], rtol=0, atol=1e-9)


@pytest.mark.parametrize("exact", EXACT_PLANS, ids=lambda e: e.name)
def test_every_boundary_of_the_last_hour_is_exact_to_the_millisecond(exact: Exact) -> None:
    bounds, _, _ = exact_boundaries(exact, NIGHT_SECONDS)
    check_last_hour(exact.plan, bounds, 3600 / float(exact.cycle_seconds) * len(exact.cycle))


# --- a ramped plan ---------------------------------------------------------------------------

# Resonance at 6/min after starting at 10/min and slowing along a cosine over 3 minutes.
# The mean pace of the ramp is (10 + 6) / 2 = 8/min, so the ramp holds 8 * 3 = 24 whole
# breaths and afterwards every boundary is where plain resonance has it (10 s * k and
# 10 s * k + 4), with the breath count 24 - 18 = 6 ahead.
RAMP = Ramp(start_bpm=10.0, seconds=180.0)


def ramped() -> BreathPlan:
    return BreathPlan(build_cycle("resonance", 6.0), RAMP)


def ramp_boundaries_by_integration() -> Boundaries:
    """Boundaries inside the ramp by integrating the pace numerically, then exact ones."""
    step = 0.001
    t = np.linspace(0.0, RAMP.seconds, round(RAMP.seconds / step) + 1)
    pace = 6.0 + (10.0 - 6.0) * (1.0 + np.cos(np.pi * t / RAMP.seconds)) / 2.0
    breaths = np.concatenate(([0.0], np.cumsum((pace[1:] + pace[:-1]) / 2.0 * step / 60.0)))
    assert breaths[-1] == pytest.approx(24.0, abs=1e-9)
    targets = np.arange(24)[:, None] + np.array([0.0, 0.4])[None, :]
    inside = np.interp(targets.ravel(), breaths, t)

    after, _, _ = exact_boundaries(EXACT_PLANS[0], NIGHT_SECONDS)
    keep = after.times >= RAMP.seconds
    return Boundaries(
        np.concatenate((inside, after.times[keep])),
        np.concatenate((np.tile([0, 1], 24), after.segment[keep])),
        np.concatenate((np.repeat(np.arange(24), 2), after.breath[keep] + 6)),
        [IN, OUT],
    )


def test_a_ramp_holds_the_breaths_worked_out_by_hand() -> None:
    plan = ramped()
    assert plan.breaths_at(RAMP.seconds) == pytest.approx(24.0, abs=1e-12)
    assert plan.breaths_at(RAMP.seconds + 100.0) == pytest.approx(34.0, abs=1e-12)
    assert plan.time_of_breaths(24.0) == pytest.approx(180.0, abs=1e-9)
    # In the first seconds the pace is 10/min: one breath a little over 6 s.
    assert 6.0 < plan.time_of_breaths(1.0) < 6.02


def test_eight_hours_of_dropped_frames_with_a_ramp() -> None:
    bounds = ramp_boundaries_by_integration()
    times = frame_times(dropped_frames(seed=4242))
    # The integrated boundaries are good to about a nanosecond; keep frames clear of them.
    nearest = np.abs(times[:, None] - bounds.times[None, :48]).min()
    assert nearest > 1e-6
    check_frames(ramped(), bounds, times)


def test_every_boundary_of_the_last_hour_with_a_ramp() -> None:
    check_last_hour(ramped(), ramp_boundaries_by_integration(), 3600 / 10 * 2)


def test_ramp_boundaries_increase_and_the_breath_slows_to_the_target() -> None:
    plan = ramped()
    listed = np.array(plan.boundaries_between(0.0, 600.0))
    assert (np.diff(listed) > 0).all()
    # Resonance has two boundaries a breath; breath starts are every other one.
    starts = np.concatenate(([0.0], listed[1::2]))
    cycles = np.diff(starts)
    assert 6.0 < cycles[0] < 6.05
    assert (np.diff(cycles) >= -1e-9).all()
    assert (cycles <= 10.0 + 1e-9).all()
    settled = starts[1:] > RAMP.seconds + 1.0
    np.testing.assert_allclose(cycles[settled], 10.0, atol=1e-9)
    assert 9.9 < cycles[~settled][-1] <= 10.0 + 1e-9
    # The same boundaries as the integration gives.
    expected = ramp_boundaries_by_integration().times
    np.testing.assert_allclose(listed, expected[(expected > 0) & (expected <= 600)], atol=1e-6)


def test_ramp_boundaries_between_agrees_with_state_transitions() -> None:
    plan = ramped()
    listed = plan.boundaries_between(0.0, 240.0)
    times = np.arange(1, 240 * 40 + 1) / 40  # every 25 ms
    segment, breath = [], []
    for t in times.tolist():
        state = plan.state_at(t)
        segment.append(state.segment_index)
        breath.append(state.breath_index)
    key = np.array(breath) * 2 + np.array(segment)
    changed = np.flatnonzero(np.diff(key)) + 1
    assert (np.diff(key) >= 0).all()
    assert len(changed) == len([b for b in listed if times[0] < b <= times[-1]])
    for i, b in zip(changed.tolist(), [b for b in listed if b > times[0]], strict=False):
        assert times[i - 1] < b <= times[i]
    for b in listed:
        before, after = plan.state_at(b - 0.001), plan.state_at(b + 0.001)
        assert after.segment_elapsed == pytest.approx(0.001, abs=1e-6)
        assert before.segment_remaining == pytest.approx(0.001, abs=1e-6)
        assert (after.breath_index * 2 + after.segment_index) - (
            before.breath_index * 2 + before.segment_index
        ) == 1


def test_a_ramped_plan_is_in_the_new_segment_exactly_at_each_boundary() -> None:
    plan, plain = ramped(), BreathPlan(build_cycle("resonance", 6.0))
    # After the ramp every boundary is where plain resonance has it (see RAMP).
    for b in (184.0, 190.0, 194.0, 3604.0, 28800.0):
        state, same = plan.state_at(b), plain.state_at(b)
        assert (state.phase, state.segment_elapsed) == (same.phase, 0.0)
        assert state.breath_index == same.breath_index + 6
    for b in plan.boundaries_between(0.0, 600.0):
        state = plan.state_at(b)
        assert state.segment_elapsed == pytest.approx(0.0, abs=1e-9)
        assert state.segment_remaining > 1.0


def test_ramp_is_dropped_when_it_would_do_nothing() -> None:
    segments = build_cycle("resonance", 6.0)
    assert BreathPlan(segments, Ramp(6.0, 180.0)).ramp is None
    assert BreathPlan(segments, Ramp(10.0, 0.0)).ramp is None
    assert BreathPlan(segments, Ramp(10.0, 180.0)).ramp is not None


def test_a_plan_needs_segments() -> None:
    with pytest.raises(ValueError, match="at least one segment"):
        BreathPlan(())
