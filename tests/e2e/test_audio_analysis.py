"""Tests of the recording analysis helpers on synthetic signals.

Every signal is written to a file as raw int16 (as ``parec`` records it) and
read back with ``load_s16le``, so quantisation and the loading path are part of
each test.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from audio_analysis import (
    CLICK_THRESHOLD,
    Recording,
    band_level_dbfs,
    chime_onsets,
    click_score,
    dominant_period,
    load_s16le,
    longest_gap,
    peak_dbfs,
    pitch_track,
    rms_envelope,
    silence_after,
    trim_silence,
)

RATE = 44100

FloatArray = npt.NDArray[np.float64]


def roundtrip(tmp_path: Path, signal: FloatArray, rate: int = RATE) -> Recording:
    """Write ``signal`` as s16le PCM and load it back."""
    path = tmp_path / "recording.raw"
    ints = np.clip(np.round(signal * 32768.0), -32768, 32767).astype("<i2")
    path.write_bytes(ints.tobytes())
    return load_s16le(path, rate)


def silence(seconds: float) -> FloatArray:
    return np.zeros(round(seconds * RATE))


def sine(freq: float, seconds: float, amplitude: float, phase: float = 0.0) -> FloatArray:
    t = np.arange(round(seconds * RATE)) / RATE
    return amplitude * np.sin(2.0 * np.pi * freq * t + phase)


def fade(signal: FloatArray, ramp_seconds: float, *, start: bool = True) -> FloatArray:
    """Raised-cosine fade in and out (fade in only if ``start``; always fade out)."""
    out = signal.copy()
    n = round(ramp_seconds * RATE)
    if n == 0:
        return out
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
    if start:
        out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def breath_tone(
    seconds: float,
    period: float,
    *,
    ramp: float = 0.1,
    ramp_start: bool = True,
    amplitude: tuple[float, float] = (0.05, 0.3),
    pitch: tuple[float, float] = (150.0, 400.0),
) -> FloatArray:
    """A breath-cue tone: loudness and pitch rise and fall together once per ``period``.

    The cycle starts at the bottom of the exhale, so the tone begins at its
    quietest and lowest.
    """
    t = np.arange(round(seconds * RATE)) / RATE
    shape = 0.5 - 0.5 * np.cos(2.0 * np.pi * t / period)
    amp = amplitude[0] + (amplitude[1] - amplitude[0]) * shape
    freq = pitch[0] + (pitch[1] - pitch[0]) * shape
    phase = 2.0 * np.pi * np.cumsum(freq) / RATE
    return fade(amp * np.sin(phase), ramp, start=ramp_start)


def padded(signal: FloatArray, lead: float = 0.3, tail: float = 0.3) -> FloatArray:
    return np.concatenate((silence(lead), signal, silence(tail)))


# --- loading -----------------------------------------------------------------


def test_load_s16le_scales_little_endian_int16(tmp_path: Path) -> None:
    path = tmp_path / "raw.s16le"
    values = np.array([0, 1, -1, 16384, -32768, 32767], dtype="<i2")
    path.write_bytes(values.tobytes() + b"\x7f")  # a trailing half sample is ignored

    rec = load_s16le(path, rate=8000)

    assert rec.rate == 8000
    assert rec.samples.dtype == np.float64
    np.testing.assert_array_equal(rec.samples, values.astype(np.float64) / 32768.0)
    assert rec.duration == pytest.approx(6 / 8000)


# --- levels ------------------------------------------------------------------


def test_peak_dbfs_of_half_amplitude_sine(tmp_path: Path) -> None:
    # 441 Hz has exactly 100 samples per cycle, so the crest is sampled.
    rec = roundtrip(tmp_path, sine(441.0, 1.0, 0.5))
    assert peak_dbfs(rec) == pytest.approx(20.0 * math.log10(0.5), abs=0.01)
    assert peak_dbfs(rec) == pytest.approx(-6.02, abs=0.01)


def test_peak_dbfs_of_digital_silence_is_minus_infinity(tmp_path: Path) -> None:
    assert peak_dbfs(roundtrip(tmp_path, silence(0.5))) == -math.inf


def test_rms_envelope_of_steady_sine(tmp_path: Path) -> None:
    # 440 Hz fits exactly 22 cycles in each 50 ms frame.
    rec = roundtrip(tmp_path, sine(440.0, 1.0, 0.5))
    rms, frame_rate = rms_envelope(rec, frame_seconds=0.05)
    assert frame_rate == pytest.approx(20.0)
    assert len(rms) == 20
    np.testing.assert_allclose(rms, 0.5 / math.sqrt(2.0), rtol=1e-3)


def test_silence_after_reports_level_of_the_remainder(tmp_path: Path) -> None:
    rec = roundtrip(tmp_path, np.concatenate((sine(441.0, 1.0, 0.3), silence(1.0))))
    assert silence_after(rec, 0.5) == pytest.approx(20.0 * math.log10(0.3), abs=0.01)
    assert silence_after(rec, 1.001) == -math.inf
    assert silence_after(rec, 5.0) == -math.inf


# --- trimming ----------------------------------------------------------------


def first_sound_index(samples: FloatArray) -> int:
    return int(np.flatnonzero(samples)[0])


@pytest.mark.parametrize(("lead", "tail"), [(0.73, 1.27), (1.0, 0.0), (0.0, 0.41)])
def test_trim_silence_removes_quiet_ends(tmp_path: Path, lead: float, tail: float) -> None:
    # No fade, and a phase that makes the first and last samples non-zero, so
    # the tone's extent in samples is known exactly.
    tone = sine(300.0, 2.0, 0.3, phase=0.5)
    rec = roundtrip(tmp_path, padded(tone, lead, tail))

    trimmed = trim_silence(rec, threshold_dbfs=-60.0)

    # The cut falls on a 50 ms frame boundary: at most one frame of silence
    # may remain at each end, and none of the tone is lost.
    remaining_lead = first_sound_index(trimmed.samples) / RATE
    remaining_tail = first_sound_index(trimmed.samples[::-1]) / RATE
    assert 0.0 <= remaining_lead < 0.05
    assert 0.0 <= remaining_tail < 0.05
    assert trimmed.duration == pytest.approx(2.0 + remaining_lead + remaining_tail, abs=0.5 / RATE)
    removed = rec.duration - trimmed.duration
    assert lead + tail - 0.1 < removed <= lead + tail + 0.5 / RATE


def test_trim_silence_keeps_quiet_tone_above_threshold(tmp_path: Path) -> None:
    tone = fade(sine(300.0, 1.0, 10 ** (-50 / 20)), 0.01)  # -50 dBFS peak
    rec = roundtrip(tmp_path, padded(tone, 0.5, 0.5))
    assert trim_silence(rec, threshold_dbfs=-60.0).duration == pytest.approx(1.0, abs=0.1)
    assert trim_silence(rec, threshold_dbfs=-40.0).duration == 0.0


def test_trim_silence_of_silence_is_empty(tmp_path: Path) -> None:
    trimmed = trim_silence(roundtrip(tmp_path, silence(1.0)))
    assert trimmed.duration == 0.0
    assert trimmed.rate == RATE


# --- pitch -------------------------------------------------------------------


@pytest.mark.parametrize("freq", [150.0, 237.3, 400.0])
def test_pitch_track_recovers_steady_frequency(tmp_path: Path, freq: float) -> None:
    rec = roundtrip(tmp_path, sine(freq, 1.0, 0.1, phase=0.7))
    track, frame_rate = pitch_track(rec, frame_seconds=0.1)
    assert frame_rate == pytest.approx(10.0)
    assert len(track) == 10
    assert np.all(np.abs(track - freq) < 1.0)


def test_pitch_track_is_nan_in_silence(tmp_path: Path) -> None:
    rec = roundtrip(tmp_path, np.concatenate((sine(220.0, 0.5, 0.2), silence(0.5))))
    track, _ = pitch_track(rec, frame_seconds=0.1)
    assert np.all(np.abs(track[:5] - 220.0) < 1.0)
    assert np.all(np.isnan(track[5:]))


# --- breathing pace ----------------------------------------------------------


@pytest.mark.parametrize("period", [10.0, 8.0, 13.3])
def test_dominant_period_of_loudness_envelope(tmp_path: Path, period: float) -> None:
    rec = roundtrip(tmp_path, breath_tone(60.0, period, ramp=0.5))
    envelope, frame_rate = rms_envelope(rec)
    # The range also admits twice the period for 8 s; the period itself must win.
    found = dominant_period(envelope, frame_rate, min_period=3.0, max_period=20.0)
    assert found == pytest.approx(period, rel=0.005)


def test_dominant_period_of_pitch_track(tmp_path: Path) -> None:
    rec = roundtrip(tmp_path, breath_tone(60.0, 10.0, ramp=0.5))
    track, frame_rate = pitch_track(rec)
    found = dominant_period(track, frame_rate, min_period=3.0, max_period=20.0)
    assert found == pytest.approx(10.0, rel=0.005)


def test_dominant_period_bridges_nans() -> None:
    frame_rate = 20.0
    t = np.arange(round(60.0 * frame_rate)) / frame_rate
    series = 0.5 - 0.5 * np.cos(2.0 * np.pi * t / 10.0)
    series[100:140] = np.nan
    series[700:705] = np.nan
    series[-3:] = np.nan
    found = dominant_period(series, frame_rate, min_period=3.0, max_period=20.0)
    assert found == pytest.approx(10.0, rel=0.005)


def test_dominant_period_without_a_cycle_is_nan() -> None:
    ramp = np.linspace(0.0, 1.0, 1200)
    assert math.isnan(dominant_period(ramp, 20.0, min_period=3.0, max_period=20.0))


def test_dominant_period_rejects_a_series_too_short_for_the_range() -> None:
    with pytest.raises(ValueError, match="too short"):
        dominant_period(np.zeros(100), 20.0, min_period=1.0, max_period=10.0)


# --- clicks ------------------------------------------------------------------

CLICK_TEST_PERIOD = 4.0  # one full 150-400 Hz sweep in a short signal


def clean_sweep() -> FloatArray:
    return padded(breath_tone(5.0, CLICK_TEST_PERIOD))


def test_click_score_of_clean_sweep_is_low(tmp_path: Path) -> None:
    score = click_score(roundtrip(tmp_path, clean_sweep()))
    assert score < CLICK_THRESHOLD / 2


def test_click_score_of_quiet_clean_sweep_is_low(tmp_path: Path) -> None:
    # Here the tone's own second difference is below int16 rounding noise.
    tone = breath_tone(5.0, CLICK_TEST_PERIOD, amplitude=(0.001, 0.01))
    assert click_score(roundtrip(tmp_path, padded(tone))) < CLICK_THRESHOLD / 2


def test_click_score_ignores_noise_floor(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    noise = rng.normal(0.0, 10 ** (-80 / 20), len(clean_sweep()))
    assert click_score(roundtrip(tmp_path, clean_sweep() + noise)) < CLICK_THRESHOLD / 2
    assert click_score(roundtrip(tmp_path, noise)) < CLICK_THRESHOLD / 2
    assert click_score(roundtrip(tmp_path, silence(1.0))) == 0.0


# Sample positions inside the tone: near its quiet low start, rising, at its
# loud high crest, and falling.
DEFECT_SECONDS = [0.8, 1.37, 2.3, 3.61]


@pytest.mark.parametrize("at", DEFECT_SECONDS)
def test_click_score_detects_a_step(tmp_path: Path, at: float) -> None:
    signal = clean_sweep()
    signal[round(at * RATE) :] += 0.05
    assert click_score(roundtrip(tmp_path, signal)) > CLICK_THRESHOLD


@pytest.mark.parametrize("at", DEFECT_SECONDS)
@pytest.mark.parametrize("gap_seconds", [0.001, 0.02, 0.2])
def test_click_score_detects_a_dropout(tmp_path: Path, at: float, gap_seconds: float) -> None:
    signal = clean_sweep()
    start = round(at * RATE)
    signal[start : start + round(gap_seconds * RATE)] = 0.0
    assert click_score(roundtrip(tmp_path, signal)) > CLICK_THRESHOLD


def test_click_score_detects_a_hard_start(tmp_path: Path) -> None:
    # The breath tone starting without its fade in, at a zero crossing and at
    # its quietest: the mildest hard start the app could produce.
    tone = breath_tone(5.0, CLICK_TEST_PERIOD, ramp_start=False)
    assert click_score(roundtrip(tmp_path, padded(tone))) > CLICK_THRESHOLD


@pytest.mark.parametrize("freq", [150.0, 400.0])
def test_click_score_detects_a_hard_start_of_a_loud_tone(tmp_path: Path, freq: float) -> None:
    tone = fade(sine(freq, 1.0, 0.3), 0.05, start=False)
    assert click_score(roundtrip(tmp_path, padded(tone))) > CLICK_THRESHOLD


def test_click_score_detects_a_hard_stop(tmp_path: Path) -> None:
    tone = breath_tone(5.0, CLICK_TEST_PERIOD)[: round(2.3 * RATE)]  # cut at the crest
    assert click_score(roundtrip(tmp_path, padded(tone))) > CLICK_THRESHOLD


# --- dropouts -----------------------------------------------------------------


def with_hole(signal: FloatArray, at: float, seconds: float) -> FloatArray:
    out = signal.copy()
    start = round(at * RATE)
    out[start : start + round(seconds * RATE)] = 0.0
    return out


def test_longest_gap_of_clean_sweep_is_zero(tmp_path: Path) -> None:
    # Its zero crossings, and the silence before and after it, are no gaps.
    assert longest_gap(roundtrip(tmp_path, padded(clean_sweep(), 1.0, 1.0))) == 0.0


@pytest.mark.parametrize("freq", [174.6, 120.0])
def test_longest_gap_ignores_a_slow_fade_through_the_threshold(tmp_path: Path, freq: float) -> None:
    # Fading in and out over seconds, the tone hovers about -60 dBFS for many
    # cycles, each below it for up to half a cycle (2.9 ms at 174.6 Hz, 4.2 ms
    # at 120 Hz): quiet, not a dropout.
    tone = sine(freq, 8.0, 0.3, phase=0.3)
    t = np.arange(len(tone)) / RATE
    swell = np.clip(np.minimum(t / 3.0, (8.0 - t) / 3.0), 0.0, 1.0)
    rec = roundtrip(tmp_path, padded(tone * (0.5 - 0.5 * np.cos(np.pi * swell))))
    assert longest_gap(rec) == 0.0


@pytest.mark.parametrize("at", DEFECT_SECONDS)
@pytest.mark.parametrize("gap_seconds", [0.005, 0.01, 0.2])
def test_longest_gap_measures_a_dropout(tmp_path: Path, at: float, gap_seconds: float) -> None:
    rec = roundtrip(tmp_path, with_hole(clean_sweep(), at, gap_seconds))
    # Exact to the sample, plus the waveform's own moment near zero at an edge.
    assert longest_gap(rec) == pytest.approx(gap_seconds, abs=0.0002)


def test_longest_gap_reports_the_longest_of_several(tmp_path: Path) -> None:
    signal = with_hole(with_hole(clean_sweep(), 0.8, 0.006), 2.3, 0.012)
    assert longest_gap(roundtrip(tmp_path, with_hole(signal, 3.61, 0.003))) == pytest.approx(
        0.012, abs=0.0002
    )


def test_longest_gap_does_not_count_a_zero_crossing_length_hole(tmp_path: Path) -> None:
    rec = roundtrip(tmp_path, with_hole(clean_sweep(), 2.3, 0.0015))
    assert longest_gap(rec) == 0.0


def test_longest_gap_counts_silence_between_two_sounds(tmp_path: Path) -> None:
    tone = fade(sine(220.0, 1.0, 0.3), 0.05, start=False)  # a hard start after the pause
    rec = roundtrip(tmp_path, padded(np.concatenate((sine(220.0, 1.0, 0.3), silence(0.5), tone))))
    assert longest_gap(rec) == pytest.approx(0.5, abs=0.0002)


def test_longest_gap_within_looks_only_at_that_part(tmp_path: Path) -> None:
    # The sweep starts at 0.3 s in the recording.
    rec = roundtrip(tmp_path, with_hole(with_hole(clean_sweep(), 1.0, 0.02), 3.0, 0.008))
    assert longest_gap(rec) == pytest.approx(0.02, abs=0.0002)
    assert longest_gap(rec, within=(2.0, 4.0)) == pytest.approx(0.008, abs=0.0002)
    assert longest_gap(rec, within=(1.31, 5.0)) == pytest.approx(0.008, abs=0.0002)  # cut
    with pytest.raises(ValueError, match="start <= end"):
        longest_gap(rec, within=(4.0, 2.0))


def test_longest_gap_of_silence_and_noise_floor_is_zero(tmp_path: Path) -> None:
    assert longest_gap(roundtrip(tmp_path, silence(1.0))) == 0.0
    noise = np.random.default_rng(7).normal(0.0, 10 ** (-70 / 20), RATE)
    assert longest_gap(roundtrip(tmp_path, noise)) == 0.0


def test_band_level_measures_a_sine_in_its_band_and_nothing_outside(tmp_path: Path) -> None:
    rec = roundtrip(tmp_path, sine(100.0, 2.0, 0.5))
    assert band_level_dbfs(rec, 50.0, 150.0) == pytest.approx(
        20 * math.log10(0.5 / math.sqrt(2)), abs=0.1
    )
    assert band_level_dbfs(rec, 300.0, 3000.0) < -80.0


def test_band_level_of_white_noise_follows_the_bandwidth(tmp_path: Path) -> None:
    noise = np.random.default_rng(7).uniform(-0.5, 0.5, 4 * RATE)
    rec = roundtrip(tmp_path, noise)
    whole = 10 * math.log10(np.mean(noise**2))
    # A tenth of the spectrum holds a tenth of the power: 10 dB less.
    tenth = band_level_dbfs(rec, 0.0, RATE / 20)
    assert tenth == pytest.approx(whole - 10.0, abs=0.3)


def _bell(rate: int = RATE) -> np.ndarray:
    t = np.arange(int(2.5 * rate)) / rate
    wave = sum(
        w * np.sin(2 * np.pi * 392.0 * r * t) * np.exp(-t * (1.2 + r * 0.6))
        for r, w in ((1.0, 1.0), (2.01, 0.28), (3.02, 0.08))
    )
    attack = int(0.02 * rate)
    wave[:attack] *= 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, attack))
    return np.asarray(wave)


def test_chime_onsets_are_found_to_the_millisecond_over_a_breath_tone() -> None:
    t = np.arange(30 * RATE) / RATE
    tone = 0.3 * (0.6 + 0.4 * np.sin(2 * np.pi * t / 10)) * np.sin(2 * np.pi * 220 * t)
    starts = [1.0, 5.0, 11.0, 15.003, 21.0, 24.5]
    levels = [0.07, 0.07, 0.03, 0.07, 0.18, 0.07]
    signal = tone.copy()
    bell = _bell()
    for start, level in zip(starts, levels, strict=True):
        i = round(start * RATE)
        signal[i : i + len(bell)] += level * bell[: len(signal) - i]
    found = chime_onsets(Recording(signal, RATE))
    assert len(found) == len(starts)
    onsets = np.array([onset for onset, _ in found])
    # The same place on each bell's attack, whatever its level.
    offsets = onsets - np.array(starts)
    assert np.ptp(offsets) <= 0.0015
    assert 0.0 <= offsets.mean() <= 0.02
    peaks = [peak for _, peak in found]
    assert peaks[4] / peaks[0] == pytest.approx(0.18 / 0.07, rel=0.05)
    assert chime_onsets(Recording(tone, RATE)) == []
