"""Instants as stored: UTC plus the local offset in force at that instant.

Keeping the offset per instant means travel and daylight-saving changes never
rewrite history: the night a session belongs to is decided from the offset it
was recorded with.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import cache


def to_parts(instant: datetime) -> tuple[str, int]:
    """Split an aware datetime into (UTC ISO string, offset in minutes)."""
    offset = instant.utcoffset()
    if offset is None:
        raise ValueError("instant has no UTC offset")
    utc = instant.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds"), round(offset.total_seconds() / 60)


def from_parts(utc_iso: str, offset_minutes: int) -> datetime:
    """Rebuild the aware local datetime from its stored parts."""
    return datetime.fromisoformat(utc_iso).replace(tzinfo=UTC).astimezone(_zone(offset_minutes))


@cache
def _zone(offset_minutes: int) -> timezone:
    """One fixed-offset zone per offset (a history uses a handful)."""
    return timezone(timedelta(minutes=offset_minutes))


def parse_iso_with_offset(text: str) -> datetime:
    """Parse ISO 8601 text that must carry an explicit UTC offset."""
    value = datetime.fromisoformat(text)
    if value.utcoffset() is None:
        raise ValueError(f"timestamp {text!r} has no UTC offset")
    return value


def format_local(instant: datetime) -> str:
    """ISO 8601 with the local offset and whole seconds, as in exports."""
    return instant.isoformat(timespec="seconds")
