"""Whatever is handed to `import` is refused or read within bounded time and
memory, with one line, and changes nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from rls_companion import cli
from rls_companion.storage.importer import MAX_FILE_BYTES


def _import(path: Path | str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    began = time.monotonic()
    code = cli.main(["import", str(path)])
    return code, capsys.readouterr().err, time.monotonic() - began


def test_a_device_is_refused_at_once(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, took = _import("/dev/zero", capsys)
    assert (code, err) == (2, "rls-companion: /dev/zero: $: not a regular file\n")
    assert took < 2


def test_a_fifo_without_a_writer_does_not_hang(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, err, took = _import(fifo, capsys)
    assert (code, err) == (2, f"rls-companion: {fifo}: $: not a regular file\n")
    assert took < 2


def test_a_folder_is_refused(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = _import(tmp_path, capsys)
    assert (code, err) == (2, f"rls-companion: {tmp_path}: $: not a regular file\n")


def test_a_file_over_the_limit_is_refused_unparsed(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    code, err, _ = _import(big, capsys)
    assert (code, err) == (2, f"rls-companion: {big}: $: larger than 64 MB\n")
    assert not (data_dir / "history.sqlite3").exists()  # refused before the history was opened


def test_a_repeated_key_is_refused(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = tmp_path / "twice.json"
    twice.write_text(
        '{"format": "rls-companion-history", "version": 1, "sessions": [{"id": "a"}],'
        ' "sessions": []}'
    )
    code, err, _ = _import(twice, capsys)
    assert code == 2
    assert err == (f"rls-companion: {twice}: $: the key 'sessions' appears twice in one object\n")
