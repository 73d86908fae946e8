"""Quiet rounded panels: the card that groups one part of the History screen,
and the base it shares with other raised surfaces (the undo bar).

A panel paints its own background (a plain QWidget would take the page colour
from the style sheet), so the widgets inside it must not fill theirs.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rls_companion.ui.theme import Theme

RADIUS = 16.0
PADDING = 20


class RoundedPanel(QWidget):
    """A rounded rectangle of the theme colour `fill`, repainted when the theme changes."""

    fill = "surface"
    radius = RADIUS

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.theme.color(self.fill))
        painter.drawRoundedRect(QRectF(self.rect()), self.radius, self.radius)
        painter.end()


class Card(RoundedPanel):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(PADDING, PADDING - 4, PADDING, PADDING)
        self.body.setSpacing(8)
