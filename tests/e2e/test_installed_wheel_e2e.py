"""The app installed from its wheel into a fresh virtual environment, not
editable, runs a session with all of its guidance, as a pip user gets it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cli, launch_session, newest_session, speech, wait_for
from test_session_e2e import _focus_window

from rls_companion.resources import APP_ID

pytestmark = pytest.mark.e2e

GUIDED_STAGES = ("body_scan", "rest", "wind_down")


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return [str(venv / "bin" / "rls-companion")]


def _log(data_dir: Path) -> str:
    path = data_dir / "logs" / "rls-companion.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_the_installed_wheel_runs_a_session_with_every_guidance_stage(
    installed: list[str], app_env: dict[str, str], data_dir: Path
) -> None:
    where = subprocess.run(
        [
            str(Path(installed[0]).with_name("python")),
            "-c",
            "import rls_companion; print(rls_companion.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=data_dir.parent,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert "site-packages" in where.stdout  # the installed copy, not the checkout
    doctor = cli(installed, app_env, "doctor")
    assert doctor.returncode == 0, doctor.stdout
    for stage in ("body_scan", "somatic_awareness", "wind_down"):
        assert f"OK             guidance {stage}:" in doctor.stdout
    assert "PROBLEM" not in doctor.stdout.split("App files")[1]

    # Speech: espeak-ng, mixed, where the set-up installed it: the installed
    # copy finds the library and speaks the first words of the body scan.
    speech(installed, app_env, "espeak-ng")
    app = launch_session(installed, app_env, 1)
    try:
        assert wait_for(
            lambda: all(f"guidance for {s} loaded" in _log(data_dir) for s in GUIDED_STAGES),
            timeout=60,
        ), _log(data_dir)
        if "OK             engine espeak-ng: reads the guidance" in doctor.stdout:
            assert wait_for(lambda: "s of voice" in _log(data_dir), timeout=40), _log(data_dir)
        assert wait_for(lambda: newest_session(installed, app_env) is not None, timeout=30)
        window = _focus_window(app_env)
        props = subprocess.run(
            ["xprop", "-id", window, "_NET_WM_ICON", "_KDE_NET_WM_DESKTOP_FILE", "WM_CLASS"],
            env=app_env,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    finally:
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
    log = _log(data_dir)
    assert app.returncode == 0, err.decode()
    assert "unavailable" not in log
    assert "cannot read" not in log
    # The window carries the app's icon and names its launcher, so the
    # desktop shows the right icon and groups it with its menu entry.
    sizes = re.findall(r"Icon \((\d+) x \1\)", props)
    assert "16" in sizes and len(sizes) >= 2, sizes
    assert f'_KDE_NET_WM_DESKTOP_FILE(UTF8_STRING) = "{APP_ID}"' in props
    assert 'WM_CLASS(STRING) = "rls-companion", "rls-companion"' in props
    session = newest_session(installed, app_env)
    assert session is not None and session["kind"] == "bedtime"
    assert session["planned_seconds"] == 60
