"""The morning check-in, filled in the real window with keys alone (xdotool).

The data folder is one where the check-in is due: the welcome was seen on an
earlier day, and last night has no entry. The app opens on the check-in;
the test types the times over the defaults, Tabs between the fields, picks
the answers by digit and saves with Enter, timing it from the first key to
the entry being kept (it must take under 30 s), then reads the entry back
with `rls-companion diary --json`.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import cli, wait_for
from test_session_e2e import _focus_window

pytestmark = pytest.mark.e2e

BUDGET_SECONDS = 30.0


def _type(env: dict[str, str], text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "20", text], env=env, check=True, timeout=10)


def _key(env: dict[str, str], *keys: str) -> None:
    subprocess.run(["xdotool", "key", *keys], env=env, check=True, timeout=10)


def _diary(command: list[str], env: dict[str, str]) -> list[dict[str, Any]]:
    done = cli(command, env, "diary", "--json")
    assert done.returncode == 0, done.stderr
    entries: list[dict[str, Any]] = json.loads(done.stdout)["diary"]
    return entries


def test_morning_check_in_filled_with_keys_alone(
    command: list[str], app_env: dict[str, str], data_dir: Path
) -> None:
    env = {**app_env, "TZ": "UTC"}  # times read back with a known offset
    for key, value in {"audio.backend": "none", "speech.enabled": "false"}.items():
        done = cli(command, env, "config", "set", key, value)
        assert done.returncode == 0, done.stderr
    # A rollover hour well away from now, so the night cannot change mid-test.
    now = datetime.now(UTC)
    rollover = 0 if 2 <= now.hour <= 21 else 12
    done = cli(command, env, "config", "set", "streak.rollover_hour", str(rollover))
    assert done.returncode == 0, done.stderr
    # The night that ended at the last rollover, worked out here by hand.
    night = (now - timedelta(hours=rollover)).date() - timedelta(days=1)
    morning = night + timedelta(days=1)
    (data_dir / "welcomed").write_bytes(b"")  # not the first launch

    app = subprocess.Popen([*command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _focus_window(env)
        # The check-in page has the focus in its first field once it shows;
        # an empty diary before the first key means nothing was kept early.
        assert _diary(command, env) == []
        started = time.monotonic()
        for value in ("23:10", "23:25", "30", "2", "25", "06:40", "07:05", "4", "2"):
            _type(env, value)
            _key(env, "Tab")
        _type(env, "slept on and off")
        _key(env, "Return")
        assert wait_for(lambda: bool(_diary(command, env)), timeout=BUDGET_SECONDS)
        elapsed = time.monotonic() - started
        print(f"check-in filled and kept in {elapsed:.1f} s (budget {BUDGET_SECONDS:.0f} s)")
        assert elapsed < BUDGET_SECONDS
        _key(env, "ctrl+q")
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, err.decode()

    [entry] = _diary(command, env)
    assert entry["night"] == night.isoformat()
    assert entry["in_bed_at"] == f"{night.isoformat()}T23:10:00+00:00"
    assert entry["tried_to_sleep_at"] == f"{night.isoformat()}T23:25:00+00:00"
    assert entry["final_waking_at"] == f"{morning.isoformat()}T06:40:00+00:00"
    assert entry["out_of_bed_at"] == f"{morning.isoformat()}T07:05:00+00:00"
    assert entry["minutes_to_sleep"] == 30
    assert entry["awakenings"] == 2
    assert entry["minutes_awake"] == 25
    assert entry["quality"] == 4
    assert entry["legs_disturbed"] == "a_little"
    assert entry["note"] == "slept on and off"
    # By hand: 23:25 to 06:40 is 7 h 15 min = 435 min, less 30 to fall asleep
    # and 25 awake = 380 min asleep. In bed 23:10 to 07:05 = 7 h 55 min = 475
    # min; 380 / 475 = 0.8, an efficiency of 80.0 %.
    assert entry["time_in_bed_minutes"] == 475
    assert entry["total_sleep_minutes"] == 380
    assert entry["sleep_efficiency"] == 80.0
    # Offered once: the marker names the night, so the next start asks nothing.
    assert (data_dir / "checkin-offered").read_text().strip() == night.isoformat()
