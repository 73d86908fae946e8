"""The breath a settings preview shows, changing only at a breath's end.

The preview breathes exactly as a session with the same settings would from
the moment it began (the session's own `BreathPlan`, pace ramp included). A
new plan never cuts into the breath under way: it takes over at the start of
the next breath, where the lungs are empty in every pattern, so neither the
picture nor the sound jumps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rls_companion.core.breathing import BreathPlan, BreathState


@dataclass(frozen=True)
class Part:
    """A plan and the monotonic time its first breath began."""

    start: float
    plan: BreathPlan
    number: int  # counts the parts, so a listener can tell a new one


class PacedPreview:
    def __init__(self, plan: BreathPlan, now: float) -> None:
        self._parts: list[Part] = [Part(now, plan, 0)]

    def change(self, plan: BreathPlan, now: float) -> Part:
        """Breathe `plan` from the start of the next breath after `now`
        (a change not yet begun is replaced, not queued)."""
        if len(self._parts) > 1 and self._parts[-1].start > now:
            start = self._parts[-1].start
            self._parts.pop()
        else:
            start = self.next_breath_after(now)
        part = Part(start, plan, self._parts[-1].number + 1)
        self._parts.append(part)
        # Parts that ended before `now` are never asked about again.
        while len(self._parts) > 2 and self._parts[1].start <= now:
            self._parts.pop(0)
        return part

    def next_breath_after(self, now: float) -> float:
        """When the breath under way at `now` ends (its next breath begins)."""
        part = self.part_at(now)
        done = part.plan.breaths_at(now - part.start)
        return part.start + part.plan.time_of_breaths(math.floor(done) + 1)

    def part_at(self, now: float) -> Part:
        current = self._parts[0]
        for part in self._parts[1:]:
            if part.start <= now:
                current = part
        return current

    @property
    def newest(self) -> Part:
        return self._parts[-1]

    def state_at(self, now: float) -> BreathState:
        part = self.part_at(now)
        return part.plan.state_at(now - part.start)
