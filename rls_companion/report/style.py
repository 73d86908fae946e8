"""The report's look: one ink, a few greys, one type family, in points.

Everything is drawn in greys and told apart by shape, outline and line
style, so the report reads the same printed in black and white.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

MARGIN = 50.0  # points, on every side; nothing is drawn closer to the edge
FOOTER_HEIGHT = 44.0

INK = QColor("#1a1a1a")
SOFT_INK = QColor("#4a4a4a")
RULE = QColor("#b8b8b8")
FAINT = QColor("#e2e2e2")
STRIPE = QColor("#f3f3f3")
SHADE = QColor("#7a7a7a")
WHITE = QColor("#ffffff")


def font(points: float, *, bold: bool = False, italic: bool = False) -> QFont:
    chosen = QFont()
    chosen.setFamilies(["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial"])
    chosen.setStyleHint(QFont.StyleHint.SansSerif)
    chosen.setPointSizeF(points)
    chosen.setBold(bold)
    chosen.setItalic(italic)
    # Without ligatures "efficiency" stays six letters for a search or a
    # copy and paste, instead of one "ffi" glyph.
    for feature in ("liga", "clig"):
        chosen.setFeature(QFont.Tag(feature), 0)
    return chosen


def pen(color: QColor, width: float = 0.6, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    line = QPen(color, width, style)
    line.setCapStyle(Qt.PenCapStyle.FlatCap)
    return line


WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)


def text_height(painter: QPainter, width: float, text: str) -> float:
    """The height `text` takes wrapped to `width` in the painter's font."""
    return painter.boundingRect(QRectF(0, 0, width, 10_000), WRAP, text).height()


def draw_wrapped(painter: QPainter, x: float, y: float, width: float, text: str) -> float:
    """Draw `text` wrapped to `width` from (x, y); returns the height used."""
    height = text_height(painter, width, text)
    painter.drawText(QRectF(x, y, width, height), WRAP, text)
    return height
