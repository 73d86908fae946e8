"""Started where no display can be reached (over ssh, say), the app says why
on the terminal, not only in its log file, and leaves no history behind."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_without_a_display_the_terminal_is_told_why(command: list[str], data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    # A display number no X server listens on.
    env.update(
        {"DISPLAY": ":987", "QT_QPA_PLATFORM": "xcb", "RLS_COMPANION_DATA_DIR": str(data_dir)}
    )
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = done.stderr.splitlines()
    assert "rls-companion: could not connect to display :987" in lines
    assert any("no Qt platform plugin could be initialized" in line for line in lines)
    log = (data_dir / "logs" / "rls-companion.log").read_text(encoding="utf-8")
    assert "could not connect to display :987" in log
    assert not (data_dir / "history.sqlite3").exists()
