"""Spoken guidance levelled to sit in the mix beside the breath tone.

A speech engine speaks at its own level: espeak-ng at full volume peaks at
0 dBFS, far above a tone that peaks at -6 dBFS. The app synthesizes each
caption to samples and levels the whole utterance before it is mixed:

- its loudness (RMS over the frames where the voice sounds, not the pauses)
  is set to `SPEECH_TO_TONE_DB` below the breath tone's RMS over a breath,
  times the "Voice volume" balance;
- its peaks are held at or below `SPEECH_PEAK` by a gain that glides (never
  steps) down before a peak and back up after it. Speech peaks about 16 dB
  above its RMS (measured on espeak-ng), so loud syllables lose a few dB;
  the whole utterance is known in advance, so the gain can look ahead.

The voice then follows the session's volume and wind-down fade like every
other sound, so the last words of a session are its quietest.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rls_companion.core.sound import raised_cosine

Wave = npt.NDArray[np.float64]

SPEECH_PEAK = 10.0 ** (-4.5 / 20.0)  # at volume 100, before the session's fade
# Speech this much below the tone's RMS sounds level with it (the tone is
# ducked by 10 dB under the voice) and keeps the peak limiting mild.
SPEECH_TO_TONE_DB = -2.0
BALANCE_NEUTRAL = 80  # the "Voice volume" at which the voice sits at SPEECH_TO_TONE_DB
FRAME_SECONDS = 0.02
ACTIVE_BELOW_LOUDEST_DB = 30.0  # frames quieter than this below the loudest are pauses
GAIN_STEP_SECONDS = 0.005  # the gain is worked out every 5 ms and glides in between
RELEASE_SECONDS = 0.08  # from a limited peak back to full gain
EDGE_FADE_SECONDS = 0.005
LEVEL_PASSES = 4


def speech_rms(tone_rms: float, balance: int) -> float:
    """The RMS a voice is levelled to, for the tone's RMS and the "Voice
    volume" setting (0-100; 80 neutral, 0 silent)."""
    return float(tone_rms * 10.0 ** (SPEECH_TO_TONE_DB / 20.0) * max(balance, 0) / BALANCE_NEUTRAL)


def resample(wave: npt.ArrayLike, rate_in: int, rate_out: int) -> Wave:
    """Band-limited resampling of a whole utterance (through the spectrum)."""
    samples = np.asarray(wave, dtype=np.float64)
    if rate_in == rate_out or len(samples) == 0:
        return samples.copy()
    frames_out = round(len(samples) * rate_out / rate_in)
    spectrum = np.fft.rfft(samples)
    bins = frames_out // 2 + 1
    if bins > len(spectrum):
        spectrum = np.concatenate((spectrum, np.zeros(bins - len(spectrum), dtype=complex)))
    out: Wave = np.fft.irfft(spectrum[:bins], frames_out) * (frames_out / len(samples))
    return out


def active_rms(wave: Wave, rate: int) -> float:
    """RMS over the frames where the voice sounds (pauses left out)."""
    length = max(round(FRAME_SECONDS * rate), 1)
    count = len(wave) // length
    if count == 0:
        return float(np.sqrt(np.mean(wave**2))) if len(wave) else 0.0
    frames = wave[: count * length].reshape(count, length)
    power = np.mean(frames**2, axis=1)
    loudest = float(power.max())
    if loudest <= 0.0:
        return 0.0
    active = power >= loudest * 10.0 ** (-ACTIVE_BELOW_LOUDEST_DB / 10.0)
    return float(np.sqrt(np.mean(power[active])))


def limit_peaks(wave: Wave, ceiling: float, rate: int) -> Wave:
    """`wave` with a gliding gain that keeps every sample at or below `ceiling`.

    The gain is set at knots every `GAIN_STEP_SECONDS` and is linear between
    them. Each knot is at most the gain the blocks on either side need, so no
    sample between two knots goes over; the knots then rise by no more than
    full gain per `RELEASE_SECONDS`, both ways, so the gain leans into a peak
    before it comes and lets go gently after.
    """
    if len(wave) == 0:
        return wave.copy()
    step = max(round(GAIN_STEP_SECONDS * rate), 1)
    blocks = -(-len(wave) // step)
    padded = np.zeros(blocks * step)
    padded[: len(wave)] = np.abs(wave)
    peaks = padded.reshape(blocks, step).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    knots = np.minimum(np.concatenate(([need[0]], need)), np.concatenate((need, [need[-1]])))
    rise = step / (RELEASE_SECONDS * rate)
    ramp = rise * np.arange(len(knots))
    knots = np.minimum.accumulate(knots - ramp) + ramp  # rises slowly after a dip
    knots = (np.minimum.accumulate((knots + ramp)[::-1]) - ramp[::-1])[::-1]  # and before it
    gain = np.interp(np.arange(len(wave)), np.arange(len(knots)) * step, knots)
    out: Wave = wave * gain
    return out


def level_speech(
    wave: npt.ArrayLike, rate_in: int, rate_out: int, target_rms: float, peak: float = SPEECH_PEAK
) -> Wave:
    """An utterance from the engine, resampled, set to `target_rms`, its
    peaks held at `peak`, and faded at both ends so it starts and stops at zero."""
    out = resample(wave, rate_in, rate_out)
    rms = active_rms(out, rate_out)
    if rms <= 0.0 or target_rms <= 0.0:
        return np.zeros(len(out))
    # Limiting the peaks takes some loudness away: scale and limit again
    # until the voice is within a fraction of a decibel of its target.
    for _ in range(LEVEL_PASSES):
        out *= target_rms / rms
        out = limit_peaks(out, peak, rate_out)
        rms = active_rms(out, rate_out)
        if rms >= target_rms * 10.0 ** (-0.25 / 20.0):
            break
    fade = min(round(EDGE_FADE_SECONDS * rate_out), len(out) // 2)
    if fade:
        out[:fade] *= raised_cosine(fade)
        out[len(out) - fade :] *= raised_cosine(fade, rising=False)
    return out
