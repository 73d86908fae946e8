"""Runs one session: clock, record, sound and the signals the views follow.

All decisions come from core (the timeline, the breath plan, the mixer, the
heartbeat's suspend and checkpoint rules); this class only wires them to Qt
timers, the history file and the audio sink.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from rls_companion.audio.output import choose_sink
from rls_companion.audio.sinks import Sink
from rls_companion.audio.speech import guidance_rate
from rls_companion.context import Context
from rls_companion.core.breathing import BreathPlan, BreathState
from rls_companion.core.clock import Clock
from rls_companion.core.guidance import own_script_minutes
from rls_companion.core.heartbeat import Heartbeat
from rls_companion.core.rate import SAMPLE_RATE
from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.session import Kind, RunState, SessionRun, StageKind, build_timeline
from rls_companion.storage.db import Problem
from rls_companion.storage.recorder import CHECKPOINT_SECONDS, SessionRecorder

if TYPE_CHECKING:  # numpy is loaded only once a session makes sound
    import numpy as np
    import numpy.typing as npt

    from rls_companion.core.mixer import Moment, SessionMixer
    from rls_companion.core.sound import Block

log = logging.getLogger(__name__)

# The heartbeat looks for a sleeping computer, a session due to end, a new
# stage and a checkpoint: none needs more than whole-second accuracy, so it
# ticks once a second on a very coarse timer (which the system may line up
# with other wake-ups: a laptop on battery wakes less).
HEARTBEAT_MS = 1000
SOUND_TAIL_MS = 1500
SAVE_RETRY_MS = 10_000
CANNOT_SAVE = {
    Problem.FULL: "Can't save right now: the disk is full. This session is kept and will be "
    "saved when space is free.",
    Problem.BUSY: "Can't save right now: another program is using the history file. This "
    "session is kept and will be saved as soon as it can be.",
}
CANNOT_SAVE_OTHERWISE = (
    "Can't save right now: the history file cannot be written. This session is kept and "
    "will be saved as soon as it can be."
)
SAVED_AGAIN = "Saved: everything from this session is in your history."
# Long enough for the buffered audio (0.5 s) to play out and the sound to ramp down (0.4 s).
FADE_OUT_MS = 1100


@dataclass(frozen=True)
class SessionSnapshot:
    """The session at one moment: everything a view draws from."""

    kind: Kind
    state: RunState
    now: float  # the monotonic clock's reading for this moment
    practice_seconds: float
    position: float  # on the timeline
    planned_seconds: float
    breath: BreathState
    fade: float  # the timeline's master level
    stage_title: str

    @property
    def remaining_seconds(self) -> float:
        return self.planned_seconds - self.position

    @property
    def progress(self) -> float:
        return self.position / self.planned_seconds

    @property
    def running(self) -> bool:
        return self.state is RunState.RUNNING

    @property
    def paused(self) -> bool:
        return self.state is RunState.PAUSED


@dataclass(frozen=True)
class SessionEnd:
    """How a session ended, as `SessionController.ended` tells it."""

    state: SessionState
    kind: Kind
    practice_seconds: float


class SessionController(QObject):
    started = Signal()
    changed = Signal()
    ended = Signal(object)  # a SessionEnd
    notice = Signal(str)
    heartbeat = Signal()
    checkpointing = Signal()
    ending = Signal()  # about to end: last chance to save what belongs to it

    def __init__(self, context: Context, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        self.run: SessionRun | None = None
        self.plan: BreathPlan | None = None
        self.recorder = SessionRecorder(
            context.db, context.paths.run_dir, on_trouble=self._cannot_save
        )
        # Writes kept in memory (a full disk) are tried again this often
        # after the session, until they are saved.
        self._retry_saving = QTimer(self)
        self._retry_saving.setInterval(SAVE_RETRY_MS)
        self._retry_saving.timeout.connect(self.flush_saves)
        self._sink: Sink | None = None
        self._mixer: SessionMixer | None = None
        # Every sink renders on its own thread (Qt Multimedia's QThread, or
        # simpleaudio's), never on this one: the mixer and the run it reads
        # are changed and read under this lock, and that thread touches no
        # Qt object of the GUI thread (the source reads only those two).
        self._sound_lock = threading.Lock()
        self._sound_notice_shown = False
        self._pulse = Heartbeat(clock, CHECKPOINT_SECONDS)
        self._stage_index = -1
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._heartbeat.timeout.connect(self._beat)
        self._sound_tail = QTimer(self)
        self._sound_tail.setSingleShot(True)
        self._sound_tail.setInterval(SOUND_TAIL_MS)
        self._sound_tail.timeout.connect(self._stop_sound)

    # -- commands --------------------------------------------------------
    def start(
        self,
        kind: Kind = Kind.BEDTIME,
        minutes: float | None = None,
        rating_before: int | None = None,
    ) -> None:
        if self.run is not None and self.run.active:
            return
        settings = self.context.settings.typed
        self.plan = settings.breathing.plan()
        if minutes is None:
            minutes = self._default_minutes(kind)
        run = SessionRun(build_timeline(kind, minutes), self.clock)
        self._stop_sound()
        self.run = run
        run.start()
        self.recorder.begin(
            SessionRecord(
                id=str(uuid.uuid4()),
                started_at=self.clock.now(),
                ended_at=None,
                kind=kind,
                planned_seconds=round(run.planned_seconds),
                practice_seconds=0.0,
                state=SessionState.RUNNING,
                pattern=settings.breathing.pattern,
                breaths_per_minute=settings.breathing.breaths_per_minute,
                rating_before=rating_before,
            )
        )
        self._pulse.start()
        self._stage_index = run.timeline.stage_index_at(0.0)
        self._heartbeat.start()
        log.info(
            "session %s started: %s, %d s",
            self.recorder.session_id,
            kind.value,
            run.planned_seconds,
        )
        self.started.emit()
        self._start_sound()

    def _default_minutes(self, kind: Kind) -> float:
        """The settings' length; the stretch lasts as long as its script."""
        settings = self.context.settings.typed
        if kind is Kind.STRETCH:
            try:
                return own_script_minutes(StageKind.STRETCH, guidance_rate(settings))
            except ValueError as problem:  # the guide says so; the session still runs
                log.warning("the stretch script cannot be read: %s", problem)
        return settings.session.minutes(kind)

    def rate_after(self, rating: int) -> None:
        """The optional 0–10 after the session, given on the end card."""
        self.recorder.set_rating_after(rating)
        self._keep_trying()

    def toggle_pause(self) -> None:
        if self.run is not None and self.run.active:
            with self._sound_lock:
                self.run.toggle_pause()
            self._save_checkpoint()
            self.changed.emit()

    def skip_stage(self) -> None:
        if self.run is not None and self.run.active:
            with self._sound_lock:
                self.run.skip_stage()
            self.changed.emit()

    def stop(self) -> None:
        """The user ends the session early: saved, not completed."""
        self._end(SessionState.STOPPED)

    def interrupt(self) -> None:
        """The app is being closed or killed politely: saved as interrupted."""
        self._end(SessionState.INTERRUPTED)

    def skip_to(self, position: float) -> None:
        """Jump forward on the timeline (the guide's next body-scan region)."""
        if self.run is not None and self.run.active:
            with self._sound_lock:
                self.run.skip_to(position)
            self.changed.emit()

    def add_urge(self, urge: UrgeRecord) -> int:
        """Save an urge episode with the session the moment it starts; its number."""
        return self.recorder.add_urge(urge)

    def update_urge(
        self, seq: int, held_seconds: float, outcome: Outcome, intensity: int | None
    ) -> None:
        """Save how urge episode `seq` stands now."""
        self.recorder.update_urge(seq, held_seconds, outcome, intensity)

    @property
    def active(self) -> bool:
        return self.run is not None and self.run.active

    def snapshot(self, ahead: float = 0.0) -> SessionSnapshot | None:
        """The session now, or `ahead` seconds from now if nothing is pressed
        (a paused session stays where it is); None before the first session."""
        run, plan = self.run, self.plan
        if run is None or plan is None:
            return None
        if run.state is not RunState.RUNNING:
            ahead = 0.0
        practice = run.practice_seconds() + ahead
        position = min(run.position() + ahead, run.planned_seconds)
        return SessionSnapshot(
            kind=run.timeline.kind,
            state=run.state,
            now=self.clock.monotonic() + ahead,
            practice_seconds=practice,
            position=position,
            planned_seconds=run.planned_seconds,
            breath=plan.state_at(practice),
            fade=run.timeline.fade_level(position),
            stage_title=run.timeline.stage_at(position).title,
        )

    # -- internals -------------------------------------------------------
    def _start_sound(self) -> None:
        from rls_companion.core.mixer import Moment, SessionMixer

        audio = self.context.settings.typed.audio
        assert self.plan is not None and self.run is not None
        choice = choose_sink(audio.backend, self, self._sound_failed)
        self._sink = choice.sink
        self._mixer = SessionMixer.for_settings(
            self.plan, self.run.timeline, audio, self._sink.sample_rate
        )
        mixer, lock = self._mixer, self._sound_lock

        def moment() -> Moment:
            run = self.run
            if run is None:
                return Moment(0.0, 0.0, False)
            return Moment(run.practice_seconds(), run.position(), run.state is RunState.RUNNING)

        def source(frames: int, lead: float) -> Block:
            with lock:
                return mixer.pull(frames, moment(), lead)

        self._sink.start(source)
        if choice.notice:
            self._tell_once(choice.notice)

    def _sound_failed(self, message: str) -> None:
        # The sink has gone quiet by itself (and plays again if an output
        # comes back); it is still stopped with the session.
        self._tell_once(message + " The session goes on silently.")

    def _tell_once(self, message: str) -> None:
        if not self._sound_notice_shown:
            self._sound_notice_shown = True
            log.warning("audio: %s", message)
            self.notice.emit(message)

    def _stop_sound(self) -> None:
        if self._sink is not None:
            self._sink.stop()
        self._sink = None
        self._mixer = None

    def schedule_chime(self, at_practice: float) -> int | None:
        if self._mixer is None:
            return None
        with self._sound_lock:
            # Sound is rendered ahead of the clock. A chime for a moment that
            # is already rendered would start in the middle of its ring (a
            # click): it rings from its start at the first moment to come.
            cursor = self._mixer.cursor
            at = at_practice if cursor is None else max(at_practice, cursor)
            return self._mixer.schedule_chime(at)

    def say(self, wave: npt.NDArray[np.float32]) -> int | None:
        """Mix a levelled voice into the sound as soon as it can start; a
        handle for `cancel_chime`, or None without sound."""
        if self._mixer is None:
            return None
        with self._sound_lock:
            run = self.run
            handle = self._mixer.schedule_speech(run.practice_seconds() if run else 0.0, wave)
        log.info("speech: %.1f s of voice", len(wave) / self._mixer.rate)
        return handle

    def speech_rms(self) -> float:
        """The loudness a voice is levelled to: beside the breath tone, as the
        "Voice volume" balance says (before the session's volume)."""
        from rls_companion.core.sound import tone_rms
        from rls_companion.core.speech_level import speech_rms

        settings = self.context.settings.typed
        plan = self.plan or settings.breathing.plan()
        return speech_rms(tone_rms(plan), settings.speech.volume)

    @property
    def sample_rate(self) -> int:
        return self._sink.sample_rate if self._sink is not None else SAMPLE_RATE

    def duck(self, active: bool) -> None:
        """Lower the soundscape while a voice speaks."""
        if self._mixer is not None:
            with self._sound_lock:
                self._mixer.set_ducking(active)

    def cancel_chime(self, handle: int) -> None:
        if self._mixer is not None:
            with self._sound_lock:
                self._mixer.cancel(handle)

    def _cannot_save(self, problem: Problem) -> None:
        self.notice.emit(CANNOT_SAVE.get(problem, CANNOT_SAVE_OTHERWISE))

    def flush_saves(self) -> bool:
        """Try again to write what is waiting; True when everything is saved."""
        troubled = self.recorder.trouble is not None
        saved = self.recorder.flush()
        if saved:
            self._retry_saving.stop()
            if troubled:
                self.notice.emit(SAVED_AGAIN)
        return saved

    def _keep_trying(self) -> None:
        if self.recorder.waiting and not self._retry_saving.isActive():
            self._retry_saving.start()

    def _save_checkpoint(self) -> None:
        if self.run is not None:
            self.recorder.checkpoint(self.run.practice_seconds(), self.clock.now())
            self._pulse.checkpointed()
            self.checkpointing.emit()

    def _beat(self) -> None:
        run = self.run
        if run is None or not run.active:
            return
        beat = self._pulse.beat()
        if beat.suspended and run.state is RunState.RUNNING:
            log.info("computer slept for about %.0f s: pausing the session", beat.slept_seconds)
            with self._sound_lock:
                run.pause()
            self.changed.emit()
        self.heartbeat.emit()
        if run.is_due_to_finish():
            self._end(SessionState.COMPLETED)
            return
        index = run.timeline.stage_index_at(run.position())
        if index != self._stage_index:
            self._stage_index = index
            self.changed.emit()
        if beat.checkpoint_due:
            self._save_checkpoint()

    def _end(self, state: SessionState) -> None:
        run = self.run
        if run is None or not run.active:
            return
        self.ending.emit()
        with self._sound_lock:
            if state is SessionState.COMPLETED:
                run.finish()
            else:
                run.stop()
        self._heartbeat.stop()
        self.recorder.end(state, run.practice_seconds(), self.clock.now())
        self._keep_trying()
        log.info("session ended: %s after %.1f s of practice", state.value, run.practice_seconds())
        self._sound_tail.start()
        self.ended.emit(SessionEnd(state, run.timeline.kind, run.practice_seconds()))
