"""ServerLatency asks a real PulseAudio server what it holds of a stream.

A `pacat` child plays into the private server's null sink; its stream's
figures, read by ServerLatency, are compared with what `pactl` prints for
the same stream at the same moments.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from rls_companion.audio.pulse_latency import ServerLatency

ASKED_MS = 300
ROUNDS = 12


@pytest.fixture
def server_env(sound_server: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This process reaches the private server too (libpulse reads the environment)."""
    for key in ("XDG_RUNTIME_DIR", "HOME"):
        monkeypatch.setenv(key, sound_server[key])
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    return sound_server


@pytest.fixture
def player(server_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    pacat = shutil.which("pacat")
    assert pacat is not None, "pacat (pulseaudio-utils) is not installed; run 'make test'"
    proc = subprocess.Popen(
        [pacat, f"--latency-msec={ASKED_MS}", "--raw", "/dev/zero"],
        env=server_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _ask(qtbot: QtBot, latency: ServerLatency) -> None:
    """Ask (once connected) and wait for the answer."""
    before = latency.rounds
    qtbot.waitUntil(latency.ask, timeout=5000)
    qtbot.waitUntil(lambda: latency.rounds > before, timeout=5000)


def _pactl_held(env: dict[str, str], pid: int) -> float | None:
    """Buffer plus sink latency of `pid`'s stream, as pactl prints them."""
    text = subprocess.run(
        ["pactl", "list", "sink-inputs"], env=env, capture_output=True, text=True
    ).stdout
    for block in text.split("Sink Input #")[1:]:
        if f'application.process.id = "{pid}"' in block:
            found = re.findall(r"(?:Buffer|Sink) Latency: ([0-9.]+) usec", block)
            return sum(float(usec) for usec in found) / 1e6
    return None


def test_it_reads_what_the_server_holds_of_a_stream(
    qtbot: QtBot, server_env: dict[str, str], player: subprocess.Popen[bytes]
) -> None:
    qtbot.waitUntil(lambda: _pactl_held(server_env, player.pid) is not None, timeout=10000)
    latency = ServerLatency(pid=player.pid)
    assert latency.open()
    try:
        theirs: list[float] = []
        for _ in range(ROUNDS):
            _ask(qtbot, latency)
            held = _pactl_held(server_env, player.pid)
            assert held is not None
            theirs.append(held)
        ours = latency.mean()
    finally:
        latency.close()
    assert ours is not None
    pactl_mean = sum(theirs) / len(theirs)
    print(f"ServerLatency {ours * 1000:.1f} ms, pactl {pactl_mean * 1000:.1f} ms")
    # The same stream, the same server: the two agree within a server request.
    assert abs(ours - pactl_mean) <= 0.05
    assert ours > 0.02  # a stream that plays holds something


def test_another_process_streams_are_not_counted(
    qtbot: QtBot, server_env: dict[str, str], player: subprocess.Popen[bytes]
) -> None:
    qtbot.waitUntil(lambda: _pactl_held(server_env, player.pid) is not None, timeout=10000)
    latency = ServerLatency()  # this process: it plays nothing
    assert latency.open()
    try:
        for _ in range(3):
            _ask(qtbot, latency)
        assert latency.mean() is None
    finally:
        latency.close()


def test_without_a_server_it_says_nothing_and_closes(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-such-server")
    latency = ServerLatency()
    if latency.open():  # libpulse may refuse at once, or find out on its own thread
        qtbot.waitUntil(lambda: latency.failed, timeout=10000)
        assert not latency.ask()
    assert latency.mean() is None
    latency.close()
    assert latency.failed
