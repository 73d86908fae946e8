"""A fake clock for tests: time moves only when the test says so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class FakeClock:
    def __init__(self, start: datetime | None = None, monotonic: float = 1000.0) -> None:
        self._mono = monotonic
        self._now = start or datetime(2026, 11, 20, 22, 15, tzinfo=timezone(timedelta(hours=-5)))

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move both clocks forward together, as in ordinary running."""
        self._mono += seconds
        self._now += timedelta(seconds=seconds)

    def sleep_wall(self, seconds: float) -> None:
        """The computer slept: wall time moves, monotonic time does not."""
        self._now += timedelta(seconds=seconds)
