from __future__ import annotations

import numpy as np
import pytest

from rls_companion.core.breathing import BreathPlan, build_cycle
from rls_companion.core.mixer import Moment, SessionMixer
from rls_companion.core.session import Kind, build_timeline
from rls_companion.core.sound import (
    FLOOR_LEVEL,
    FULL_SCALE_PEAK,
    HIGH_HZ,
    LOW_HZ,
    SAMPLE_RATE,
    BreathTone,
    GainRamp,
)

RATE = SAMPLE_RATE


def _frequency(x: np.ndarray) -> float:
    """Fundamental by counting rising zero crossings (harmonics are weak)."""
    crossings = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
    return (len(crossings) - 1) * RATE / (crossings[-1] - crossings[0])


def _second_difference(x: np.ndarray) -> np.ndarray:
    return np.abs(x[2:] - 2 * x[1:-1] + x[:-2])


def resonance() -> BreathPlan:
    return BreathPlan(build_cycle("resonance", 6.0))


def test_tone_rises_through_the_inhale_and_falls_through_the_exhale() -> None:
    tone = BreathTone(resonance())
    cycle = tone.render(0.0, 10 * RATE)
    window = RATE // 10
    start = _frequency(cycle[:window])
    top = _frequency(cycle[4 * RATE - window // 2 : 4 * RATE + window // 2])
    end = _frequency(cycle[-window:])
    assert start == pytest.approx(LOW_HZ, abs=3.0)
    assert top == pytest.approx(HIGH_HZ, abs=3.0)
    assert end == pytest.approx(LOW_HZ, abs=3.0)
    mid_inhale = _frequency(cycle[2 * RATE - window // 2 : 2 * RATE + window // 2])
    assert mid_inhale == pytest.approx((LOW_HZ + HIGH_HZ) / 2, abs=4.0)


def test_loudness_follows_the_breath_level() -> None:
    cycle = BreathTone(resonance()).render(0.0, 10 * RATE)
    window = RATE // 10
    bottom = np.sqrt(np.mean(cycle[:window] ** 2))
    top = np.sqrt(np.mean(cycle[4 * RATE - window // 2 : 4 * RATE + window // 2] ** 2))
    assert top / bottom == pytest.approx(1 / FLOOR_LEVEL, rel=0.08)
    assert np.max(np.abs(cycle)) == pytest.approx(FULL_SCALE_PEAK, rel=0.02)


def test_blocks_of_any_size_join_without_a_seam() -> None:
    rng = np.random.default_rng(7)
    tone = BreathTone(resonance())
    pieces, t = [], 0.0
    while t < 12.0:
        frames = int(rng.integers(1, 3000))
        pieces.append(tone.render(t, frames))
        t += frames / RATE
    joined = np.concatenate(pieces)
    # A sine of amplitude A at f has |second difference| <= A (2 pi f / rate)^2;
    # harmonics 2 and 3 add 4x and 9x their weights.
    bound = FULL_SCALE_PEAK * (2 * np.pi * HIGH_HZ / RATE) ** 2 * (1 + 0.22 * 4 + 0.06 * 9)
    assert np.max(_second_difference(joined)) < bound
    # And it is the same sound as rendering in one go.
    whole = BreathTone(resonance()).render(0.0, len(joined))
    assert np.max(np.abs(joined - whole)) < 0.01


def test_gain_ramp_moves_at_a_bounded_rate() -> None:
    ramp = GainRamp(0.0, seconds_full_swing=0.4)
    ramp.target = 1.0
    up = ramp.render(RATE)
    assert up[0] > 0 and up[int(0.4 * RATE) - 1] == pytest.approx(1.0, abs=1e-3)
    assert np.max(np.diff(up)) <= 1 / (0.4 * RATE) + 1e-12
    assert up[-1] == 1.0


def _render_session(
    mixer: SessionMixer, seconds: float, block: int = 1024, pause: tuple[float, float] | None = None
) -> np.ndarray:
    out, practice, t = [], 0.0, 0.0
    while t < seconds:
        running = not (pause and pause[0] <= t < pause[1])
        out.append(mixer.pull(block, Moment(practice, practice, running)))
        t += block / RATE
        if running:
            practice += block / RATE
    return np.concatenate(out)


def test_session_mix_fades_in_stays_below_minus_one_dbfs_and_ends_silent() -> None:
    timeline = build_timeline(Kind.BREATHING, 1)
    mixer = SessionMixer(resonance(), timeline, volume=1.0)
    audio = _render_session(mixer, 61.0)
    assert np.max(np.abs(audio)) < 10 ** (-1 / 20)
    assert np.max(np.abs(audio[: RATE // 10])) < 0.01  # fading in, not starting hard
    assert np.max(np.abs(audio[10 * RATE : 20 * RATE])) > 0.4
    assert np.max(np.abs(audio[60 * RATE :])) < 1e-4  # dark and silent at the end
    assert mixer.resyncs == 0


def test_pausing_ramps_the_sound_down_and_back_without_a_step() -> None:
    timeline = build_timeline(Kind.BREATHING, 5)
    mixer = SessionMixer(resonance(), timeline, volume=1.0)
    audio = _render_session(mixer, 20.0, pause=(8.0, 12.0))
    paused = audio[int(8.5 * RATE) : int(11.9 * RATE)]
    assert np.max(np.abs(paused)) == 0.0
    bound = FULL_SCALE_PEAK * (2 * np.pi * HIGH_HZ / RATE) ** 2 * 3
    assert np.max(_second_difference(audio[5 * RATE :])) < bound


def test_a_big_clock_jump_fades_out_and_in_instead_of_clicking() -> None:
    timeline = build_timeline(Kind.BREATHING, 5)
    mixer = SessionMixer(resonance(), timeline, volume=1.0)
    out, practice = [], 10.0
    for i in range(int(6 * RATE / 512)):
        if i == int(2 * RATE / 512):
            practice += 3.0  # the session clock leapt ahead
        out.append(mixer.pull(512, Moment(practice, practice, True)))
        practice += 512 / RATE
    audio = np.concatenate(out)
    bound = FULL_SCALE_PEAK * (2 * np.pi * HIGH_HZ / RATE) ** 2 * 3
    assert np.max(_second_difference(audio)) < bound
    assert mixer.resyncs == 1
    assert mixer.cursor == pytest.approx(practice, abs=0.01)


def test_bursty_pulls_are_steered_onto_the_clock() -> None:
    timeline = build_timeline(Kind.BREATHING, 5)
    mixer = SessionMixer(resonance(), timeline, volume=1.0)
    practice = 0.0
    for _ in range(400):
        # Four blocks at once, then the clock catches up: like a real sink,
        # whose queue (the lead) grows by one block with each pull of a burst.
        for k in range(4):
            mixer.pull(441, Moment(practice, practice, True), lead_seconds=0.03 + k * 0.01)
        practice += 4 * 441 / RATE
    assert mixer.cursor == pytest.approx(practice + 0.03, abs=0.002)
    assert mixer.resyncs == 0
