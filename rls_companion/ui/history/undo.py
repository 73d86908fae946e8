"""The quiet bar offered after a deletion: "Session deleted · Undo"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.card import RoundedPanel


class UndoBar(RoundedPanel):
    undo_requested = Signal()
    fill = "raised"
    radius = 14.0

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.message = QLabel("Session deleted", self)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setProperty("role", "quiet")
        self.undo_button.setAccessibleName("Undo: put the deleted session back")
        self.undo_button.clicked.connect(self.undo_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(22, 8, 10, 8)
        row.addWidget(self.message, 1)
        row.addWidget(self.undo_button)
        self.setAccessibleName("Session deleted")
        self.hide()

    def offer(self, description: str) -> None:
        self.message.setText(f"Session deleted  ·  {description}")
        self.show()
