"""A history file in trouble: full disks and read-only folders leave it alone,
damage moves it aside and saves every row that can still be read.

The full and read-only disks are real: a small tmpfs mounted in a private
mount namespace (`unshare -rm`, which needs no root), with the checks run in
a child Python inside it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rls_companion.storage.db import SCHEMA_VERSION, open_database


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(
    not _namespaces_work(), reason="unshare -rm (user and mount namespaces) is not allowed here"
)


def _in_small_disk(tmp_path: Path, body: str, size: str = "600k") -> dict[str, object]:
    """Run `body` in a child Python whose `disk` is a fresh tmpfs of `size`;
    the child sets `result` (a JSON-able dict), which is returned."""
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "child.py"
    script.write_text(
        "import json, os, sqlite3, subprocess, sys\n"
        "from pathlib import Path\n"
        "from rls_companion.storage.db import DatabaseError, open_database\n"
        f"disk = Path({str(disk)!r})\n"
        "result = {}\n" + textwrap.dedent(body) + "\nprint(json.dumps(result))\n"
    )
    command = (
        f"mount -t tmpfs -o size={size},mode=0700 tmpfs {disk} && exec {sys.executable} {script}"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


FILL_AND_OPEN = """
path = disk / "data" / "history.sqlite3"
db = open_database(path).connection
db.execute(
    "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
    " VALUES ('kept', '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'completed')"
)
db.close()
before = sorted(p.name for p in path.parent.iterdir())
def fill(name, block):
    fd = os.open(disk / name, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\\0" * block):
            pass
    except OSError:
        pass
    os.close(fd)
fill("fill", 4096)
fill("fill-tail", 1)  # whatever room the last whole block left
try:
    open_database(path)
    result["opened"] = True
except DatabaseError as error:
    result["problem"] = str(error.problem)
    result["message"] = str(error)
    result["cause"] = [repr(error.__cause__), getattr(error.__cause__, "sqlite_errorcode", None)]
result["after"] = sorted(p.name for p in path.parent.iterdir())
result["before"] = before
(disk / "fill").unlink()
(disk / "fill-tail").unlink()
check = sqlite3.connect(path)
result["sessions"] = [row[0] for row in check.execute("SELECT id FROM sessions")]
result["integrity"] = check.execute("PRAGMA integrity_check").fetchone()[0]
check.close()
"""


@needs_mounts
def test_a_full_disk_is_not_damage(tmp_path: Path) -> None:
    result = _in_small_disk(tmp_path, FILL_AND_OPEN)
    assert result.get("problem") == "full", result
    message = str(result["message"])
    assert "is full" in message and "history.sqlite3" in message
    assert "\n" not in message
    # Nothing was moved aside; once there is room again the history is whole.
    assert not any(".corrupt-" in name for name in result["after"])  # type: ignore[union-attr]
    assert result["sessions"] == ["kept"]
    assert result["integrity"] == "ok"


READ_ONLY = """
path = disk / "data" / "history.sqlite3"
db = open_database(path).connection
db.execute(
    "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
    " VALUES ('kept', '2026-11-21T03:15:00.000', -300, 'bedtime', 1200, 'completed')"
)
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
try:
    open_database(path)
    result["opened"] = True
except DatabaseError as error:
    result["problem"] = str(error.problem)
    result["message"] = str(error)
    result["cause"] = [repr(error.__cause__), getattr(error.__cause__, "sqlite_errorcode", None)]
result["after"] = sorted(p.name for p in path.parent.iterdir())
"""


@needs_mounts
def test_a_read_only_disk_is_not_damage(tmp_path: Path) -> None:
    result = _in_small_disk(tmp_path, READ_ONLY)
    assert result.get("problem") == "read_only", result
    assert "cannot be written" in str(result["message"])
    assert not any(".corrupt-" in name for name in result["after"])  # type: ignore[union-attr]


def _history_of(count: int, path: Path) -> dict[str, tuple[object, ...]]:
    """A history of `count` sessions (each with one urge) and a diary night;
    returns the sessions' rows by id."""
    db = open_database(path).connection
    for i in range(count):
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds,"
            " practice_seconds, state, rating_before) VALUES (?, ?, -300, 'bedtime', 1200, ?,"
            " 'completed', ?)",
            (f"session-{i:05d}", f"2026-{1 + i % 12:02d}-11T03:{i % 60:02d}:00.000", i, i % 11),
        )
        db.execute(
            "INSERT INTO urges VALUES (?, 0, '2026-11-21T03:16:00.000', -300, 15, 12.5, 'held', 4)",
            (f"session-{i:05d}",),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    rows = {row[0]: tuple(row) for row in db.execute("SELECT * FROM sessions")}
    db.close()
    return rows


def test_a_damaged_page_costs_only_its_rows(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    original = _history_of(300, path)
    page_size = 4096
    damaged = bytearray(path.read_bytes())
    # Overwrite one page in the middle of the file.
    middle = len(damaged) // page_size // 2
    damaged[middle * page_size : (middle + 1) * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(damaged))

    opened = open_database(path)
    db = opened.connection
    try:
        asides = [
            p
            for p in data_dir.iterdir()
            if p.name.startswith("history.sqlite3.corrupt-")
            and not p.name.endswith(("-wal", "-shm"))
        ]
        assert [p.read_bytes() == bytes(damaged) for p in asides] == [True]
        recovered = {row[0]: tuple(row) for row in db.execute("SELECT * FROM sessions")}
        # Every row copied is exactly as it was, and only one page's worth is missing.
        assert all(original[key] == row for key, row in recovered.items())
        assert 250 <= len(recovered) <= 300
        urges = db.execute("SELECT count(*) FROM urges").fetchone()[0]
        assert urges <= len(recovered)
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (notice,) = opened.notices
        assert asides[0].name in notice
        assert f"{len(recovered)} sessions could be read" in notice
    finally:
        db.close()


def test_a_file_cut_in_half_keeps_what_is_left(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir / "history.sqlite3"
    original = _history_of(2000, path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])

    opened = open_database(path)
    db = opened.connection
    try:
        recovered = {row[0]: tuple(row) for row in db.execute("SELECT * FROM sessions")}
        assert all(original[key] == row for key, row in recovered.items())
        # The sessions and their urges share the file; about half of it is left.
        assert len(recovered) >= 700
        (notice,) = opened.notices
        assert f"{len(recovered):,} sessions could be read" in notice
        with capsys.disabled():
            print(f"\n  cut in half: {len(recovered)} of 2000 sessions recovered; {notice}")
    finally:
        db.close()


def test_garbage_recovers_nothing_and_says_so(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / "history.sqlite3"
    path.write_bytes(b"not a database at all" * 1000)
    opened = open_database(path)
    try:
        (notice,) = opened.notices
        assert "nothing in it could be read" in notice
        assert opened.connection.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    finally:
        opened.connection.close()


def test_the_damaged_file_is_only_read(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    _history_of(50, path)
    damaged = bytearray(path.read_bytes())
    damaged[-4096:] = b"\x00" * 4096
    path.write_bytes(bytes(damaged))
    opened = open_database(path)
    opened.connection.close()
    (aside,) = [
        p
        for p in data_dir.iterdir()
        if p.name.startswith("history.sqlite3.corrupt-") and not p.name.endswith(("-wal", "-shm"))
    ]
    assert aside.read_bytes() == bytes(damaged)
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_the_command_line_says_what_happened_to_a_damaged_file(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rls_companion import cli

    path = data_dir / "history.sqlite3"
    _history_of(40, path)
    path.write_bytes(path.read_bytes()[:12288])
    assert cli.main(["history", "--json"]) == 0
    captured = capsys.readouterr()
    kept = json.loads(captured.out)
    (line,) = captured.err.splitlines()
    assert line.startswith("rls-companion: The history file was damaged. It was kept as ")
    assert f"; {len(kept)} sessions could be read" in line


IMPORT_ON_A_FULL_DISK = """
import contextlib, io
from rls_companion import cli
data = disk / "data"
os.environ["RLS_COMPANION_DATA_DIR"] = str(data)
sessions = [
    {"id": f"s{i}", "started_at": "2026-11-20T22:15:00-05:00", "practice_seconds": 60,
     "ended_at": "2026-11-20T22:16:00-05:00"}
    for i in range(3000)
]
export = disk / "export.json"
export.write_text(json.dumps({"format": "rls-companion-history", "version": 1,
                              "sessions": sessions}))
assert cli.main(["history"]) == 0  # the history exists, empty
fd = os.open(disk / "fill", os.O_WRONLY | os.O_CREAT, 0o600)
try:
    while os.write(fd, b"\\\\0" * 4096):
        pass
except OSError:
    pass
os.close(fd)
err = io.StringIO()
with contextlib.redirect_stderr(err):
    result["code"] = cli.main(["import", str(export)])
result["err"] = err.getvalue()
(disk / "fill").unlink()
check = sqlite3.connect(data / "history.sqlite3")
result["sessions"] = check.execute("SELECT count(*) FROM sessions").fetchone()[0]
check.close()
"""


@needs_mounts
def test_an_import_that_fills_the_disk_is_one_line_and_adds_nothing(tmp_path: Path) -> None:
    result = _in_small_disk(tmp_path, IMPORT_ON_A_FULL_DISK, size="1m")
    assert result["code"] == 1, result
    (line,) = str(result["err"]).splitlines()
    assert line.startswith("rls-companion: The disk holding the history file ")
    assert line.endswith(" is full. Nothing was changed; free some space and try again.")
    assert result["sessions"] == 0
