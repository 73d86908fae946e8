"""Tonight's guidance is remembered in the history file, one lead per stage and night."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from rls_companion.core.rotation import Preferences
from rls_companion.core.session import StageKind
from rls_companion.storage.db import SCHEMA_VERSION, open_database
from rls_companion.storage.guidance_picks import order_for_night

NIGHT = date(2026, 11, 20)


def _db(path: Path) -> sqlite3.Connection:
    return open_database(path / "history.sqlite3").connection


def test_each_night_leads_with_another_script_and_reopening_keeps_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    leads = [
        order_for_night(db, NIGHT + timedelta(days=i), StageKind.BODY_SCAN, Preferences())[0]
        for i in range(4)
    ]
    assert leads == ["body_scan", "legs_release", "breath_to_feet", "body_scan"]
    db.close()
    again = _db(tmp_path)
    # a second session on the same night hears the same lead
    order = order_for_night(again, NIGHT + timedelta(days=2), StageKind.BODY_SCAN, Preferences())
    assert order[0] == "breath_to_feet"
    rows = again.execute(
        "SELECT night, stage, script FROM guidance_picks ORDER BY night"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ((NIGHT + timedelta(days=i)).isoformat(), "body_scan", lead) for i, lead in enumerate(leads)
    ]
    assert int(again.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION


def test_stages_rotate_on_their_own(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert order_for_night(db, NIGHT, StageKind.REST, Preferences())[0] == "somatic_awareness"
    assert order_for_night(db, NIGHT, StageKind.WIND_DOWN, Preferences())[0] == "wind_down"
    tomorrow = NIGHT + timedelta(days=1)
    assert order_for_night(db, tomorrow, StageKind.REST, Preferences())[0] == "counting_breaths"
    assert order_for_night(db, tomorrow, StageKind.WIND_DOWN, Preferences())[0] == "letting_go"


def test_switching_off_tonights_lead_picks_another_and_remembers_that(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert order_for_night(db, NIGHT, StageKind.REST, Preferences())[0] == "somatic_awareness"
    off = Preferences(off=frozenset({"somatic_awareness"}))
    assert order_for_night(db, NIGHT, StageKind.REST, off) == ("counting_breaths", "warm_heavy")
    stored = db.execute("SELECT script FROM guidance_picks WHERE night = ?", (NIGHT.isoformat(),))
    assert stored.fetchone()[0] == "counting_breaths"


def test_an_older_night_chosen_later_does_not_change_the_nights_after_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert order_for_night(db, NIGHT, StageKind.BODY_SCAN, Preferences())[0] == "body_scan"
    # the clock went back (travel): an earlier night only sees the nights before it
    earlier = NIGHT - timedelta(days=1)
    assert order_for_night(db, earlier, StageKind.BODY_SCAN, Preferences())[0] == "body_scan"
    later = NIGHT + timedelta(days=1)
    assert order_for_night(db, later, StageKind.BODY_SCAN, Preferences())[0] == "legs_release"


def test_a_file_that_cannot_be_written_still_gives_tonights_order(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.close()
    # opened read-only, SQLite refuses every write (whoever the user is)
    readonly = sqlite3.connect(f"file:{tmp_path / 'history.sqlite3'}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        readonly.execute("INSERT INTO guidance_picks VALUES ('2026-01-01', 'rest', 'x')")
    order = order_for_night(readonly, NIGHT, StageKind.BODY_SCAN, Preferences())
    assert order == ("body_scan", "legs_release", "breath_to_feet")
    assert readonly.execute("SELECT count(*) FROM guidance_picks").fetchone()[0] == 0
