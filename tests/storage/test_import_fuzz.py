"""Hundreds of malformed import files, each rejected on one line and changing nothing.

Every case starts from a valid export and breaks it in one seeded way: a wrong
type somewhere, a value out of range, a required field missing, a duplicate
id, a timestamp without offset, a wrong format tag or version, truncated
JSON, random bytes, text that is not UTF-8, or a top level of the wrong kind.
Where the break has a place, the problem must name exactly that JSON path.
"""

from __future__ import annotations

import copy
import json
import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rls_companion.storage import export, sessions
from rls_companion.storage.db import open_database
from rls_companion.storage.importer import ImportProblem, import_history, parse_history

CASES = 600
Json = Any

# What each place in a version 1 file may hold. A value of any other JSON type
# there must be refused.
ALLOWED: dict[str, set[str]] = {
    "$": {"object"},
    "$.format": {"text"},
    "$.version": {"int"},
    "$.sessions": {"list"},
    "$.sessions[]": {"object"},
    "$.sessions[].id": {"text"},
    "$.sessions[].started_at": {"text"},
    "$.sessions[].ended_at": {"text", "null"},
    "$.sessions[].kind": {"text", "null"},
    "$.sessions[].planned_seconds": {"int", "null"},
    "$.sessions[].practice_seconds": {"int", "float"},
    "$.sessions[].completed": {"bool", "null"},
    "$.sessions[].interrupted": {"bool", "null"},
    "$.sessions[].breathing": {"object", "null"},
    "$.sessions[].breathing.pattern": {"text", "null"},
    "$.sessions[].breathing.breaths_per_minute": {"int", "float", "null"},
    "$.sessions[].rating_before": {"int", "null"},
    "$.sessions[].rating_after": {"int", "null"},
    "$.sessions[].urges": {"list", "null"},
    "$.sessions[].urges[]": {"object"},
    "$.sessions[].urges[].at": {"text"},
    "$.sessions[].urges[].target_seconds": {"int"},
    "$.sessions[].urges[].held_seconds": {"int", "float"},
    "$.sessions[].urges[].outcome": {"text"},
    "$.sessions[].urges[].intensity": {"int", "null"},
}

SAMPLES: dict[str, list[Json]] = {
    "object": [{}, {"sessions": []}, {"id": "x"}],
    "list": [[], [1, 2], [{"id": "x"}]],
    "text": ["", "1", "bedtime", "2026-11-20T22:15:00-05:00"],
    "int": [0, 1, 7, -3, 10**20],
    "float": [0.5, 6.0, -2.25, 1e300],
    "bool": [True, False],
    "null": [None],
}

OUT_OF_RANGE: dict[str, list[Json]] = {
    "$.sessions[].id": ["", "   ", "tab\there", "line\nbreak", "x" * 201],
    "$.sessions[].started_at": [
        "tonight",
        "2026-13-01T22:00:00+00:00",
        "2026-11-20T25:00:00-05:00",
        "2026-11-20T22:15:00+05:45:30",
        "2026-11-20T22:15:00+24:00",
        "0001-01-01T00:30:00+05:00",
        "1969-12-31T23:59:59+00:00",
        "9999-12-31T23:00:00-05:00",
        "2026-11-20T22:15:00-05:00" + " " * 60,
    ],
    "$.sessions[].ended_at": ["", "soon", "1960-01-01T00:00:00+00:00"],
    "$.sessions[].kind": ["nap", "Bedtime", ""],
    "$.sessions[].planned_seconds": [-1, 86_401, 10**30],
    "$.sessions[].practice_seconds": [
        -1,
        -0.001,
        86_400.5,
        10**9,
        1e300,
        float("nan"),
        float("inf"),
        float("-inf"),
    ],
    "$.sessions[].breathing.pattern": ["fast", "Resonance", ""],
    "$.sessions[].breathing.breaths_per_minute": [4.4, 10.01, 0, -6, float("nan")],
    "$.sessions[].rating_before": [-1, 11, 100],
    "$.sessions[].rating_after": [-1, 11],
    "$.sessions[].urges[].at": ["now", "2026-11-20T22:15:00+05:45:30"],
    "$.sessions[].urges[].target_seconds": [0, -15, 301, 10**6],
    "$.sessions[].urges[].held_seconds": [-0.1, 3600.1, float("inf")],
    "$.sessions[].urges[].outcome": ["Held", "failed", ""],
    "$.sessions[].urges[].intensity": [-1, 11],
}

REQUIRED = (
    "$.sessions[].id",
    "$.sessions[].started_at",
    "$.sessions[].practice_seconds",
    "$.sessions[].urges[].at",
    "$.sessions[].urges[].target_seconds",
    "$.sessions[].urges[].held_seconds",
    "$.sessions[].urges[].outcome",
    "$.format",
    "$.version",
    "$.sessions",
)

TIMESTAMPS = ("$.sessions[].started_at", "$.sessions[].ended_at", "$.sessions[].urges[].at")


def base_document() -> dict[str, Json]:
    """A valid export with variety: full and minimal sessions, many offsets."""
    zones = [timezone(timedelta(minutes=m)) for m in (-300, -240, 0, 60, 345, 600)]
    rng = random.Random(1)
    items: list[dict[str, Json]] = []
    for i in range(8):
        zone = zones[i % len(zones)]
        start = datetime(2026, 10, 1, 22, 0, tzinfo=zone) + timedelta(days=i, minutes=7 * i)
        item: dict[str, Json] = {
            "id": f"fuzz-{i}",
            "started_at": start.isoformat(),
            "practice_seconds": 300 + 60 * i,
        }
        if i % 3:
            item.update(
                {
                    "ended_at": (start + timedelta(minutes=20)).isoformat(),
                    "kind": ("bedtime", "breathing", "resettle")[i % 3],
                    "planned_seconds": 1200,
                    "completed": i % 2 == 0,
                    "interrupted": i % 2 == 1,
                    "breathing": {"pattern": "box", "breaths_per_minute": 6.0},
                    "rating_before": rng.randint(0, 10),
                    "rating_after": None,
                    "urges": [
                        {
                            "at": (start + timedelta(minutes=2 + k)).isoformat(),
                            "target_seconds": 15 + 10 * k,
                            "held_seconds": 12.5,
                            "outcome": ("held", "moved")[k % 2],
                            "intensity": (None, 3, 9)[k % 3],
                        }
                        for k in range(1 + i % 3)
                    ],
                }
            )
        items.append(item)
    return {"format": "rls-companion-history", "version": 1, "sessions": items}


Place = tuple[tuple[str | int, ...], str]  # (keys from the top, shape key in ALLOWED)


def places(doc: Json) -> list[Place]:
    found: list[Place] = []

    def walk(value: Json, keys: tuple[str | int, ...], shape: str) -> None:
        found.append((keys, shape))
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, (*keys, key), f"{shape}.{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, (*keys, index), f"{shape}[]")

    walk(doc, (), "$")
    return found


def json_path(keys: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)


def kind_of(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return {float: "float", str: "text", list: "list", dict: "object"}[type(value)]


def put(doc: Json, keys: tuple[str | int, ...], value: Json) -> Json:
    if not keys:
        return value
    target = doc
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return doc


def dump(doc: Json) -> bytes:
    return json.dumps(doc, indent=2).encode("utf-8")


@dataclass
class Case:
    family: str
    data: bytes
    path: str | None  # the JSON path the problem must name, when it has one
    mentions: str | None = None


def wrong_type(rng: random.Random) -> Case:
    doc = base_document()
    keys, shape = rng.choice([p for p in places(doc) if p[1] in ALLOWED])
    kind = rng.choice(sorted(set(SAMPLES) - ALLOWED[shape]))
    return Case(
        "wrong type",
        dump(put(doc, keys, copy.deepcopy(rng.choice(SAMPLES[kind])))),
        json_path(keys),
    )


def out_of_range(rng: random.Random) -> Case:
    doc = base_document()
    keys, shape = rng.choice([p for p in places(doc) if p[1] in OUT_OF_RANGE])
    return Case(
        "out of range", dump(put(doc, keys, rng.choice(OUT_OF_RANGE[shape]))), json_path(keys)
    )


def contradiction(rng: random.Random) -> Case:
    doc = base_document()
    index = rng.choice([i for i, s in enumerate(doc["sessions"]) if "ended_at" in s])
    item = doc["sessions"][index]
    if rng.random() < 0.5:
        item["completed"] = item["interrupted"] = True
        return Case("completed and interrupted", dump(doc), f"$.sessions[{index}].interrupted")
    start = datetime.fromisoformat(item["started_at"])
    item["ended_at"] = (start - timedelta(seconds=rng.randint(1, 10_000))).isoformat()
    return Case("ends before it starts", dump(doc), f"$.sessions[{index}].ended_at")


def missing(rng: random.Random) -> Case:
    doc = base_document()
    keys, _shape = rng.choice([p for p in places(doc) if p[1] in REQUIRED])
    parent: Json = doc
    for key in keys[:-1]:
        parent = parent[key]
    del parent[keys[-1]]
    return Case("missing", dump(doc), json_path(keys))


def duplicate_id(rng: random.Random) -> Case:
    doc = base_document()
    first, second = sorted(rng.sample(range(len(doc["sessions"])), 2))
    doc["sessions"][second]["id"] = doc["sessions"][first]["id"]
    return Case("duplicate id", dump(doc), f"$.sessions[{second}].id", f"$.sessions[{first}].id")


def naive_timestamp(rng: random.Random) -> Case:
    doc = base_document()
    keys, _shape = rng.choice([p for p in places(doc) if p[1] in TIMESTAMPS])
    parent: Json = doc
    for key in keys[:-1]:
        parent = parent[key]
    naive = datetime.fromisoformat(parent[keys[-1]]).replace(tzinfo=None)
    text = naive.isoformat(timespec=rng.choice(["minutes", "seconds", "milliseconds"]))
    parent[keys[-1]] = text
    return Case("naive timestamp", dump(doc), json_path(keys), "has no UTC offset")


def wrong_tag_or_version(rng: random.Random) -> Case:
    doc = base_document()
    if rng.random() < 0.5:
        doc["format"] = rng.choice(
            ["rls-companion-history2", "RLS-Companion-History", "", "history", 1, None, ["x"]]
        )
        return Case("wrong tag", dump(doc), "$.format")
    doc["version"] = rng.choice([0, 3, 4, -1, 1.0, "1", True, None, [1], 10**25])
    return Case("wrong version", dump(doc), "$.version")


def truncated(rng: random.Random) -> Case:
    data = dump(base_document())
    return Case("truncated", data[: rng.randrange(0, data.rindex(b"}"))], "$")


def random_bytes(rng: random.Random) -> Case:
    return Case("random bytes", rng.randbytes(rng.randint(0, 400)), "$")


def not_utf8(rng: random.Random) -> Case:
    data = dump(base_document())
    choice = rng.randrange(3)
    if choice == 0:
        position = rng.randrange(len(data))
        bad = rng.choice([b"\xff", b"\xfe", b"\x80", b"\xc3(", b"\xe2\x82", b"\xed\xa0\x80"])
        return Case("not UTF-8", data[:position] + bad + data[position:], "$")
    if choice == 1:
        return Case("UTF-16", data.decode("utf-8").encode(rng.choice(["utf-16", "utf-32"])), "$")
    doc = base_document()
    doc["sessions"][rng.randrange(8)]["id"] = "caf\u00e9-\u00fcber"
    return Case("Latin-1", json.dumps(doc, ensure_ascii=False).encode("latin-1"), "$")


def wrong_top_level(rng: random.Random) -> Case:
    doc = base_document()
    shapes: list[tuple[Json, str]] = [
        ([doc], "$"),
        (doc["sessions"], "$"),
        ("rls-companion-history", "$"),
        (1, "$"),
        (None, "$"),
        (True, "$"),
        ({**doc, "sessions": {"0": doc["sessions"][0]}}, "$.sessions"),
        ({**doc, "sessions": "all of them"}, "$.sessions"),
        ({**doc, "sessions": [doc["sessions"]]}, "$.sessions[0]"),
    ]
    value, path = rng.choice(shapes)
    if rng.random() < 0.2:
        return Case("deep nesting", b"[" * rng.randint(2_000, 200_000), "$")
    return Case("wrong top level", dump(value), path)


FAMILIES: tuple[Callable[[random.Random], Case], ...] = (
    wrong_type,
    out_of_range,
    contradiction,
    missing,
    duplicate_id,
    naive_timestamp,
    wrong_tag_or_version,
    truncated,
    random_bytes,
    not_utf8,
    wrong_top_level,
)


def make_case(number: int) -> Case:
    rng = random.Random(number)
    return FAMILIES[number % len(FAMILIES)](rng)


@dataclass
class History:
    db: sqlite3.Connection
    export: bytes


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """One history with sessions in it, shared by every case."""
    folder = tmp_path_factory.mktemp("fuzz-history")
    db = open_database(folder / "history.sqlite3").connection
    existing = base_document()
    for item in existing["sessions"]:
        item["id"] = "existing-" + item["id"]
    assert import_history(db, parse_history(dump(existing))) == (8, 0)
    yield History(db, export.history_json(sessions.list_sessions(db)))
    db.close()


def test_the_unbroken_file_imports(tmp_path: Path) -> None:
    """The cases break a file that is otherwise accepted."""
    db = open_database(tmp_path / "history.sqlite3").connection
    try:
        assert import_history(db, parse_history(dump(base_document()))) == (8, 0)
        assert len(places(base_document())) > 100
    finally:
        db.close()


def test_every_family_is_exercised_many_times() -> None:
    families = Counter(make_case(n).family for n in range(CASES))
    assert CASES >= 500
    assert len(families) == 16, families  # some families break a file in two or three ways
    assert min(families.values()) >= 5, families


@pytest.mark.parametrize("number", range(CASES))
def test_a_malformed_file_is_refused_and_changes_nothing(history: History, number: int) -> None:
    case = make_case(number)
    with pytest.raises(ImportProblem) as caught:
        import_history(history.db, parse_history(case.data))
    message = str(caught.value)
    assert message.startswith("$"), message
    assert "\n" not in message and "\r" not in message, message
    assert len(message) < 400, message
    if case.path is not None:
        assert caught.value.path == case.path, f"{case.family}: {message}"
        assert message.startswith(f"{case.path}: "), message
    if case.mentions is not None:
        assert case.mentions in message, message
    assert not history.db.in_transaction
    assert export.history_json(sessions.list_sessions(history.db)) == history.export
