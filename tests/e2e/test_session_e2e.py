"""The installed app in a real X server, playing into a real sound server."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from audio_analysis import (
    CLICK_THRESHOLD,
    click_score,
    load_s16le,
    peak_dbfs,
    pitch_track,
    rms_envelope,
    trim_silence,
)
from conftest import Pulse
from helpers import cli, history, launch_session, newest_session, speech, wait_for
from speech_analysis import folded_period, speech_levels
from speech_engines import needs_espeak

pytestmark = pytest.mark.e2e

RATE = 44100
FATAL_WORDS = ("Fatal Python error", "Traceback", "Segmentation fault", "QObject::")


def _record(pulse: Pulse, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            "parec",
            "-d",
            pulse.monitor,
            "--format=s16le",
            "--channels=1",
            f"--rate={RATE}",
            "--latency-msec=20",
            "--raw",
            str(path),
        ],
        env={**pulse.env(), "PATH": "/usr/bin:/bin"},
    )


@needs_espeak
def test_one_minute_session_sounds_right_and_is_saved(
    tmp_path: Path, command: list[str], app_env: dict[str, str], pulse: Pulse
) -> None:
    """Speech: espeak-ng, mixed into the session's sound (the default where
    libespeak-ng is installed, as the set-up does), and measured here."""
    speech(command, app_env, "espeak-ng")
    recording = tmp_path / "monitor.raw"
    recorder = _record(pulse, recording)
    app = launch_session(command, app_env, 1)
    try:
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        assert wait_for(
            lambda: history(command, app_env)[0]["completed"] is True, timeout=90, interval=1.0
        )
        # Let the tail of the fade and a moment of silence reach the recorder.
        wait_for(lambda: False, timeout=3)
    finally:
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
        recorder.terminate()
        recorder.wait(timeout=10)
    assert app.returncode == 0, err.decode()
    for word in FATAL_WORDS:
        assert word not in err.decode()
    log = (Path(app_env["RLS_COMPANION_DATA_DIR"]) / "logs" / "rls-companion.log").read_text()
    assert "speech: espeak-ng, voice " in log

    [session] = history(command, app_env)
    assert session["completed"] is True and session["interrupted"] is False
    assert session["kind"] == "bedtime"
    assert session["planned_seconds"] == 60
    assert 59 <= session["practice_seconds"] <= 61

    rec = load_s16le(recording, RATE)
    sound = trim_silence(rec)
    # The tone fades in over 3 s and fades out over the last 9 s (wind-down);
    # about 60 s of sound in all.
    assert 55.0 <= sound.duration <= 64.0, sound.duration
    assert peak_dbfs(rec) < -1.0
    assert peak_dbfs(rec) > -30.0  # it really played

    # One balanced mix: the voice at the tone's loudness, below -3 dBFS.
    mix = speech_levels(sound, breath_seconds=10.0)
    print(
        f"tone RMS {mix.tone_rms_dbfs:.1f} dBFS, speech RMS {mix.speech_rms_dbfs:.1f} dBFS,"
        f" speech peak {mix.speech_peak_dbfs:.1f} dBFS, overall peak {peak_dbfs(rec):.1f} dBFS,"
        f" {mix.spoken_seconds:.1f} s spoken"
    )
    assert mix.spoken_seconds > 6.0  # the guidance was heard
    assert abs(mix.speech_rms_dbfs - mix.tone_rms_dbfs) <= 4.0
    assert mix.speech_peak_dbfs <= -3.0
    # Clicks are judged where the tone plays alone (a voice's consonants are
    # sharp by nature, and the under-load test judges the stream itself).
    for part in mix.tone_parts:
        assert click_score(part) < CLICK_THRESHOLD

    # The breath, followed where no voice speaks (the gaps are bridged).
    steady = sound.samples[int(4 * RATE) : int(50 * RATE)]
    steady_rec = type(sound)(steady, RATE)
    envelope, env_rate = rms_envelope(steady_rec)
    envelope[mix.near_speech_at(4.0 + np.arange(len(envelope)) / env_rate)] = np.nan
    loudness_period = folded_period(envelope, env_rate, 6.0, 14.0)
    pitches, pitch_rate = pitch_track(steady_rec)
    pitches[mix.near_speech_at(4.0 + np.arange(len(pitches)) / pitch_rate)] = np.nan
    pitch_period = folded_period(pitches, pitch_rate, 6.0, 14.0)
    assert loudness_period == pytest.approx(10.0, rel=0.02)
    assert pitch_period == pytest.approx(10.0, rel=0.02)
    # The tone rises on the inhale: its pitch spans the low and high notes.
    assert np.nanmin(pitches) < 190.0 and np.nanmax(pitches) > 240.0

    # After the wind-down: silence.
    tail = rec.samples[-int(1.0 * RATE) :]
    assert np.max(np.abs(tail)) < 10 ** (-60 / 20)


def _practice_truth(session: dict[str, object], killed_at: datetime) -> float:
    started = datetime.fromisoformat(str(session["started_at"]))
    return (killed_at - started).total_seconds()


def test_kill_9_leaves_an_interrupted_record(command: list[str], app_env: dict[str, str]) -> None:
    speech(command, app_env, None)  # not what this test is about
    app = subprocess.Popen(
        [*command, "--start", "--minutes", "5"],
        env=app_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        session = newest_session(command, app_env)
        assert session is not None
        started = datetime.fromisoformat(str(session["started_at"]))
        # Run long enough for several checkpoints, then kill without warning.
        wait_for(
            lambda: (datetime.now(started.tzinfo) - started).total_seconds() > 23.3, timeout=40
        )
    finally:
        app.kill()
        app.wait(timeout=10)
    killed_at = datetime.now(started.tzinfo)
    [record] = history(command, app_env)
    truth = _practice_truth(record, killed_at)
    assert record["interrupted"] is True
    assert record["completed"] is False
    assert truth - 10.0 <= record["practice_seconds"] <= truth + 0.5


def test_sigterm_saves_the_session_as_interrupted_and_exits_0(
    command: list[str], app_env: dict[str, str]
) -> None:
    speech(command, app_env, "espeak-ng")  # its thread is running when the signal comes
    app = subprocess.Popen(
        [*command, "--start"], env=app_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
    session = newest_session(command, app_env)
    assert session is not None
    started = datetime.fromisoformat(str(session["started_at"]))
    wait_for(lambda: (datetime.now(started.tzinfo) - started).total_seconds() > 7.5, timeout=20)
    app.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _out, err = app.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert app.returncode == 0, err.decode()
    for word in FATAL_WORDS:
        assert word not in err.decode()
    [record] = history(command, app_env)
    assert record["interrupted"] is True
    assert 6.5 <= record["practice_seconds"] <= 12


def test_a_crash_in_native_code_says_where_each_thread_was(
    command: list[str], app_env: dict[str, str]
) -> None:
    """A segmentation fault (here sent from outside, as the kernel would)
    leaves the Python stacks on stderr for the bug report."""
    app = subprocess.Popen(
        [*command, "--start"], env=app_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        app.send_signal(signal.SIGSEGV)
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
    report = err.decode()
    assert app.returncode == -signal.SIGSEGV
    assert "Fatal Python error: Segmentation fault" in report
    # The main thread's stack, down to the event loop the signal interrupted.
    assert "Current thread" in report and "rls_companion/app.py" in report


def test_config_cli_validates_and_round_trips(command: list[str], app_env: dict[str, str]) -> None:
    settings = Path(app_env["RLS_COMPANION_DATA_DIR"]) / "settings.json"
    ok = cli(command, app_env, "config", "set", "session.length_minutes", "25")
    assert ok.returncode == 0
    before = settings.read_bytes()
    for key, value, words in (
        ("session.length_minutes", "61", "out of range"),
        ("breathing.breaths_per_minute", "abc", "not a number"),
    ):
        bad = cli(command, app_env, "config", "set", key, value)
        assert bad.returncode != 0
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and key in lines[0] and words in lines[0]
        assert settings.read_bytes() == before
    assert cli(command, app_env, "config", "get", "session.length_minutes").stdout == "25\n"
    assert (
        cli(command, app_env, "config", "set", "breathing.breaths_per_minute", "5.5").returncode
        == 0
    )
    assert cli(command, app_env, "config", "get", "breathing.breaths_per_minute").stdout == "5.5\n"


def _focus_window(env: dict[str, str]) -> str:
    found: list[str] = []

    def visible() -> bool:
        out = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "RLS Companion"],
            env=env,
            capture_output=True,
            text=True,
        )
        found[:] = out.stdout.split()
        return bool(found)

    assert wait_for(visible, timeout=30)
    subprocess.run(["xdotool", "windowfocus", "--sync", found[0]], env=env, check=True, timeout=10)
    return found[0]


def test_quitting_from_the_keyboard_mid_session_saves_and_exits_cleanly(
    command: list[str], app_env: dict[str, str]
) -> None:
    # A live engine, as on a desktop with speech-dispatcher: its thread is
    # stopped on the way out, silently.
    speech(command, app_env, "speechd")
    app = subprocess.Popen([*command], env=app_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _focus_window(app_env)
        subprocess.run(["xdotool", "key", "space"], env=app_env, check=True, timeout=10)
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        subprocess.run(["xdotool", "key", "ctrl+q"], env=app_env, check=True, timeout=10)
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0
    assert err.decode().strip() == ""
    [record] = history(command, app_env)
    assert record["completed"] is False and record["interrupted"] is False
