"""Page 2's night grid: one row per night, 18:00 to 12:00 across.

Each row shows the time in bed (an outlined bar), the time asleep as the
diary estimates it (a dark bar inside it: from trying to sleep plus the
minutes it took, to the final waking; the awakenings' times are not known,
so they are not drawn), the sessions practised (a black strip beneath), when
the sensations began (a triangle above) and the day's triggers as letters.
Shapes, not colours, tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPolygonF

from rls_companion.core.evening import clock_words
from rls_companion.core.report import GRID_END, GRID_START, NightRow, ReportData
from rls_companion.report.style import (
    FAINT,
    INK,
    RULE,
    SHADE,
    SOFT_INK,
    STRIPE,
    WHITE,
    draw_wrapped,
    font,
    pen,
    text_height,
)

# Where a time (minutes after the night's midnight) falls across the grid.
XOf = Callable[[int], float]

MAX_ROWS = 31  # a longer period shows its last 31 nights here
MAX_ROW_HEIGHT = 20.0
LABEL_WIDTH = 66.0
LETTERS_WIDTH = 58.0
HEADER_HEIGHT = 14.0
TICK_HOURS = 2


def paint(painter: QPainter, area: QRectF, data: ReportData) -> float:
    """Paint the grid and its legend inside `area`; returns the bottom used."""
    rows = data.rows[-MAX_ROWS:]
    legend_height = _legend_height(painter, area.width(), data)
    room = area.height() - HEADER_HEIGHT - legend_height - 10
    row_height = min(MAX_ROW_HEIGHT, room / max(len(rows), 1))
    left = area.left() + LABEL_WIDTH
    width = area.width() - LABEL_WIDTH - LETTERS_WIDTH - 16  # room for the last hour's label

    def x_of(minutes: int) -> float:
        clipped = min(max(minutes, GRID_START), GRID_END)
        return left + (clipped - GRID_START) / (GRID_END - GRID_START) * width

    top = area.top() + HEADER_HEIGHT
    bottom = top + row_height * len(rows)
    _header(painter, area, x_of, top, bottom)
    for index, row in enumerate(rows):
        y = top + index * row_height
        if index % 2:
            painter.fillRect(QRectF(area.left(), y, area.width(), row_height), STRIPE)
        _row(painter, area, row, y, row_height, x_of)
    _hour_lines(painter, x_of, top, bottom)
    painter.setPen(pen(RULE, 0.5))
    painter.drawLine(QPointF(area.left(), bottom), QPointF(area.right(), bottom))
    note = ""
    if len(data.rows) > MAX_ROWS:
        note = f"The last {MAX_ROWS} nights of the period. "
    return _legend(painter, area.left(), bottom + 10, area.width(), data, note)


def _header(painter: QPainter, area: QRectF, x_of: XOf, top: float, bottom: float) -> None:
    painter.setFont(font(7))
    painter.setPen(SOFT_INK)
    for minutes in range(GRID_START, GRID_END + 1, TICK_HOURS * 60):
        x = x_of(minutes)
        painter.drawText(
            QRectF(x - 20, top - HEADER_HEIGHT, 40, HEADER_HEIGHT - 3),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
            clock_words(minutes),
        )
    painter.drawText(
        QRectF(area.right() - LETTERS_WIDTH + 6, top - HEADER_HEIGHT, LETTERS_WIDTH, 11),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
        "Triggers",
    )
    painter.setPen(pen(RULE, 0.5))
    painter.drawLine(QPointF(area.left(), top), QPointF(area.right(), top))


def _hour_lines(painter: QPainter, x_of: XOf, top: float, bottom: float) -> None:
    for minutes in range(GRID_START, GRID_END + 1, TICK_HOURS * 60):
        midnight = minutes % (24 * 60) == 0
        style = Qt.PenStyle.DashLine if midnight else Qt.PenStyle.SolidLine
        painter.setPen(pen(RULE if midnight else FAINT, 0.5, style))
        painter.drawLine(QPointF(x_of(minutes), top), QPointF(x_of(minutes), bottom))


def _row(
    painter: QPainter, area: QRectF, row: NightRow, y: float, height: float, x_of: XOf
) -> None:
    painter.setFont(font(7.5))
    painter.setPen(INK)
    painter.drawText(
        QRectF(area.left(), y, LABEL_WIDTH - 6, height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        f"{row.night:%a} {row.night.day} {row.night:%b}",
    )
    bar_top = y + height * 0.28
    bar_height = height * 0.44
    if row.in_bed is not None:
        painter.setPen(pen(INK, 0.6))
        painter.setBrush(WHITE)
        start, end = x_of(row.in_bed.start), x_of(row.in_bed.end)
        painter.drawRect(QRectF(start, bar_top, max(end - start, 0.5), bar_height))
    if row.asleep is not None:
        start, end = x_of(row.asleep.start), x_of(row.asleep.end)
        inset = bar_height * 0.2
        painter.fillRect(
            QRectF(start, bar_top + inset, max(end - start, 0.5), bar_height - 2 * inset), SHADE
        )
    for span in row.sessions:
        start, end = x_of(span.start), x_of(span.end)
        painter.fillRect(
            QRectF(start, y + height * 0.78, max(end - start, 1.5), height * 0.14), INK
        )
    if row.onset is not None and GRID_START <= row.onset <= GRID_END:
        _triangle(painter, x_of(row.onset), y + height * 0.05, height * 0.26)
    painter.setPen(INK)
    painter.setFont(font(7.5, bold=True))
    painter.drawText(
        QRectF(area.right() - LETTERS_WIDTH + 6, y, LETTERS_WIDTH - 6, height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        row.letters,
    )


def _triangle(painter: QPainter, x: float, top: float, size: float) -> None:
    """A downward triangle whose point marks the time."""
    half = size * 0.6
    painter.setPen(pen(INK, 0.5))
    painter.setBrush(INK)
    painter.drawPolygon(
        QPolygonF([QPointF(x - half, top), QPointF(x + half, top), QPointF(x, top + size)])
    )


def _legend_text(data: ReportData) -> str:
    if not data.legend:
        return "Triggers: none logged."
    return "Triggers: " + "   ".join(f"{letter} {words}" for letter, words in data.legend) + "."


def _legend_height(painter: QPainter, width: float, data: ReportData) -> float:
    painter.setFont(font(7.5))
    return 14 + 4 + text_height(painter, width, _legend_text(data)) + 10


def _legend(
    painter: QPainter, x: float, y: float, width: float, data: ReportData, note: str
) -> float:
    painter.setFont(font(7.5))
    size = 9.0
    cursor = x
    samples = (
        ("In bed", "in_bed"),
        ("Asleep (estimated from the diary)", "asleep"),
        ("Session", "session"),
        ("Sensations began", "onset"),
    )
    for words, kind in samples:
        box = QRectF(cursor, y + 2, 18, size)
        if kind == "in_bed":
            painter.setPen(pen(INK, 0.6))
            painter.setBrush(WHITE)
            painter.drawRect(box)
        elif kind == "asleep":
            painter.fillRect(box.adjusted(0, 2, 0, -2), SHADE)
        elif kind == "session":
            painter.fillRect(QRectF(cursor, y + 5, 18, 3), INK)
        else:
            _triangle(painter, cursor + 9, y + 2, size)
        painter.setPen(SOFT_INK)
        text_width = painter.fontMetrics().horizontalAdvance(words) + 2
        painter.drawText(
            QRectF(cursor + 22, y, text_width, 14),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            words,
        )
        cursor += 22 + text_width + 16
    painter.setPen(SOFT_INK)
    used = draw_wrapped(painter, x, y + 18, width, note + _legend_text(data))
    return y + 18 + used
