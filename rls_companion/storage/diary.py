"""Reading and writing the sleep diary and the evening log, one entry a night.

A night is the key: saving a night that is already kept replaces it. Times
keep the offset they were entered with, as every stored instant does. The
entries are checked by the core before they get here; this module only keeps
them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Literal, TypeVar

from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place
from rls_companion.core.timestamps import from_parts, to_parts
from rls_companion.storage.sessions import transaction

_DIARY_INSTANTS = ("in_bed", "tried_to_sleep", "final_waking", "out_of_bed")

Entry = TypeVar("Entry")
Table = Literal["diary", "evening"]


def _now_utc() -> str:
    return to_parts(datetime.now(UTC))[0]


def _range(first: date | None, last: date | None) -> tuple[str, list[str]]:
    """A WHERE clause (possibly empty) for nights from `first` to `last`, inclusive."""
    conditions: list[str] = []
    values: list[str] = []
    if first is not None:
        conditions.append("night >= ?")
        values.append(first.isoformat())
    if last is not None:
        conditions.append("night <= ?")
        values.append(last.isoformat())
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), values


def _get(
    db: sqlite3.Connection, table: Table, night: date, read: Callable[[sqlite3.Row], Entry]
) -> Entry | None:
    row = db.execute(f"SELECT * FROM {table} WHERE night = ?", (night.isoformat(),)).fetchone()
    return None if row is None else read(row)


def _list(
    db: sqlite3.Connection,
    table: Table,
    first: date | None,
    last: date | None,
    read: Callable[[sqlite3.Row], Entry],
) -> list[Entry]:
    where, values = _range(first, last)
    return [read(row) for row in db.execute(f"SELECT * FROM {table}{where} ORDER BY night", values)]


def _delete(
    db: sqlite3.Connection, table: Table, night: date, read: Callable[[sqlite3.Row], Entry]
) -> Entry | None:
    entry = _get(db, table, night, read)
    if entry is not None:
        with transaction(db):
            db.execute(f"DELETE FROM {table} WHERE night = ?", (night.isoformat(),))
    return entry


# --- the morning check-in ------------------------------------------------------------------


def save_diary(db: sqlite3.Connection, entry: DiaryEntry) -> None:
    """Keep `entry` as its night's diary entry, replacing any kept before."""
    with transaction(db):
        insert_diary(db, entry)


def insert_diary(db: sqlite3.Connection, entry: DiaryEntry) -> None:
    """Insert or replace one night (the caller holds the transaction)."""
    in_bed = to_parts(entry.in_bed_at)
    tried = to_parts(entry.tried_to_sleep_at)
    waking = to_parts(entry.final_waking_at)
    out_of_bed = to_parts(entry.out_of_bed_at)
    db.execute(
        "INSERT OR REPLACE INTO diary (night, in_bed_utc, in_bed_offset, tried_to_sleep_utc,"
        " tried_to_sleep_offset, minutes_to_sleep, awakenings, minutes_awake,"
        " final_waking_utc, final_waking_offset, out_of_bed_utc, out_of_bed_offset, quality,"
        " legs_disturbed, note, updated_utc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            entry.night.isoformat(),
            *in_bed,
            *tried,
            entry.minutes_to_sleep,
            entry.awakenings,
            entry.minutes_awake,
            *waking,
            *out_of_bed,
            entry.quality,
            LegsDisturbed(entry.legs_disturbed).value,
            entry.note,
            _now_utc(),
        ),
    )


def get_diary(db: sqlite3.Connection, night: date) -> DiaryEntry | None:
    return _get(db, "diary", night, _diary_from_row)


def list_diary(
    db: sqlite3.Connection, first: date | None = None, last: date | None = None
) -> list[DiaryEntry]:
    """The diary entries from `first` to `last` (both included; open when None), oldest first."""
    return _list(db, "diary", first, last, _diary_from_row)


def delete_diary(db: sqlite3.Connection, night: date) -> DiaryEntry | None:
    """Remove a night's diary entry; returns it so the caller can undo."""
    return _delete(db, "diary", night, _diary_from_row)


def _diary_from_row(row: sqlite3.Row) -> DiaryEntry:
    instants = {
        name: from_parts(row[f"{name}_utc"], row[f"{name}_offset"]) for name in _DIARY_INSTANTS
    }
    return DiaryEntry(
        night=date.fromisoformat(row["night"]),
        in_bed_at=instants["in_bed"],
        tried_to_sleep_at=instants["tried_to_sleep"],
        minutes_to_sleep=row["minutes_to_sleep"],
        awakenings=row["awakenings"],
        minutes_awake=row["minutes_awake"],
        final_waking_at=instants["final_waking"],
        out_of_bed_at=instants["out_of_bed"],
        quality=row["quality"],
        legs_disturbed=LegsDisturbed(row["legs_disturbed"]),
        note=row["note"],
    )


# --- the evening log -----------------------------------------------------------------------


def save_evening(db: sqlite3.Connection, log: EveningLog) -> None:
    """Keep `log` as its night's evening log, replacing any kept before."""
    with transaction(db):
        insert_evening(db, log)


def insert_evening(db: sqlite3.Connection, log: EveningLog) -> None:
    """Insert or replace one night (the caller holds the transaction)."""
    started, started_offset = (
        to_parts(log.symptoms_started_at) if log.symptoms_started_at else (None, None)
    )
    db.execute(
        "INSERT OR REPLACE INTO evening (night, symptoms_started_utc, symptoms_started_offset,"
        " none_today, symptom_places, rating, triggers, note, updated_utc)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (
            log.night.isoformat(),
            started,
            started_offset,
            int(log.none_today),
            ",".join(sorted(Place(place).value for place in log.symptom_places)),
            log.rating,
            json.dumps(list(log.triggers), ensure_ascii=False),
            log.note,
            _now_utc(),
        ),
    )


def get_evening(db: sqlite3.Connection, night: date) -> EveningLog | None:
    return _get(db, "evening", night, _evening_from_row)


def list_evening(
    db: sqlite3.Connection, first: date | None = None, last: date | None = None
) -> list[EveningLog]:
    """The evening logs from `first` to `last` (both included; open when None), oldest first."""
    return _list(db, "evening", first, last, _evening_from_row)


def delete_evening(db: sqlite3.Connection, night: date) -> EveningLog | None:
    """Remove a night's evening log; returns it so the caller can undo."""
    return _delete(db, "evening", night, _evening_from_row)


def _evening_from_row(row: sqlite3.Row) -> EveningLog:
    started = row["symptoms_started_utc"]
    places = row["symptom_places"]
    return EveningLog(
        night=date.fromisoformat(row["night"]),
        symptoms_started_at=(
            None if started is None else from_parts(started, row["symptoms_started_offset"])
        ),
        none_today=bool(row["none_today"]),
        symptom_places=frozenset(Place(name) for name in places.split(",") if name),
        rating=row["rating"],
        triggers=tuple(json.loads(row["triggers"])),
        note=row["note"],
    )
