"""The urge target as it moves from night to night, kept in the history file.

The per-night rule lives in core.urge; this module only feeds it the finished
nights that have not been evaluated yet and stores the result, so the target
persists across nights and restarts and each night is evaluated once.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from rls_companion.core.config import Settings
from rls_companion.core.streaks import StreakRules, night_of
from rls_companion.core.timestamps import from_parts
from rls_companion.core.urge import NightUrges, Outcome, Progress, UrgeConfig, replay


def load(db: sqlite3.Connection, config: UrgeConfig) -> Progress:
    row = db.execute(
        "SELECT target, qualifying, last_night FROM urge_progress WHERE id = 1"
    ).fetchone()
    if row is None:
        return Progress(config.clamp(config.start_target))
    last = date.fromisoformat(row["last_night"]) if row["last_night"] else None
    return Progress(config.clamp(int(row["target"])), int(row["qualifying"]), last)


def save(db: sqlite3.Connection, state: Progress) -> None:
    db.execute(
        "INSERT INTO urge_progress (id, target, qualifying, last_night) VALUES (1, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET target = excluded.target,"
        " qualifying = excluded.qualifying, last_night = excluded.last_night",
        (
            state.target,
            state.qualifying_in_a_row,
            state.last_night.isoformat() if state.last_night else None,
        ),
    )


def finished_nights(
    db: sqlite3.Connection, after: date | None, tonight: date, rules: StreakRules
) -> list[NightUrges]:
    """Urge outcomes per night, for nights after `after` that are over."""
    query = (
        "SELECT s.started_utc, s.started_offset, u.outcome, u.intensity"
        " FROM urges u JOIN sessions s ON s.id = u.session_id"
    )
    params: tuple[str, ...] = ()
    if after is not None:
        # Two days of slack cover any UTC offset and rollover.
        query += " WHERE s.started_utc >= ?"
        params = ((after - timedelta(days=2)).isoformat(),)
    grouped: dict[date, tuple[list[Outcome], list[int | None]]] = {}
    for row in db.execute(query, params):
        night = night_of(from_parts(row[0], row[1]), rules)
        if (after is not None and night <= after) or night >= tonight:
            continue
        outcomes, intensities = grouped.setdefault(night, ([], []))
        outcomes.append(Outcome(row[2]))
        intensities.append(row[3])
    return [NightUrges(n, o, i) for n, (o, i) in sorted(grouped.items())]


def current_target(db: sqlite3.Connection, settings: Settings, now: datetime) -> int:
    """Evaluate every finished night not yet evaluated, store, and return the target."""
    config, rules = settings.urge.protocol(), settings.streak.rules()
    state = load(db, config)
    nights = finished_nights(db, state.last_night, night_of(now, rules), rules)
    if nights:
        state = replay(state, nights, config)
        save(db, state)
    return state.target
