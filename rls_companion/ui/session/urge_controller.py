"""The urge timer inside a running session.

The episode is saved the moment the urge is marked (as `moved` with 0 s) and
updated at every checkpoint and when it ends, so a crash mid-episode keeps it.
Reaching the target rings a soft chime scheduled in the mixer, so it sounds
on time even though audio is rendered ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from rls_companion.core.records import Outcome, UrgeRecord
from rls_companion.core.session import RunState
from rls_companion.core.urge import Episode
from rls_companion.ui.session.controller import SessionController


@dataclass(frozen=True)
class UrgeResult:
    """How the last urge episode ended."""

    outcome: Outcome
    held_seconds: float
    at: float  # the monotonic clock's reading when it ended


class UrgeController(QObject):
    started = Signal()
    changed = Signal()
    ended = Signal(object, float)  # the Outcome, seconds held

    def __init__(
        self, session: SessionController, target: Callable[[], int], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._target = target
        self.episode: Episode | None = None
        self.last_result: UrgeResult | None = None
        self._seq = -1
        self._chime: int | None = None
        session.heartbeat.connect(self._tick)
        session.checkpointing.connect(self._save_progress)
        session.ending.connect(self._session_ending)

    @property
    def enabled(self) -> bool:
        return self.session.context.settings.typed.urge.enabled

    @property
    def active(self) -> bool:
        return self.episode is not None

    def mark(self, intensity: int | None = None) -> None:
        """The urge to move is here (key U): start counting towards the target."""
        if not self.enabled or not self.session.active or self.episode is not None:
            return
        clock = self.session.clock
        target = self._target()
        self.episode = Episode(clock.monotonic(), target, intensity)
        self._seq = self.session.add_urge(
            UrgeRecord(clock.now(), target, 0.0, Outcome.MOVED, intensity)
        )
        run = self.session.run
        if run is not None and run.state is RunState.RUNNING:
            self._chime = self.session.schedule_chime(run.practice_seconds() + target)
        self.started.emit()

    def rate(self, intensity: int) -> None:
        """The optional one-tap 0–10 strength."""
        if self.episode is None:
            return
        self.episode = self.episode.with_intensity(intensity)
        self._save_progress()
        self.changed.emit()

    def move_now(self) -> None:
        """Key M: always available, recorded as `moved` with the seconds held."""
        if self.episode is not None:
            self._finish()

    def _tick(self) -> None:
        if self.episode is None:
            return
        if self.episode.reached(self.session.clock.monotonic()):
            self._finish()
        else:
            self.changed.emit()

    def _save_progress(self) -> tuple[Outcome, float] | None:
        """Write the episode as it stands now; returns its outcome and seconds."""
        episode = self.episode
        if episode is None:
            return None
        outcome, held = episode.finish(self.session.clock.monotonic())
        self.session.update_urge(self._seq, held, outcome, episode.intensity)
        return outcome, held

    def _session_ending(self) -> None:
        if self.episode is not None:
            self._finish()

    def _finish(self) -> None:
        saved = self._save_progress()
        if saved is None:
            return
        outcome, held = saved
        if outcome is Outcome.MOVED and self._chime is not None:
            self.session.cancel_chime(self._chime)
        self.episode = None
        self._chime = None
        self.last_result = UrgeResult(outcome, held, self.session.clock.monotonic())
        self.ended.emit(outcome, held)
