"""Everything a report needs, read from an open history.

Only the nights of the period and the 28 before it are read; on a long
history the sessions are picked by their start from the brief list (start
times only) and then read whole, urges included.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from rls_companion.core.config import Settings
from rls_companion.core.report import BASELINE_NIGHTS, ReportData, build_report, default_period
from rls_companion.core.streaks import night_of
from rls_companion.storage import diary, sessions
from rls_companion.storage.urge_progress import current_target


def period(
    settings: Settings, first: date | None, last: date | None, now: datetime
) -> tuple[date, date]:
    """The nights asked for; a missing end is the default period's, a missing
    start the 14 nights ending with the last night asked for."""
    default_first, default_last = default_period(now, settings.streak.rules())
    if last is None:
        last = default_last if first is None or first <= default_last else first
    if first is None:
        first = last - (default_last - default_first)
    return first, last


def build(
    db: sqlite3.Connection,
    settings: Settings,
    first: date | None,
    last: date | None,
    now: datetime,
) -> ReportData:
    """The report of the nights `first` to `last` (default: the last 14 nights).

    Working out the urge target now evaluates any finished night not yet
    evaluated and stores the result, as opening the window would.
    """
    first, last = period(settings, first, last, now)
    rules = settings.streak.rules()
    since = first - timedelta(days=BASELINE_NIGHTS)
    entries = diary.list_diary(db, since, last)
    logs = diary.list_evening(db, since, last)
    ids = [b.id for b in sessions.list_briefs(db) if first <= night_of(b.started_at, rules) <= last]
    records = sessions.get_sessions(db, ids)
    target = current_target(db, settings, now) if settings.urge.enabled else None
    return build_report(first, last, entries, logs, records, rules, target)
