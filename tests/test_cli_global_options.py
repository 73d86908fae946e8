"""`--data-dir` is a global option: it works before or after the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rls_companion import cli


def _volume(folder: Path) -> int:
    value: int = json.loads((folder / "settings.json").read_text())["audio"]["volume"]
    return value


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "{d}", "config", "set", "audio.volume", "35"],
        ["config", "--data-dir", "{d}", "set", "audio.volume", "35"],
        ["config", "set", "--data-dir", "{d}", "audio.volume", "35"],
        ["config", "set", "audio.volume", "35", "--data-dir", "{d}"],
    ],
    ids=["before", "after-config", "after-set", "at-the-end"],
)
def test_data_dir_before_or_after_the_command(
    argv: list[str], tmp_path: Path, data_dir: Path
) -> None:
    folder = tmp_path / "chosen"
    assert cli.main([a.format(d=folder) for a in argv]) == 0
    assert _volume(folder) == 35
    assert not data_dir.exists()  # the environment's folder was not used


def test_the_later_data_dir_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    argv = ["--data-dir", str(first), "config", "set", "audio.volume", "20"]
    assert cli.main([*argv, "--data-dir", str(second)]) == 0
    assert _volume(second) == 20
    assert not first.exists()


def test_doctor_takes_data_dir_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "doctor-data"
    assert cli.main(["doctor", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"database: {folder / 'history.sqlite3'} (not created yet" in out


@pytest.mark.parametrize("argv", [["--data-dir", "", "stats"], ["stats", "--data-dir", " "]])
def test_an_empty_data_dir_is_refused_not_taken_for_the_default(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith("argument --data-dir: needs a folder (an empty name would mean the default)")
    )
