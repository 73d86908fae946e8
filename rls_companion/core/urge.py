"""Resist the urge: graded exposure to the urge to move.

An episode counts up from the moment the urge is marked towards the current
target. Reaching the target is recorded as `held` (with the target's seconds);
moving first is recorded as `moved` with the seconds sat with, and is a choice,
never a failure. The target moves once per night with urges, by the rule in
`progress_after_night`; nights without urges change nothing. None of this ever
touches streaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rls_companion.core.records import RATING_MAX, RATING_MIN, SessionRecord
from rls_companion.core.records import Outcome as Outcome  # re-exported
from rls_companion.core.streaks import StreakRules, night_of

DEFAULT_START_TARGET_SECONDS = 15
DEFAULT_CEILING_SECONDS = 120
DEFAULT_STEP_SECONDS = 10
FLOOR_SECONDS = 5
MAX_CEILING_SECONDS = 300
QUALIFYING_NIGHTS_TO_STEP_UP = 3
CALM_INTENSITY_MAX = 5  # a qualifying night has no urge rated above this
STRONG_INTENSITY = 7  # any urge rated this or more steps the target back

SAFETY_LINE = "If it hurts or cramps, move."
PROMPTS = (
    "Notice where you feel it.",
    "Is it tingling, pulling, buzzing, aching? Just name it.",
    "Breathe out slowly. Let the breath be longer than the urge.",
    "Let the wave rise. You do not have to do anything with it.",
    "Notice its edges. Is it moving, spreading, fading?",
    "Soften the jaw, the shoulders, the belly.",
    "The wave is cresting. Stay curious.",
    "And it begins to fall.",
)


@dataclass(frozen=True)
class UrgeConfig:
    start_target: int = DEFAULT_START_TARGET_SECONDS
    ceiling: int = DEFAULT_CEILING_SECONDS
    step: int = DEFAULT_STEP_SECONDS
    floor: int = FLOOR_SECONDS

    def clamp(self, seconds: int) -> int:
        return max(self.floor, min(seconds, self.ceiling))


@dataclass(frozen=True)
class Episode:
    """One urge, timed on the monotonic clock (pausing the session does not stop it)."""

    started_mono: float
    target_seconds: int
    intensity: int | None = None

    def elapsed(self, now_mono: float) -> float:
        return max(now_mono - self.started_mono, 0.0)

    def reached(self, now_mono: float) -> bool:
        return self.elapsed(now_mono) >= self.target_seconds

    def progress(self, now_mono: float) -> float:
        return min(self.elapsed(now_mono) / self.target_seconds, 1.0)

    def prompt(self, now_mono: float) -> str:
        """A new prompt every few seconds, spread over the episode."""
        step = max(self.target_seconds / len(PROMPTS), 4.0)
        index = min(int(self.elapsed(now_mono) / step), len(PROMPTS) - 1)
        return PROMPTS[index]

    def with_intensity(self, intensity: int | None) -> Episode:
        if intensity is not None and not RATING_MIN <= intensity <= RATING_MAX:
            raise ValueError(f"intensity {intensity} is outside {RATING_MIN}-{RATING_MAX}")
        return replace(self, intensity=intensity)

    def finish(self, now_mono: float) -> tuple[Outcome, float]:
        """Outcome and seconds held if the episode ends now."""
        if self.reached(now_mono):
            return Outcome.HELD, float(self.target_seconds)
        return Outcome.MOVED, round(self.elapsed(now_mono), 1)


@dataclass(frozen=True)
class NightUrges:
    """What matters about one night's urges for the progression rule."""

    night: date
    outcomes: Sequence[Outcome]
    intensities: Sequence[int | None]
    held_seconds: Sequence[float] = ()

    @property
    def median_held(self) -> float | None:
        """Median seconds sat with the urge (held or moved), for the chart."""
        if not self.held_seconds:
            return None
        ordered = sorted(self.held_seconds)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2

    @property
    def strong(self) -> bool:
        return any(i is not None and i >= STRONG_INTENSITY for i in self.intensities)

    @property
    def qualifying(self) -> bool:
        held = sum(1 for o in self.outcomes if o == Outcome.HELD)
        calm = all(i is None or i <= CALM_INTENSITY_MAX for i in self.intensities)
        return bool(self.outcomes) and held * 2 > len(self.outcomes) and calm


@dataclass(frozen=True)
class Progress:
    target: int
    qualifying_in_a_row: int = 0
    last_night: date | None = None


def progress_after_night(state: Progress, night: NightUrges, config: UrgeConfig) -> Progress:
    """The once-per-night rule.

    A night with an urge rated 7 or more steps the target back one step. After
    three consecutive qualifying nights (most urges held, none rated above 5)
    it steps up one step. Otherwise it stays. Always within floor..ceiling.
    """
    if not night.outcomes:
        return replace(state, last_night=night.night)
    if night.strong:
        return Progress(config.clamp(state.target - config.step), 0, night.night)
    if night.qualifying:
        in_a_row = state.qualifying_in_a_row + 1
        if in_a_row >= QUALIFYING_NIGHTS_TO_STEP_UP:
            return Progress(config.clamp(state.target + config.step), 0, night.night)
        return Progress(config.clamp(state.target), in_a_row, night.night)
    return Progress(config.clamp(state.target), 0, night.night)


def replay(state: Progress, nights: Iterable[NightUrges], config: UrgeConfig) -> Progress:
    """Apply the rule to every finished night after `state.last_night`, in order."""
    for night in sorted(nights, key=lambda n: n.night):
        if state.last_night is None or night.night > state.last_night:
            state = progress_after_night(state, night, config)
    return state


def nights_from_records(records: Iterable[SessionRecord], rules: StreakRules) -> list[NightUrges]:
    """Each night's urges, oldest night first (nights without urges left out)."""
    grouped: dict[date, tuple[list[Outcome], list[int | None], list[float]]] = {}
    for record in records:
        if not record.urges:
            continue
        outcomes, intensities, held = grouped.setdefault(
            night_of(record.started_at, rules), ([], [], [])
        )
        for urge in record.urges:
            outcomes.append(urge.outcome)
            intensities.append(urge.intensity)
            held.append(urge.held_seconds)
    return [NightUrges(n, o, i, h) for n, (o, i, h) in sorted(grouped.items())]


def targets_by_night(nights: Iterable[NightUrges], config: UrgeConfig) -> list[tuple[date, int]]:
    """The target each night was practised against, replaying the rule from
    the first night: the line drawn over time in History."""
    state = Progress(config.clamp(config.start_target))
    out = []
    for night in sorted(nights, key=lambda n: n.night):
        out.append((night.night, state.target))
        state = progress_after_night(state, night, config)
    return out
