"""What a running session's heartbeat decides: did the computer sleep, and is
it time to save the progress?

A session is timed on the monotonic clock, which stands still while the
computer is suspended; the wall clock keeps going. When, between two beats,
the wall clock ran well ahead of the monotonic one, the computer slept (and
the person most likely with it). Progress is saved every so often on the
monotonic clock, so a crash loses only the last few seconds.

The timer that makes the beats belongs to the window; the rules are here, fed
by a `Clock`, so that tests can put a laptop to sleep with a fake one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rls_companion.core.clock import Clock

# Wall time running this much ahead of monotonic time means the computer slept
# (or, either way, that the wall clock was changed).
SUSPEND_JUMP_SECONDS = 20.0


class ClockDrift:
    """How far the wall clock moved beyond the monotonic clock between readings."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.monotonic = clock.monotonic()
        self.now: datetime = clock.now()

    def step(self) -> float:
        """Read both clocks: seconds the wall clock gained since the last reading
        (negative if it was set back). `now` keeps the previous reading until then."""
        monotonic, now = self.clock.monotonic(), self.clock.now()
        drift = (now.timestamp() - self.now.timestamp()) - (monotonic - self.monotonic)
        self.monotonic, self.now = monotonic, now
        return drift


@dataclass(frozen=True)
class Beat:
    """What one heartbeat found."""

    # Seconds the wall clock moved beyond the monotonic clock since the last
    # beat (negative if the wall clock was set back).
    slept_seconds: float
    # The computer was suspended since the last beat.
    suspended: bool
    # The progress is due to be saved.
    checkpoint_due: bool


class Heartbeat:
    """Suspend detection and checkpoint timing for one session at a time."""

    def __init__(
        self,
        clock: Clock,
        checkpoint_seconds: float,
        suspend_jump_seconds: float = SUSPEND_JUMP_SECONDS,
    ) -> None:
        if checkpoint_seconds <= 0:
            raise ValueError(f"checkpoint interval {checkpoint_seconds} s is not positive")
        self.clock = clock
        self.checkpoint_seconds = checkpoint_seconds
        self.suspend_jump_seconds = suspend_jump_seconds
        self._drift = ClockDrift(clock)
        self._last_checkpoint = 0.0

    def start(self) -> None:
        """A session starts (and is saved): both clocks are read afresh."""
        self._drift = ClockDrift(self.clock)
        self._last_checkpoint = self._drift.monotonic

    def beat(self) -> Beat:
        """Read both clocks once and say what happened since the last beat."""
        slept = self._drift.step()
        return Beat(
            slept_seconds=slept,
            suspended=slept > self.suspend_jump_seconds,
            checkpoint_due=self._drift.monotonic - self._last_checkpoint >= self.checkpoint_seconds,
        )

    def checkpointed(self) -> None:
        """The progress was just saved: the next save is due a full interval from now."""
        self._last_checkpoint = self.clock.monotonic()
