"""Test set-up shared by every test.

Qt runs offscreen, every test gets its own data folder (nothing touches the
real user folders), and Qt Multimedia's start-up chatter about optional
libraries is silenced the same way the app silences it.
"""

from __future__ import annotations

import os
import sys
import time as systime
from collections.abc import Iterator
from pathlib import Path

import pytest
from built_wheel import build_wheel

sys.path.insert(0, str(Path(__file__).parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_LOGGING_RULES"] = "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false"
# In-process tests never reach a real sound server: they see a machine with
# no output device. End-to-end tests give the app its own server.
os.environ["PULSE_SERVER"] = "unix:/nonexistent/rls-companion-test"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("RLS_COMPANION_DATA_DIR", str(folder))
    # platformdirs must never be consulted in tests; point HOME somewhere harmless.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    yield folder


@pytest.fixture
def new_york_computer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own time zone (local time, as the reminder reads it) is New York."""
    if not hasattr(systime, "tzset") or sys.platform == "win32":
        pytest.skip("the time zone of the process can be changed only on Unix")
    monkeypatch.setenv("TZ", "America/New_York")
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel .` builds, once per test run."""
    return build_wheel(tmp_path_factory.mktemp("built"))
