"""Guidance during the bedtime session: captions in step with the timeline,
spoken when a speech engine exists, with gentle chimes where none does.

Which caption shows is a pure function of the timeline position (core.guidance);
this class only starts each caption's speech when its moment comes, on a
precise timer. A mixed voice (audio.speech) is synthesized a few captions
ahead and handed to the session's sound, which lowers the soundscape around
it; a live engine speaks by itself and the sound is lowered while it does.
The engine answers in its own time: until then the captions show alone.
"""

from __future__ import annotations

import logging
import sqlite3
from importlib.resources.abc import Traversable
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from rls_companion.audio.speech import Speech, guidance_rate
from rls_companion.core import guidance, rotation
from rls_companion.core.session import RunState, StageKind
from rls_companion.core.streaks import night_of
from rls_companion.storage import guidance_picks
from rls_companion.storage.db import DatabaseError
from rls_companion.ui.session.controller import SessionController

log = logging.getLogger(__name__)


class Where(NamedTuple):
    """Where the session is in its guidance: a stage with captions, and how far in."""

    stage_index: int
    plan: guidance.GuidancePlan
    t_ms: int  # since the stage began


class GuideController(QObject):
    caption_changed = Signal(str)
    notice = Signal(str)  # a line for the session's notices

    def __init__(self, session: SessionController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plans: dict[int, guidance.GuidancePlan] = {}
        self.scripts: Traversable = guidance.guidance_dir()
        self.caption = ""
        self.speech: Speech | None = None
        self._spoken: tuple[int, int] | None = None  # (stage index, caption index)
        self._unit: tuple[int, int] | None = None
        self._voice: int | None = None  # the mixed voice now sounding (a handle)
        self._waiting: guidance.Caption | None = None  # to speak once synthesized
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.update)
        session.started.connect(self._on_started)
        session.changed.connect(self._on_changed)
        session.heartbeat.connect(self.update)
        session.ending.connect(self._on_ending)

    def _on_started(self) -> None:
        run = self.session.run
        if run is None:
            return
        settings = self.session.context.settings.typed
        self._close_speech()
        self.speech = Speech(
            settings,
            self,
            target_rms=self.session.speech_rms(),
            sample_rate=self.session.sample_rate,
        )
        self.speech.speaking.connect(self.session.duck)
        self.speech.ready.connect(self._speech_ready)
        self.speech.voiced.connect(self._voiced)
        rate = guidance_rate(settings)
        self.plans = {}
        missing: list[str] = []
        for index, stage in enumerate(run.timeline.stages):
            if stage.kind in guidance.LIBRARY:
                names: tuple[str, ...] | None = self._tonights_order(stage.kind)
            elif stage.kind in guidance.OWN_SCRIPT:
                names = None  # spoken as written, every time
            else:
                continue
            try:
                plan = guidance.plan_for_stage(stage, rate=rate, folder=self.scripts, names=names)
            except (OSError, ValueError) as problem:
                log.warning("guidance for %s unavailable: %s", stage.kind.value, problem)
                missing.append(stage.kind.value)
                continue
            if plan is not None:
                self.plans[index] = plan
                log.info(
                    "guidance for %s loaded: %s, %d captions%s",
                    stage.kind.value,
                    " then ".join(plan.scripts),
                    len(plan.captions),
                    "" if plan.prompts_from_ms is None else ", then breathing with prompts",
                )
        self._spoken = self._unit = None
        if missing:
            self.notice.emit(
                "Some of tonight's guidance could not be loaded;"
                " breathing and sound go on as usual."
            )
        self.update()

    def _tonights_order(self, stage: StageKind) -> tuple[str, ...]:
        """The stage's scripts in tonight's rotation (see core.rotation)."""
        context = self.session.context
        settings = context.settings.typed
        preferences = settings.guidance.preferences()
        night = night_of(self.session.clock.now(), settings.streak.rules())
        try:
            return guidance_picks.order_for_night(context.db, night, stage, preferences)
        except (sqlite3.Error, DatabaseError) as problem:
            log.warning("the guidance rotation could not be read: %s", problem)
            return rotation.tonight(stage, preferences, [])

    def _speech_ready(self) -> None:
        speech = self.speech
        if speech is None:
            return
        if not speech.available:
            if self.plans and self.session.context.settings.typed.speech.enabled:
                self.notice.emit(speech.notice)
            return
        # A caption that began while the engine was starting is spoken now
        # if its time for speech has not passed.
        where = self._where()
        run = self.session.run
        if where is not None and run is not None and run.state is RunState.RUNNING:
            _stage, plan, t_ms = where
            index = guidance.caption_index_at(plan, t_ms)
            if index is not None and t_ms < plan.captions[index].speech_end_ms:
                self._speak(plan.captions[index])
        self._prepare_ahead()

    def _voiced(self, text: str) -> None:
        """A caption's voice is ready: speak it if it is still due."""
        caption = self._waiting
        if caption is None or caption.text != text:
            return
        where = self._where()
        if where is not None and where.t_ms < caption.speech_end_ms:
            self._speak(caption)

    def _close_speech(self) -> None:
        self._silence()
        if self.speech is not None:
            self.speech.close()
            self.speech.setParent(None)
            self.speech = None

    def _silence(self) -> None:
        """Stop the voice (quickly faded if mixed) and forget one still to come."""
        self._waiting = None
        if self._voice is not None:
            self.session.cancel_chime(self._voice)
            self._voice = None
        if self.speech is not None:
            self.speech.stop()

    def _on_changed(self) -> None:
        run = self.session.run
        if run is not None and run.state is RunState.PAUSED:
            self._silence()
        self.update()

    def _on_ending(self) -> None:
        self._timer.stop()
        self._waiting = None
        self._voice = None  # the voice fades out with the session's sound
        if self.speech is not None:
            self.speech.close()
        self._set_caption("")

    def close(self) -> None:
        """The app is quitting: the speech engine's thread is stopped."""
        self._timer.stop()
        self._close_speech()

    def _where(self) -> Where | None:
        run = self.session.run
        if run is None or not run.active:
            return None
        position = run.position()
        index = run.timeline.stage_index_at(position)
        plan = self.plans.get(index)
        if plan is None:
            return None
        t_ms = round((position - run.timeline.stages[index].start) * 1000)
        return Where(index, plan, t_ms)

    def update(self) -> None:
        """Show (and speak) the caption due now, and wake for the next one."""
        self._timer.stop()
        where = self._where()
        if where is None:
            self._set_caption("")
            return
        stage_index, plan, t_ms = where
        caption_index = guidance.caption_index_at(plan, t_ms)
        if caption_index is None:
            self._set_caption("")
        else:
            caption = plan.captions[caption_index]
            self._set_caption(caption.text)
            running = self.session.run is not None and self.session.run.state is RunState.RUNNING
            if running and self._spoken != (stage_index, caption_index):
                self._spoken = (stage_index, caption_index)
                self._begin(stage_index, caption, t_ms)
        upcoming = [c.start_ms for c in plan.captions if c.start_ms > t_ms]
        if upcoming:
            self._timer.start(max(upcoming[0] - t_ms, 1))

    def _begin(self, stage_index: int, caption: guidance.Caption, t_ms: int) -> None:
        speech = self.speech
        speaking = speech is not None and speech.available
        # While the engine is still starting the captions show alone; chimes
        # stand in for the voice only where none will come.
        voiceless = speech is None or (speech.settled and not speech.available)
        self._waiting = None
        if speaking and t_ms < caption.speech_end_ms:
            self._speak(caption)
        if speech is not None and speech.mixes:
            self._prepare_ahead()
        unit = (stage_index, caption.unit)
        new_unit = unit != self._unit
        self._unit = unit
        if caption.cue is guidance.Cue.CHIME or (voiceless and new_unit):
            run = self.session.run
            if run is not None:
                self.session.schedule_chime(run.practice_seconds())

    def _speak(self, caption: guidance.Caption) -> None:
        speech = self.speech
        if speech is None:
            return
        if not speech.mixes:
            speech.say(caption.text)
            return
        wave = speech.wave(caption.text)
        if wave is None:
            self._waiting = caption  # spoken when it is ready, if still in time
            return
        if self._voice is not None:
            self.session.cancel_chime(self._voice)
        self._waiting = None
        self._voice = self.session.say(wave)

    def _prepare_ahead(self) -> None:
        """Ask for the current caption and the next few to be synthesized."""
        where = self._where()
        if self.speech is None or where is None:
            return
        _stage, plan, t_ms = where
        index = guidance.caption_index_at(plan, t_ms)
        first = 0 if index is None else index
        if index is None:
            first = next((i for i, c in enumerate(plan.captions) if c.start_ms > t_ms), 0)
        self.speech.prepare([c.text for c in plan.captions[first : first + 3]])

    def _set_caption(self, text: str) -> None:
        if text != self.caption:
            self.caption = text
            self.caption_changed.emit(text)

    def skip_part(self) -> None:
        """Skip to the next body-scan region (or the next stage outside guidance)."""
        where = self._where()
        run = self.session.run
        if run is None or not run.active:
            return
        if where is None:
            self.session.skip_stage()
            return
        stage_index, plan, t_ms = where
        target_ms = guidance.next_region_start(plan, t_ms)
        self._silence()
        self.session.skip_to(run.timeline.stages[stage_index].start + target_ms / 1000.0)
