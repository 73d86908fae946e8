"""The history exchange format (JSON version 2, and CSV).

Other tools read these files, so the shape is exact: see the product
specification. Instants carry the local offset they were recorded with.
Version 2 is version 1 with the sleep diary and the evening log added, one
object per night, oldest night first. CSV holds the sessions only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rls_companion.core.cells import cell_text
from rls_companion.core.diary import DiaryEntry
from rls_companion.core.evening import NONE_TODAY, EveningLog
from rls_companion.core.records import Outcome, SessionRecord
from rls_companion.core.timestamps import format_local

FORMAT_TAG = "rls-companion-history"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

CSV_COLUMNS = (
    "id",
    "started_at",
    "ended_at",
    "kind",
    "planned_seconds",
    "practice_seconds",
    "completed",
    "interrupted",
    "pattern",
    "breaths_per_minute",
    "rating_before",
    "rating_after",
    "urges",
    "urges_held",
)


def session_to_dict(record: SessionRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "started_at": format_local(record.started_at),
        "ended_at": format_local(record.ended_at) if record.ended_at else None,
        "kind": record.kind,
        "planned_seconds": record.planned_seconds,
        "practice_seconds": record.whole_practice_seconds,
        "completed": record.completed,
        "interrupted": record.interrupted,
        "breathing": {
            "pattern": record.pattern,
            "breaths_per_minute": record.breaths_per_minute,
        },
        "rating_before": record.rating_before,
        "rating_after": record.rating_after,
        "urges": [
            {
                "at": format_local(urge.at),
                "target_seconds": urge.target_seconds,
                "held_seconds": round(urge.held_seconds, 1),
                "outcome": urge.outcome,
                "intensity": urge.intensity,
            }
            for urge in record.urges
        ],
    }


def export_order(records: Iterable[SessionRecord]) -> list[SessionRecord]:
    """Oldest first, ties broken by id, judged on the whole seconds written out.

    Sorting on the exported (whole-second) start keeps the order of sessions
    that began within the same second stable through export, import and export.
    """
    return sorted(records, key=lambda r: (_whole_second_utc(r.started_at), r.id))


def _whole_second_utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)


def diary_to_dict(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "night": entry.night.isoformat(),
        "in_bed_at": format_local(entry.in_bed_at),
        "tried_to_sleep_at": format_local(entry.tried_to_sleep_at),
        "minutes_to_sleep": entry.minutes_to_sleep,
        "awakenings": entry.awakenings,
        "minutes_awake": entry.minutes_awake,
        "final_waking_at": format_local(entry.final_waking_at),
        "out_of_bed_at": format_local(entry.out_of_bed_at),
        "quality": entry.quality,
        "legs_disturbed": str(entry.legs_disturbed),
        "note": entry.note,
    }


def evening_to_dict(log: EveningLog) -> dict[str, Any]:
    started: str | None = None
    if log.symptoms_started_at is not None:
        started = format_local(log.symptoms_started_at)
    elif log.none_today:
        started = NONE_TODAY
    return {
        "night": log.night.isoformat(),
        "symptoms_started_at": started,
        "symptom_places": sorted(str(place) for place in log.symptom_places),
        "rating": log.rating,
        "triggers": sorted(log.triggers),
        "note": log.note,
    }


def nights_document(diary: Iterable[DiaryEntry], evening: Iterable[EveningLog]) -> dict[str, Any]:
    """The diary and evening log as `rls-companion diary --json` prints them:
    the export's objects, oldest night first, each diary entry with its derived
    figures (whole minutes, and the efficiency as a percentage to 0.1)."""
    return {
        "diary": [
            {
                **diary_to_dict(entry),
                "time_in_bed_minutes": round(entry.time_in_bed_minutes),
                "total_sleep_minutes": round(entry.total_sleep_minutes),
                "sleep_efficiency": round(entry.sleep_efficiency, 1),
            }
            for entry in sorted(diary, key=lambda e: e.night)
        ],
        "evening": [evening_to_dict(e) for e in sorted(evening, key=lambda e: e.night)],
    }


def history_document(
    records: Iterable[SessionRecord],
    diary: Iterable[DiaryEntry] = (),
    evening: Iterable[EveningLog] = (),
) -> dict[str, Any]:
    """The whole history as an export document: sessions in export order,
    diary entries and evening logs oldest night first."""
    return {
        "format": FORMAT_TAG,
        "version": FORMAT_VERSION,
        "sessions": [session_to_dict(r) for r in export_order(records)],
        "diary": [diary_to_dict(e) for e in sorted(diary, key=lambda e: e.night)],
        "evening": [evening_to_dict(e) for e in sorted(evening, key=lambda e: e.night)],
    }


def history_json(
    records: Iterable[SessionRecord],
    diary: Iterable[DiaryEntry] = (),
    evening: Iterable[EveningLog] = (),
) -> bytes:
    """The export file's bytes: the same history always gives the same bytes."""
    document = history_document(records, diary, evening)
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def sessions_csv(records: list[SessionRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = session_to_dict(record)
        writer.writerow(
            [
                cell_text(row["id"]),
                row["started_at"],
                row["ended_at"] or "",
                row["kind"],
                row["planned_seconds"],
                row["practice_seconds"],
                str(row["completed"]).lower(),
                str(row["interrupted"]).lower(),
                record.pattern or "",
                "" if record.breaths_per_minute is None else record.breaths_per_minute,
                "" if record.rating_before is None else record.rating_before,
                "" if record.rating_after is None else record.rating_after,
                len(record.urges),
                sum(1 for u in record.urges if u.outcome == Outcome.HELD),
            ]
        )
    return out.getvalue()
