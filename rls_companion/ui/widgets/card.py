"""A quiet rounded panel that groups one part of the History screen.

It paints its own background (a plain QWidget would take the page colour from
the style sheet), so the widgets inside it must not fill theirs.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rls_companion.ui.theme import Theme

RADIUS = 16.0
PADDING = 20


class Card(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(PADDING, PADDING - 4, PADDING, PADDING)
        self.body.setSpacing(8)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.theme.color("surface"))
        painter.drawRoundedRect(QRectF(self.rect()), RADIUS, RADIUS)
        painter.end()
