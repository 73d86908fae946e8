"""Time sources.

Everything that moves on screen or in the speakers is computed from a
monotonic clock, so a late frame never shifts a later phase boundary. Wall
time is only used to stamp history. The protocol lets tests drive both with a
fake clock.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never jumps backwards."""
        ...

    def now(self) -> datetime:
        """The current instant as an aware datetime in the local offset."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone()


def fall_back_to_utc_if_unusable() -> str | None:
    """Make local time usable for the whole process, or say why it is UTC.

    A `TZ` the C library accepts can still give an offset Python refuses (a
    day or more, as in `TZ=XYZ+24`): then every local timestamp would fail.
    The process switches to UTC and the message says so, once.
    """
    try:
        datetime.now(UTC).astimezone()
        return None
    except (ValueError, OverflowError, OSError):
        pass
    zone = os.environ.get("TZ", "")
    os.environ["TZ"] = "UTC"
    time.tzset()
    return f"The time zone TZ={zone!r} cannot be used; times are shown in UTC."
