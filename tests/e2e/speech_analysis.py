"""Where a recording speaks, and how loud the voice is beside the breath tone.

The breath tone lives below 800 Hz (174-262 Hz and two quieter harmonics); a
voice has most of its consonants and formants between 1.5 and 5 kHz. So a
50 ms frame whose 1.5-5 kHz band rises above `SPEECH_BAND_DBFS` is speech.
The tone's loudness "over a whole breath" is taken from the frames well away
from any speech (the soundscape is lowered around a voice): their power is
averaged per position in the breath (the recording folded at the breath
period), then over the breath, so a breath need not be whole between words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from audio_analysis import Recording

FRAME_SECONDS = 0.05
SPEECH_BAND_HZ = (1500.0, 5000.0)
SPEECH_BAND_DBFS = -60.0  # band level (RMS) above which a frame is speech
CLEAR_OF_SPEECH_SECONDS = 0.6  # the ducking glides 0.3 s either side of a voice
BREATH_BINS = 20
MIN_TONE_PART_SECONDS = 1.0


@dataclass(frozen=True)
class SpeechLevels:
    tone_rms_dbfs: float  # the tone alone, RMS over a whole breath
    speech_rms_dbfs: float  # RMS over the frames that speak
    speech_peak_dbfs: float  # the highest sample in them
    spoken_seconds: float
    tone_parts: list[Recording]  # the stretches where the tone plays alone
    near_speech: np.ndarray  # per frame of FRAME_SECONDS: a voice, or the dip around it

    def near_speech_at(self, times: np.ndarray) -> np.ndarray:
        """Whether each time (seconds into the recording) is near a voice."""
        index = np.clip((times / FRAME_SECONDS).astype(int), 0, len(self.near_speech) - 1)
        return np.asarray(self.near_speech[index])


def _dbfs(value: float) -> float:
    return 20.0 * math.log10(value) if value > 0 else -math.inf


def _band_levels(samples: np.ndarray, rate: int, frame: int) -> np.ndarray:
    count = len(samples) // frame
    frames = samples[: count * frame].reshape(count, frame) * np.hanning(frame)
    spectrum = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(frame, 1 / rate)
    band = (freqs >= SPEECH_BAND_HZ[0]) & (freqs < SPEECH_BAND_HZ[1])
    # Parseval, with the Hann window's power (3/8) taken out: the band's RMS.
    power = spectrum[:, band].sum(axis=1) * 2 / (frame * frame * 0.375)
    return np.asarray(10 * np.log10(np.maximum(power, 1e-30)))


def speech_levels(rec: Recording, breath_seconds: float) -> SpeechLevels:
    rate = rec.rate
    frame = round(FRAME_SECONDS * rate)
    samples = rec.samples
    count = len(samples) // frame
    frames = samples[: count * frame].reshape(count, frame)
    speaking = _band_levels(samples, rate, frame) > SPEECH_BAND_DBFS
    spoken = frames[speaking]
    clear = round(CLEAR_OF_SPEECH_SECONDS / FRAME_SECONDS)
    near = np.convolve(speaking, np.ones(2 * clear + 1), mode="same") > 0
    power = np.mean(frames**2, axis=1)
    sounding = power > 10 ** (-50 / 10)
    alone = ~near & sounding
    # Fold the tone-alone frames at the breath period and average by position.
    phase = (np.arange(count) * FRAME_SECONDS / breath_seconds) % 1.0
    bins = (phase * BREATH_BINS).astype(int)
    per_bin = [power[alone & (bins == b)] for b in range(BREATH_BINS)]
    if any(len(p) == 0 for p in per_bin):
        raise AssertionError("the tone is never heard alone at some point of the breath")
    tone_power = float(np.mean([p.mean() for p in per_bin]))
    parts: list[Recording] = []
    start = None
    for i, flag in enumerate([*alone, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if (i - start) * FRAME_SECONDS >= MIN_TONE_PART_SECONDS:
                parts.append(Recording(samples[start * frame : i * frame], rate))
            start = None
    return SpeechLevels(
        tone_rms_dbfs=_dbfs(math.sqrt(tone_power)),
        speech_rms_dbfs=_dbfs(float(np.sqrt(np.mean(spoken**2)))) if len(spoken) else -math.inf,
        speech_peak_dbfs=_dbfs(float(np.max(np.abs(spoken)))) if len(spoken) else -math.inf,
        spoken_seconds=len(spoken) * FRAME_SECONDS,
        tone_parts=parts,
        near_speech=near,
    )


def folded_period(
    series: np.ndarray, frame_rate: float, min_period: float, max_period: float
) -> float:
    """The period in seconds, between the bounds, at which a series with gaps
    (NaN) repeats best: folded at that period into `BREATH_BINS` positions, its
    values vary least within each position (epoch folding). Unlike a lagged
    correlation it needs no unbroken stretch, so the breath can be followed
    between spoken words. Keep `max_period` below twice the true period."""
    valid = np.isfinite(series)
    times = np.arange(len(series))[valid] / frame_rate
    values = series[valid]
    total = float(np.var(values))
    best, best_share = math.nan, -1.0
    for period in np.arange(min_period, max_period, 0.005):
        bins = ((times / period) % 1.0 * BREATH_BINS).astype(int)
        counts = np.bincount(bins, minlength=BREATH_BINS)
        if np.any(counts == 0):
            continue
        means = np.bincount(bins, weights=values, minlength=BREATH_BINS) / counts
        share = float(np.sum(counts * (means - values.mean()) ** 2) / len(values)) / total
        if share > best_share:
            best, best_share = float(period), share
    return best
