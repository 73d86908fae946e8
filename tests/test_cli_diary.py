"""`rls-companion diary`: the nights' check-ins and evening logs, with the derived figures."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rls_companion import cli
from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place
from rls_companion.storage import diary
from rls_companion.storage.db import open_database

BERLIN_WINTER = timezone(timedelta(hours=1))


def _entry(night: date) -> DiaryEntry:
    # In bed 22:40, tried 23:10, 35 min to fall asleep, 2 awakenings with
    # 50 min awake, final waking 06:45, out of bed 07:05.
    evening = datetime.combine(night, datetime.min.time(), tzinfo=BERLIN_WINTER)
    return DiaryEntry(
        night=night,
        in_bed_at=evening + timedelta(hours=22, minutes=40),
        tried_to_sleep_at=evening + timedelta(hours=23, minutes=10),
        minutes_to_sleep=35,
        awakenings=2,
        minutes_awake=50,
        final_waking_at=evening + timedelta(hours=30, minutes=45),
        out_of_bed_at=evening + timedelta(hours=31, minutes=5),
        quality=2,
        legs_disturbed=LegsDisturbed.A_LOT,
        note="woke at 3",
    )


def _seed(data_dir: Path) -> None:
    db = open_database(data_dir / "history.sqlite3").connection
    diary.save_diary(db, _entry(date(2026, 11, 30)))
    diary.save_diary(db, _entry(date(2026, 12, 1)))
    started = datetime(2026, 12, 1, 19, 30, tzinfo=BERLIN_WINTER)
    diary.save_evening(
        db,
        EveningLog(
            night=date(2026, 12, 1),
            symptoms_started_at=started,
            symptom_places=frozenset({Place.LEGS}),
            rating=7,
            triggers=("alcohol", "long_sit"),
        ),
    )
    db.close()


def test_diary_json_has_the_entries_and_their_figures(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(data_dir)
    assert cli.main(["diary", "--json", "--from", "2026-12-01"]) == 0
    printed = json.loads(capsys.readouterr().out)
    [entry] = printed["diary"]
    assert entry["night"] == "2026-12-01"
    assert entry["in_bed_at"] == "2026-12-01T22:40:00+01:00"
    # 22:40 → 07:05 is 8 h 25 min = 505 min; 23:10 → 06:45 is 455 min, less
    # 35 and 50 = 370 min asleep; 370 / 505 = 73.27 %.
    assert entry["time_in_bed_minutes"] == 505
    assert entry["total_sleep_minutes"] == 370
    assert entry["sleep_efficiency"] == 73.3
    assert entry["legs_disturbed"] == "a_lot"
    [log] = printed["evening"]
    assert log["symptoms_started_at"] == "2026-12-01T19:30:00+01:00"
    assert log["triggers"] == ["alcohol", "long_sit"]
    assert log["rating"] == 7


def test_diary_in_words(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(data_dir)
    assert cli.main(["diary"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Night of Mon 30 Nov 2026"
    assert lines[1] == (
        "  sleep:   in bed 22:40–07:05 (8 h 25 min)  ·  asleep 6 h 10 min  ·  efficiency 73%"
        "  ·  poor  ·  legs disturbed sleep a lot"
    )
    assert lines[2] == "Night of Tue 01 Dec 2026"
    assert lines[4] == (
        "  evening: sensations from 19:30 (legs)  ·  bedtime 7/10"
        "  ·  alcohol; a long sit (flight, car, film)"
    )
    assert len(lines) == 5


def test_an_empty_diary_says_so(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diary"]) == 0
    assert capsys.readouterr().out == "No diary entries or evening logs yet.\n"
    assert cli.main(["diary", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"diary": [], "evening": []}


def test_a_backwards_range_is_refused(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diary", "--from", "2026-12-02", "--to", "2026-12-01"]) == 2
    assert capsys.readouterr().err == "rls-companion: --from 2026-12-02 is after --to 2026-12-01\n"
