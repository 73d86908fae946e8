"""The urge timer through the real window: keys sent with xdotool."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest
from helpers import history, launch_session, newest_session, speech, wait_for
from test_session_e2e import _focus_window

pytestmark = pytest.mark.e2e


def _key(env: dict[str, str], *keys: str) -> None:
    subprocess.run(["xdotool", "key", *keys], env=env, check=True, timeout=10)


def _urges(command: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    sessions = history(command, env)
    return list(sessions[0]["urges"]) if sessions else []


def test_urges_marked_with_keys_are_recorded(command: list[str], app_env: dict[str, str]) -> None:
    speech(command, app_env, None)  # keys and records only
    set_target = subprocess.run(
        [*command, "config", "set", "urge.start_target_seconds", "5"],
        env=app_env,
        capture_output=True,
        timeout=30,
    )
    assert set_target.returncode == 0
    app = launch_session(command, app_env, 5)
    try:
        _focus_window(app_env)
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        _key(app_env, "u")
        assert wait_for(lambda: len(_urges(command, app_env)) == 1, timeout=10)
        first_marked = datetime.now().astimezone()
        _key(app_env, "7")
        # Move well before the 5 s target.
        wait_for(
            lambda: (datetime.now().astimezone() - first_marked).total_seconds() > 1.5, timeout=5
        )
        _key(app_env, "m")
        assert wait_for(lambda: _urges(command, app_env)[0]["held_seconds"] > 0, timeout=10)
        _key(app_env, "u")
        assert wait_for(lambda: len(_urges(command, app_env)) == 2, timeout=10)
        assert wait_for(lambda: _urges(command, app_env)[1]["outcome"] == "held", timeout=15)
        _key(app_env, "Escape")
        assert wait_for(
            lambda: history(command, app_env)[0]["completed"] is False and app.poll() is None,
            timeout=10,
        )
        _key(app_env, "ctrl+q")
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, err.decode()
    first, second = _urges(command, app_env)
    assert first["outcome"] == "moved" and first["intensity"] == 7
    assert first["target_seconds"] == 5
    assert 1.0 <= float(first["held_seconds"]) < 5.0
    assert second["outcome"] == "held" and second["held_seconds"] == 5.0
    assert second["intensity"] is None
