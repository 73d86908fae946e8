"""Spoken guidance levelled beside the breath tone: its loudness, its peaks,
and how the mix carries it (onset, ducking, fade, headroom)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_soundscape import STEADY_FROM, bedtime, render, rms

from rls_companion.core import settings
from rls_companion.core.breathing import BreathPlan, build_cycle
from rls_companion.core.config import Settings
from rls_companion.core.mixer import SessionMixer
from rls_companion.core.session import Kind, build_timeline
from rls_companion.core.sound import SAMPLE_RATE, BreathTone, tone_rms
from rls_companion.core.speech_level import (
    GAIN_STEP_SECONDS,
    RELEASE_SECONDS,
    SPEECH_PEAK,
    SPEECH_TO_TONE_DB,
    active_rms,
    level_speech,
    limit_peaks,
    resample,
    speech_rms,
)

RATE = SAMPLE_RATE
ENGINE_RATE = 22050


def db(ratio: float) -> float:
    return 20.0 * math.log10(ratio)


def speech_like(seconds: float = 3.0, seed: int = 3) -> np.ndarray:
    """Syllables of buzzing voice at the engine's rate: a 120 Hz pulse train
    through a few formants, 0.2 s on and 0.1 s off, with a crest factor like
    espeak-ng's (loud plosive-like bursts) and pauses between words."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * ENGINE_RATE)) / ENGINE_RATE
    voice = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 30))
    syllables = (np.floor(t / 0.3) % 4 != 3) & ((t % 0.3) < 0.2)
    envelope = np.where(syllables, np.sin(np.pi * (t % 0.3) / 0.2) ** 2, 0.0)
    bursts = np.zeros_like(t)
    for start in rng.uniform(0, seconds - 0.01, 6):
        i = round(start * ENGINE_RATE)
        bursts[i : i + 60] = rng.normal(0, 1.0, len(bursts[i : i + 60]))
    wave = voice * envelope * 0.2 + bursts * 0.9
    return np.asarray(np.clip(wave, -1.0, 1.0))


def test_the_tone_rms_is_what_the_tone_renders() -> None:
    for pattern in ("resonance", "box", "4-7-8"):
        plan = BreathPlan(build_cycle(pattern, 6.0 if pattern == "resonance" else 5.0))
        frames = round(plan.cycle_seconds * RATE)
        rendered = BreathTone(plan).render(0.0, 4 * frames)
        assert tone_rms(plan) == pytest.approx(rms(rendered), rel=0.01)


def test_the_voice_volume_balances_the_voice_against_the_tone() -> None:
    assert speech_rms(0.2, 80) == pytest.approx(0.2 * 10 ** (SPEECH_TO_TONE_DB / 20))
    assert db(speech_rms(0.2, 40) / speech_rms(0.2, 80)) == pytest.approx(-6.02, abs=0.01)
    assert speech_rms(0.2, 0) == 0.0


def test_resampling_keeps_a_tone_and_its_length() -> None:
    t = np.arange(ENGINE_RATE) / ENGINE_RATE
    wave = np.sin(2 * np.pi * 440 * t)
    out = resample(wave, ENGINE_RATE, RATE)
    assert len(out) == RATE
    expected = np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    assert np.max(np.abs(out[1000:-1000] - expected[1000:-1000])) < 0.01


def test_the_peak_limiter_holds_the_ceiling_and_glides() -> None:
    # A steady level with one loud spike: the gain is out / in at every sample.
    wave = np.full(ENGINE_RATE, 0.3)
    spike = ENGINE_RATE // 2
    wave[spike : spike + 20] = 1.0
    out = limit_peaks(wave, 0.5, ENGINE_RATE)
    gain = out / wave
    assert np.max(np.abs(out)) <= 0.5 + 1e-12
    assert gain[spike : spike + 20].max() <= 0.5 + 1e-12
    # It leans in before the spike and lets go after, never faster than a
    # full swing per release time: no step, no click.
    per_sample = 1.0 / (RELEASE_SECONDS * ENGINE_RATE)
    assert np.max(np.abs(np.diff(gain))) <= per_sample * 1.001
    reach = round((RELEASE_SECONDS * 0.5 + 2 * GAIN_STEP_SECONDS) * ENGINE_RATE)
    assert gain[: spike - reach].min() > 1 - 1e-12 and gain[spike + 20 + reach :].min() > 1 - 1e-12
    # Quiet audio is left alone.
    quiet = speech_like() * 0.1
    np.testing.assert_allclose(limit_peaks(quiet, 0.5, ENGINE_RATE), quiet)


def test_a_levelled_voice_sits_at_its_target_with_peaks_below_minus_three_dbfs() -> None:
    target = speech_rms(tone_rms(Settings.from_values(settings.defaults()).breathing.plan()), 80)
    out = level_speech(speech_like(), ENGINE_RATE, RATE, target)
    assert len(out) == 3 * RATE
    assert db(active_rms(out, RATE) / target) == pytest.approx(0.0, abs=0.6)
    assert np.max(np.abs(out)) <= SPEECH_PEAK + 1e-9
    assert db(SPEECH_PEAK) < -3.0
    assert out[0] == pytest.approx(0.0, abs=1e-6) and out[-1] == pytest.approx(0.0, abs=1e-6)


def test_silence_stays_silent() -> None:
    out = level_speech(np.zeros(1000), ENGINE_RATE, RATE, 0.2)
    assert len(out) == 2000 and not out.any()
    assert len(level_speech(np.zeros(0), ENGINE_RATE, RATE, 0.2)) == 0


# --- in the mix ----------------------------------------------------------------------


def voice_wave() -> np.ndarray:
    plan = BreathPlan(build_cycle("resonance", 6.0))
    return level_speech(speech_like(), ENGINE_RATE, RATE, speech_rms(tone_rms(plan), 80))


def test_a_voice_starts_on_its_sample_and_lowers_the_soundscape_around_it() -> None:
    wave = voice_wave()
    plan = BreathPlan(build_cycle("resonance", 6.0))
    plain = render(SessionMixer(plan, bedtime(), 1.0), 8.0, blocks=700)
    mixer = SessionMixer(plan, bedtime(), 1.0)
    at = 2.0
    mixer.schedule_speech(STEADY_FROM + at, wave)
    mixed = render(mixer, 8.0, blocks=700)
    start = round(at * RATE)
    np.testing.assert_allclose(
        mixed[: start - round(0.31 * RATE)], plain[: start - round(0.31 * RATE)]
    )
    # Fully lowered (-10 dB) from the voice's first sample to its last.
    tone_under = mixed[start : start + len(wave)] - wave
    ratio = rms(tone_under) / rms(plain[start : start + len(wave)])
    assert db(ratio) == pytest.approx(-10.0, abs=0.1)
    # And back to the plain soundscape once the voice has ended and the glide is over.
    after = start + len(wave) + round(0.35 * RATE)
    np.testing.assert_allclose(mixed[after:], plain[after:], atol=1e-6)
    assert mixer.ducking is False


def test_a_cancelled_voice_fades_out_quickly() -> None:
    wave = voice_wave()
    mixer = SessionMixer(
        BreathPlan(build_cycle("resonance", 6.0)), bedtime(), 1.0, breath_tone=False
    )
    handle = mixer.schedule_speech(STEADY_FROM, wave)
    first = render(mixer, 0.5)
    mixer.cancel(handle)
    rest = render(mixer, 1.0, start=STEADY_FROM + 0.5)
    assert np.max(np.abs(first)) > 0.05
    assert np.max(np.abs(rest[round(0.031 * RATE) :])) == 0.0
    assert np.max(np.abs(np.diff(rest[:100]))) < 0.2


def test_the_voice_follows_the_wind_down_fade_and_stays_below_minus_one_dbfs() -> None:
    timeline = build_timeline(Kind.BREATHING, 1)
    plan = BreathPlan(build_cycle("resonance", 6.0))
    wave = voice_wave()
    mixer = SessionMixer(plan, timeline, 1.0, ambient="pink", ambient_level=1.0, phase_chime=True)
    early, late = 20.0, timeline.stages[-1].start + 2.0
    mixer.schedule_speech(early, wave)
    mixer.schedule_speech(late, wave)
    mixer.schedule_chime(early + 0.5)
    audio = render(mixer, 60.0, start=0.0, blocks=np.random.default_rng(4))
    assert np.max(np.abs(audio)) < 10 ** (-1 / 20)
    spoken_early = audio[round(early * RATE) : round(early * RATE) + len(wave)]
    spoken_late = audio[round(late * RATE) : round(late * RATE) + len(wave)]
    assert rms(spoken_late) < rms(spoken_early) * timeline.fade_level(late) * 1.2


def test_a_voice_due_at_once_waits_for_the_soundscape_to_be_lowered() -> None:
    # Audio is rendered ahead: a voice asked for "now" begins where rendering
    # has got to, plus the glide down, so its peaks never meet the tone's.
    wave = voice_wave()
    plan = BreathPlan(build_cycle("resonance", 6.0))
    mixer = SessionMixer(plan, bedtime(), 1.0)
    render(mixer, 1.0)
    assert mixer.cursor is not None
    rendered_to = mixer.cursor
    mixer.schedule_speech(STEADY_FROM, wave)
    [voice] = mixer._voices.values()
    assert voice.at == pytest.approx(rendered_to + 0.3)
    audio = render(mixer, 4.0, start=rendered_to)
    assert np.max(np.abs(audio)) <= SPEECH_PEAK + 0.5 * 10 ** (-10 / 20) + 1e-6
