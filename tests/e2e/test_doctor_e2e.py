"""`rls-companion doctor` as installed, with and without a sound server."""

from __future__ import annotations

import importlib.util

import pytest
from helpers import cli

pytestmark = pytest.mark.e2e


def _verdicts(out: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in out.splitlines():
        for verdict in ("OK", "NOT AVAILABLE", "PROBLEM"):
            if line.startswith(f"  {verdict} "):
                found[line[len(verdict) + 2 :].strip().split(":")[0]] = verdict
    return found


def test_doctor_finds_the_sound_server_outputs(command: list[str], app_env: dict[str, str]) -> None:
    done = cli(command, app_env, "doctor")
    assert done.returncode == 0
    assert done.stderr == ""
    verdicts = _verdicts(done.stdout)
    assert verdicts["Qt Multimedia"] == "OK"
    assert "default output: Null Output" in done.stdout
    if importlib.util.find_spec("simpleaudio") is not None:
        assert verdicts["simpleaudio"] == "OK"
        assert "played 50 ms of silence" in done.stdout
    assert verdicts["audio.backend"] == "OK"


def test_doctor_without_a_sound_server_still_exits_0(
    command: list[str], app_env: dict[str, str]
) -> None:
    env = {**app_env, "PULSE_SERVER": "unix:/nonexistent/rls-companion-doctor"}
    done = cli(command, env, "doctor")
    assert done.returncode == 0
    assert done.stderr == ""
    verdicts = _verdicts(done.stdout)
    assert verdicts["Qt Multimedia"] == "NOT AVAILABLE"
    assert verdicts["simpleaudio"] == "NOT AVAILABLE"
    assert verdicts["audio.backend"] == "NOT AVAILABLE"
    assert "sessions run silently" in done.stdout
