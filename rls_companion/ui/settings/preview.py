"""The breathing preview beside the breathing settings: a small orb breathing
as tonight's session will, and "Listen" to hear it.

It breathes the session's own plan (core.preview), so what it shows is what
a session with these settings shows; a change takes over at the next breath.
It repaints only while it is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QHideEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from rls_companion.core.breathing import PHASE_WORDS, BreathState
from rls_companion.core.clock import Clock
from rls_companion.core.config import Settings
from rls_companion.core.preview import PacedPreview
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.orb_sprite import OrbSprite, breathing_orb

if TYPE_CHECKING:
    from rls_companion.ui.settings.listen import Listening


FRAME_MS = 33
ORB_SIDE = 200


class OrbPreview(QWidget):
    """The orb alone, at the preview's breath."""

    def __init__(self, owner: BreathPreview) -> None:
        super().__init__(owner)
        self._owner = owner
        self.sprite = OrbSprite()
        self.setFixedSize(ORB_SIDE, ORB_SIDE)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.frames_painted = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        owner = self._owner
        breath = owner.breath()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), owner.theme.color("background"))
        rect = QRectF(self.rect())
        center = QPointF(rect.center())
        orb = breathing_orb(center, rect.width() * 0.36, breath.level, owner.reduced_motion)
        self.sprite.draw(painter, orb, owner.theme)
        painter.end()
        self.frames_painted += 1


class BreathPreview(QWidget):
    def __init__(
        self, settings: Settings, clock: Clock, theme: Theme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.theme = theme
        self.settings = settings
        self.reduced_motion = settings.appearance.reduced_motion
        self.preview = PacedPreview(settings.breathing.plan(), clock.monotonic())
        self.listening: Listening | None = None  # while "Listen" is on
        self.orb = OrbPreview(self)
        self.orb.setAccessibleName("Breathing preview")
        self.phase = QLabel("", self)
        self.phase.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.phase.setProperty("role", "muted")
        self.listen_button = QPushButton("Listen", self)
        self.listen_button.setCheckable(True)
        self.listen_button.setProperty("role", "quiet")
        self.listen_button.setAccessibleName("Listen to the breath tone and sounds as chosen")
        self.listen_button.toggled.connect(self._listen)
        self.note = QLabel("", self)  # e.g. that no sound output exists
        self.note.setProperty("role", "fine")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setFixedWidth(ORB_SIDE + 40)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.orb, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.phase)
        layout.addWidget(self.listen_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.note, 0, Qt.AlignmentFlag.AlignHCenter)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)

    def breath(self) -> BreathState:
        return self.preview.state_at(self.clock.monotonic())

    def follow(self, settings: Settings) -> None:
        """New settings: the preview (and its sound) change at the next breath."""
        self.settings = settings
        self.reduced_motion = settings.appearance.reduced_motion
        part = self.preview.change(settings.breathing.plan(), self.clock.monotonic())
        if self.listening is not None:
            self.listening.follow(part, settings.audio)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.orb.update()

    def _tick(self) -> None:
        breath = self.breath()
        word = PHASE_WORDS[breath.phase]
        if self.phase.text() != word:
            self.phase.setText(word)
        self.orb.update()

    def _listen(self, on: bool) -> None:
        if on and self.listening is None:
            from rls_companion.ui.settings.listen import Listening

            self.listening = Listening(
                self.preview, self.clock, self.settings.audio, self, self._tell
            )
        elif not on:
            self.stop_listening()

    def _tell(self, message: str) -> None:
        self.note.setText(message)
        self.note.show()

    def stop_listening(self) -> None:
        if self.listening is not None:
            self.listening.stop()
            self.listening = None
        if self.listen_button.isChecked():
            self.listen_button.setChecked(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tick()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the page stops the sound and the frames.
        self._timer.stop()
        self.stop_listening()
        super().hideEvent(event)
