"""`rls-companion doctor`, run in-process on a machine without a sound server.

(The tests' environment points PulseAudio at a socket that does not exist;
the end-to-end tests run the doctor against a real server.)
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rls_companion import cli
from rls_companion.storage.db import SCHEMA_VERSION, open_database


def _doctor(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = cli.main(["--data-dir", str(data_dir), "doctor"])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def _line(lines: list[str], subject: str) -> str:
    [line] = [line for line in lines if f" {subject}:" in line]
    return line


def _add_sessions(path: Path, count: int) -> None:
    db = open_database(path).connection
    for n in range(count):
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds,"
            " practice_seconds, state) VALUES (?, '2026-01-01T22:00:00', 0, 'bedtime', 600,"
            " 600, 'completed')",
            (f"s{n}",),
        )
    db.close()


def test_a_fresh_machine_is_reported_plainly_and_nothing_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "fresh"
    code, lines, err = _doctor(data, capsys)
    assert code == 0
    assert err == ""  # no Qt or ALSA chatter on the terminal
    assert _line(lines, "Qt Multimedia").split()[:2] == ["NOT", "AVAILABLE"]
    assert "no output device" in _line(lines, "Qt Multimedia")
    simple = _line(lines, "simpleaudio")
    assert simple.startswith("  NOT AVAILABLE") or simple.startswith("  OK")
    assert "not created yet" in _line(lines, "database")
    assert "all defaults" in _line(lines, "settings")
    assert not data.exists()  # the doctor changes nothing


def test_a_healthy_history_shows_its_schema_and_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _add_sessions(data / "history.sqlite3", 3)
    code, lines, _err = _doctor(data, capsys)
    assert code == 0
    line = _line(lines, "database")
    assert line.startswith("  OK")
    assert f"schema {SCHEMA_VERSION}, integrity ok, 3 sessions" in line
    assert _line(lines, "data and config folder").startswith("  OK")
    assert "0700" in _line(lines, "data and config folder")


def test_a_corrupt_history_is_a_problem_and_left_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    path = data / "history.sqlite3"
    _add_sessions(path, 2)
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = int(db.execute("PRAGMA page_size").fetchone()[0])
    root = int(
        db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sessions'").fetchone()[0]
    )
    db.close()
    raw = bytearray(path.read_bytes())
    raw[(root - 1) * page : (root - 1) * page + 64] = b"\xab" * 64
    path.write_bytes(bytes(raw))
    before = sorted(p.name for p in data.iterdir() if not p.name.startswith("history.sqlite3-"))
    code, lines, _err = _doctor(data, capsys)
    assert code == 1
    line = _line(lines, "database")
    assert line.startswith("  PROBLEM") and "malformed" in line
    after = sorted(p.name for p in data.iterdir() if not p.name.startswith("history.sqlite3-"))
    assert after == before  # not moved aside, not repaired: only looked at


def test_a_history_from_a_newer_version_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    db = sqlite3.connect(data / "history.sqlite3")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    code, lines, _err = _doctor(data, capsys)
    assert code == 1
    assert "newer version" in _line(lines, "database")


def test_settings_that_fell_back_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    settings = {
        "audio": {"volume": 300, "backend": "simpleaudio"},
        "session": {"length_minutes": 20},
    }
    (data / "settings.json").write_text(json.dumps(settings))
    code, lines, _err = _doctor(data, capsys)
    assert code == 0  # a bad setting falls back; the history is fine
    line = _line(lines, "settings")
    assert line.startswith("  PROBLEM")
    assert "audio.volume" in line and "using the default 60" in line
    assert "audio.backend" not in line and "length_minutes" not in line
    assert "simpleaudio:" in _line(lines, "audio.backend")


def test_a_folder_others_can_read_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    code, lines, _err = _doctor(data, capsys)
    assert code == 0
    line = _line(lines, "data and config folder")
    assert line.startswith("  PROBLEM") and "0755" in line and "chmod 700" in line


def test_speech_engines_are_listed_without_the_test_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, lines, _err = _doctor(tmp_path / "data", capsys)
    speech = lines[lines.index("Speech") + 1 : lines.index("Files") - 1]
    assert speech  # at least the conclusion about speech.enabled
    assert not any("engine mock" in line for line in speech)
    assert any("speech.enabled" in line or "engine " in line for line in speech)


NOWHERE = "unix:path=/nonexistent/rls-companion-test-bus"


def test_keeping_awake_is_not_available_without_d_bus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", NOWHERE)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", NOWHERE)
    _code, lines, err = _doctor(tmp_path / "data", capsys)
    assert err == ""
    assert _line(lines, "keep awake") == (
        "  NOT AVAILABLE  keep awake: no D-Bus session or system bus; "
        "the computer may suspend on idle during a session"
    )


@pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon")
def test_keeping_awake_names_the_power_manager_that_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A private session bus with the stand-in power manager of the
    # sleep-inhibitor tests; no system bus.
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    stand_in = None
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", NOWHERE)
        script = Path(__file__).parent / "ui" / "test_sleep_inhibitor.py"
        stand_in = subprocess.Popen(
            [sys.executable, str(script), "power-manager"],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        assert stand_in.stdout is not None
        assert stand_in.stdout.readline().strip() == "ready"
        _code, lines, _err = _doctor(tmp_path / "data", capsys)
        assert _line(lines, "keep awake") == (
            "  OK             keep awake: a session holds off idle suspend through "
            "the power manager; the screen may still blank"
        )
    finally:
        for process in (stand_in, bus):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
                if process.stdout is not None:
                    process.stdout.close()
