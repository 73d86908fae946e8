"""A time zone the C library accepts but Python cannot use (`TZ=XYZ+24`), and
instants out of range: one line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rls_companion import cli


def _run(args: list[str], data_dir: Path, tz: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz, "RLS_COMPANION_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "rls_companion", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_unusable_zone_falls_back_to_utc_with_one_line(data_dir: Path) -> None:
    done = _run(["stats", "--json"], data_dir, "XYZ+24")
    assert done.returncode == 0
    assert done.stderr == (
        "rls-companion: The time zone TZ='XYZ+24' cannot be used; times are shown in UTC.\n"
    )
    assert json.loads(done.stdout)["sessions"] == 0


def test_a_usable_zone_is_kept_quietly(data_dir: Path) -> None:
    done = _run(["stats", "--json"], data_dir, "EST+5")
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize(
    "instant",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1969-12-31T23:00:00+00:00"],
)
def test_instants_out_of_range_are_one_line(
    instant: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["stats", "--as-of", instant]) == 2
    assert capsys.readouterr().err == (
        f"rls-companion: --as-of: {instant!r} is out of range (years 1970–9998)\n"
    )
