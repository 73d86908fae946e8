"""The full soundscape: noise bed, phase chimes, ducking, headroom, fades.

Audio is rendered the way a sink pulls it (blocks of assorted sizes against a
session clock) and measured: spectra, envelopes, onsets to the sample, second
differences for seams, and peaks against the -1 dBFS ceiling.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pytest

from rls_companion.core import settings
from rls_companion.core.breathing import (
    PATTERN_NAMES,
    BreathPlan,
    CustomShape,
    Ramp,
    build_cycle,
)
from rls_companion.core.mixer import (
    BED_EBB,
    BED_PEAK,
    BED_STILL,
    EVENT_CHIME_PEAK,
    HEADROOM_BUDGET,
    MIN_CHIME_GAP,
    PHASE_CHIME_OVERLAP,
    PHASE_CHIME_PEAK,
    TONE_PEAK,
    Moment,
    SessionMixer,
)
from rls_companion.core.noise import (
    BED_CREST,
    BED_CUTOFF_HZ,
    PINK_ROWS,
    BrownNoise,
    NoiseBed,
    OnePole,
    PinkNoise,
)
from rls_companion.core.session import Kind, Timeline, build_timeline
from rls_companion.core.sound import (
    CHIME_PEAK,
    HIGH_HZ,
    LIMIT_CEILING,
    SAMPLE_RATE,
    BreathTone,
    chime,
)

RATE = SAMPLE_RATE
MINUS_ONE_DBFS = 10 ** (-1 / 20)
# Fade is complete by 3 s and the wind-down of a 20-minute bedtime session
# starts after 17 minutes: in between, the timeline leaves the level alone.
STEADY_FROM = 60.0


def resonance() -> BreathPlan:
    return BreathPlan(build_cycle("resonance", 6.0))


def bedtime() -> Timeline:
    return build_timeline(Kind.BEDTIME, 20)


def render(
    mixer: SessionMixer,
    seconds: float,
    start: float = STEADY_FROM,
    blocks: int | np.random.Generator = 1024,
    events: Mapping[float, Callable[[], object]] | None = None,
) -> np.ndarray:
    """Pull `seconds` of audio with the session clock exactly on time.

    `blocks` is a fixed block size or a generator of random sizes; `events`
    maps a time (from `start`) to a callable run before the first pull after it.
    """
    out, practice, done = [], start, 0
    total = round(seconds * RATE)
    pending = sorted((events or {}).items())
    while done < total:
        size = blocks if isinstance(blocks, int) else int(blocks.integers(1, 3000))
        size = min(size, total - done)
        while pending and pending[0][0] <= done / RATE:
            pending.pop(0)[1]()
        out.append(mixer.pull(size, Moment(practice, practice, True)))
        practice += size / RATE
        done += size
    return np.concatenate(out).astype(np.float64)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


def second_difference(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.abs(x[2:] - 2 * x[1:-1] + x[:-2]))


def slope_db_per_octave(x: np.ndarray, low: float = 100.0, high: float = 1000.0) -> float:
    """Least-squares slope of the averaged power spectrum between `low` and `high` Hz."""
    size = 8192
    window = np.hanning(size)
    frames = x[: len(x) // size * size].reshape(-1, size)
    power = np.mean(np.abs(np.fft.rfft(frames * window, axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(size, 1 / RATE)
    band = (freqs >= low) & (freqs <= high)
    return float(np.polyfit(np.log2(freqs[band]), 10 * np.log10(power[band]), 1)[0])


def band_power(x: np.ndarray, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    return float(np.mean(spectrum[(freqs >= low) & (freqs < high)]))


# --- settings ----------------------------------------------------------------------------


def test_the_soundscape_settings_and_their_defaults() -> None:
    assert settings.spec_for("audio.ambient").default == "none"
    assert set(settings.spec_for("audio.ambient").choices) == {"none", "brown", "pink"}
    level = settings.spec_for("audio.ambient_level")
    assert (level.default, level.minimum, level.maximum) == (40, 0, 100)
    assert settings.spec_for("audio.ambient_breathes").default is True
    assert settings.spec_for("audio.phase_chime").default is False


def test_an_unknown_bed_is_refused() -> None:
    with pytest.raises(ValueError, match="ambient"):
        SessionMixer(resonance(), bedtime(), 1.0, ambient="white")


# --- the bed -----------------------------------------------------------------------------


def test_no_bed_unless_one_is_chosen() -> None:
    quiet = SessionMixer(resonance(), bedtime(), 1.0, breath_tone=False)
    assert quiet.bed is None
    assert np.max(np.abs(render(quiet, 5.0))) == 0.0
    muted = SessionMixer(
        resonance(), bedtime(), 1.0, breath_tone=False, ambient="pink", ambient_level=0
    )
    assert muted.bed is None


@pytest.mark.parametrize("colour", ["pink", "brown"])
def test_a_chosen_bed_sounds_well_below_the_tone(colour: str) -> None:
    bed = SessionMixer(resonance(), bedtime(), 1.0, breath_tone=False, ambient=colour, seed=1)
    assert bed.bed is not None and bed.bed.colour == colour
    tone = SessionMixer(resonance(), bedtime(), 1.0)
    bed_rms, tone_rms = rms(render(bed, 20.0)), rms(render(tone, 20.0))
    assert bed_rms > 10 ** (-60 / 20)  # clearly there...
    assert 20 * math.log10(tone_rms / bed_rms) > 15.0  # ...and well under the tone at 40 %
    loudest = SessionMixer(
        resonance(), bedtime(), 1.0, breath_tone=False, ambient=colour, ambient_level=1.0, seed=1
    )
    assert 20 * math.log10(tone_rms / rms(render(loudest, 20.0))) > 8.0  # even at 100 %


@pytest.mark.parametrize(
    ("colour", "expected"), [("pink", -3.0), ("brown", -6.0)], ids=["pink", "brown"]
)
def test_noise_colour_has_its_slope_between_100_hz_and_1_khz(colour: str, expected: float) -> None:
    rng = np.random.default_rng(11)
    source = PinkNoise(rng) if colour == "pink" else BrownNoise(rng, RATE)
    raw = np.concatenate([source.render(4000) for _ in range(40 * RATE // 4000)])
    assert slope_db_per_octave(raw) == pytest.approx(expected, abs=0.5)


@pytest.mark.parametrize("colour", ["pink", "brown"])
def test_the_bed_is_lowpassed_soft_and_at_unit_level(colour: str) -> None:
    bed = NoiseBed(colour, RATE, seed=5).read(30 * RATE)[RATE:]
    assert rms(bed) == pytest.approx(1.0, rel=0.15)
    assert np.max(np.abs(bed)) < BED_CREST
    # Little left above the cutoff: 3-6 kHz lies 30 dB and more under the low band.
    assert band_power(bed, 3000, 6000) < band_power(bed, 100, 300) * 10 ** (-30 / 10)
    assert BED_CUTOFF_HZ < 1000


@pytest.mark.parametrize("pole", [0.4, 0.9, 0.9995, -0.7])
def test_one_pole_filter_matches_the_recursion_across_any_blocks(pole: float) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 20_000)
    expected, state = np.empty_like(x), 0.0
    for i, value in enumerate(x.tolist()):
        state = pole * state + 0.5 * value
        expected[i] = state
    flt, pieces, i = OnePole(pole, 0.5), [], 0
    while i < len(x):
        size = int(rng.integers(1, 9000))
        pieces.append(flt.process(x[i : i + size]))
        i += size
    np.testing.assert_allclose(np.concatenate(pieces), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("rows", [PINK_ROWS, 9])
def test_pink_noise_is_the_voss_mccartney_sum_sample_by_sample(rows: int) -> None:
    total = 80_000  # past 2**16
    pieces = [PinkNoise(np.random.default_rng(4), rows)]
    got = np.concatenate([pieces[0].render(size) for size in (1, 999, 30_000, total - 31_000)])
    # The plain algorithm: at sample n > 0, row k = (trailing zero bits of n) is
    # redrawn (none when k >= rows); the output is the rows' sum plus white.
    rng = np.random.default_rng(4)
    fresh_rng, white_rng = rng.spawn(2)
    values = rng.random(rows) - 0.5
    fresh, white = fresh_rng.random(total) - 0.5, white_rng.random(total) - 0.5
    expected = np.empty(total)
    for n in range(total):
        row = (n & -n).bit_length() - 1
        if n and row < rows:
            values[row] = fresh[n]
        expected[n] = values.sum() + white[n]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("colour", ["pink", "brown"])
def test_noise_is_one_stream_whatever_the_block_sizes(colour: str) -> None:
    def source() -> PinkNoise | BrownNoise:
        rng = np.random.default_rng(21)
        return PinkNoise(rng) if colour == "pink" else BrownNoise(rng, RATE)

    sizes = [*np.random.default_rng(8).integers(1, 5000, 80).tolist(), 70_000]  # past 2**16
    blocks, whole = source(), source()
    pieces = [blocks.render(size) for size in sizes]
    np.testing.assert_allclose(np.concatenate(pieces), whole.render(sum(sizes)), rtol=0, atol=1e-9)


@pytest.mark.parametrize("colour", ["pink", "brown"])
def test_the_bed_has_no_seams_between_blocks_of_random_sizes(colour: str) -> None:
    rng = np.random.default_rng(2)
    bed = NoiseBed(colour, RATE, seed=4)
    joined = np.concatenate([bed.read(int(rng.integers(1, 3000))) for _ in range(400)])
    level = rms(joined)
    # Lowpassed noise bends gently: a seam (a jump of the filter state or a
    # dropped stretch) moves the second difference by about the whole level.
    assert np.max(second_difference(joined)) < 0.3 * level
    again = NoiseBed(colour, RATE, seed=4).read(len(joined))
    np.testing.assert_allclose(joined, again, rtol=0, atol=1e-9)


def test_the_full_mix_is_the_same_whatever_the_block_sizes() -> None:
    def mixer() -> SessionMixer:
        return SessionMixer(
            resonance(), bedtime(), 1.0, ambient="pink", ambient_level=1.0, phase_chime=True, seed=9
        )

    joined = render(mixer(), 12.0, blocks=np.random.default_rng(5))
    whole = render(mixer(), 12.0, blocks=12 * RATE)
    np.testing.assert_allclose(joined, whole, rtol=0, atol=1e-4)
    # Second differences of tone, bed and chime together stay within what
    # each can do smoothly; a seam in any of them would stand far out.
    tone = TONE_PEAK * (2 * np.pi * HIGH_HZ / RATE) ** 2 * (1 + 0.22 * 4 + 0.06 * 9)
    bed = 0.3 * BED_PEAK / BED_CREST
    bell = PHASE_CHIME_PEAK * (2 * np.pi * 3.02 * 392 / RATE) ** 2 * 3
    assert np.max(second_difference(joined)) < tone + bed + bell


# --- swelling with the breath ------------------------------------------------------------


def _envelope_and_level(breathes: bool, colour: str) -> tuple[np.ndarray, np.ndarray]:
    plan = resonance()
    mixer = SessionMixer(
        plan, bedtime(), 1.0, breath_tone=False, ambient=colour, ambient_breathes=breathes, seed=3
    )
    audio = render(mixer, 60.0)
    frame = RATE // 4
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    envelope = np.sqrt(np.mean(frames**2, axis=1))
    centres = STEADY_FROM + (np.arange(len(frames)) + 0.5) * frame / RATE
    return envelope, BED_EBB + (1 - BED_EBB) * plan.levels_at(centres)


@pytest.mark.parametrize(("colour", "least"), [("pink", 0.9), ("brown", 0.85)])
def test_the_bed_swells_with_the_inhale_and_ebbs_with_the_exhale(colour: str, least: float) -> None:
    envelope, swell = _envelope_and_level(True, colour)
    assert np.corrcoef(envelope, swell)[0, 1] > least
    steady, _ = _envelope_and_level(False, colour)
    assert abs(np.corrcoef(steady, swell)[0, 1]) < 0.4


def test_the_swell_is_the_breath_level_curve_itself() -> None:
    plan = resonance()

    def bed(breathes: bool) -> np.ndarray:
        mixer = SessionMixer(
            plan, bedtime(), 1.0, breath_tone=False, ambient="pink", ambient_breathes=breathes
        )
        mixer.bed = NoiseBed("pink", RATE, seed=7)  # the same noise for both
        return render(mixer, 12.0, blocks=np.random.default_rng(4))

    swelling, still = bed(True), bed(False)
    loud = np.abs(still) > 1e-3
    ratio = swelling[loud] / still[loud]
    times = STEADY_FROM + np.flatnonzero(loud) / RATE
    expected = (BED_EBB + (1 - BED_EBB) * plan.levels_at(times)) / BED_STILL
    np.testing.assert_allclose(ratio, expected, rtol=2e-4, atol=0)


# --- phase chimes ------------------------------------------------------------------------


def _phase_chime_audio(plan: BreathPlan, seconds: float, start: float) -> np.ndarray:
    mixer = SessionMixer(plan, bedtime(), 1.0, breath_tone=False, phase_chime=True)
    return render(mixer, seconds, start=start, blocks=np.random.default_rng(17))


def _assert_chimes_at(audio: np.ndarray, start: float, onsets: list[float]) -> None:
    """`audio` is exactly the phase chime started on the sample of each onset."""
    wave = chime(RATE) * (PHASE_CHIME_PEAK / CHIME_PEAK)
    expected = np.zeros(len(audio) + len(wave))
    for b in onsets:
        sample = round((b - start) * RATE)
        expected[sample : sample + len(wave)] += wave
    np.testing.assert_allclose(audio, expected[: len(audio)], rtol=0, atol=1e-6)
    # A one-sample slip would already be far outside that tolerance.
    assert np.max(np.abs(wave[1:] - wave[:-1])) > 1e-3


@pytest.mark.parametrize("pattern", ["resonance", "box", "4-7-8", "extended_exhale"])
def test_phase_chimes_start_on_each_phase_boundary_to_the_sample(pattern: str) -> None:
    plan = BreathPlan(build_cycle(pattern, 6.0))
    start = 61.3
    audio = _phase_chime_audio(plan, 25.0, start)
    onsets = plan.boundaries_between(start, start + 25.0)
    assert len(onsets) >= 4
    _assert_chimes_at(audio, start, onsets)


def test_phase_chimes_follow_a_ramped_plan() -> None:
    plan = BreathPlan(build_cycle("resonance", 6.0), Ramp(10.0, 180.0))
    start = 20.0
    audio = _phase_chime_audio(plan, 20.0, start)
    onsets = plan.boundaries_between(start, start + 20.0)
    assert len(onsets) >= 5
    _assert_chimes_at(audio, start, onsets)


def test_no_chime_inside_one_phase_and_never_too_close() -> None:
    # The cyclic sigh's two inhales are one phase: only inhale->exhale and
    # exhale->inhale ring.
    plan = BreathPlan(build_cycle("cyclic_sigh", 6.0))
    start = 60.5
    audio = _phase_chime_audio(plan, 21.0, start)
    boundaries = plan.boundaries_between(start, start + 21.0)
    turns = [b for b in boundaries if plan.state_at(b).segment_index != 1]
    assert len(turns) < len(boundaries)
    _assert_chimes_at(audio, start, turns)
    # A custom pattern with a tiny hold: of its two turns 0.2 s apart only the
    # first rings, so chimes never pile up.
    tight = BreathPlan(build_cycle("custom", 6.0, CustomShape(1.5, 0.2, 0.0)))
    audio = _phase_chime_audio(tight, 30.0, start)
    kept: list[float] = []
    for b in tight.boundaries_between(start, start + 30.0):
        if not kept or b - kept[-1] >= MIN_CHIME_GAP:
            kept.append(b)
    assert 0 < len(kept) < len(tight.boundaries_between(start, start + 30.0))
    _assert_chimes_at(audio, start, kept)


def test_phase_chimes_stay_silent_unless_chosen() -> None:
    mixer = SessionMixer(resonance(), bedtime(), 1.0, breath_tone=False)
    assert np.max(np.abs(render(mixer, 12.0))) == 0.0


# --- ducking -----------------------------------------------------------------------------


def test_ducking_lowers_tone_and_bed_by_ten_db_along_a_smooth_ramp() -> None:
    def mixer() -> SessionMixer:
        return SessionMixer(resonance(), bedtime(), 1.0, ambient="brown", phase_chime=True, seed=2)

    plain = render(mixer(), 12.0, blocks=512)
    ducking = mixer()
    down, up = 512 * 345, 512 * 690  # about 4 s and 8 s in, on block starts
    events = {
        down / RATE: lambda: ducking.set_ducking(True),
        up / RATE: lambda: ducking.set_ducking(False),
    }
    ducked = render(ducking, 12.0, blocks=512, events=events)
    ramp = round(0.3 * RATE)

    level = 20 * math.log10(rms(ducked[down + ramp : up]) / rms(plain[down + ramp : up]))
    assert level == pytest.approx(-10.0, abs=0.05)
    np.testing.assert_array_equal(ducked[:down], plain[:down])
    np.testing.assert_array_equal(ducked[up + ramp :], plain[up + ramp :])

    # The gain itself, sample by sample, where the signal is loud enough to divide by.
    loud = np.abs(plain) > 0.02
    gain_db = np.full(len(plain), np.nan)
    gain_db[loud] = 20 * np.log10(ducked[loud] / plain[loud])
    going_down = gain_db[down : down + ramp + 2000]
    valid = np.isfinite(going_down)
    times = np.arange(len(going_down))[valid]
    going_down = going_down[valid]
    assert going_down[times < 20].max() > -0.01  # it starts gently...
    assert going_down[times > ramp].min() == pytest.approx(-10.0, abs=0.01)  # ...lands at -10 dB
    assert np.all(np.diff(going_down) <= 1e-3)  # only ever goes down
    # Never faster than the raised cosine's steepest slope: no step, no click.
    steepest = 10.0 * math.pi / (2 * 0.3 * RATE)
    assert np.all(np.abs(np.diff(going_down) / np.diff(times)) < steepest * 1.05)
    halfway = going_down[np.argmin(np.abs(times - ramp // 2))]
    assert halfway == pytest.approx(-5.0, abs=0.1)
    assert ducking.ducking is False


def test_ducking_leaves_chimes_the_app_asked_for() -> None:
    mixer = SessionMixer(resonance(), bedtime(), 1.0, breath_tone=False)
    mixer.set_ducking(True)
    mixer.schedule_chime(STEADY_FROM + 1.0)
    audio = render(mixer, 2.0)
    assert np.max(np.abs(audio)) == pytest.approx(EVENT_CHIME_PEAK, rel=0.01)


# --- the end and the headroom ------------------------------------------------------------


def test_everything_fades_to_silence_at_the_end() -> None:
    timeline = build_timeline(Kind.BREATHING, 1)
    mixer = SessionMixer(
        resonance(), timeline, 1.0, ambient="pink", ambient_level=1.0, phase_chime=True, seed=6
    )
    mixer.schedule_chime(58.5)
    audio = render(mixer, 61.0, start=0.0)
    assert np.max(np.abs(audio[: RATE // 10])) < 0.01
    assert np.max(np.abs(audio[10 * RATE : 20 * RATE])) > 0.3
    # Every source follows the timeline's fade down to nothing.
    wind_down = timeline.stages[-1]
    frame = RATE // 10
    for first in range(round(wind_down.start * RATE), 60 * RATE, frame):
        fade = timeline.fade_level(first / RATE)
        assert np.max(np.abs(audio[first : first + frame])) <= HEADROOM_BUDGET * fade + 1e-6
    assert np.max(np.abs(audio[60 * RATE :])) < 1e-4


def test_the_headroom_budget_adds_up_to_less_than_minus_one_dbfs() -> None:
    parts = TONE_PEAK + BED_PEAK + PHASE_CHIME_PEAK * PHASE_CHIME_OVERLAP + EVENT_CHIME_PEAK
    assert parts == pytest.approx(HEADROOM_BUDGET)
    assert HEADROOM_BUDGET < MINUS_ONE_DBFS
    assert abs(LIMIT_CEILING - MINUS_ONE_DBFS) < 1e-12
    # Phase chimes ring at least MIN_CHIME_GAP apart: the tails they leave under
    # the next one stay within the overlap allowed for.
    bell = np.abs(chime(RATE))
    gap = round(MIN_CHIME_GAP * RATE)
    tails = sum(float(bell[k * gap :].max()) for k in range(len(bell) // gap + 1))
    assert tails / CHIME_PEAK < PHASE_CHIME_OVERLAP
    # The tone's own peak is its budget.
    assert np.max(np.abs(BreathTone(resonance()).render(0.0, 10 * RATE))) <= TONE_PEAK * 1.0001


@pytest.mark.parametrize("colour", ["pink", "brown"])
def test_every_source_at_full_volume_peaks_below_minus_one_dbfs(colour: str) -> None:
    plan = resonance()
    mixer = SessionMixer(
        plan, bedtime(), 1.0, ambient=colour, ambient_level=1.0, phase_chime=True, seed=12
    )
    # App chimes right on the tops of the breath, where tone and phase chime peak too.
    for top in plan.boundaries_between(STEADY_FROM, STEADY_FROM + 60.0)[::2]:
        mixer.schedule_chime(top)
    audio = render(mixer, 60.0, blocks=np.random.default_rng(1))
    assert np.max(np.abs(audio)) < MINUS_ONE_DBFS
    assert mixer.limiter.engaged == 0  # within budget: the limiter never had to act


def test_the_safety_limiter_rounds_off_what_no_budget_allowed_for() -> None:
    mixer = SessionMixer(resonance(), bedtime(), 1.0, ambient="pink", ambient_level=1.0, seed=4)
    for _ in range(6):  # six app chimes at once: far over budget
        mixer.schedule_chime(STEADY_FROM + 1.004)
    audio = render(mixer, 4.0)
    assert mixer.limiter.engaged > 0
    assert np.max(np.abs(audio)) < 1.0  # never clipped hard, and over -1 dBFS only briefly
    assert np.count_nonzero(np.abs(audio) > MINUS_ONE_DBFS) < 0.003 * RATE
    # The gain glides: no step as large as the loudest sample-to-sample slope allows.
    assert np.max(np.abs(np.diff(audio))) < 0.12


def test_a_cancelled_ringing_chime_fades_out_without_a_click() -> None:
    mixer = SessionMixer(resonance(), bedtime(), 1.0, breath_tone=False)
    handle = mixer.schedule_chime(STEADY_FROM + 0.2)
    audio = render(mixer, 1.0, events={0.5: lambda: mixer.cancel(handle)})
    cut = round(0.5 * RATE)
    assert np.max(np.abs(audio[cut + round(0.05 * RATE) :])) == 0.0
    # Within what the bell does anyway; a hard cut would jump by about its level.
    bell = EVENT_CHIME_PEAK * (2 * np.pi * 3.02 * 392 / RATE) ** 2 * 3
    assert np.max(second_difference(audio)) < bell


# --- the breath level, vectorised --------------------------------------------------------


def _plans() -> list[tuple[str, BreathPlan]]:
    plans = [
        (f"{name}@{bpm}", BreathPlan(build_cycle(name, bpm)))
        for name in PATTERN_NAMES
        for bpm in (4.5, 6.0, 7.7, 10.0)
    ]
    plans.append(
        ("custom-holds", BreathPlan(build_cycle("custom", 6.0, CustomShape(2.5, 3.0, 2.0))))
    )
    plans += [
        (f"{name}-ramped", BreathPlan(build_cycle(name, 6.0), Ramp(10.0, 180.0)))
        for name in PATTERN_NAMES
    ]
    plans.append(("box-ramped-up", BreathPlan(build_cycle("box", 9.0), Ramp(4.5, 75.0))))
    return plans


@pytest.mark.parametrize("plan", [plan for _, plan in _plans()], ids=[name for name, _ in _plans()])
def test_levels_at_equals_state_at_level(plan: BreathPlan) -> None:
    rng = np.random.default_rng(round(plan.cycle_seconds * 1000))
    times = np.concatenate(
        (
            rng.uniform(-2.0, 8 * 3600.0, 1500),
            rng.uniform(0.0, 400.0, 1500),  # through any ramp
            np.array(plan.boundaries_between(0.0, 300.0)),  # exactly on boundaries
            np.array([0.0, -1.0]),
        )
    )
    expected = np.array([plan.state_at(t).level for t in times.tolist()])
    got = plan.levels_at(times)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert got.dtype == np.float64 and got.shape == times.shape
