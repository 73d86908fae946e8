"""Recent nights' urges for the History chart, read without the rest of the history.

History lists sessions without their urges (on a long history that is several
times faster), so the chart reads only the urges it draws: the sessions of
the last few weeks, joined to their urges in one query along the start-time
index (and, when needed, one quick look for any older urge). The target each
night was practised against comes from the rule in
`core.urge.targets_by_night`. Replaying it from the very first night would
mean reading every urge ever recorded, so when older urges exist the replay
starts, a few weeks before the chart, from the target recorded with the first
urge it reads; those extra nights let the count of qualifying nights in a row
settle before the first night drawn.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rls_companion.core.streaks import StreakRules, night_of
from rls_companion.core.timestamps import from_parts
from rls_companion.core.urge import NightUrges, Outcome, UrgeConfig, targets_by_night

SETTLE_NIGHTS = 18  # read before the first night drawn, for the replay only
_SLACK = timedelta(days=2)  # any UTC offset and rollover, as in urge_progress


@dataclass(frozen=True)
class UrgeNight:
    """One night with urges, as the chart draws it."""

    night: date
    urges: int
    median_held: float  # seconds sat with the urge, held or moved
    target: int  # seconds the night's urges were practised against


def recent_nights(
    db: sqlite3.Connection, first: date, last: date, rules: StreakRules, config: UrgeConfig
) -> list[UrgeNight]:
    """Nights from `first` to `last` (inclusive) that had urges, oldest first."""
    read_from = first - timedelta(days=SETTLE_NIGHTS)
    cutoff = (read_from - _SLACK).isoformat()
    nights_of: dict[tuple[str, int], date] = {}  # a session's urges share its night
    grouped: dict[date, tuple[list[Outcome], list[int | None], list[float]]] = {}
    seed: int | None = None
    older = False
    for utc, offset, outcome, intensity, held, target in db.execute(
        "SELECT s.started_utc, s.started_offset, u.outcome, u.intensity, u.held_seconds,"
        " u.target_seconds FROM sessions s JOIN urges u ON u.session_id = s.id"
        " WHERE s.started_utc >= ? ORDER BY s.started_utc, s.id, u.seq",
        (cutoff,),
    ):
        night = nights_of.get((utc, offset))
        if night is None:
            night = nights_of[(utc, offset)] = night_of(from_parts(utc, offset), rules)
        if night < read_from:
            older = True
            continue
        if night > last:
            continue
        if seed is None:
            seed = int(target)
        outcomes, intensities, held_seconds = grouped.setdefault(night, ([], [], []))
        outcomes.append(Outcome(outcome))
        intensities.append(intensity)
        held_seconds.append(float(held))
    nights = [NightUrges(n, o, i, h) for n, (o, i, h) in sorted(grouped.items())]
    if seed is not None and (older or _urges_before(db, cutoff)):
        config = replace(config, start_target=seed)
    targets = dict(targets_by_night(nights, config))
    return [
        UrgeNight(n.night, len(n.outcomes), n.median_held or 0.0, targets[n.night])
        for n in nights
        if n.night >= first
    ]


def _urges_before(db: sqlite3.Connection, cutoff: str) -> bool:
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM sessions s JOIN urges u ON u.session_id = s.id"
        " WHERE s.started_utc < ?)",
        (cutoff,),
    ).fetchone()
    return bool(row[0])
