"""A whole (shortened) bedtime session through each sound output, as heard.

The installed app runs a two-minute bedtime session in a real X server with
the brown-noise bed on and speech off (so guidance is marked by chimes),
playing through Qt Multimedia or simpleaudio (ALSA routed to PulseAudio) into
a null sink whose monitor is recorded. What was recorded must breathe at the
configured pace, stay below -1 dBFS, have no clicks, carry the bed, and end in
silence; the history must show the session completed.
"""

from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
import pytest
from audio_analysis import (
    CLICK_THRESHOLD,
    Recording,
    band_level_dbfs,
    click_score,
    dominant_period,
    load_s16le,
    peak_dbfs,
    pitch_track,
    trim_silence,
)
from conftest import Pulse
from helpers import cli, history, launch_session, newest_session, sink_backends, wait_for
from test_session_e2e import FATAL_WORDS, RATE, _record

pytestmark = pytest.mark.e2e

MINUTES = 2
BREATH_SECONDS = 10.0  # the default: resonance breathing at 6 breaths a minute
SETTINGS = {
    "audio.ambient": "brown",
    "speech.enabled": "false",
}
# The brown bed at its default level (40 %, volume 60 %) measures about -50 dB
# in this band, below the breath tone's lowest note (175 Hz); the tone alone
# leaves -68 to -75 dB there. Halfway in decibels tells them apart.
BED_BAND_HZ = (35.0, 100.0)
BED_MIN_DB = -60.0
SILENCE_DBFS = -60.0
# The wind-down fades the sound out: its last seconds are far below the middle.
FADE_DROP_DB = 12.0


def _rms_db(samples: np.ndarray) -> float:
    return float(10.0 * np.log10(np.mean(np.square(samples)) + 1e-30))


@pytest.mark.parametrize("backend", sink_backends())
def test_bedtime_session_sounds_right_through_each_output(
    backend: str, tmp_path: Path, command: list[str], app_env: dict[str, str], pulse: Pulse
) -> None:
    for key, value in {**SETTINGS, "audio.backend": backend}.items():
        done = cli(command, app_env, "config", "set", key, value)
        assert done.returncode == 0, done.stderr

    recording = tmp_path / "monitor.raw"
    recorder = _record(pulse, recording)
    app = launch_session(command, app_env, MINUTES)
    try:
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        assert wait_for(
            lambda: history(command, app_env)[0]["completed"] is True,
            timeout=MINUTES * 60 + 40,
            interval=1.0,
        )
        # The null sink hands its monitor over in bursts of up to 2 s: wait
        # for the end of the fade and some silence to reach the recorder.
        wait_for(lambda: False, timeout=3.5)
    finally:
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
        recorder.terminate()
        recorder.wait(timeout=10)
    errors = err.decode()
    assert app.returncode == 0, errors
    for word in FATAL_WORDS:
        assert word not in errors

    [session] = history(command, app_env)
    assert session["completed"] is True and session["interrupted"] is False
    assert session["kind"] == "bedtime"
    assert session["planned_seconds"] == MINUTES * 60
    assert MINUTES * 60 - 1 <= session["practice_seconds"] <= MINUTES * 60 + 1

    log = (Path(app_env["RLS_COMPANION_DATA_DIR"]) / "logs" / "rls-companion.log").read_text()
    streaming = "streaming through simpleaudio" if backend == "simpleaudio" else "streaming to"
    assert streaming in log  # the chosen output really played
    assert "sound output" not in log  # and no notice about it failing

    rec = load_s16le(recording, RATE)
    sound = trim_silence(rec)
    # The sound fades in over 3 s and out through the wind-down; it lasts
    # about as long as the session.
    assert MINUTES * 60 - 6 <= sound.duration <= MINUTES * 60 + 4, sound.duration
    assert peak_dbfs(rec) < -1.0
    assert peak_dbfs(rec) > -30.0  # it really played
    assert click_score(rec) < CLICK_THRESHOLD

    # The breath cue over the middle of the session, away from the fades.
    middle = Recording(
        sound.samples[int(0.25 * len(sound.samples)) : int(0.75 * len(sound.samples))], RATE
    )
    pitches, pitch_rate = pitch_track(middle, min_hz=120.0, max_hz=400.0)
    assert dominant_period(pitches, pitch_rate, 5.0, 20.0) == pytest.approx(
        BREATH_SECONDS, rel=0.02
    )
    assert np.nanmin(pitches) < 190.0 and np.nanmax(pitches) > 240.0

    # The noise bed is there, under the tone.
    assert band_level_dbfs(middle, *BED_BAND_HZ) > BED_MIN_DB

    # The wind-down fades everything out, and then there is silence.
    last = sound.samples[-int(3 * RATE) :]
    assert _rms_db(last) < _rms_db(middle.samples) - FADE_DROP_DB
    tail = rec.samples[-int(1.0 * RATE) :]
    assert peak_dbfs(Recording(tail, RATE)) < SILENCE_DBFS
