"""The sleep diary and the evening log in the history file: schema version 4
added to existing files in place, and entries read back exactly as saved."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place
from rls_companion.storage import sessions
from rls_companion.storage.db import MIGRATIONS, SCHEMA_VERSION, open_database
from rls_companion.storage.diary import (
    delete_diary,
    delete_evening,
    get_diary,
    get_evening,
    list_diary,
    list_evening,
    save_diary,
    save_evening,
)

NEW_YORK_SUMMER = timezone(timedelta(hours=-4))
NEW_YORK = timezone(timedelta(hours=-5))
KATHMANDU = timezone(timedelta(hours=5, minutes=45))


@pytest.fixture
def db(data_dir: Path) -> Iterator[sqlite3.Connection]:
    connection = open_database(data_dir / "history.sqlite3").connection
    yield connection
    connection.close()


def tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def diary_entry(night: date, zone: timezone = NEW_YORK, note: str = "") -> DiaryEntry:
    evening = datetime.combine(night, datetime.min.time(), tzinfo=zone) + timedelta(hours=22)
    return DiaryEntry(
        night=night,
        in_bed_at=evening,
        tried_to_sleep_at=evening + timedelta(minutes=20),
        minutes_to_sleep=25,
        awakenings=2,
        minutes_awake=40,
        final_waking_at=evening + timedelta(hours=8, minutes=30),
        out_of_bed_at=evening + timedelta(hours=9),
        quality=3,
        legs_disturbed=LegsDisturbed.A_LITTLE,
        note=note,
    )


def evening_log(night: date, **changes: object) -> EveningLog:
    fields: dict[str, object] = {
        "night": night,
        "symptoms_started_at": datetime.combine(night, datetime.min.time(), tzinfo=KATHMANDU)
        + timedelta(hours=19, minutes=30),
        "none_today": False,
        "symptom_places": frozenset({Place.LEGS, Place.ARMS}),
        "rating": 6,
        "triggers": ("long_sit", "caffeine_after_noon", "my own label"),
        "note": "café, then a long drive",
    }
    fields.update(changes)
    return EveningLog(**fields)  # type: ignore[arg-type]


def offsets(*instants: datetime | None) -> list[timedelta | None]:
    return [None if i is None else i.utcoffset() for i in instants]


# --- schema version 4 ----------------------------------------------------------------------


def make_v3(path: Path) -> None:
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:3]:
        step(db)
    db.execute("PRAGMA user_version = 3")
    for i in range(3):
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds,"
            " practice_seconds, state) VALUES (?, ?, -300, 'bedtime', 1200, 600, 'completed')",
            (f"s{i}", f"2026-11-2{i}T03:00:00.000"),
        )
    db.execute("INSERT INTO urge_progress (id, target, qualifying) VALUES (1, 45, 2)")
    db.close()


def test_a_version_3_file_gains_the_tables_and_keeps_its_history(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    make_v3(path)
    db = open_database(path).connection
    try:
        assert SCHEMA_VERSION == 5
        assert db.execute("PRAGMA user_version").fetchone()[0] == 5
        assert {"sessions", "urges", "urge_progress", "diary", "evening"} <= tables(db)
        assert "guidance_picks" in tables(db)
        assert [r.id for r in sessions.list_sessions(db)] == ["s2", "s1", "s0"]
        assert tuple(db.execute("SELECT target, qualifying FROM urge_progress").fetchone()) == (
            45,
            2,
        )
        assert list_diary(db) == [] and list_evening(db) == []
        save_diary(db, diary_entry(date(2026, 11, 20)))
    finally:
        db.close()
    backup = path.with_name("history.sqlite3.before-v5")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    old = sqlite3.connect(backup)
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 3
        assert old.execute("SELECT count(*) FROM sessions").fetchone()[0] == 3
        assert "diary" not in tables(old)
    finally:
        old.close()


def test_opening_again_migrates_nothing_more(data_dir: Path) -> None:
    path = data_dir / "history.sqlite3"
    open_database(path).connection.close()
    db = open_database(path).connection
    try:
        save_evening(db, evening_log(date(2026, 11, 20)))
    finally:
        db.close()
    again = open_database(path).connection
    try:
        assert [log.night for log in list_evening(again)] == [date(2026, 11, 20)]
    finally:
        again.close()
    assert list(data_dir.glob("*.before-*")) == []  # a new file needs no backup


def test_the_schema_refuses_bad_rows(db: sqlite3.Connection) -> None:
    columns = (
        "night, in_bed_utc, in_bed_offset, tried_to_sleep_utc, tried_to_sleep_offset,"
        " minutes_to_sleep, awakenings, minutes_awake, final_waking_utc, final_waking_offset,"
        " out_of_bed_utc, out_of_bed_offset, quality, legs_disturbed, updated_utc"
    )
    at = "2026-11-21T03:00:00.000"
    for night, legs in (("2026-11-20", "sometimes"), ("20 Nov 2026", "none")):
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                f"INSERT INTO diary ({columns}) VALUES (?,?,0,?,0,0,0,0,?,0,?,0,3,?,?)",
                (night, at, at, at, at, legs, at),
            )
    with pytest.raises(sqlite3.IntegrityError):  # a time without its offset
        db.execute(
            "INSERT INTO evening (night, symptoms_started_utc, updated_utc) VALUES (?,?,?)",
            ("2026-11-20", at, at),
        )


# --- the diary -----------------------------------------------------------------------------


def test_a_diary_entry_reads_back_as_saved_with_its_offsets(db: sqlite3.Connection) -> None:
    # The clocks went back in the night: into bed in summer time, up in winter time.
    night = date(2026, 10, 31)
    entry = DiaryEntry(
        night=night,
        in_bed_at=datetime(2026, 10, 31, 23, 10, tzinfo=NEW_YORK_SUMMER),
        tried_to_sleep_at=datetime(2026, 10, 31, 23, 40, 30, 250_000, tzinfo=NEW_YORK_SUMMER),
        minutes_to_sleep=45,
        awakenings=3,
        minutes_awake=70,
        final_waking_at=datetime(2026, 11, 1, 6, 50, tzinfo=NEW_YORK),
        out_of_bed_at=datetime(2026, 11, 1, 7, 5, tzinfo=NEW_YORK),
        quality=2,
        legs_disturbed=LegsDisturbed.A_LOT,
        note="woke at 3 with jumpy legs; walked 10 min\nthen slept",
    )
    save_diary(db, entry)
    kept = get_diary(db, night)
    assert kept == entry
    assert kept is not None
    assert offsets(kept.in_bed_at, kept.tried_to_sleep_at, kept.final_waking_at) == [
        timedelta(hours=-4),
        timedelta(hours=-4),
        timedelta(hours=-5),
    ]
    assert kept.out_of_bed_at.utcoffset() == timedelta(hours=-5)
    assert kept.tried_to_sleep_at.microsecond == 250_000
    assert kept.legs_disturbed is LegsDisturbed.A_LOT
    assert (kept.in_bed_at.hour, kept.out_of_bed_at.hour) == (23, 7)  # local times kept
    assert list_diary(db) == [entry]


def test_saving_a_night_again_replaces_it(db: sqlite3.Connection) -> None:
    night = date(2026, 11, 20)
    save_diary(db, diary_entry(night, note="first"))
    save_diary(db, diary_entry(night, zone=KATHMANDU, note="second"))
    (kept,) = list_diary(db)
    assert kept == diary_entry(night, zone=KATHMANDU, note="second")
    assert kept.in_bed_at.utcoffset() == timedelta(hours=5, minutes=45)
    assert not db.in_transaction


def test_diary_lists_oldest_first_within_the_nights_asked_for(db: sqlite3.Connection) -> None:
    nights = [date(2026, 11, 1) + timedelta(days=k) for k in (5, 0, 3, 1, 30)]
    for night in nights:
        save_diary(db, diary_entry(night))
    assert [e.night for e in list_diary(db)] == sorted(nights)
    assert [e.night for e in list_diary(db, date(2026, 11, 2), date(2026, 11, 6))] == [
        date(2026, 11, 2),
        date(2026, 11, 4),
        date(2026, 11, 6),
    ]
    assert [e.night for e in list_diary(db, first=date(2026, 11, 6))] == [
        date(2026, 11, 6),
        date(2026, 12, 1),
    ]
    assert [e.night for e in list_diary(db, last=date(2026, 11, 1))] == [date(2026, 11, 1)]
    assert list_diary(db, date(2026, 11, 7), date(2026, 11, 30)) == []


def test_deleting_a_diary_night(db: sqlite3.Connection) -> None:
    night = date(2026, 11, 20)
    save_diary(db, diary_entry(night))
    save_diary(db, diary_entry(night + timedelta(days=1)))
    assert delete_diary(db, night) == diary_entry(night)
    assert get_diary(db, night) is None
    assert delete_diary(db, night) is None
    assert [e.night for e in list_diary(db)] == [night + timedelta(days=1)]


def test_a_failed_save_leaves_the_night_as_it_was(db: sqlite3.Connection) -> None:
    night = date(2026, 11, 20)
    save_diary(db, diary_entry(night, note="kept"))
    with pytest.raises(ValueError):  # an instant without an offset cannot be stored
        save_diary(db, replace(diary_entry(night), out_of_bed_at=datetime(2026, 11, 21, 7)))
    assert get_diary(db, night) == diary_entry(night, note="kept")
    assert not db.in_transaction


# --- the evening log -----------------------------------------------------------------------


def test_an_evening_log_reads_back_as_saved(db: sqlite3.Connection) -> None:
    night = date(2026, 11, 20)
    log = evening_log(night)
    save_evening(db, log)
    kept = get_evening(db, night)
    assert kept == log
    assert kept is not None and kept.symptoms_started_at is not None
    assert kept.symptoms_started_at.utcoffset() == timedelta(hours=5, minutes=45)
    assert kept.symptoms_started_at.hour == 19
    assert kept.triggers == ("long_sit", "caffeine_after_noon", "my own label")
    assert all(isinstance(place, Place) for place in kept.symptom_places)
    assert db.execute("SELECT symptom_places FROM evening").fetchone()[0] == "arms,legs"


@pytest.mark.parametrize(
    "changes",
    [
        {"symptoms_started_at": None, "none_today": True, "symptom_places": frozenset()},
        {
            "symptoms_started_at": None,
            "symptom_places": frozenset(),
            "rating": None,
            "triggers": (),
            "note": "",
        },
        {"symptom_places": frozenset(Place), "rating": 0, "triggers": ("alcohol",)},
    ],
    ids=["none-today", "all-empty", "every-place"],
)
def test_empty_and_partial_evening_logs_read_back_as_saved(
    db: sqlite3.Connection, changes: dict[str, object]
) -> None:
    night = date(2026, 11, 20)
    log = evening_log(night, **changes)
    save_evening(db, log)
    assert get_evening(db, night) == log


def test_evening_saves_replace_list_and_delete(db: sqlite3.Connection) -> None:
    first, second, third = (date(2026, 11, 20) + timedelta(days=k) for k in range(3))
    for night in (third, first, second):
        save_evening(db, evening_log(night))
    save_evening(db, evening_log(second, rating=9, triggers=()))
    assert [log.night for log in list_evening(db)] == [first, second, third]
    assert [log.night for log in list_evening(db, second, second)] == [second]
    assert get_evening(db, second) == evening_log(second, rating=9, triggers=())
    assert delete_evening(db, first) == evening_log(first)
    assert delete_evening(db, first) is None
    assert [log.night for log in list_evening(db)] == [second, third]


def test_diary_and_evening_of_one_night_are_separate(db: sqlite3.Connection) -> None:
    night = date(2026, 11, 20)
    save_diary(db, diary_entry(night))
    save_evening(db, evening_log(night))
    delete_diary(db, night)
    assert get_evening(db, night) == evening_log(night)
    assert get_diary(db, night) is None


def test_instants_are_stored_as_utc_text_and_offset(db: sqlite3.Connection) -> None:
    save_diary(db, diary_entry(date(2026, 11, 20), zone=KATHMANDU))
    row = db.execute("SELECT in_bed_utc, in_bed_offset, night FROM diary").fetchone()
    assert tuple(row) == ("2026-11-20T16:15:00.000", 345, "2026-11-20")
    updated = db.execute("SELECT updated_utc FROM diary").fetchone()[0]
    assert abs(datetime.fromisoformat(updated).replace(tzinfo=UTC) - datetime.now(UTC)) < (
        timedelta(minutes=1)
    )
