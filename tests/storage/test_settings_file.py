"""The settings file: defaults, round trips, privacy and recovery from bad files."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from rls_companion.core.settings import SettingError, defaults
from rls_companion.paths import resolve
from rls_companion.storage.settings_file import SettingsFile


@pytest.fixture
def path() -> Path:
    return resolve().settings


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def backups(p: Path) -> list[Path]:
    return sorted(p.parent.glob(p.name + ".bad-*"))


def write(p: Path, data: bytes) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)


def test_a_missing_file_gives_the_defaults(path: Path) -> None:
    loaded = SettingsFile(path)
    assert loaded.values == defaults()
    assert loaded.problems == [] and loaded.backup is None
    assert loaded.get("session.length_minutes") == 20
    assert not path.exists()  # reading creates nothing


def test_set_save_and_load_again(path: Path) -> None:
    first = SettingsFile(path)
    assert first.set("session.length_minutes", 35) == 35
    assert first.set_text("streak.visible", "off") is False
    assert first.set_text("breathing.breaths_per_minute", "5.5") == 5.5
    assert first.set("breathing.pattern", "box") == "box"

    again = SettingsFile(path)
    assert again.problems == [] and again.backup is None
    expected = {
        **defaults(),
        "session.length_minutes": 35,
        "streak.visible": False,
        "breathing.breaths_per_minute": 5.5,
        "breathing.pattern": "box",
    }
    assert again.values == expected
    assert type(again.get("breathing.breaths_per_minute")) is float
    assert type(again.get("session.length_minutes")) is int
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["session"]["length_minutes"] == 35
    assert on_disk["streak"]["visible"] is False


def test_the_file_is_private(path: Path) -> None:
    SettingsFile(path).set("audio.volume", 40)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_get_of_an_unknown_key_is_refused(path: Path) -> None:
    with pytest.raises(SettingError, match="unknown setting"):
        SettingsFile(path).get("audio.loudness")


@pytest.mark.parametrize(
    "original",
    [
        b'{"session": {"length_minutes": 30,',
        b"\xff\xfe not text at all \x00",
        b'["a", "list"]',
        b"",
    ],
    ids=["truncated", "not-utf8", "not-an-object", "empty"],
)
def test_an_unreadable_file_gives_defaults_and_a_backup(
    path: Path, original: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    write(path, original)
    with caplog.at_level(logging.WARNING):
        loaded = SettingsFile(path)
    assert loaded.values == defaults()
    assert len(loaded.problems) == 1
    assert path.name in loaded.problems[0] and "defaults" in loaded.problems[0]
    (backup,) = backups(path)
    assert loaded.backup == backup
    assert backup.read_bytes() == original
    assert mode(backup) == 0o600
    assert path.read_bytes() == original  # nothing rewritten until the user saves
    assert any(path.name in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_one_bad_value_falls_back_alone(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    original = (
        json.dumps(
            {
                "session": {"length_minutes": 999},
                "audio": {"volume": 35, "backend": "none"},
                "breathing": {"pattern": "4-7-8", "breaths_per_minute": 5},
                "streak": {"visible": False},
            },
            indent=1,
        )
        + "\n"
    ).encode()
    write(path, original)
    with caplog.at_level(logging.WARNING):
        loaded = SettingsFile(path)
    assert loaded.get("session.length_minutes") == 20
    assert loaded.values == {
        **defaults(),
        "audio.volume": 35,
        "audio.backend": "none",
        "breathing.pattern": "4-7-8",
        "breathing.breaths_per_minute": 5.0,
        "streak.visible": False,
    }
    (problem,) = loaded.problems
    assert "session.length_minutes" in problem and "999" in problem
    (backup,) = backups(path)
    assert backup.read_bytes() == original
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("session.length_minutes" in w for w in warnings)

    # Saving writes the repaired settings; the backup stays.
    loaded.set("audio.volume", 36)
    repaired = SettingsFile(path)
    assert repaired.problems == []
    assert repaired.get("session.length_minutes") == 20
    assert repaired.get("breathing.pattern") == "4-7-8"
    assert backup.read_bytes() == original


def test_unknown_keys_in_the_file_are_reported_and_others_kept(path: Path) -> None:
    write(path, b'{"audio": {"volume": 10, "loudness": 11}, "colour": "red"}')
    loaded = SettingsFile(path)
    assert loaded.get("audio.volume") == 10
    assert "audio.loudness" not in loaded.values and "colour" not in loaded.values
    assert len(loaded.problems) == 2
    assert all("unknown setting" in p for p in loaded.problems)
    assert len(backups(path)) == 1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("session.length_minutes", 999),
        ("session.length_minutes", 20.5),
        ("breathing.breaths_per_minute", "fast"),
        ("audio.backend", "pulse"),
        ("streak.visible", "yes"),
        ("no.such_key", 1),
    ],
)
def test_set_of_a_bad_value_changes_nothing(path: Path, key: str, value: object) -> None:
    settings = SettingsFile(path)
    settings.set("audio.volume", 45)
    before = path.read_bytes()
    values_before = dict(settings.values)
    with pytest.raises(SettingError) as caught:
        settings.set(key, value)
    assert key in str(caught.value)
    assert path.read_bytes() == before
    assert settings.values == values_before
    assert backups(path) == []


def test_set_text_of_a_bad_value_changes_nothing(path: Path) -> None:
    settings = SettingsFile(path)
    settings.save()
    before = path.read_bytes()
    with pytest.raises(SettingError, match=r"streak\.rollover_hour"):
        settings.set_text("streak.rollover_hour", "13")
    assert path.read_bytes() == before
    assert settings.get("streak.rollover_hour") == 6
