"""A session as a timeline of stages, and the running state of one.

Practice time is monotonic time since start minus paused time. The stage shown
is decided by the timeline position (practice time plus any skipped-over time),
while the breath keeps following practice time so skipping never makes the
picture jump.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rls_companion.core.breathing import ease_in_out
from rls_companion.core.clock import Clock

MIN_SESSION_MINUTES = 1
MAX_SESSION_MINUTES = 60
FADE_IN_SECONDS = 3.0
# A session that does not end in a wind-down (the stretch) fades over its last seconds.
FADE_OUT_SECONDS = 4.0
STRETCH_MINUTES = 3.0  # the before-bed stretch, at the natural speaking rate


class Kind(StrEnum):
    BEDTIME = "bedtime"
    BREATHING = "breathing"
    RESETTLE = "resettle"
    STRETCH = "stretch"


class StageKind(StrEnum):
    SETTLE = "settle"
    BODY_SCAN = "body_scan"
    REST = "rest"
    WIND_DOWN = "wind_down"
    STRETCH = "stretch"


STAGE_TITLES = {
    StageKind.SETTLE: "Settle with the breath",
    StageKind.BODY_SCAN: "Body scan",
    StageKind.REST: "Rest with the sensations",
    StageKind.WIND_DOWN: "Wind down",
    StageKind.STRETCH: "Gentle stretches",
}

KIND_TITLES = {
    Kind.BEDTIME: "Tonight's bedtime session",
    Kind.BREATHING: "Quick breathing",
    Kind.RESETTLE: "Middle-of-the-night re-settle",
    Kind.STRETCH: "Before-bed stretch",
}

# Shorter names, for a choice of kinds and a list of past sessions (where
# "Tonight's" would be wrong).
_KIND_NAMES = {
    Kind.BEDTIME: "Bedtime",
    Kind.BREATHING: "Quick breathing",
    Kind.RESETTLE: "Re-settle",
    Kind.STRETCH: "Stretch",
}


def kind_name(kind: Kind) -> str:
    """The short name of a kind of session."""
    return _KIND_NAMES[kind]


# Share of the session each stage takes; stages scale with the session length.
_STAGE_SHARES: dict[Kind, tuple[tuple[StageKind, float], ...]] = {
    Kind.BEDTIME: (
        (StageKind.SETTLE, 0.20),
        (StageKind.BODY_SCAN, 0.35),
        (StageKind.REST, 0.30),
        (StageKind.WIND_DOWN, 0.15),
    ),
    Kind.BREATHING: ((StageKind.SETTLE, 0.85), (StageKind.WIND_DOWN, 0.15)),
    Kind.RESETTLE: ((StageKind.SETTLE, 0.25), (StageKind.REST, 0.45), (StageKind.WIND_DOWN, 0.30)),
    Kind.STRETCH: ((StageKind.STRETCH, 1.0),),
}


@dataclass(frozen=True)
class Stage:
    kind: StageKind
    start: float
    seconds: float

    @property
    def end(self) -> float:
        return self.start + self.seconds

    @property
    def title(self) -> str:
        return STAGE_TITLES[self.kind]


@dataclass(frozen=True)
class Timeline:
    kind: Kind
    stages: tuple[Stage, ...]

    @property
    def total_seconds(self) -> float:
        return self.stages[-1].end

    def stage_index_at(self, position: float) -> int:
        for i, stage in enumerate(self.stages):
            if position < stage.end:
                return i
        return len(self.stages) - 1

    def stage_at(self, position: float) -> Stage:
        return self.stages[self.stage_index_at(position)]

    def fade_level(self, position: float) -> float:
        """Master level for picture and sound: fade in, then dark by the end.

        The wind-down stage dims along a cosine so the last minutes glide into
        silence instead of stopping; a session without one fades over its
        last `FADE_OUT_SECONDS`.
        """
        level = ease_in_out(position / FADE_IN_SECONDS)
        last = self.stages[-1]
        if last.kind is StageKind.WIND_DOWN:
            fade_from, fade_seconds = last.start, last.seconds
        else:
            fade_seconds = min(FADE_OUT_SECONDS, last.seconds)
            fade_from = self.total_seconds - fade_seconds
        if position > fade_from:
            level *= 1.0 - ease_in_out((position - fade_from) / fade_seconds)
        return level


def build_timeline(kind: Kind, minutes: float) -> Timeline:
    if not MIN_SESSION_MINUTES <= minutes <= MAX_SESSION_MINUTES:
        raise ValueError(
            f"session length {minutes} is outside {MIN_SESSION_MINUTES}-{MAX_SESSION_MINUTES}"
            " minutes"
        )
    total = round(minutes * 60.0)
    stages: list[Stage] = []
    start = 0.0
    shares = _STAGE_SHARES[kind]
    for i, (stage_kind, share) in enumerate(shares):
        # Whole seconds per stage; the last stage takes the remainder so the
        # stages add up to the planned length exactly.
        seconds = total - start if i == len(shares) - 1 else float(round(total * share))
        stages.append(Stage(stage_kind, start, seconds))
        start += seconds
    return Timeline(kind, tuple(stages))


class RunState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


class SessionRun:
    """Start, pause, resume, skip and stop, measured on a monotonic clock."""

    def __init__(self, timeline: Timeline, clock: Clock) -> None:
        self.timeline = timeline
        self.clock = clock
        self.state = RunState.READY
        self._started_mono = 0.0
        self._paused_total = 0.0
        self._paused_since: float | None = None
        self._skipped = 0.0
        self._ended_practice: float | None = None

    @property
    def planned_seconds(self) -> float:
        return self.timeline.total_seconds

    def start(self) -> None:
        if self.state is not RunState.READY:
            raise RuntimeError("session already started")
        self._started_mono = self.clock.monotonic()
        self.state = RunState.RUNNING

    def practice_seconds(self) -> float:
        """Seconds actually practised: excludes pauses and skipped stages."""
        if self._ended_practice is not None:
            return self._ended_practice
        if self.state is RunState.READY:
            return 0.0
        now = self._paused_since if self._paused_since is not None else self.clock.monotonic()
        raw = now - self._started_mono - self._paused_total
        return min(max(raw, 0.0), max(self.planned_seconds - self._skipped, 0.0))

    def position(self) -> float:
        """Where on the timeline the session is."""
        return min(self.practice_seconds() + self._skipped, self.planned_seconds)

    def stage(self) -> Stage:
        return self.timeline.stage_at(self.position())

    def remaining_seconds(self) -> float:
        return max(self.planned_seconds - self.position(), 0.0)

    def is_due_to_finish(self) -> bool:
        return self.state is RunState.RUNNING and self.position() >= self.planned_seconds

    def pause(self) -> None:
        if self.state is RunState.RUNNING:
            self._paused_since = self.clock.monotonic()
            self.state = RunState.PAUSED

    def resume(self) -> None:
        if self.state is RunState.PAUSED and self._paused_since is not None:
            self._paused_total += self.clock.monotonic() - self._paused_since
            self._paused_since = None
            self.state = RunState.RUNNING

    def toggle_pause(self) -> None:
        if self.state is RunState.RUNNING:
            self.pause()
        else:
            self.resume()

    def skip_stage(self) -> None:
        """Jump to the start of the next stage (never past the wind-down)."""
        if self.state not in (RunState.RUNNING, RunState.PAUSED):
            return
        index = self.timeline.stage_index_at(self.position())
        if index + 1 >= len(self.timeline.stages):
            return
        self._skipped += self.timeline.stages[index + 1].start - self.position()

    def skip_to(self, position: float) -> None:
        """Jump forward on the timeline (e.g. to the next body-scan region)."""
        if self.state not in (RunState.RUNNING, RunState.PAUSED):
            return
        target = min(position, self.planned_seconds)
        if target > self.position():
            self._skipped += target - self.position()

    def finish(self) -> None:
        """The timeline ran out: the session is complete."""
        self._end(RunState.FINISHED)

    def stop(self) -> None:
        """Ended early by the user."""
        self._end(RunState.STOPPED)

    def _end(self, state: RunState) -> None:
        if self.state in (RunState.FINISHED, RunState.STOPPED):
            return
        self._ended_practice = self.practice_seconds()
        self._paused_since = None
        self.state = state

    @property
    def active(self) -> bool:
        return self.state in (RunState.RUNNING, RunState.PAUSED)
