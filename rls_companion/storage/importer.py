"""Reading a history export (JSON, version 1) back into the history file.

The whole file is checked before anything is written, so a bad file changes
nothing. The first problem found is reported on one line that starts with
its JSON path (`$.sessions[3].started_at: ...`), because the person reading it
has to find the spot in a file that may hold thousands of sessions. Importing
is idempotent on the session id: sessions already in the history are skipped
(not compared), so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeGuard, TypeVar

from rls_companion.core.breathing import MAX_BPM, MIN_BPM, PATTERN_NAMES
from rls_companion.core.records import (
    RATING_MAX,
    RATING_MIN,
    Outcome,
    SessionRecord,
    SessionState,
    UrgeRecord,
    whole_seconds,
)
from rls_companion.core.session import Kind
from rls_companion.core.urge import MAX_CEILING_SECONDS
from rls_companion.storage import sessions
from rls_companion.storage.export import FORMAT_TAG, FORMAT_VERSION

MAX_ID_LENGTH = 200
MAX_SESSION_SECONDS = 86_400  # practice or plan longer than a day is not a session
MIN_URGE_TARGET_SECONDS = 1
MAX_URGE_TARGET_SECONDS = MAX_CEILING_SECONDS
MAX_HELD_SECONDS = 3_600
# Instants must survive the trip to UTC and back with any offset, and sort as
# text in the database (four-digit years).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)
MAX_TIMESTAMP_LENGTH = 64
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

E = TypeVar("E", bound=StrEnum)


class ImportProblem(ValueError):
    """What is wrong with an import file, and where (a JSON path)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def parse_history(data: bytes) -> list[SessionRecord]:
    """Check a whole export file and return its sessions in file order."""
    document = _decode(data)
    if not isinstance(document, dict):
        raise ImportProblem(
            "$", f"expected an object with format, version and sessions, got {_show(document)}"
        )
    if "format" not in document:
        raise ImportProblem("$.format", f"missing (expected {FORMAT_TAG!r})")
    if document["format"] != FORMAT_TAG:
        raise ImportProblem("$.format", f"expected {FORMAT_TAG!r}, got {_show(document['format'])}")
    if "version" not in document:
        raise ImportProblem("$.version", f"missing (expected {FORMAT_VERSION})")
    version = document["version"]
    if not _is_int(version):
        raise ImportProblem("$.version", f"expected a whole number, got {_show(version)}")
    if version != FORMAT_VERSION:
        raise ImportProblem(
            "$.version",
            f"version {version} is not supported (this version of the app reads "
            f"version {FORMAT_VERSION})",
        )
    if "sessions" not in document:
        raise ImportProblem("$.sessions", "missing (expected a list of sessions)")
    items = document["sessions"]
    if not isinstance(items, list):
        raise ImportProblem("$.sessions", f"expected a list of sessions, got {_show(items)}")
    seen: dict[str, int] = {}  # id -> index of the session that has it
    return [_session(item, f"$.sessions[{i}]", seen, i) for i, item in enumerate(items)]


def import_history(db: sqlite3.Connection, records: Sequence[SessionRecord]) -> tuple[int, int]:
    """Add the sessions whose ids are new, all in one transaction.

    Returns (added, skipped). Any failure rolls the whole import back.
    """
    added = skipped = 0
    with sessions.transaction(db):
        for record in records:
            if sessions.has_session(db, record.id):
                skipped += 1
            else:
                sessions.insert_session(db, record)
                added += 1
    return added, skipped


def _decode(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise ImportProblem(
            "$",
            f"not valid JSON (line {line}, column {column}: not UTF-8 text, "
            f"byte 0x{data[error.start]:02x})",
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportProblem(
            "$", f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise ImportProblem("$", "not valid JSON (nested too deeply)") from None
    except ValueError:  # an integer with thousands of digits
        raise ImportProblem("$", "not valid JSON (a number is too long)") from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, offset - line_start + 1


def _session(item: object, path: str, seen: dict[str, int], index: int) -> SessionRecord:
    fields = _object(item, path)
    session_id = _id(_required(fields, "id", path), f"{path}.id")
    if session_id in seen:
        raise ImportProblem(
            f"{path}.id",
            f"duplicate id {_short(session_id)} (also at $.sessions[{seen[session_id]}].id)",
        )
    seen[session_id] = index
    started_at = _instant(_required(fields, "started_at", path), f"{path}.started_at")
    ended_at = None
    if fields.get("ended_at") is not None:
        ended_at = _instant(fields["ended_at"], f"{path}.ended_at")
        if ended_at < started_at:
            raise ImportProblem(
                f"{path}.ended_at",
                f"{_short(fields['ended_at'])} is before started_at {_short(fields['started_at'])}",
            )
    kind = Kind.BEDTIME
    if fields.get("kind") is not None:
        kind = _member(fields["kind"], f"{path}.kind", Kind)
    planned: int | None = None
    if fields.get("planned_seconds") is not None:
        planned = _whole(
            fields["planned_seconds"], f"{path}.planned_seconds", 0, MAX_SESSION_SECONDS
        )
    practice = _number(
        _required(fields, "practice_seconds", path),
        f"{path}.practice_seconds",
        0,
        MAX_SESSION_SECONDS,
    )
    completed = _flag(fields, "completed", path)
    interrupted = _flag(fields, "interrupted", path)
    if completed and interrupted:
        raise ImportProblem(f"{path}.interrupted", 'cannot be true when "completed" is true')
    pattern, bpm = _breathing(fields.get("breathing"), f"{path}.breathing")
    rating_before = _rating(fields, "rating_before", path)
    rating_after = _rating(fields, "rating_after", path)
    urges = _urges(fields.get("urges"), f"{path}.urges")
    if interrupted:
        state = SessionState.INTERRUPTED
    elif completed:
        state = SessionState.COMPLETED
    else:
        state = SessionState.STOPPED
    return SessionRecord(
        id=session_id,
        started_at=started_at,
        ended_at=ended_at,
        kind=kind,
        planned_seconds=whole_seconds(practice) if planned is None else planned,
        practice_seconds=practice,
        state=state,
        pattern=pattern,
        breaths_per_minute=bpm,
        rating_before=rating_before,
        rating_after=rating_after,
        urges=urges,
    )


def _breathing(value: object, path: str) -> tuple[str | None, float | None]:
    if value is None:
        return None, None
    fields = _object(value, path)
    pattern: str | None = None
    if fields.get("pattern") is not None:
        pattern = _choice(fields["pattern"], f"{path}.pattern", PATTERN_NAMES)
    bpm: float | None = None
    if fields.get("breaths_per_minute") is not None:
        bpm = _number(fields["breaths_per_minute"], f"{path}.breaths_per_minute", MIN_BPM, MAX_BPM)
    return pattern, bpm


def _urges(value: object, path: str) -> tuple[UrgeRecord, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ImportProblem(path, f"expected a list of urges, got {_show(value)}")
    urges = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        fields = _object(item, where)
        at = _instant(_required(fields, "at", where), f"{where}.at")
        target = _whole(
            _required(fields, "target_seconds", where),
            f"{where}.target_seconds",
            MIN_URGE_TARGET_SECONDS,
            MAX_URGE_TARGET_SECONDS,
        )
        held = _number(
            _required(fields, "held_seconds", where), f"{where}.held_seconds", 0, MAX_HELD_SECONDS
        )
        outcome = _member(_required(fields, "outcome", where), f"{where}.outcome", Outcome)
        intensity = _rating(fields, "intensity", where)
        urges.append(UrgeRecord(at, target, held, outcome, intensity))
    return tuple(urges)


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportProblem(path, f"expected an object, got {_show(value)}")
    return value


def _required(fields: dict[str, Any], key: str, path: str) -> object:
    if key not in fields:
        raise ImportProblem(f"{path}.{key}", "missing (it is required)")
    return fields[key]


def _id(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ImportProblem(path, f"expected a text id, got {_show(value)}")
    if not value.strip():
        raise ImportProblem(path, f"{_short(value)} is empty")
    if len(value) > MAX_ID_LENGTH:
        raise ImportProblem(path, f"longer than {MAX_ID_LENGTH} characters")
    if _UNPRINTABLE.search(value):
        raise ImportProblem(path, f"{_short(value)} contains control characters")
    return value


def _instant(value: object, path: str) -> datetime:
    if not isinstance(value, str):
        raise ImportProblem(path, f"expected an ISO 8601 timestamp, got {_show(value)}")
    if len(value) > MAX_TIMESTAMP_LENGTH:
        raise ImportProblem(path, f"{_short(value)} is not an ISO 8601 timestamp")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ImportProblem(path, f"{_short(value)} is not an ISO 8601 timestamp") from None
    offset = instant.utcoffset()
    if offset is None:
        raise ImportProblem(path, f"{_short(value)} has no UTC offset")
    if offset % timedelta(minutes=1):
        raise ImportProblem(path, f"{_short(value)} has an offset that is not whole minutes")
    try:
        in_range = EARLIEST <= instant <= LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise ImportProblem(path, f"{_short(value)} is out of range (1970 to 9998)")
    return instant


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(value: object, path: str, low: int, high: int) -> int:
    if not _is_int(value):
        raise ImportProblem(path, f"expected a whole number, got {_show(value)}")
    if not low <= value <= high:
        raise ImportProblem(path, f"{value} is out of range ({low} to {high})")
    return value


def _number(value: object, path: str, low: float, high: float) -> float:
    if not (_is_int(value) or isinstance(value, float)):
        raise ImportProblem(path, f"expected a number, got {_show(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ImportProblem(path, f"{_show(value)} is not a finite number")
    if not low <= value <= high:
        raise ImportProblem(path, f"{_show(value)} is out of range ({low:g} to {high:g})")
    return float(value)


def _flag(fields: dict[str, Any], key: str, path: str) -> bool:
    value = fields.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ImportProblem(f"{path}.{key}", f"expected true or false, got {_show(value)}")
    return value


def _rating(fields: dict[str, Any], key: str, path: str) -> int | None:
    value = fields.get(key)
    if value is None:
        return None
    return _whole(value, f"{path}.{key}", RATING_MIN, RATING_MAX)


def _choice(value: object, path: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(choices)
        raise ImportProblem(path, f"expected one of {allowed}; got {_show(value)}")
    return value


def _member(value: object, path: str, enum: type[E]) -> E:
    """The member of a text enum that `value` names (its values are the choices)."""
    return enum(_choice(value, path, [member.value for member in enum]))


def _short(text: str, limit: int = 60) -> str:
    """A one-line quotation of user text, cut short if long."""
    shown = repr(text if len(text) <= limit else text[:limit])
    return shown if len(text) <= limit else f"{shown}…"


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "a very long number"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
