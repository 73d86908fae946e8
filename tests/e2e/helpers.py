"""Small helpers for driving the real app from tests."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        pause.wait(interval)


def history(command: list[str], env: dict[str, str]) -> list[dict[str, Any]]:
    out = subprocess.run(
        [*command, "history", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    result: list[dict[str, Any]] = json.loads(out.stdout)
    return result


def cli(command: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=30)


def launch_session(
    command: list[str], env: dict[str, str], minutes: float
) -> subprocess.Popen[bytes]:
    """The app, started with a session of `minutes` (its output kept for the checks)."""
    return subprocess.Popen(
        [*command, "--start", "--minutes", f"{minutes:g}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def newest_session(command: list[str], env: dict[str, str]) -> dict[str, Any] | None:
    """The newest session in the history, once there is one."""
    sessions = history(command, env)
    return sessions[0] if sessions else None


def sink_backends() -> list[object]:
    """The sound outputs to run a test on: simpleaudio only when its extra is installed."""
    missing = importlib.util.find_spec("simpleaudio") is None
    return [
        "qt",
        pytest.param(
            "simpleaudio",
            marks=pytest.mark.skipif(missing, reason="the simpleaudio extra is not installed"),
        ),
    ]


def speech(command: list[str], env: dict[str, str], engine: str | None) -> None:
    """Say which speech a test runs with: an engine's name, or None for none
    (captions and chimes)."""
    settings = (
        {"speech.enabled": "false"}
        if engine is None
        else {
            "speech.enabled": "true",
            "speech.engine": engine,
        }
    )
    for key, value in settings.items():
        done = cli(command, env, "config", "set", key, value)
        assert done.returncode == 0, done.stderr
