"""Tonight's guidance, remembered night by night so the rotation can turn.

One row per stage and night: the script that led it. The rule itself is
`core.rotation`; this module feeds it the earlier nights and keeps tonight's
choice, so every session of one night hears the same lead.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

from rls_companion.core.rotation import Preferences, keep_lead, tonight
from rls_companion.core.session import StageKind

log = logging.getLogger(__name__)


def order_for_night(
    db: sqlite3.Connection, night: date, stage: StageKind, preferences: Preferences
) -> tuple[str, ...]:
    """The stage's scripts for `night`, its lead first, and the lead stored.

    A history file that cannot be written only costs the memory of tonight's
    choice: the order is still returned.
    """
    rows = db.execute(
        "SELECT night, script FROM guidance_picks WHERE stage = ? AND night <= ? ORDER BY night",
        (stage.value, night.isoformat()),
    ).fetchall()
    past = [str(script) for when, script in rows if when < night.isoformat()]
    chosen = next((str(script) for when, script in rows if when == night.isoformat()), None)
    if chosen is None:
        order = tonight(stage, preferences, past)
    else:
        order = keep_lead(stage, preferences, past, chosen)
    if order and order[0] != chosen:
        try:
            db.execute(
                "INSERT INTO guidance_picks (night, stage, script) VALUES (?, ?, ?)"
                " ON CONFLICT (stage, night) DO UPDATE SET script = excluded.script",
                (night.isoformat(), stage.value, order[0]),
            )
        except sqlite3.Error as problem:
            log.warning("tonight's %s guidance not remembered: %s", stage.value, problem)
    return order
