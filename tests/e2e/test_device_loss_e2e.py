"""The sound output disappears in the middle of a session.

A PulseAudio null sink stands in for the device and is unloaded with pactl
while the installed app plays into it. The session must go on: on another
output when one is left, silently (saying so) when none is, and with sound
again once an output appears. Each restart of the sound fades in.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from audio_analysis import (
    CLICK_THRESHOLD,
    Recording,
    click_score,
    load_s16le,
    peak_dbfs,
    pitch_track,
    trim_silence,
)
from conftest import Pulse, pulse_server
from helpers import cli, history, launch_session, newest_session, sink_backends, wait_for
from test_session_e2e import FATAL_WORDS, RATE, _record

pytestmark = pytest.mark.e2e

GONE = "rls_gone"
NOTICE = "The session goes on silently"


def _module_of(pulse: Pulse, sink: str) -> str:
    for line in pulse.pactl("list", "short", "modules").splitlines():
        if f"sink_name={sink}" in line:
            return line.split()[0]
    raise AssertionError(f"no module for sink {sink}")


def _log(env: dict[str, str]) -> str:
    path = Path(env["RLS_COMPANION_DATA_DIR"]) / "logs" / "rls-companion.log"
    return path.read_text() if path.exists() else ""


def _seconds_since_start(command: list[str], env: dict[str, str]) -> float:
    session = newest_session(command, env)
    assert session is not None
    started = datetime.fromisoformat(str(session["started_at"]))
    return (datetime.now(started.tzinfo) - started).total_seconds()


def _sleep(seconds: float) -> None:
    wait_for(lambda: False, timeout=seconds)


def _configure(command: list[str], env: dict[str, str], backend: str) -> None:
    for key, value in {"audio.backend": backend, "speech.enabled": "false"}.items():
        assert cli(command, env, "config", "set", key, value).returncode == 0


def _close(app: subprocess.Popen[bytes]) -> str:
    """Ask the app to quit (as a logout would) and return what it printed."""
    if app.poll() is None:
        app.send_signal(signal.SIGTERM)
    _out, err = app.communicate(timeout=30)
    return err.decode()


def _assert_clean_exit(app: subprocess.Popen[bytes], errors: str) -> None:
    assert app.returncode == 0, errors
    for word in FATAL_WORDS:
        assert word not in errors


@contextmanager
def _kept_running(pulse: Pulse, sink: str) -> Iterator[None]:
    """Keep a silent stream playing into `sink`, as a sound card runs.

    An idle null sink renders ahead in blocks of up to 2 s; a stream that
    starts on it is mixed in by rewinding, and its first moments never reach
    the monitor (measured: 10-80 ms). A running sink records what was played.
    """
    keeper = subprocess.Popen(
        [
            "pacat",
            "--raw",
            "--format=s16le",
            "--channels=1",
            "--rate=44100",
            "--latency-msec=20",
            "-d",
            sink,
            "/dev/zero",
        ],
        env={**pulse.env(), "PATH": "/usr/bin:/bin"},
    )
    try:
        yield
    finally:
        keeper.terminate()
        keeper.wait(timeout=10)


def _assert_breath_tone(path: Path, at_least_seconds: float, *, onset_judged: bool) -> None:
    """The recording holds the breath tone, without clicks.

    Unless `onset_judged`, the first 0.3 s are not judged for clicks: a stream
    the sound server moves to another output arrives there mid-note, which
    the app can neither see coming nor soften.
    """
    rec = load_s16le(path, RATE)
    sound = trim_silence(rec)
    assert sound.duration >= at_least_seconds, sound.duration
    assert peak_dbfs(rec) < -1.0
    judged = sound if onset_judged else Recording(sound.samples[int(0.3 * RATE) :], RATE)
    assert click_score(judged) < CLICK_THRESHOLD
    pitches, _rate = pitch_track(sound, min_hz=120.0, max_hz=400.0)
    assert 165.0 < float(pitches[len(pitches) // 2]) < 275.0  # the breath tone


@pytest.fixture
def gone_sink(pulse: Pulse) -> Iterator[str]:
    """A second null sink, made the default; the shared one is restored after."""
    pulse.pactl("load-module", "module-null-sink", f"sink_name={GONE}", "rate=44100")
    pulse.pactl("set-default-sink", GONE)
    try:
        yield GONE
    finally:
        for line in pulse.pactl("list", "short", "modules").splitlines():
            if f"sink_name={GONE}" in line:
                pulse.pactl("unload-module", line.split()[0])
        pulse.pactl("set-default-sink", pulse.sink)


@pytest.mark.parametrize("backend", sink_backends())
def test_sound_moves_to_the_output_that_is_left(
    backend: str,
    tmp_path: Path,
    command: list[str],
    app_env: dict[str, str],
    pulse: Pulse,
    gone_sink: str,
) -> None:
    _configure(command, app_env, backend)
    env = {**app_env, "PULSE_SINK": gone_sink}
    survivor = tmp_path / "survivor.raw"
    with _kept_running(pulse, pulse.sink):
        recorder = _record(pulse, survivor)
        app = launch_session(command, env, 5)
        try:
            assert wait_for(lambda: newest_session(command, env) is not None, timeout=30)
            _sleep(6)
            pulse.pactl("unload-module", _module_of(pulse, gone_sink))
            lost_at = _seconds_since_start(command, env)
            _sleep(10)
            ran_for = _seconds_since_start(command, env)
        finally:
            errors = _close(app)
            _sleep(3)  # the null sink's monitor lags by up to 2 s
            recorder.terminate()
            recorder.wait(timeout=10)
    _assert_clean_exit(app, errors)
    [record] = history(command, env)
    assert record["interrupted"] is True
    assert ran_for - 2.0 <= record["practice_seconds"] <= ran_for + 2.0
    assert record["practice_seconds"] > lost_at + 8.0  # the session went on
    # Within a few seconds the sound plays on the sink that is left.
    _assert_breath_tone(survivor, at_least_seconds=5.0, onset_judged=False)


@pytest.mark.parametrize("backend", sink_backends())
def test_without_any_output_the_session_goes_on_and_sound_comes_back(
    backend: str,
    tmp_path: Path,
    command: list[str],
    app_env: dict[str, str],
) -> None:
    runtime = tmp_path / "pulse"
    runtime.mkdir()
    with pulse_server(runtime, "rls_only") as only:
        _configure(command, app_env, backend)
        # The server's default output, whatever it is (as for a user):
        # PULSE_SINK would tie ALSA's stream to the sink that goes away.
        env = {**app_env, **only.env()}
        del env["PULSE_SINK"]
        app = launch_session(command, env, 5)
        try:
            assert wait_for(lambda: newest_session(command, env) is not None, timeout=30)
            assert wait_for(lambda: "streaming" in _log(env), timeout=10)
            _sleep(4)
            only.pactl("unload-module", _module_of(only, "rls_only"))
            # Silence, and the window says so; the session keeps running.
            assert wait_for(lambda: NOTICE in _log(env), timeout=15)
            assert app.poll() is None
            only.pactl("load-module", "module-null-sink", "sink_name=rls_new", "rate=44100")
            new = Pulse(only.runtime_dir, "rls_new")
            back = tmp_path / "back.raw"
            with _kept_running(new, new.sink):
                recorder = _record(new, back)
                try:
                    # Qt notices the new output at once; simpleaudio retries every 5 s.
                    _sleep(12)
                    ran_for = _seconds_since_start(command, env)
                finally:
                    errors = _close(app)
                    _sleep(3)
                    recorder.terminate()
                    recorder.wait(timeout=10)
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
    _assert_clean_exit(app, errors)
    [record] = history(command, app_env)
    assert record["interrupted"] is True
    assert ran_for - 2.0 <= record["practice_seconds"] <= ran_for + 2.0
    # The app restarted the sound itself: it fades in.
    _assert_breath_tone(back, at_least_seconds=4.0, onset_judged=True)
