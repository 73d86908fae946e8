"""`export -o` writes where the person meant: through a link, into a device,
and errors name their path."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rls_companion import cli


def test_a_link_stays_a_link_and_its_target_gets_the_export(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert cli.main(["export", "-o", str(link)]) == 0
    assert link.is_symlink()
    assert target.read_text().startswith('{\n  "format": "rls-companion-history"')
    assert capsys.readouterr().out == f"exported 0 sessions to {link}\n"


def test_a_device_is_written_into_not_replaced(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "-o", "/dev/null"]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert capsys.readouterr().out == "exported 0 sessions to /dev/null\n"


def test_an_error_names_the_path_given(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no such folder" / "out.json"
    assert cli.main(["export", "-o", str(missing)]) == 1
    assert capsys.readouterr().err == f"rls-companion: No such file or directory: {missing}\n"


def test_a_folder_is_refused_by_name(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"rls-companion: Is a directory: {tmp_path}\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_sigterm_while_writing_ends_with_one_line(tmp_path: Path, data_dir: Path) -> None:
    import signal
    import subprocess
    import sys

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody reads it: the export waits in open()
    process = subprocess.Popen(
        [sys.executable, "-m", "rls_companion", "export", "-o", str(fifo)],
        env={**os.environ, "RLS_COMPANION_DATA_DIR": str(data_dir)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Once the export waits in open() for a reader, stop it.
        assert _wait_blocked(process.pid)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:  # never leave it waiting on the pipe
            process.kill()
            process.communicate()
    assert (process.returncode, err) == (130, "rls-companion: interrupted\n")


def _wait_blocked(pid: int) -> bool:
    """True once the process sleeps in a system call (here: opening the pipe)."""
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        wchan = Path(f"/proc/{pid}/wchan").read_text()
        if state == "S" and wchan in ("wait_for_partner", "fifo_open"):
            return True
        os.sched_yield()
    return False
