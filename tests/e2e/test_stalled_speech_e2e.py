"""A speech engine that never answers must not hold up the window.

Two stand-ins, each the real engine made to stall where it reads or talks:
- espeak-ng (the mixed engine) with its phoneme table replaced by a named pipe
  that nobody writes: libespeak-ng blocks opening it, forever;
- speech-dispatcher (a live engine, `speech.engine speechd`) at an address
  where a socket accepts the connection and never replies.
Either way the window shows and paints, the captions carry the guidance, and
SIGTERM saves the session and ends the app at once (the sound's fade aside).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from helpers import cli, history, wait_for
from test_session_e2e import FATAL_WORDS

pytestmark = pytest.mark.e2e

WINDOW_SECONDS = 10.0  # visible and painted within this, though the engine never answers
SIGNAL_SECONDS = 1.0  # from SIGTERM to the app acting on it
EXIT_SECONDS = 3.0  # from SIGTERM to exit: the sound fades out over about a second


def _espeak_data() -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (packaging/system-deps.sh)")
    version = subprocess.run(
        ["espeak-ng", "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Data at: (\S+)", version)
    assert match, version
    return Path(match.group(1))


@pytest.fixture
def stalled_espeak(tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "espeak" / "espeak-ng-data"
    data.mkdir(parents=True)
    for item in _espeak_data().iterdir():
        (data / item.name).symlink_to(item)
    (data / "phontab").unlink()
    os.mkfifo(data / "phontab")  # opening it blocks until a writer comes: never
    return {"ESPEAK_DATA_PATH": str(data.parent)}


@pytest.fixture
def silent_speechd(tmp_path: Path) -> Iterator[dict[str, str]]:
    path = tmp_path / "speechd.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(8)  # connections are accepted by the kernel and never answered
    try:
        yield {"SPEECHD_ADDRESS": f"unix_socket:{path}"}
    finally:
        server.close()


def _visible_window(env: dict[str, str]) -> str | None:
    out = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^RLS Companion$"],
        env=env,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()[0] if out.stdout.split() else None


def _colours(env: dict[str, str], window: str, path: Path) -> int:
    subprocess.run(["import", "-window", window, str(path)], env=env, check=True, timeout=20)
    out = subprocess.run(
        ["identify", "-format", "%k", str(path)], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.mark.parametrize("engine", ["espeak-ng", "speechd"])
def test_a_stalled_speech_engine_never_holds_up_the_window(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    command: list[str],
    app_env: dict[str, str],
    engine: str,
) -> None:
    """Speech: the engine named, made to stall."""
    stand_in = "stalled_espeak" if engine == "espeak-ng" else "silent_speechd"
    env = {**app_env, **request.getfixturevalue(stand_in)}
    for key, value in {"speech.enabled": "true", "speech.engine": engine}.items():
        assert cli(command, env, "config", "set", key, value).returncode == 0
    launched = time.monotonic()
    app = subprocess.Popen(
        [*command, "--start", "--minutes", "5"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        found: list[str] = []
        assert wait_for(
            lambda: bool(found.append(w) or True) if (w := _visible_window(env)) else False,
            timeout=WINDOW_SECONDS,
            interval=0.05,
        )
        shown = time.monotonic() - launched
        assert wait_for(lambda: bool(history(command, env)), timeout=WINDOW_SECONDS)
        # It paints: the session screen, not a blank or black rectangle.
        shot = tmp_path / "window.png"
        assert wait_for(lambda: _colours(env, found[0], shot) > 50, timeout=WINDOW_SECONDS)
        painted = time.monotonic() - launched
        sent = datetime.now().astimezone()
        sent_at = time.monotonic()
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
        exited = time.monotonic() - sent_at
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    log = (Path(env["RLS_COMPANION_DATA_DIR"]) / "logs" / "rls-companion.log").read_text()
    acted = re.search(r"^(\S+ \S+) INFO rls_companion\.app: signal 15", log, re.MULTILINE)
    assert acted, log
    handled = (
        datetime.strptime(acted.group(1), "%Y-%m-%d %H:%M:%S,%f").astimezone() - sent
    ).total_seconds()
    print(
        f"{engine} stalled: window visible after {shown:.2f} s, painted by {painted:.2f} s;"
        f" SIGTERM handled after {handled:.2f} s, exit after {exited:.2f} s"
    )
    assert app.returncode == 0, err.decode()
    for word in FATAL_WORDS:
        assert word not in err.decode()
    assert handled < SIGNAL_SECONDS
    assert exited < EXIT_SECONDS
    assert painted < WINDOW_SECONDS
    assert f"speech: {engine}" not in log  # it never answered: captions only
    [record] = history(command, env)
    assert record["interrupted"] is True
