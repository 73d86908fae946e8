"""Reading a history export (JSON, version 1 or 2) back into the history file.

The whole file is checked before anything is written, so a bad file changes
nothing. The first problem found is reported on one line that starts with
its JSON path (`$.sessions[3].started_at: ...`), because the person reading it
has to find the spot in a file that may hold thousands of sessions. Importing
is idempotent on the session id: sessions already in the history are skipped
(not compared), so importing the same file twice adds nothing.

Version 2 adds the sleep diary and the evening log, one entry a night, checked
by the same rules as the window's forms. A night already kept with the same
content (as it would be exported) is already present; a night kept with
different content is a conflict, and then nothing at all is imported.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

from rls_companion.core import diary, evening
from rls_companion.core.breathing import MAX_BPM, MIN_BPM, PATTERN_NAMES
from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import NONE_TODAY, EveningLog, Place
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
from rls_companion.core.streaks import StreakRules
from rls_companion.core.urge import MAX_CEILING_SECONDS
from rls_companion.storage import diary as diary_store
from rls_companion.storage import sessions
from rls_companion.storage.export import (
    FORMAT_TAG,
    FORMAT_VERSION,
    READABLE_VERSIONS,
    diary_to_dict,
    evening_to_dict,
)

MAX_ID_LENGTH = 200
MAX_SESSION_SECONDS = 86_400  # practice or plan longer than a day is not a session
# Practice is counted on a steady clock and the ends are stamped on the wall
# clock, whole seconds apart in an export: they may differ by this much.
PRACTICE_SLACK_SECONDS = 5
MIN_URGE_TARGET_SECONDS = 1
MAX_URGE_TARGET_SECONDS = MAX_CEILING_SECONDS
MAX_HELD_SECONDS = 3_600
# Instants must survive the trip to UTC and back with any offset, and sort as
# text in the database (four-digit years).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)
MAX_TIMESTAMP_LENGTH = 64
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NIGHT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_CONFLICTS_SHOWN = 10
# An export of ten years of nightly sessions, urges and diary is about 10 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024

E = TypeVar("E", bound=StrEnum)


class ImportProblem(ValueError):
    """What is wrong with an import file, and where (a JSON path)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ImportConflict(ImportProblem):
    """Nights the file holds with content other than the history keeps."""

    def __init__(self, conflicts: Sequence[tuple[str, str, date]]) -> None:
        path, section, night = conflicts[0]
        if len(conflicts) == 1:
            problem = f"night {night} is already in the history with a different {_ENTRY[section]}"
        else:
            problem = (
                f"{len(conflicts)} nights are already in the history with different entries "
                f"({_list_nights(conflicts)})"
            )
        super().__init__(path, f"{problem}; nothing was imported")
        self.nights = [(section, night) for _path, section, night in conflicts]


_ENTRY = {"diary": "diary entry", "evening": "evening log"}


def _list_nights(conflicts: Sequence[tuple[str, str, date]]) -> str:
    shown = conflicts[:MAX_CONFLICTS_SHOWN]
    parts = []
    for section in ("diary", "evening"):
        nights = [night.isoformat() for _path, s, night in shown if s == section]
        if nights:
            parts.append(f"{section} {', '.join(nights)}")
    more = len(conflicts) - len(shown)
    return "; ".join(parts) + (f"; and {more} more" if more else "")


@dataclass(frozen=True)
class HistoryFile:
    """What an export file holds, checked, in file order."""

    sessions: list[SessionRecord]
    diary: list[DiaryEntry] = field(default_factory=list)
    evening: list[EveningLog] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    added: int = 0
    present: int = 0  # already in the history: skipped


@dataclass(frozen=True)
class Imported:
    sessions: Counts
    diary: Counts
    evening: Counts


def parse_file(data: bytes, rules: StreakRules | None = None) -> HistoryFile:
    """Check a whole export file (version 1 or 2) and return what it holds.

    `rules` decide which night a diary time belongs to (the person's streak
    settings; the defaults when not given).
    """
    rules = StreakRules() if rules is None else rules
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
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise ImportProblem(
            "$.version",
            f"version {version} is not supported (this version of the app reads "
            f"versions {readable})",
        )
    if "sessions" not in document:
        raise ImportProblem("$.sessions", "missing (expected a list of sessions)")
    items = document["sessions"]
    if not isinstance(items, list):
        raise ImportProblem("$.sessions", f"expected a list of sessions, got {_show(items)}")
    seen: dict[str, int] = {}  # id -> index of the session that has it
    records = [_session(item, f"$.sessions[{i}]", seen, i) for i, item in enumerate(items)]
    if version == 1:
        return HistoryFile(records)
    return HistoryFile(
        records,
        _nights(document, "diary", lambda item, path: _diary(item, path, rules)),
        _nights(document, "evening", lambda item, path: _evening(item, path, rules)),
    )


def parse_history(data: bytes) -> list[SessionRecord]:
    """Check a whole export file and return its sessions in file order
    (the nights of a version 2 file are checked too, then left out)."""
    return parse_file(data).sessions


def import_file(db: sqlite3.Connection, history: HistoryFile) -> Imported:
    """Add what is new, all in one transaction, or nothing at all.

    Sessions whose ids are kept already are skipped. A night kept already is
    skipped when its content is the same as the file's, and is a conflict
    (ImportConflict, nothing imported) when it differs. Any failure rolls the
    whole import back.
    """
    with sessions.transaction(db):
        kept_diary = {e.night: diary_to_dict(e) for e in diary_store.list_diary(db)}
        kept_evening = {e.night: evening_to_dict(e) for e in diary_store.list_evening(db)}
        # Content is compared as it would be exported: the same instants with the
        # same offsets, lists in any order.
        conflicts = [
            (f"$.diary[{i}]", "diary", entry.night)
            for i, entry in enumerate(history.diary)
            if entry.night in kept_diary and kept_diary[entry.night] != diary_to_dict(entry)
        ] + [
            (f"$.evening[{i}]", "evening", log.night)
            for i, log in enumerate(history.evening)
            if log.night in kept_evening and kept_evening[log.night] != evening_to_dict(log)
        ]
        if conflicts:
            raise ImportConflict(conflicts)
        session_counts = _add_sessions(db, history.sessions)
        new_diary = [e for e in history.diary if e.night not in kept_diary]
        for entry in new_diary:
            diary_store.insert_diary(db, entry)
        new_evening = [e for e in history.evening if e.night not in kept_evening]
        for log in new_evening:
            diary_store.insert_evening(db, log)
    return Imported(
        session_counts,
        Counts(len(new_diary), len(history.diary) - len(new_diary)),
        Counts(len(new_evening), len(history.evening) - len(new_evening)),
    )


def import_history(db: sqlite3.Connection, records: Sequence[SessionRecord]) -> tuple[int, int]:
    """Add the sessions whose ids are new, all in one transaction.

    Returns (added, skipped). Any failure rolls the whole import back.
    """
    with sessions.transaction(db):
        counts = _add_sessions(db, records)
    return counts.added, counts.present


def _add_sessions(db: sqlite3.Connection, records: Sequence[SessionRecord]) -> Counts:
    added = skipped = 0
    for record in records:
        if sessions.has_session(db, record.id):
            skipped += 1
        else:
            sessions.insert_session(db, record)
            added += 1
    return Counts(added, skipped)


def read_file(path: Path) -> bytes:
    """The bytes of an import file, read within bounded time and memory.

    Only a regular file is read: a FIFO, a device (`/dev/zero`) or a folder is
    refused at once (opened without blocking, so a FIFO without a writer
    cannot hang), and so is a file over `MAX_FILE_BYTES`.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ImportProblem("$", "not a regular file")
    with os.fdopen(descriptor, "rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportProblem("$", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return data


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            raise _RepeatedKey(key)
        fields[key] = value
    return fields


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


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
        return json.loads(text, object_pairs_hook=_refuse_repeated_keys)
    except _RepeatedKey as repeated:
        raise ImportProblem(
            "$", f"the key {_short(repeated.key)} appears twice in one object"
        ) from None
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
    if ended_at is not None:
        elapsed = (ended_at - started_at).total_seconds()
        if practice > elapsed + PRACTICE_SLACK_SECONDS:
            raise ImportProblem(
                f"{path}.practice_seconds",
                f"{_show(fields['practice_seconds'])} is longer than the session lasted "
                f"({whole_seconds(elapsed)} s from started_at to ended_at)",
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


T = TypeVar("T", DiaryEntry, EveningLog)


def _nights(document: dict[str, Any], key: str, read: Callable[[object, str], T]) -> list[T]:
    """The entries of a version 2 section, one a night (absent or null: none)."""
    items = document.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise ImportProblem(f"$.{key}", f"expected a list of nights, got {_show(items)}")
    seen: dict[date, int] = {}  # night -> index of the entry that has it
    entries = []
    for index, item in enumerate(items):
        entry = read(item, f"$.{key}[{index}]")
        if entry.night in seen:
            raise ImportProblem(
                f"$.{key}[{index}].night",
                f"duplicate night {entry.night} (also at $.{key}[{seen[entry.night]}].night)",
            )
        seen[entry.night] = index
        entries.append(entry)
    return entries


def _diary(item: object, path: str, rules: StreakRules) -> DiaryEntry:
    fields = _object(item, path)
    night = _night(_required(fields, "night", path), f"{path}.night")

    def instant(key: str) -> datetime:
        return _instant(_required(fields, key, path), f"{path}.{key}")

    def count(key: str) -> int:
        return _integer(_required(fields, key, path), f"{path}.{key}")

    entry = DiaryEntry(
        night=night,
        in_bed_at=instant("in_bed_at"),
        tried_to_sleep_at=instant("tried_to_sleep_at"),
        minutes_to_sleep=count("minutes_to_sleep"),
        awakenings=count("awakenings"),
        minutes_awake=count("minutes_awake"),
        final_waking_at=instant("final_waking_at"),
        out_of_bed_at=instant("out_of_bed_at"),
        quality=count("quality"),
        legs_disturbed=_member(
            _required(fields, "legs_disturbed", path), f"{path}.legs_disturbed", LegsDisturbed
        ),
        note=_note(fields, path),
    )
    try:
        return diary.check(entry, rules)
    except diary.DiaryError as error:
        raise _refused(path, night, error) from None


def _evening(item: object, path: str, rules: StreakRules) -> EveningLog:
    fields = _object(item, path)
    night = _night(_required(fields, "night", path), f"{path}.night")
    started = fields.get("symptoms_started_at")
    none_today = started == NONE_TODAY
    log = EveningLog(
        night=night,
        symptoms_started_at=(
            None
            if started is None or none_today
            else _instant(started, f"{path}.symptoms_started_at")
        ),
        none_today=none_today,
        symptom_places=frozenset(
            _member(value, where, Place)
            for value, where in _items(fields, "symptom_places", path, "places")
        ),
        rating=_rating(fields, "rating", path),
        triggers=tuple(
            _text(value, where) for value, where in _items(fields, "triggers", path, "triggers")
        ),
        note=_note(fields, path),
    )
    try:
        return evening.check(log, rules)
    except evening.EveningError as error:
        raise _refused(path, night, error) from None


def _refused(
    path: str, night: date, error: diary.DiaryError | evening.EveningError
) -> ImportProblem:
    """The core's one-line refusal, placed at the field it names."""
    words = str(error).rstrip(".")
    return ImportProblem(f"{path}.{error.field}", f"night {night}: {words[:1].lower()}{words[1:]}")


def _night(value: object, path: str) -> date:
    if not isinstance(value, str):
        raise ImportProblem(path, f"expected a date (YYYY-MM-DD), got {_show(value)}")
    try:
        if not _NIGHT.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ImportProblem(path, f"{_short(value)} is not a date (YYYY-MM-DD)") from None


def _items(fields: dict[str, Any], key: str, path: str, what: str) -> list[tuple[object, str]]:
    """The members of an optional list, each with its JSON path (absent or null: none)."""
    value = fields.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem(f"{path}.{key}", f"expected a list of {what}, got {_show(value)}")
    return [(member, f"{path}.{key}[{index}]") for index, member in enumerate(value)]


def _text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise ImportProblem(path, f"expected text, got {_show(value)}")
    return value


def _note(fields: dict[str, Any], path: str) -> str:
    value = fields.get("note")
    return "" if value is None else _text(value, f"{path}.note")


def _integer(value: object, path: str) -> int:
    """A whole number; its range is the core's to check."""
    if not _is_int(value):
        raise ImportProblem(path, f"expected a whole number, got {_show(value)}")
    return value


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
    if not value.isprintable():
        raise ImportProblem(path, f"{_short(value)} contains characters that cannot be shown")
    if value != value.strip():
        raise ImportProblem(path, f"{_short(value)} has spaces at its start or end")
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
