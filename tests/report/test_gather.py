"""Which nights a report covers when only one end, or neither, is given."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from rls_companion.core import settings as schema
from rls_companion.core.config import Settings
from rls_companion.report.gather import period

SETTINGS = Settings.from_values(schema.defaults())  # rollover 06:00
# 07:00 on 17 Nov: the night of 16 Nov is over, so the default is 3–16 Nov.
NOW = datetime(2026, 11, 17, 7, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (None, None, (date(2026, 11, 3), date(2026, 11, 16))),
        # Only the end: the 14 nights ending there.
        (None, date(2026, 10, 31), (date(2026, 10, 18), date(2026, 10, 31))),
        # Only the start: from there to the last completed night.
        (date(2026, 11, 10), None, (date(2026, 11, 10), date(2026, 11, 16))),
        # A start after the last completed night: that one night.
        (date(2026, 11, 20), None, (date(2026, 11, 20), date(2026, 11, 20))),
        (date(2026, 9, 1), date(2026, 9, 30), (date(2026, 9, 1), date(2026, 9, 30))),
    ],
)
def test_the_period_asked_for(
    first: date | None, last: date | None, expected: tuple[date, date]
) -> None:
    assert period(SETTINGS, first, last, NOW) == expected
