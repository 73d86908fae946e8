"""Tonight: one obvious way to begin."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rls_companion.core import breathing
from rls_companion.core.settings import Value

WELLNESS_LINE = (
    "For relaxation and sleep habits. Not a medical device; it does not diagnose "
    "or treat RLS. Do not change medicines without your clinician."
)


def greeting(now: datetime) -> str:
    hour = now.hour
    if 5 <= hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    if 18 <= hour < 22:
        return "Good evening"
    return "Tonight"


def session_summary(values: dict[str, Value]) -> str:
    pattern = str(values["breathing.pattern"])
    label = (
        breathing.PRESETS[pattern].label.split(" (")[0]
        if pattern in breathing.PRESETS
        else "Custom"
    )
    bpm = float(values["breathing.breaths_per_minute"])
    pace = f"{bpm:g} breaths a minute"
    return f"{values['session.length_minutes']} minutes · {label} breathing · {pace}"


class StartView(QWidget):
    start_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Tonight", self)
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lead = QLabel(
            "Lie back, let the screen stay dim, and follow the breath.\n"
            "You can close your eyes: the sound rises as you breathe in "
            "and falls as you breathe out.",
            self,
        )
        lead.setProperty("role", "subtitle")
        lead.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lead.setWordWrap(True)
        self.start_button = QPushButton("Begin tonight's session", self)
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Begin tonight's session (Space)")
        self.start_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.start_button.clicked.connect(self.start_requested)
        self.summary = QLabel("", self)
        self.summary.setProperty("role", "muted")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Space to begin", self)
        hint.setProperty("role", "fine")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice = QLabel("", self)
        self.notice.setProperty("role", "notice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setWordWrap(True)
        self.notice.hide()
        wellness = QLabel(WELLNESS_LINE, self)
        wellness.setProperty("role", "fine")
        wellness.setAlignment(Qt.AlignmentFlag.AlignCenter)
        wellness.setWordWrap(True)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.start_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addStretch(3)
        layout.addWidget(self.title)
        layout.addSpacing(14)
        layout.addWidget(lead)
        layout.addSpacing(44)
        layout.addLayout(row)
        layout.addSpacing(18)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addStretch(4)
        layout.addWidget(self.notice)
        layout.addSpacing(8)
        layout.addWidget(wellness)

    def refresh(self, values: dict[str, Value], now: datetime) -> None:
        self.title.setText(greeting(now))
        self.summary.setText(session_summary(values))

    def show_notices(self, notices: list[str]) -> None:
        """Things the user should know about their files, said once, quietly."""
        self.notice.setText("\n".join(notices))
        self.notice.setVisible(bool(notices))
