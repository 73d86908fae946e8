"""The speech measurements of the end-to-end tests, on signals made here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from audio_analysis import Recording, click_score
from speech_analysis import folded_period, speech_levels

RATE = 44100


def breath_tone(seconds: float, period: float = 10.0, peak: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    level = 0.5 - 0.5 * np.cos(2 * np.pi * t / period)
    pitch = 175 + 87 * level
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    return np.asarray(peak * (0.18 + 0.82 * level) * np.sin(phase))


def voice(seconds: float, rms: float, seed: int = 1) -> np.ndarray:
    """Noise-like "speech": band-passed noise in syllables, at a given RMS."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    noise = rng.normal(0, 1, n)
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[(freqs < 300) | (freqs > 4000)] = 0
    wave = np.fft.irfft(spectrum, n)
    t = np.arange(n) / RATE
    wave *= np.sin(np.pi * (t % 0.25) / 0.25) ** 2
    return np.asarray(wave * rms / np.sqrt(np.mean(wave**2)))


def db(x: float) -> float:
    return 20 * math.log10(x)


def test_a_voice_over_a_ducked_tone_is_measured_against_the_tone_alone() -> None:
    tone = breath_tone(60.0)
    spoken = [(12.0, 3.0), (25.0, 4.0), (40.0, 3.5)]
    mixed = tone.copy()
    for start, length in spoken:
        a, b = round(start * RATE), round((start + length) * RATE)
        mixed[a:b] = tone[a:b] * 10 ** (-10 / 20) + voice(length, 0.08)
    levels = speech_levels(Recording(mixed, RATE), breath_seconds=10.0)
    whole_breaths = tone[: 60 * RATE]
    assert levels.tone_rms_dbfs == pytest.approx(db(np.sqrt(np.mean(whole_breaths**2))), abs=0.5)
    # The voice's RMS (with the lowered tone under it), over the frames that
    # speak: the quietest ends of syllables count as pauses.
    windows = np.concatenate([mixed[round(a * RATE) : round((a + n) * RATE)] for a, n in spoken])
    assert levels.speech_rms_dbfs == pytest.approx(db(np.sqrt(np.mean(windows**2))), abs=1.0)
    assert levels.spoken_seconds == pytest.approx(10.5, abs=1.0)
    assert levels.speech_peak_dbfs > db(0.08)
    # The parts where the tone is alone stay clear of the voices and their dips.
    for part in levels.tone_parts:
        assert click_score(part) < 5.0
    assert sum(p.duration for p in levels.tone_parts) == pytest.approx(60 - 10.5 - 6 * 0.6, abs=1.0)


def test_the_breath_period_is_found_across_gaps() -> None:
    frame_rate = 20.0
    t = np.arange(int(46 * frame_rate)) / frame_rate
    series = np.cos(2 * np.pi * t / 9.2) + 0.05 * np.random.default_rng(2).normal(size=len(t))
    series[200:300] = np.nan
    series[500:620] = np.nan
    assert folded_period(series, frame_rate, 6.0, 14.0) == pytest.approx(9.2, abs=0.05)
