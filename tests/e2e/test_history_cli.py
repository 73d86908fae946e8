"""The installed command's history tools: stats, export and import, as a user runs them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import cli, history

pytestmark = pytest.mark.e2e

KEYS = [
    "current_streak",
    "longest_streak",
    "practised_nights",
    "sessions",
    "total_practice_seconds",
]


def session(session_id: str, started_at: str, practice_seconds: float) -> dict[str, Any]:
    return {"id": session_id, "started_at": started_at, "practice_seconds": practice_seconds}


# Worked by hand with the default rules (a night starts at 06:00; 5 minutes
# make a practised night):
#   night 10th: e 25 min                              practised
#   night 11th: f 299 s                               not practised (under 300 s)
#   nights 17th, 18th: a, b 10 min each               practised
#   night 19th: c 4 min at 22:00 + d 2 min at 01:30 on the 20th (before 06:00,
#               so the night before) = 6 min          practised
# Total practice 1500 + 299 + 600 + 600 + 240 + 120 = 3359 s.
HAND_WORKED = [
    session("e-early", "2026-11-10T23:00:00-05:00", 1500),
    session("f-short", "2026-11-11T21:00:00-05:00", 299),
    session("a", "2026-11-17T22:00:00-05:00", 600),
    session("b", "2026-11-18T22:00:00-05:00", 600),
    session("c", "2026-11-19T22:00:00-05:00", 240),
    session("d", "2026-11-20T01:30:00-05:00", 120),
]


def document(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "rls-companion-history", "version": 1, "sessions": items}


def write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(document(items), indent=2), encoding="utf-8")
    return path


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    assert os.environ["RLS_COMPANION_DATA_DIR"] == str(data_dir)
    return dict(os.environ)


@pytest.fixture
def hand_worked(command: list[str], env: dict[str, str], tmp_path: Path) -> Path:
    source = write(tmp_path / "hand.json", HAND_WORKED)
    done = cli(command, env, "import", str(source))
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "imported 6 sessions (0 already present)\n",
        "",
    )
    return source


def stats(command: list[str], env: dict[str, str], *extra: str) -> dict[str, int]:
    done = cli(command, env, "stats", "--json", *extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    figures: dict[str, int] = json.loads(done.stdout)
    assert list(figures) == KEYS
    assert all(type(value) is int for value in figures.values())
    return figures


def figures(*values: int) -> dict[str, int]:
    return dict(zip(KEYS, values, strict=True))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # Noon after the 01:30 session: night 20th not practised yet, so count from the
        # 19th: 19th, 18th, 17th.
        ("2026-11-20T12:00:00-05:00", figures(3, 3, 4, 6, 3359)),
        # 01:00, before the 01:30 session: the 19th has only 4 minutes so far, and it is
        # still that night, so it cannot break the streak: 18th and 17th.
        ("2026-11-20T01:00:00-05:00", figures(2, 2, 3, 5, 3239)),
        # The instant the 01:30 session starts it counts; the 19th is practised.
        ("2026-11-20T01:30:00-05:00", figures(3, 3, 4, 6, 3359)),
        # 05:59 on the 21st is still the night of the 20th, which cannot break it.
        ("2026-11-21T05:59:00-05:00", figures(3, 3, 4, 6, 3359)),
        # From 06:00 on the 21st the unpractised 20th ends the streak.
        ("2026-11-21T06:00:00-05:00", figures(0, 3, 4, 6, 3359)),
        # The same instant as noon in New York, asked in Kathmandu's offset: 22:45
        # there is still the night of the 20th.
        ("2026-11-20T22:45:00+05:45", figures(3, 3, 4, 6, 3359)),
        ("2026-11-01T00:00:00+00:00", figures(0, 0, 0, 0, 0)),
    ],
)
def test_stats_as_of_on_a_hand_worked_history(
    command: list[str], env: dict[str, str], hand_worked: Path, as_of: str, expected: dict[str, int]
) -> None:
    assert stats(command, env, "--as-of", as_of) == expected


def test_stats_follow_the_streak_settings(
    command: list[str], env: dict[str, str], hand_worked: Path
) -> None:
    noon = ("--as-of", "2026-11-20T12:00:00-05:00")
    assert cli(command, env, "config", "set", "streak.rollover_hour", "0").returncode == 0
    # Nights now start at midnight: the 01:30 session belongs to the 20th (2 min), so
    # the 19th (4 min) and the 20th are both short: no current streak.
    assert stats(command, env, *noon) == figures(0, 2, 3, 6, 3359)
    assert cli(command, env, "config", "set", "streak.min_practice_minutes", "4").returncode == 0
    # Four minutes are enough: the 11th (299 s) and the 19th (240 s) count too.
    assert stats(command, env, *noon) == figures(3, 3, 5, 6, 3359)


def test_stats_default_to_now(command: list[str], env: dict[str, str], tmp_path: Path) -> None:
    # Sessions at the same local time on four consecutive days, the last two minutes
    # ago: whichever side of the rollover "now" falls, the streak is four nights.
    latest = datetime.now().astimezone() - timedelta(minutes=2)
    items = [
        session(f"n{k}", (latest - timedelta(days=k)).isoformat(timespec="seconds"), 600)
        for k in range(4)
    ]
    assert cli(command, env, "import", str(write(tmp_path / "now.json", items))).returncode == 0
    assert stats(command, env) == figures(4, 4, 4, 4, 2400)


def test_stats_in_words(command: list[str], env: dict[str, str], hand_worked: Path) -> None:
    done = cli(command, env, "stats", "--as-of", "2026-11-20T12:00:00-05:00")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "Current streak:    3 nights",
        "Longest streak:    3 nights",
        "Practised nights:  4",
        "Sessions:          6",
        "Total practice:    56 min",
    ]


@pytest.mark.parametrize(
    ("as_of", "line"),
    [
        (
            "2026-11-20T22:00",
            "rls-companion: --as-of: '2026-11-20T22:00' has no UTC offset "
            "(add one, e.g. +00:00 or -05:00)",
        ),
        ("yesterday", "rls-companion: --as-of: 'yesterday' is not an ISO 8601 timestamp"),
    ],
)
def test_a_bad_as_of_is_one_line(
    command: list[str], env: dict[str, str], as_of: str, line: str
) -> None:
    done = cli(command, env, "stats", "--json", "--as-of", as_of)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", line + "\n")


def test_export_import_export_is_byte_identical_and_idempotent(
    command: list[str], env: dict[str, str], hand_worked: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first.json"
    done = cli(command, env, "export", "--format", "json", "-o", str(first))
    assert (done.returncode, done.stdout) == (0, f"exported 6 sessions to {first}\n")
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    text = first.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": "rls-companion-history",\n  "version": 2,')
    assert text.endswith("}\n")
    exported = json.loads(text)["sessions"]
    assert [s["id"] for s in exported] == ["e-early", "f-short", "a", "b", "c", "d"]
    assert exported[0] == {
        "id": "e-early",
        "started_at": "2026-11-10T23:00:00-05:00",
        "ended_at": None,
        "kind": "bedtime",
        "planned_seconds": 1500,
        "practice_seconds": 1500,
        "completed": False,
        "interrupted": False,
        "breathing": {"pattern": None, "breaths_per_minute": None},
        "rating_before": None,
        "rating_after": None,
        "urges": [],
    }
    # history --json: the same sessions, newest first
    assert history(command, env) == exported[::-1]

    elsewhere = ["--data-dir", str(tmp_path / "elsewhere")]
    second = tmp_path / "second.json"
    assert cli(command, env, *elsewhere, "import", str(first)).stdout == (
        "imported 6 sessions (0 already present)\n"
    )
    assert cli(command, env, *elsewhere, "export", "-o", str(second)).returncode == 0
    assert second.read_bytes() == first.read_bytes()
    again = cli(command, env, *elsewhere, "import", str(second))
    assert (again.returncode, again.stdout) == (0, "imported 0 sessions (6 already present)\n")
    assert cli(command, env, *elsewhere, "export", "-o", "-").stdout == text
    noon = ("--as-of", "2026-11-20T12:00:00-05:00")
    env_elsewhere = {**env, "RLS_COMPANION_DATA_DIR": str(tmp_path / "elsewhere")}
    assert stats(command, env_elsewhere, *noon) == stats(command, env, *noon)


def test_a_full_session_survives_the_round_trip(
    command: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    full = {
        "id": "full",
        "started_at": "2026-03-08T01:50:00-05:00",  # daylight saving starts during it
        "ended_at": "2026-03-08T03:15:00-04:00",
        "kind": "resettle",
        "planned_seconds": 1200,
        "practice_seconds": 1185,
        "completed": True,
        "interrupted": False,
        "breathing": {"pattern": "extended_exhale", "breaths_per_minute": 6.0},
        "rating_before": 7,
        "rating_after": 2,
        "urges": [
            {
                "at": "2026-03-08T03:02:00-04:00",
                "target_seconds": 45,
                "held_seconds": 45.0,
                "outcome": "held",
                "intensity": 4,
            }
        ],
    }
    source = tmp_path / "full.json"
    exported = {**document([full]), "version": 2, "diary": [], "evening": []}
    source.write_text(json.dumps(exported, indent=2) + "\n", encoding="utf-8")
    assert cli(command, env, "import", str(source)).returncode == 0
    out = cli(command, env, "export", "-o", "-")
    assert out.returncode == 0
    assert out.stdout == source.read_text(encoding="utf-8")


DIARY_NIGHT = {
    "night": "2026-11-19",
    "in_bed_at": "2026-11-19T22:40:00-05:00",
    "tried_to_sleep_at": "2026-11-19T23:00:00-05:00",
    "minutes_to_sleep": 35,
    "awakenings": 2,
    "minutes_awake": 50,
    "final_waking_at": "2026-11-20T06:30:00-05:00",
    "out_of_bed_at": "2026-11-20T06:45:00-05:00",
    "quality": 2,
    "legs_disturbed": "a_lot",
    "note": "up twice to walk",
}
EVENING_NIGHTS = [
    {
        "night": "2026-11-18",
        "symptoms_started_at": "none_today",
        "symptom_places": [],
        "rating": 1,
        "triggers": [],
        "note": "",
    },
    {
        "night": "2026-11-19",
        "symptoms_started_at": "2026-11-19T19:30:00-05:00",
        "symptom_places": ["arms", "legs"],
        "rating": 7,
        "triggers": ["caffeine_after_noon", "long_sit"],
        "note": "long drive",
    },
]


def test_diary_and_evening_survive_the_round_trip_and_conflicts_change_nothing(
    command: list[str], env: dict[str, str], hand_worked: Path, tmp_path: Path
) -> None:
    nights = {
        **document(HAND_WORKED),
        "version": 2,
        "diary": [DIARY_NIGHT],
        "evening": EVENING_NIGHTS,
    }
    source = tmp_path / "nights.json"
    source.write_text(json.dumps(nights), encoding="utf-8")
    done = cli(command, env, "import", str(source))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "imported 0 sessions (6 already present)",
        "imported 1 diary entry (0 already present)",
        "imported 2 evening logs (0 already present)",
    ]
    first = tmp_path / "first.json"
    done = cli(command, env, "export", "-o", str(first))
    assert done.stdout == f"exported 6 sessions, 1 diary entry and 2 evening logs to {first}\n"
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert (exported["diary"], exported["evening"]) == ([DIARY_NIGHT], EVENING_NIGHTS)

    elsewhere = ["--data-dir", str(tmp_path / "elsewhere")]
    assert cli(command, env, *elsewhere, "import", str(first)).returncode == 0
    assert cli(command, env, *elsewhere, "export", "-o", "-").stdout == first.read_text(
        encoding="utf-8"
    )
    again = cli(command, env, *elsewhere, "import", str(first))
    assert again.stdout.splitlines()[1:] == [
        "imported 0 diary entries (1 already present)",
        "imported 0 evening logs (2 already present)",
    ]

    changed = tmp_path / "changed.json"
    later = {**DIARY_NIGHT, "quality": 3}
    changed.write_text(json.dumps({**nights, "diary": [later]}), encoding="utf-8")
    done = cli(command, env, "import", str(changed))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"rls-companion: {changed}: $.diary[0]: night 2026-11-19 is already in the history "
        "with a different diary entry; nothing was imported\n"
    )
    assert cli(command, env, "export", "-o", "-").stdout == first.read_text(encoding="utf-8")


def test_csv_export_oldest_first(
    command: list[str], env: dict[str, str], hand_worked: Path, tmp_path: Path
) -> None:
    target = tmp_path / "history.csv"
    assert cli(command, env, "export", "--format", "csv", "-o", str(target)).returncode == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,started_at,ended_at,kind,planned_seconds,practice_seconds,")
    assert [line.split(",")[0] for line in lines[1:]] == ["e-early", "f-short", "a", "b", "c", "d"]
    assert lines[-1].split(",")[:6] == [
        "d",
        "2026-11-20T01:30:00-05:00",
        "",
        "bedtime",
        "120",
        "120",
    ]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_exporting_leaves_the_chosen_folder_alone(
    command: list[str], env: dict[str, str], hand_worked: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    target = folder / "history.json"
    target.write_text("old contents", encoding="utf-8")
    assert cli(command, env, "export", "-o", str(target)).returncode == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert sorted(p.name for p in folder.iterdir()) == ["history.json"]  # no temporary left
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 2


def test_export_to_a_missing_folder_fails_on_one_line(
    command: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    done = cli(command, env, "export", "-o", str(tmp_path / "nowhere" / "history.json"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("rls-companion: ")


def malformed(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    broken = [dict(item) for item in items]
    broken[3]["started_at"] = "2026-11-18T22:00:00"
    return broken


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            json.dumps(document(malformed(HAND_WORKED))).encode(),
            "$.sessions[3].started_at: '2026-11-18T22:00:00' has no UTC offset",
        ),
        (
            b'{"format": "rls-companion-history", "version": 1, "sessions": [\n  {"id": "x",',
            "$: not valid JSON (line 2, column 14: Expecting property name enclosed in double "
            "quotes)",
        ),
        (b"\xff\xfe{}", "$: not valid JSON (line 1, column 1: not UTF-8 text, byte 0xff)"),
        (
            json.dumps({"format": "rls-companion-history", "version": 3, "sessions": []}).encode(),
            "$.version: version 3 is not supported (this version of the app reads versions 1 "
            "and 2)",
        ),
    ],
    ids=["naive", "truncated", "not-utf8", "version"],
)
def test_a_malformed_file_is_refused_on_one_line_and_changes_nothing(
    command: list[str],
    env: dict[str, str],
    hand_worked: Path,
    tmp_path: Path,
    content: bytes,
    problem: str,
) -> None:
    before = cli(command, env, "export", "-o", "-").stdout
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    done = cli(command, env, "import", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"rls-companion: {bad}: {problem}\n"
    assert cli(command, env, "export", "-o", "-").stdout == before


def test_a_bad_file_into_an_empty_history_creates_nothing(
    command: list[str], env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    bad = write(tmp_path / "bad.json", malformed(HAND_WORKED))
    assert cli(command, env, "import", str(bad)).returncode == 2
    assert not (data_dir / "history.sqlite3").exists()


def test_a_missing_file_is_one_line(
    command: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    done = cli(command, env, "import", str(tmp_path / "absent.json"))
    assert done.returncode == 1
    assert done.stderr == f"rls-companion: No such file or directory: {tmp_path / 'absent.json'}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--json", "--as-of", "2026-11-20T12:00:00-05:00"],
        ["stats"],
        ["export", "-o", "-"],
        ["export", "--format", "csv", "-o", "-"],
        ["history", "--json"],
    ],
    ids=" ".join,
)
def test_history_commands_load_neither_qt_nor_numpy(
    command: list[str], env: dict[str, str], hand_worked: Path, args: list[str]
) -> None:
    done = subprocess.run(
        [*command, *args],
        env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0
    modules = [
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "rls_companion.storage.sessions" in modules  # the profile really was taken
    assert [m for m in modules if m.split(".")[0] in ("PySide6", "shiboken6", "numpy")] == []
