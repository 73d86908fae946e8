"""Importing a history export: defaults, every field, all or nothing, idempotence,
exact one-line problems, and export -> import -> export giving the same bytes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place
from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.session import Kind
from rls_companion.core.streaks import StreakRules
from rls_companion.storage import diary as diary_store
from rls_companion.storage import export, sessions
from rls_companion.storage.db import open_database
from rls_companion.storage.importer import (
    Counts,
    ImportConflict,
    Imported,
    ImportProblem,
    import_file,
    import_history,
    parse_file,
    parse_history,
)

NEW_YORK = timezone(timedelta(hours=-5))
NEW_YORK_SUMMER = timezone(timedelta(hours=-4))
KATHMANDU = timezone(timedelta(hours=5, minutes=45))
UTC0 = UTC


@pytest.fixture
def db(data_dir: Path) -> Iterator[sqlite3.Connection]:
    connection = open_database(data_dir / "history.sqlite3").connection
    yield connection
    connection.close()


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_database(tmp_path / "other" / "history.sqlite3").connection
    yield connection
    connection.close()


def document(*items: dict[str, Any]) -> dict[str, Any]:
    return {"format": "rls-companion-history", "version": 1, "sessions": list(items)}


def encode(doc: object) -> bytes:
    return json.dumps(doc, indent=2).encode("utf-8")


def full_session(session_id: str = "s-full") -> dict[str, Any]:
    """Every field of the export shape, as the exporter writes it."""
    return {
        "id": session_id,
        "started_at": "2026-11-01T01:15:30-04:00",
        "ended_at": "2026-11-01T01:40:10-05:00",  # daylight saving ended meanwhile
        "kind": "resettle",
        "planned_seconds": 1500,
        "practice_seconds": 1185,
        "completed": False,
        "interrupted": True,
        "breathing": {"pattern": "4-7-8", "breaths_per_minute": 5.5},
        "rating_before": 6,
        "rating_after": 3,
        "urges": [
            {
                "at": "2026-11-01T01:20:30-04:00",
                "target_seconds": 15,
                "held_seconds": 17.5,
                "outcome": "held",
                "intensity": 7,
            },
            {
                "at": "2026-11-01T01:29:03-05:00",
                "target_seconds": 25,
                "held_seconds": 4.2,
                "outcome": "moved",
                "intensity": None,
            },
        ],
    }


def count(db: sqlite3.Connection, table: str = "sessions") -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def exported(db: sqlite3.Connection) -> bytes:
    return export.history_json(sessions.list_sessions(db))


# --- reading -----------------------------------------------------------------------------------


def test_a_minimal_session_gets_defaults() -> None:
    data = encode(
        document({"id": "a", "started_at": "2026-11-20T22:15:00-05:00", "practice_seconds": 299.5})
    )
    (record,) = parse_history(data)
    assert record == SessionRecord(
        id="a",
        started_at=datetime(2026, 11, 20, 22, 15, tzinfo=NEW_YORK),
        ended_at=None,
        kind=Kind.BEDTIME,
        planned_seconds=300,
        practice_seconds=299.5,
        state=SessionState.STOPPED,
        pattern=None,
        breaths_per_minute=None,
        rating_before=None,
        rating_after=None,
        urges=(),
    )
    assert record.started_at.utcoffset() == timedelta(hours=-5)


def test_nulls_take_the_defaults_too() -> None:
    item = {
        "id": "a",
        "started_at": "2026-11-20T22:15:00+05:45",
        "practice_seconds": 60,
        "ended_at": None,
        "kind": None,
        "planned_seconds": None,
        "completed": None,
        "interrupted": None,
        "breathing": None,
        "rating_before": None,
        "rating_after": None,
        "urges": None,
        "notes": "unknown fields are ignored",
    }
    (record,) = parse_history(encode(document(item)))
    assert (record.kind, record.planned_seconds, record.state, record.urges) == (
        "bedtime",
        60,
        SessionState.STOPPED,
        (),
    )
    assert record.kind is Kind.BEDTIME
    assert record.practice_seconds == 60.0 and isinstance(record.practice_seconds, float)


def test_every_field_is_read() -> None:
    (record,) = parse_history(encode(document(full_session())))
    assert record == SessionRecord(
        id="s-full",
        started_at=datetime(2026, 11, 1, 1, 15, 30, tzinfo=NEW_YORK_SUMMER),
        ended_at=datetime(2026, 11, 1, 1, 40, 10, tzinfo=NEW_YORK),
        kind=Kind.RESETTLE,
        planned_seconds=1500,
        practice_seconds=1185.0,
        state=SessionState.INTERRUPTED,
        pattern="4-7-8",
        breaths_per_minute=5.5,
        rating_before=6,
        rating_after=3,
        urges=(
            UrgeRecord(
                datetime(2026, 11, 1, 1, 20, 30, tzinfo=NEW_YORK_SUMMER), 15, 17.5, Outcome.HELD, 7
            ),
            UrgeRecord(
                datetime(2026, 11, 1, 1, 29, 3, tzinfo=NEW_YORK), 25, 4.2, Outcome.MOVED, None
            ),
        ),
    )
    assert record.ended_at is not None and record.ended_at.utcoffset() == timedelta(hours=-5)
    # The kind and the outcomes are read as members of their enums, not as bare text.
    assert record.kind is Kind.RESETTLE
    assert [u.outcome for u in record.urges] == [Outcome.HELD, Outcome.MOVED]
    assert all(type(u.outcome) is Outcome for u in record.urges)


@pytest.mark.parametrize(
    ("completed", "interrupted", "state"),
    [
        (True, False, SessionState.COMPLETED),
        (False, True, SessionState.INTERRUPTED),
        (False, False, SessionState.STOPPED),
    ],
)
def test_state_from_the_two_flags(completed: bool, interrupted: bool, state: SessionState) -> None:
    item = {**full_session(), "completed": completed, "interrupted": interrupted}
    assert parse_history(encode(document(item)))[0].state is state


def test_every_field_round_trips_through_the_database(
    db: sqlite3.Connection, other_db: sqlite3.Connection
) -> None:
    item = full_session()
    assert import_history(db, parse_history(encode(document(item)))) == (1, 0)
    written = json.loads(exported(db))
    # a version 1 file comes back as version 2, with no nights
    assert written == {**document(item), "version": 2, "diary": [], "evening": []}
    # and once more, through a second history
    assert import_history(other_db, parse_history(exported(db))) == (1, 0)
    assert exported(other_db) == exported(db)


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_of_session_round_trips(db: sqlite3.Connection, kind: Kind) -> None:
    item = {**full_session(), "kind": kind.value}
    assert import_history(db, parse_history(encode(document(item)))) == (1, 0)
    assert json.loads(exported(db))["sessions"][0]["kind"] == kind.value


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + encode(document(full_session()))
    assert [r.id for r in parse_history(data)] == ["s-full"]


# --- one-line problems with their JSON path ----------------------------------------------------


def with_session(change: Callable[[dict[str, Any]], None], index: int = 0) -> bytes:
    items = [full_session(f"s{i}") for i in range(3)]
    change(items[index])
    return encode(document(*items))


def set_field(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        item[key] = value

    return change


def drop_field(key: str) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        del item[key]

    return change


def set_urge(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        item["urges"][1][key] = value

    return change


def set_breathing(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        item["breathing"][key] = value

    return change


PROBLEMS: list[tuple[str, bytes, str]] = [
    (
        "naive start",
        with_session(set_field("started_at", "2026-11-20T22:15:00"), 2),
        "$.sessions[2].started_at: '2026-11-20T22:15:00' has no UTC offset",
    ),
    (
        "not a timestamp",
        with_session(set_field("started_at", "last night"), 1),
        "$.sessions[1].started_at: 'last night' is not an ISO 8601 timestamp",
    ),
    (
        "offset in seconds",
        with_session(set_field("ended_at", "2026-11-01T01:40:10+05:45:30")),
        "$.sessions[0].ended_at: '2026-11-01T01:40:10+05:45:30' has an offset that is not "
        "whole minutes",
    ),
    (
        "year one",
        with_session(set_field("started_at", "0001-01-01T00:00:00+05:00")),
        "$.sessions[0].started_at: '0001-01-01T00:00:00+05:00' is out of range (1970 to 9998)",
    ),
    (
        "ends before it starts",
        with_session(set_field("ended_at", "2026-11-01T01:15:29-04:00")),
        "$.sessions[0].ended_at: '2026-11-01T01:15:29-04:00' is before started_at "
        "'2026-11-01T01:15:30-04:00'",
    ),
    (
        "missing id",
        with_session(drop_field("id"), 1),
        "$.sessions[1].id: missing (it is required)",
    ),
    (
        "missing practice",
        with_session(drop_field("practice_seconds")),
        "$.sessions[0].practice_seconds: missing (it is required)",
    ),
    ("empty id", with_session(set_field("id", "")), "$.sessions[0].id: '' is empty"),
    (
        "numeric id",
        with_session(set_field("id", 7)),
        "$.sessions[0].id: expected a text id, got 7",
    ),
    (
        "duplicate id",
        with_session(set_field("id", "s0"), 2),
        "$.sessions[2].id: duplicate id 's0' (also at $.sessions[0].id)",
    ),
    (
        "practice as text",
        with_session(set_field("practice_seconds", "1185")),
        "$.sessions[0].practice_seconds: expected a number, got the text '1185'",
    ),
    (
        "practice as a boolean",
        with_session(set_field("practice_seconds", True)),
        "$.sessions[0].practice_seconds: expected a number, got true",
    ),
    (
        "negative practice",
        with_session(set_field("practice_seconds", -1)),
        "$.sessions[0].practice_seconds: -1 is out of range (0 to 86400)",
    ),
    (
        "more than a day",
        with_session(set_field("practice_seconds", 86400.5)),
        "$.sessions[0].practice_seconds: 86400.5 is out of range (0 to 86400)",
    ),
    (
        "not a number",
        with_session(set_field("practice_seconds", float("nan"))),
        "$.sessions[0].practice_seconds: nan is not a finite number",
    ),
    (
        "infinite",
        with_session(set_field("practice_seconds", float("inf"))),
        "$.sessions[0].practice_seconds: inf is not a finite number",
    ),
    (
        "planned as a fraction",
        with_session(set_field("planned_seconds", 1200.5)),
        "$.sessions[0].planned_seconds: expected a whole number, got 1200.5",
    ),
    (
        "unknown kind",
        with_session(set_field("kind", "nap")),
        "$.sessions[0].kind: expected one of bedtime, breathing, resettle, stretch;"
        " got the text 'nap'",
    ),
    (
        "both completed and interrupted",
        with_session(set_field("completed", True)),
        '$.sessions[0].interrupted: cannot be true when "completed" is true',
    ),
    (
        "flag as a number",
        with_session(set_field("completed", 1)),
        "$.sessions[0].completed: expected true or false, got 1",
    ),
    (
        "rating too high",
        with_session(set_field("rating_after", 11)),
        "$.sessions[0].rating_after: 11 is out of range (0 to 10)",
    ),
    (
        "breathing as a list",
        with_session(set_field("breathing", [])),
        "$.sessions[0].breathing: expected an object, got a list",
    ),
    (
        "unknown pattern",
        with_session(set_breathing("pattern", "fast")),
        "$.sessions[0].breathing.pattern: expected one of resonance, extended_exhale, box, "
        "4-7-8, cyclic_sigh, custom; got the text 'fast'",
    ),
    (
        "pace too slow",
        with_session(set_breathing("breaths_per_minute", 4.4)),
        "$.sessions[0].breathing.breaths_per_minute: 4.4 is out of range (4.5 to 10)",
    ),
    (
        "urges as an object",
        with_session(set_field("urges", {})),
        "$.sessions[0].urges: expected a list of urges, got an object",
    ),
    (
        "urge target zero",
        with_session(set_urge("target_seconds", 0)),
        "$.sessions[0].urges[1].target_seconds: 0 is out of range (1 to 300)",
    ),
    (
        "urge held too long",
        with_session(set_urge("held_seconds", 3600.1)),
        "$.sessions[0].urges[1].held_seconds: 3600.1 is out of range (0 to 3600)",
    ),
    (
        "urge outcome",
        with_session(set_urge("outcome", "failed"), 1),
        "$.sessions[1].urges[1].outcome: expected one of held, moved; got the text 'failed'",
    ),
    (
        "urge intensity",
        with_session(set_urge("intensity", -1)),
        "$.sessions[0].urges[1].intensity: -1 is out of range (0 to 10)",
    ),
    (
        "urge time without offset",
        with_session(set_urge("at", "2026-11-01T01:29:03")),
        "$.sessions[0].urges[1].at: '2026-11-01T01:29:03' has no UTC offset",
    ),
    (
        "session as text",
        encode(document(full_session(), "oops")),  # type: ignore[arg-type]
        "$.sessions[1]: expected an object, got the text 'oops'",
    ),
    (
        "top level list",
        encode([full_session()]),
        "$: expected an object with format, version and sessions, got a list",
    ),
    (
        "wrong tag",
        encode({**document(), "format": "something-else"}),
        "$.format: expected 'rls-companion-history', got the text 'something-else'",
    ),
    (
        "newer version",
        encode({**document(), "version": 3}),
        "$.version: version 3 is not supported (this version of the app reads versions 1 and 2)",
    ),
    (
        "version as text",
        encode({**document(), "version": "1"}),
        "$.version: expected a whole number, got the text '1'",
    ),
    (
        "no sessions",
        encode({"format": "rls-companion-history", "version": 1}),
        "$.sessions: missing (expected a list of sessions)",
    ),
    (
        "truncated",
        b'{"format": "rls-companion-history",\n  "version": 1,\n  "sessions": [',
        "$: not valid JSON (line 3, column 16: Expecting value)",
    ),
    ("empty file", b"", "$: not valid JSON (line 1, column 1: Expecting value)"),
    (
        "latin-1",
        b'{"format": "rls-companion-history",\n "id": "caf\xe9"}',
        "$: not valid JSON (line 2, column 12: not UTF-8 text, byte 0xe9)",
    ),
    ("deeply nested", b"[" * 100_000, "$: not valid JSON (nested too deeply)"),
    ("huge number", b"1" * 5000, "$: not valid JSON (a number is too long)"),
]


@pytest.mark.parametrize(
    ("data", "message"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS]
)
def test_problems_name_their_json_path_on_one_line(data: bytes, message: str) -> None:
    with pytest.raises(ImportProblem) as caught:
        parse_history(data)
    assert str(caught.value) == message
    assert caught.value.path == message.split(":", 1)[0]


def test_the_first_problem_is_reported() -> None:
    items = [full_session(f"s{i}") for i in range(4)]
    items[1]["rating_before"] = 12
    items[3]["started_at"] = "nope"
    items[1]["urges"][0]["outcome"] = "maybe"
    with pytest.raises(ImportProblem) as caught:
        parse_history(encode(document(*items)))
    assert caught.value.path == "$.sessions[1].rating_before"


# --- writing: all or nothing, idempotent --------------------------------------------------------


def numbered(count: int, first_night: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": f"night-{i:02d}",
            "started_at": (first_night + timedelta(days=i)).isoformat(),
            "practice_seconds": 600,
            "urges": [
                {
                    "at": (first_night + timedelta(days=i, minutes=3)).isoformat(),
                    "target_seconds": 15,
                    "held_seconds": 15.0,
                    "outcome": "held",
                }
            ],
        }
        for i in range(count)
    ]


def test_a_bad_fifth_session_adds_nothing(db: sqlite3.Connection) -> None:
    existing = numbered(2, datetime(2026, 10, 1, 22, 0, tzinfo=NEW_YORK))
    import_history(db, parse_history(encode(document(*existing))))
    before = exported(db)
    items = numbered(8, datetime(2026, 11, 1, 22, 0, tzinfo=NEW_YORK))
    items[4]["urges"][0]["held_seconds"] = -3
    with pytest.raises(ImportProblem) as caught:
        import_history(db, parse_history(encode(document(*items))))
    assert (
        str(caught.value) == "$.sessions[4].urges[0].held_seconds: -3 is out of range (0 to 3600)"
    )
    assert exported(db) == before
    assert (count(db), count(db, "urges")) == (2, 2)


def test_a_failure_while_writing_rolls_everything_back(
    db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = parse_history(
        encode(document(*numbered(8, datetime(2026, 11, 1, 22, 0, tzinfo=KATHMANDU))))
    )
    real_insert = sessions.insert_session
    written: list[str] = []

    def failing_insert(connection: sqlite3.Connection, record: SessionRecord) -> None:
        if len(written) == 4:
            raise sqlite3.OperationalError("disk I/O error")
        real_insert(connection, record)
        written.append(record.id)

    monkeypatch.setattr(sessions, "insert_session", failing_insert)
    with pytest.raises(sqlite3.OperationalError):
        import_history(db, records)
    assert written == [f"night-{i:02d}" for i in range(4)]
    assert (count(db), count(db, "urges")) == (0, 0)
    assert not db.in_transaction


def test_importing_twice_adds_nothing_the_second_time(db: sqlite3.Connection) -> None:
    data = encode(document(*numbered(6, datetime(2026, 11, 1, 22, 0, tzinfo=NEW_YORK))))
    assert import_history(db, parse_history(data)) == (6, 0)
    first = exported(db)
    assert import_history(db, parse_history(data)) == (0, 6)
    assert (count(db), count(db, "urges")) == (6, 6)
    assert exported(db) == first


def test_ids_already_present_are_skipped_not_compared(db: sqlite3.Connection) -> None:
    items = numbered(4, datetime(2026, 11, 1, 22, 0, tzinfo=NEW_YORK))
    import_history(db, parse_history(encode(document(*items[:2]))))
    changed = {**items[1], "practice_seconds": 1, "urges": []}
    added, skipped = import_history(
        db, parse_history(encode(document(items[0], changed, *items[2:])))
    )
    assert (added, skipped) == (2, 2)
    kept = sessions.get_session(db, "night-01")
    assert kept is not None and kept.practice_seconds == 600.0 and len(kept.urges) == 1


# --- export -> import -> export ----------------------------------------------------------------


def varied_history() -> list[SessionRecord]:
    """What the app records: sub-second instants, fractional practice and holds,
    offsets on both sides of UTC and a daylight-saving change mid-session."""
    ny = datetime(2026, 11, 1, 1, 15, 30, 250_000, tzinfo=NEW_YORK_SUMMER)
    ktm = datetime(2026, 11, 3, 23, 59, 59, 999_000, tzinfo=KATHMANDU)
    same_second = datetime(2026, 11, 5, 22, 0, 0, 900_000, tzinfo=UTC0)
    return [
        SessionRecord(
            id="m-new-york",
            started_at=ny,
            ended_at=datetime(2026, 11, 1, 1, 40, 10, 500_000, tzinfo=NEW_YORK),
            kind=Kind.BEDTIME,
            planned_seconds=1200,
            practice_seconds=1185.25,
            state=SessionState.COMPLETED,
            pattern="resonance",
            breaths_per_minute=6.0,
            rating_before=6,
            rating_after=3,
            urges=(
                UrgeRecord(ny + timedelta(seconds=300.4), 15, 17.0, Outcome.HELD, 7),
                UrgeRecord(ny + timedelta(seconds=700), 25, 4.25, Outcome.MOVED, None),
                UrgeRecord(ny + timedelta(seconds=900), 25, 24.96, Outcome.HELD, 0),
            ),
        ),
        SessionRecord(
            id="k-kathmandu",
            started_at=ktm,
            ended_at=ktm + timedelta(minutes=9, seconds=0.6),
            kind=Kind.RESETTLE,
            planned_seconds=600,
            practice_seconds=540.5,
            state=SessionState.INTERRUPTED,
            pattern="custom",
            breaths_per_minute=4.5,
            rating_before=0,
            rating_after=None,
            urges=(UrgeRecord(ktm + timedelta(seconds=61), 120, 3600.0, Outcome.HELD, 10),),
        ),
        # Two sessions in the same whole second, their ids in the other order
        # from their start instants: the order must survive the lost milliseconds.
        SessionRecord(
            id="a-later-in-the-second",
            started_at=same_second,
            ended_at=None,
            kind=Kind.BREATHING,
            planned_seconds=300,
            practice_seconds=0.0,
            state=SessionState.RUNNING,
        ),
        SessionRecord(
            id="z-earlier-in-the-second",
            started_at=same_second - timedelta(milliseconds=800),
            ended_at=same_second + timedelta(minutes=5),
            kind=Kind.BREATHING,
            planned_seconds=300,
            practice_seconds=299.5,
            state=SessionState.STOPPED,
            pattern="box",
            breaths_per_minute=7.25,
        ),
    ]


def test_export_import_export_gives_the_same_bytes(
    db: sqlite3.Connection, other_db: sqlite3.Connection
) -> None:
    with sessions.transaction(db):
        for record in varied_history():
            sessions.insert_session(db, record)
    first = exported(db)
    assert import_history(other_db, parse_history(first)) == (4, 0)
    second = exported(other_db)
    assert second == first
    # and it is stable from then on
    assert import_history(db, parse_history(second)) == (0, 4)
    assert exported(db) == first

    text = first.decode("utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "format": "rls-companion-history",')
    doc = json.loads(text)
    assert [s["id"] for s in doc["sessions"]] == [
        "m-new-york",
        "k-kathmandu",
        "a-later-in-the-second",
        "z-earlier-in-the-second",
    ]
    new_york, kathmandu, running, stopped = doc["sessions"]
    assert new_york["started_at"] == "2026-11-01T01:15:30-04:00"
    assert new_york["ended_at"] == "2026-11-01T01:40:10-05:00"
    assert new_york["practice_seconds"] == 1185
    assert [u["held_seconds"] for u in new_york["urges"]] == [17.0, 4.2, 25.0]
    assert '"held_seconds": 17.0,' in text and '"breaths_per_minute": 6.0' in text
    assert [u["at"] for u in new_york["urges"]] == [
        "2026-11-01T01:20:30-04:00",
        "2026-11-01T01:27:10-04:00",
        "2026-11-01T01:30:30-04:00",
    ]
    assert kathmandu["started_at"] == "2026-11-03T23:59:59+05:45"
    assert (kathmandu["rating_before"], kathmandu["rating_after"]) == (0, None)
    assert (kathmandu["completed"], kathmandu["interrupted"]) == (False, True)
    assert running["started_at"] == stopped["started_at"] == "2026-11-05T22:00:00+00:00"
    # A session still running when exported comes back as stopped early.
    (back,) = [r for r in sessions.list_sessions(other_db) if r.id == "a-later-in-the-second"]
    assert back.state is SessionState.STOPPED


# --- version 2: the sleep diary and the evening log ----------------------------------------


def diary_item(night: str = "2026-11-20", **changes: Any) -> dict[str, Any]:
    """A diary night as the exporter writes it (New York, winter time)."""
    day = date.fromisoformat(night)
    evening = datetime.combine(day, time(22, 30), tzinfo=NEW_YORK)
    item = {
        "night": night,
        "in_bed_at": evening.isoformat(),
        "tried_to_sleep_at": (evening + timedelta(minutes=15)).isoformat(),
        "minutes_to_sleep": 30,
        "awakenings": 2,
        "minutes_awake": 45,
        "final_waking_at": (evening + timedelta(hours=8)).isoformat(),
        "out_of_bed_at": (evening + timedelta(hours=8, minutes=20)).isoformat(),
        "quality": 3,
        "legs_disturbed": "a_little",
        "note": "",
    }
    return {**item, **changes}


def evening_item(night: str = "2026-11-20", **changes: Any) -> dict[str, Any]:
    """An evening log as the exporter writes it."""
    started = datetime.combine(date.fromisoformat(night), time(20, 15), tzinfo=NEW_YORK)
    item = {
        "night": night,
        "symptoms_started_at": started.isoformat(),
        "symptom_places": ["arms", "legs"],
        "rating": 6,
        "triggers": ["alcohol", "long_sit"],
        "note": "",
    }
    return {**item, **changes}


def document_v2(
    sessions_: list[dict[str, Any]],
    diary_: list[dict[str, Any]],
    evening_: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "format": "rls-companion-history",
        "version": 2,
        "sessions": sessions_,
        "diary": diary_,
        "evening": evening_,
    }


def exported_v2(db: sqlite3.Connection) -> bytes:
    return export.history_json(
        sessions.list_sessions(db), diary_store.list_diary(db), diary_store.list_evening(db)
    )


def import_bytes(db: sqlite3.Connection, data: bytes) -> Imported:
    return import_file(db, parse_file(data))


def counts(imported: Imported) -> tuple[tuple[int, int], ...]:
    parts: tuple[Counts, ...] = (imported.sessions, imported.diary, imported.evening)
    return tuple((part.added, part.present) for part in parts)


def varied_nights() -> tuple[list[DiaryEntry], list[EveningLog]]:
    """Diary nights across a daylight-saving change and in Kathmandu, and
    evening logs with a start time, with none today, and empty."""
    diary_entries = [
        DiaryEntry(
            night=date(2026, 10, 31),
            in_bed_at=datetime(2026, 10, 31, 23, 10, tzinfo=NEW_YORK_SUMMER),
            tried_to_sleep_at=datetime(2026, 10, 31, 23, 40, tzinfo=NEW_YORK_SUMMER),
            minutes_to_sleep=45,
            awakenings=3,
            minutes_awake=70,
            final_waking_at=datetime(2026, 11, 1, 6, 50, tzinfo=NEW_YORK),
            out_of_bed_at=datetime(2026, 11, 1, 7, 5, tzinfo=NEW_YORK),
            quality=2,
            legs_disturbed=LegsDisturbed.A_LOT,
            note='up at 3, walked; "better" after',
        ),
        DiaryEntry(
            night=date(2026, 11, 3),
            in_bed_at=datetime(2026, 11, 3, 22, 0, tzinfo=KATHMANDU),
            tried_to_sleep_at=datetime(2026, 11, 4, 0, 30, tzinfo=KATHMANDU),
            minutes_to_sleep=0,
            awakenings=0,
            minutes_awake=0,
            final_waking_at=datetime(2026, 11, 4, 6, 0, tzinfo=KATHMANDU),
            out_of_bed_at=datetime(2026, 11, 4, 6, 0, tzinfo=KATHMANDU),
            quality=5,
            legs_disturbed=LegsDisturbed.NONE,
        ),
    ]
    evening_logs = [
        EveningLog(
            night=date(2026, 10, 31),
            symptoms_started_at=datetime(2026, 10, 31, 19, 45, tzinfo=NEW_YORK_SUMMER),
            none_today=False,
            symptom_places=frozenset({Place.LEGS, Place.ELSEWHERE}),
            rating=7,
            triggers=("long_sit", "caffeine_after_noon", "Weißbier"),
            note="Reise",
        ),
        EveningLog(date(2026, 11, 2), None, True, frozenset(), 0, (), ""),
        EveningLog(date(2026, 11, 3), None, False, frozenset(), None, (), ""),
    ]
    return diary_entries, evening_logs


def test_version_2_export_import_export_gives_the_same_bytes(
    db: sqlite3.Connection, other_db: sqlite3.Connection
) -> None:
    diary_entries, evening_logs = varied_nights()
    with sessions.transaction(db):
        for record in varied_history():
            sessions.insert_session(db, record)
    for entry in diary_entries:
        diary_store.save_diary(db, entry)
    for log in evening_logs:
        diary_store.save_evening(db, log)
    first = exported_v2(db)
    assert counts(import_bytes(other_db, first)) == ((4, 0), (2, 0), (3, 0))
    assert exported_v2(other_db) == first
    assert diary_store.list_diary(other_db) == diary_entries
    assert [log.night for log in diary_store.list_evening(other_db)] == [
        log.night for log in evening_logs
    ]
    # importing it again, into either, adds nothing: every night is already present
    assert counts(import_bytes(other_db, first)) == ((0, 4), (0, 2), (0, 3))
    assert counts(import_bytes(db, first)) == ((0, 4), (0, 2), (0, 3))
    assert exported_v2(db) == first

    doc = json.loads(first)
    assert list(doc) == ["format", "version", "sessions", "diary", "evening"]
    assert doc["version"] == 2
    assert doc["diary"][0] == {
        "night": "2026-10-31",
        "in_bed_at": "2026-10-31T23:10:00-04:00",
        "tried_to_sleep_at": "2026-10-31T23:40:00-04:00",
        "minutes_to_sleep": 45,
        "awakenings": 3,
        "minutes_awake": 70,
        "final_waking_at": "2026-11-01T06:50:00-05:00",
        "out_of_bed_at": "2026-11-01T07:05:00-05:00",
        "quality": 2,
        "legs_disturbed": "a_lot",
        "note": 'up at 3, walked; "better" after',
    }
    assert doc["diary"][1]["tried_to_sleep_at"] == "2026-11-04T00:30:00+05:45"
    assert doc["evening"] == [
        {
            "night": "2026-10-31",
            "symptoms_started_at": "2026-10-31T19:45:00-04:00",
            "symptom_places": ["elsewhere", "legs"],
            "rating": 7,
            "triggers": ["Weißbier", "caffeine_after_noon", "long_sit"],
            "note": "Reise",
        },
        {
            "night": "2026-11-02",
            "symptoms_started_at": "none_today",
            "symptom_places": [],
            "rating": 0,
            "triggers": [],
            "note": "",
        },
        {
            "night": "2026-11-03",
            "symptoms_started_at": None,
            "symptom_places": [],
            "rating": None,
            "triggers": [],
            "note": "",
        },
    ]


def test_an_empty_history_exports_empty_nights(db: sqlite3.Connection) -> None:
    assert exported_v2(db) == (
        b'{\n  "format": "rls-companion-history",\n  "version": 2,\n  "sessions": [],\n'
        b'  "diary": [],\n  "evening": []\n}\n'
    )


def test_a_version_1_file_still_imports(db: sqlite3.Connection) -> None:
    data = encode({**document(full_session()), "diary": "ignored in version 1"})
    assert counts(import_bytes(db, data)) == ((1, 0), (0, 0), (0, 0))
    assert [r.id for r in sessions.list_sessions(db)] == ["s-full"]
    assert json.loads(exported_v2(db))["sessions"] == [full_session()]


def test_a_version_2_file_may_leave_out_the_nights(db: sqlite3.Connection) -> None:
    data = encode({**document(full_session()), "version": 2, "evening": None})
    history = parse_file(data)
    assert (len(history.sessions), history.diary, history.evening) == (1, [], [])


def test_nights_are_checked_with_the_streak_rules_given() -> None:
    # Tried to sleep at 00:45: with the rollover at midnight that is the night of the 21st.
    item = diary_item(
        "2026-11-21",
        in_bed_at="2026-11-21T00:30:00-05:00",
        tried_to_sleep_at="2026-11-21T00:45:00-05:00",
        final_waking_at="2026-11-21T07:00:00-05:00",
        out_of_bed_at="2026-11-21T07:10:00-05:00",
    )
    data = encode(document_v2([], [item], []))
    assert parse_file(data, StreakRules(rollover_hour=0)).diary[0].night == date(2026, 11, 21)
    with pytest.raises(ImportProblem) as caught:
        parse_file(data)
    assert str(caught.value) == (
        "$.diary[0].night: night 2026-11-21: the night 2026-11-21 is not the night of the "
        "time you tried to sleep (2026-11-20)"
    )


def test_identical_nights_are_already_present(db: sqlite3.Connection) -> None:
    nights = ["2026-11-20", "2026-11-21", "2026-11-22"]
    import_bytes(
        db,
        encode(document_v2([], [diary_item(n) for n in nights[:2]], [evening_item(nights[0])])),
    )
    # The same content written differently (lists in another order, the same
    # instants) is the same entry.
    again = document_v2(
        [full_session()],
        [diary_item(n) for n in nights],
        [
            evening_item(
                nights[0], symptom_places=["legs", "arms"], triggers=["long_sit", "alcohol"]
            ),
            evening_item(nights[2], symptoms_started_at="none_today", symptom_places=[]),
        ],
    )
    assert counts(import_bytes(db, encode(again))) == ((1, 0), (1, 2), (1, 1))
    assert [e.night.isoformat() for e in diary_store.list_diary(db)] == nights
    kept = diary_store.get_evening(db, date(2026, 11, 22))
    assert kept is not None and kept.none_today and kept.symptoms_started_at is None


def test_a_changed_night_is_a_conflict_and_nothing_is_imported(db: sqlite3.Connection) -> None:
    import_bytes(
        db,
        encode(
            document_v2([], [diary_item("2026-11-20"), diary_item("2026-11-21")], [evening_item()])
        ),
    )
    before = exported_v2(db)
    changed = document_v2(
        [full_session()],
        [diary_item("2026-11-19"), diary_item("2026-11-20"), diary_item("2026-11-21", quality=4)],
        [evening_item("2026-11-19"), evening_item(rating=7)],
    )
    with pytest.raises(ImportConflict) as caught:
        import_bytes(db, encode(changed))
    assert str(caught.value) == (
        "$.diary[2]: 2 nights are already in the history with different entries "
        "(diary 2026-11-21; evening 2026-11-20); nothing was imported"
    )
    assert caught.value.nights == [("diary", date(2026, 11, 21)), ("evening", date(2026, 11, 20))]
    assert exported_v2(db) == before
    assert (count(db), count(db, "diary"), count(db, "evening")) == (0, 2, 1)
    assert not db.in_transaction


def test_one_conflict_names_its_night(db: sqlite3.Connection) -> None:
    import_bytes(db, encode(document_v2([], [], [evening_item()])))
    # The same instant, written with another offset, is different content.
    moved = evening_item(symptoms_started_at="2026-11-21T01:15:00+00:00")
    with pytest.raises(ImportConflict) as caught:
        import_bytes(db, encode(document_v2([], [], [moved])))
    assert str(caught.value) == (
        "$.evening[0]: night 2026-11-20 is already in the history with a different "
        "evening log; nothing was imported"
    )


def test_a_bad_diary_entry_is_refused_naming_night_and_field(db: sqlite3.Connection) -> None:
    bad = diary_item("2026-11-21", out_of_bed_at="2026-11-22T06:00:00-05:00")
    data = encode(
        document_v2([full_session()], [diary_item("2026-11-20"), bad], [evening_item("2026-11-21")])
    )
    with pytest.raises(ImportProblem) as caught:
        import_bytes(db, data)
    assert str(caught.value) == (
        "$.diary[1].out_of_bed_at: night 2026-11-21: the time out of bed is before the final waking"
    )
    assert (count(db), count(db, "diary"), count(db, "evening")) == (0, 0, 0)


def with_diary(**changes: Any) -> bytes:
    return encode(document_v2([], [diary_item("2026-11-19"), {**diary_item(), **changes}], []))


def with_evening(**changes: Any) -> bytes:
    return encode(document_v2([], [], [{**evening_item(), **changes}]))


NIGHT_PROBLEMS: list[tuple[str, bytes, str]] = [
    (
        "diary not a list",
        encode({**document_v2([], [], []), "diary": {}}),
        "$.diary: expected a list of nights, got an object",
    ),
    (
        "diary night missing",
        encode(document_v2([], [{"in_bed_at": "2026-11-20T22:30:00-05:00"}], [])),
        "$.diary[0].night: missing (it is required)",
    ),
    (
        "night not a date",
        with_diary(night="20/11/2026"),
        "$.diary[1].night: '20/11/2026' is not a date (YYYY-MM-DD)",
    ),
    (
        "night not a day",
        with_diary(night="2026-02-30"),
        "$.diary[1].night: '2026-02-30' is not a date (YYYY-MM-DD)",
    ),
    (
        "duplicate night",
        encode(document_v2([], [diary_item(), diary_item()], [])),
        "$.diary[1].night: duplicate night 2026-11-20 (also at $.diary[0].night)",
    ),
    (
        "time missing",
        with_diary(final_waking_at=None),
        "$.diary[1].final_waking_at: expected an ISO 8601 timestamp, got null",
    ),
    (
        "time without offset",
        with_diary(in_bed_at="2026-11-20T22:30:00"),
        "$.diary[1].in_bed_at: '2026-11-20T22:30:00' has no UTC offset",
    ),
    (
        "minutes as text",
        with_diary(minutes_awake="45"),
        "$.diary[1].minutes_awake: expected a whole number, got the text '45'",
    ),
    (
        "minutes out of range",
        with_diary(minutes_to_sleep=601),
        "$.diary[1].minutes_to_sleep: night 2026-11-20: the minutes it took to fall asleep "
        "must be a whole number from 0 to 600",
    ),
    (
        "quality out of range",
        with_diary(quality=0),
        "$.diary[1].quality: night 2026-11-20: the sleep quality must be a whole number "
        "from 1 to 5",
    ),
    (
        "legs",
        with_diary(legs_disturbed="sometimes"),
        "$.diary[1].legs_disturbed: expected one of none, a_little, a_lot; "
        "got the text 'sometimes'",
    ),
    (
        "note too long",
        with_diary(note="x" * 501),
        "$.diary[1].note: night 2026-11-20: the note must be text of at most 500 characters",
    ),
    (
        "evening place",
        with_evening(symptom_places=["legs", "back"]),
        "$.evening[0].symptom_places[1]: expected one of legs, arms, elsewhere; "
        "got the text 'back'",
    ),
    (
        "evening triggers not a list",
        with_evening(triggers="alcohol"),
        "$.evening[0].triggers: expected a list of triggers, got the text 'alcohol'",
    ),
    (
        "evening trigger not text",
        with_evening(triggers=["alcohol", 3]),
        "$.evening[0].triggers[1]: expected text, got 3",
    ),
    (
        "evening start in another night",
        with_evening(symptoms_started_at="2026-11-21T07:00:00-05:00"),
        "$.evening[0].symptoms_started_at: night 2026-11-20: when the sensations started "
        "is not in the night of 2026-11-20",
    ),
    (
        "evening none today with places",
        with_evening(symptoms_started_at="none_today"),
        "$.evening[0].symptoms_started_at: night 2026-11-20: when the sensations started "
        "cannot be given, nor where they were felt, on a night logged as none today",
    ),
    (
        "evening rating",
        with_evening(rating=11),
        "$.evening[0].rating: 11 is out of range (0 to 10)",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [p[1:] for p in NIGHT_PROBLEMS], ids=[p[0] for p in NIGHT_PROBLEMS]
)
def test_night_problems_name_their_json_path_on_one_line(
    db: sqlite3.Connection, data: bytes, message: str
) -> None:
    with pytest.raises(ImportProblem) as caught:
        import_bytes(db, data)
    assert str(caught.value) == message
    assert caught.value.path == message.split(":", 1)[0]
    assert (count(db, "diary"), count(db, "evening")) == (0, 0)
