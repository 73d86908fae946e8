"""The quiet bar offered after a deletion: "Session deleted · Undo"."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rls_companion.ui.theme import Theme


class UndoBar(QWidget):
    undo_requested = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
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

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.theme.color("raised"))
        painter.drawRoundedRect(QRectF(self.rect()), 14, 14)
        painter.end()
