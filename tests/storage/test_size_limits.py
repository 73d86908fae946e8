"""Files of any size: a huge settings file or value, and the log, stay small
where they are shown and user-only where they are kept."""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from rls_companion import cli
from rls_companion.context import MAX_LOG_LINE, setup_logging
from rls_companion.paths import resolve
from rls_companion.storage.settings_file import MAX_FILE_BYTES, SettingsFile

HUGE = "x" * 5_000_000


def _settings(data_dir: Path, text: str) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "settings.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_long_value_is_quoted_in_a_short_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    _settings(data_dir, json.dumps({"appearance": {"theme": "x" * 60_000}}))
    assert cli.main(["config", "get", "appearance.theme"]) == 0
    assert capsys.readouterr().out == "night\n"  # the default stands in
    [warning] = caplog.messages
    assert warning == (
        "settings: appearance.theme: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… is not one of "
        "night | dark | light | system; using the default night"
    ), warning


def test_a_bad_file_is_kept_once_however_often_it_is_read(data_dir: Path) -> None:
    path = _settings(data_dir, json.dumps({"appearance": {"theme": HUGE}}))
    for _ in range(3):
        SettingsFile(path)
    backups = list(data_dir.glob("settings.json.bad-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == path.read_bytes()


def test_a_file_larger_than_settings_can_be_is_refused_unread(data_dir: Path) -> None:
    text = json.dumps({"audio": {"volume": 35}, "padding": "y" * MAX_FILE_BYTES})
    path = _settings(data_dir, text)
    settings = SettingsFile(path)
    assert settings.get("audio.volume") == 60  # the default, not the 35 inside
    [problem] = settings.problems
    assert problem == "settings.json could not be read (it is larger than 64 KiB); using defaults"


@pytest.fixture
def logs(data_dir: Path) -> Iterator[Path]:
    paths = resolve()
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(paths)
    yield paths.log_file
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


def test_log_files_are_user_only_rotated_ones_too(logs: Path) -> None:
    # Three quarters of a megabyte of lines: the file rotates at 512 KiB.
    for i in range(1500):
        logging.getLogger("test").info("line %d %s", i, "z" * 500)
    files = sorted(logs.parent.glob("rls-companion.log*"))
    assert [f.name for f in files] == ["rls-companion.log", "rls-companion.log.1"]
    assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600, 0o600]


def test_a_huge_log_message_is_cut(logs: Path) -> None:
    logging.getLogger("test").warning("value %s", HUGE)
    text = logs.read_text(encoding="utf-8")
    assert len(text) < MAX_LOG_LINE + 200
    assert text.rstrip().endswith("more characters)")
