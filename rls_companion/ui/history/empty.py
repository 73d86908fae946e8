"""What History says before there is any: an invitation, not empty axes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from rls_companion.ui.widgets.rows import centred_row

INVITATION = "Your nights will gather here"
KIND_WORDS = (
    "After each session, this page shows the nights you practised, the minutes "
    "and how your legs felt.\nThere is no hurry: tonight can be the first."
)


class EmptyHistory(QWidget):
    start_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        headline = QLabel(INVITATION, self)
        headline.setProperty("role", "subtitle")
        headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words = QLabel(KIND_WORDS, self)
        self.words.setProperty("role", "muted")
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words.setWordWrap(True)
        self.words.setFixedWidth(500)
        self.start_button = QPushButton("Begin tonight's session", self)
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Begin tonight's session")
        self.start_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.start_button.clicked.connect(self.start_requested)

        words_row = centred_row(self.words)
        button_row = centred_row(self.start_button)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(headline)
        layout.addSpacing(14)
        layout.addLayout(words_row)
        layout.addSpacing(40)
        layout.addLayout(button_row)
        layout.addStretch(3)
