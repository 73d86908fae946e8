"""Guidance during the bedtime session: captions in step with the timeline,
spoken when a speech engine exists, with gentle chimes where none does.

Which caption shows is a pure function of the timeline position (core.guidance);
this class only starts each caption's speech when its moment comes, on a
precise timer, and keeps the sound ducked while a voice speaks.
"""

from __future__ import annotations

import logging
import math
from importlib.resources.abc import Traversable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from rls_companion.audio.speech import Speech
from rls_companion.core import guidance
from rls_companion.core.session import RunState
from rls_companion.ui.session_controller import SessionController

log = logging.getLogger(__name__)


def rate_factor(qt_rate: float) -> float:
    """How much faster than normal Qt's rate (-1..1) speaks: about an octave each way."""
    return math.pow(2.0, qt_rate)


class GuideController(QObject):
    caption_changed = Signal(str)

    def __init__(self, session: SessionController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plans: dict[int, guidance.GuidancePlan] = {}
        self.scripts: Traversable = guidance.guidance_dir()
        self.caption = ""
        self.speech: Speech | None = None
        self._spoken: tuple[int, int] | None = None  # (stage index, caption index)
        self._unit: tuple[int, int] | None = None
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
        values = self.session.context.settings.values
        if self.speech is not None:
            self.speech.stop()
            self.speech.setParent(None)
        self.speech = Speech(values, self)
        self.speech.speaking.connect(self.session.duck)
        rate = rate_factor(float(values["speech.rate"])) if self.speech.available else 1.0
        self.plans = {}
        missing: list[str] = []
        for index, stage in enumerate(run.timeline.stages):
            try:
                plan = guidance.plan_for_stage(stage, rate=rate, folder=self.scripts)
            except (OSError, ValueError) as problem:
                log.warning("guidance for %s unavailable: %s", stage.kind.value, problem)
                missing.append(stage.kind.value)
                continue
            if plan is not None:
                self.plans[index] = plan
                log.info(
                    "guidance for %s loaded: %r, %d captions",
                    stage.kind.value,
                    plan.title,
                    len(plan.captions),
                )
        self._spoken = self._unit = None
        if missing:
            self.session.notice.emit(
                "Some of tonight's guidance could not be loaded;"
                " breathing and sound go on as usual."
            )
        if not self.speech.available and self.plans and values["speech.enabled"]:
            self.session.notice.emit(self.speech.notice)
        self.update()

    def _on_changed(self) -> None:
        run = self.session.run
        if run is not None and run.state is RunState.PAUSED and self.speech is not None:
            self.speech.stop()
        self.update()

    def _on_ending(self) -> None:
        self._timer.stop()
        if self.speech is not None:
            self.speech.stop()
        self._set_caption("")

    def _where(self) -> tuple[int, guidance.GuidancePlan, int] | None:
        run = self.session.run
        if run is None or not run.active:
            return None
        position = run.position()
        index = run.timeline.stage_index_at(position)
        plan = self.plans.get(index)
        if plan is None:
            return None
        t_ms = round((position - run.timeline.stages[index].start) * 1000)
        return index, plan, t_ms

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
        speaking = self.speech is not None and self.speech.available
        if speaking and t_ms < caption.speech_end_ms and self.speech is not None:
            self.speech.say(caption.text)
        unit = (stage_index, caption.unit)
        new_unit = unit != self._unit
        self._unit = unit
        if caption.cue == "chime" or (not speaking and new_unit):
            run = self.session.run
            if run is not None:
                self.session.schedule_chime(run.practice_seconds())

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
        if self.speech is not None:
            self.speech.stop()
        run.skip_to(run.timeline.stages[stage_index].start + target_ms / 1000.0)
        self.session.changed.emit()
