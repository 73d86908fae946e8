"""Offering the check-in once a morning: the marker that remembers the offer.

The rule is the core's (`night_to_offer`); this module only reads what it
needs (the marker, whether the night has an entry) and writes the marker.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from rls_companion.context import Context
from rls_companion.core.diary import last_night, night_to_offer
from rls_companion.paths import write_private
from rls_companion.storage.diary import get_diary

log = logging.getLogger(__name__)

# The marker holds one date; anything longer is not ours.
MAX_MARKER_BYTES = 64


def offered_for(marker: Path) -> date | None:
    """The last night the check-in was offered for; None when never (or when
    the marker cannot be read, which at worst offers it once more)."""
    try:
        with marker.open("rb") as stream:
            text = stream.read(MAX_MARKER_BYTES).decode("ascii").strip()
        return date.fromisoformat(text)
    except (OSError, ValueError):
        return None


def record_offered(marker: Path, night: date) -> None:
    """Remember that the check-in was offered for `night` (a failure is logged:
    the worst it does is offer it once more)."""
    try:
        write_private(marker, f"{night.isoformat()}\n".encode("ascii"))
    except OSError as error:
        log.warning("could not remember the check-in offer: %s", error)


def night_due(context: Context, now: datetime) -> date | None:
    """The night to offer the check-in for at `now`, or None."""
    rules = context.settings.typed.streak.rules()
    offered = offered_for(context.paths.checkin_offered)
    night = last_night(now, rules)
    kept = {night} if get_diary(context.db, night) is not None else set()
    return night_to_offer(now, rules, offered, kept)
