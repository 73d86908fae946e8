"""The history exchange format (JSON version 1, and CSV).

Other tools read these files, so the shape is exact: see the product
specification. Instants carry the local offset they were recorded with.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from rls_companion.core.records import SessionRecord
from rls_companion.core.timestamps import format_local

FORMAT_TAG = "rls-companion-history"
FORMAT_VERSION = 1

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
        "practice_seconds": round(record.practice_seconds),
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


def history_document(records: list[SessionRecord]) -> dict[str, Any]:
    return {
        "format": FORMAT_TAG,
        "version": FORMAT_VERSION,
        "sessions": [session_to_dict(r) for r in records],
    }


def sessions_csv(records: list[SessionRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = session_to_dict(record)
        writer.writerow(
            [
                row["id"],
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
                sum(1 for u in record.urges if u.outcome == "held"),
            ]
        )
    return out.getvalue()
