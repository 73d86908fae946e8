"""Importing a history export: defaults, every field, all or nothing, idempotence,
exact one-line problems, and export -> import -> export giving the same bytes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.session import Kind
from rls_companion.storage import export, sessions
from rls_companion.storage.db import open_database
from rls_companion.storage.importer import ImportProblem, import_history, parse_history

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
    assert written == document(item)
    # and once more, through a second history
    assert import_history(other_db, parse_history(exported(db))) == (1, 0)
    assert exported(other_db) == exported(db)


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
        "$.sessions[0].kind: expected one of bedtime, breathing, resettle; got the text 'nap'",
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
        encode({**document(), "version": 2}),
        "$.version: version 2 is not supported (this version of the app reads version 1)",
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
