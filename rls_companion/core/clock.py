"""Time sources.

Everything that moves on screen or in the speakers is computed from a
monotonic clock, so a late frame never shifts a later phase boundary. Wall
time is only used to stamp history. The protocol lets tests drive both with a
fake clock.
"""

from __future__ import annotations

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
