"""What the sound tests share: a private PulseAudio server with a null sink."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot


@pytest.fixture
def sound_server(qtbot: QtBot, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private PulseAudio server with one null sink: the environment to reach it."""
    daemon = shutil.which("pulseaudio")
    if daemon is None or shutil.which("pactl") is None:
        pytest.fail(
            "PulseAudio is not installed; run 'make test' (it installs the system packages)"
        )
    runtime = tmp_path / "pulse"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "PULSE_SINK")}
    env.update({"XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)})
    server = subprocess.Popen(
        [
            daemon,
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            "--disallow-exit",
            "--load=module-null-sink sink_name=rls_qt_sink rate=44100",
            "--load=module-native-protocol-unix",
            "--log-target=stderr",
            "--log-level=error",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def ready() -> bool:
            return subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0

        qtbot.waitUntil(ready, timeout=20000)
        yield {**env, "QT_QPA_PLATFORM": "offscreen"}
    finally:
        server.terminate()
        server.wait(timeout=10)
