"""The first-run welcome: what the app is and is not, when to see a clinician,
and an offer of a first short session. Shown once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rls_companion.ui.widgets.rows import centred_row

FIRST_SESSION_MINUTES = 5

WELCOME_TEXT = (
    "RLS Companion keeps you company at bedtime: slow, gentle breathing you can "
    "follow with your eyes closed, a guided body scan, a timer that helps you sit "
    "with the urge to move a little longer, and a quiet record of your nights."
)
NOT_TEXT = (
    "For relaxation and sleep habits. Not a medical device; it does not diagnose or "
    "treat RLS. Do not change medicines without your clinician."
)
CARE_TEXT = (
    "Please see your clinician if the sensations start earlier in the day, spread to "
    "your arms, keep you from sleeping most nights, or if your mood is low."
)


class WelcomeView(QWidget):
    first_session = Signal(int)  # minutes
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome", self)
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QWidget(self)
        body.setMaximumWidth(660)
        texts = QVBoxLayout(body)
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(16)
        for text, role in ((WELCOME_TEXT, "subtitle"), (NOT_TEXT, "muted"), (CARE_TEXT, "muted")):
            label = QLabel(text, body)
            label.setProperty("role", role)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            texts.addWidget(label)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(body, 10)
        centred.addStretch(1)
        self.begin_button = QPushButton(f"Try a first {FIRST_SESSION_MINUTES}-minute session", self)
        self.begin_button.setProperty("role", "primary")
        self.begin_button.setAccessibleName(
            f"Try a first {FIRST_SESSION_MINUTES}-minute session (Space)"
        )
        self.begin_button.clicked.connect(lambda: self.first_session.emit(FIRST_SESSION_MINUTES))
        self.later_button = QPushButton("Not now", self)
        self.later_button.setProperty("role", "quiet")
        self.later_button.setAccessibleName("Not now: go to the start screen")
        self.later_button.clicked.connect(self.dismissed)
        buttons = centred_row(self.begin_button, self.later_button, spacing=16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(24)
        layout.addLayout(centred)
        layout.addSpacing(36)
        layout.addLayout(buttons)
        layout.addStretch(3)
