"""The history exchange format (JSON version 1, and CSV).

Other tools read these files, so the shape is exact: see the product
specification. Instants carry the local offset they were recorded with.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rls_companion.core.records import Outcome, SessionRecord
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


def history_document(records: Iterable[SessionRecord]) -> dict[str, Any]:
    """The whole history as an export document, sessions in export order."""
    return {
        "format": FORMAT_TAG,
        "version": FORMAT_VERSION,
        "sessions": [session_to_dict(r) for r in export_order(records)],
    }


def history_json(records: Iterable[SessionRecord]) -> bytes:
    """The export file's bytes: the same history always gives the same bytes."""
    return (json.dumps(history_document(records), indent=2) + "\n").encode("utf-8")


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
                sum(1 for u in record.urges if u.outcome == Outcome.HELD),
            ]
        )
    return out.getvalue()
