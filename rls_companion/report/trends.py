"""Page 2's two small trend charts: sleep efficiency, and when the sensations began.

One point per night with a value, joined by a line only between nights
next to each other (a gap in the log stays a gap). A dashed line marks the
reference: 85% efficiency, and the usual start in the nights before the
period. Later times are higher on the onset chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPolygonF

from rls_companion.core.evening import clock_words
from rls_companion.core.report import EFFICIENCY_FLOOR, NOT_LOGGED, ReportData
from rls_companion.report.style import FAINT, INK, SOFT_INK, WHITE, font, pen

AXIS_WIDTH = 34.0
TITLE_HEIGHT = 16.0
DATES_HEIGHT = 14.0

Tick = tuple[float, str]


def paint_efficiency(painter: QPainter, area: QRectF, data: ReportData) -> None:
    series = data.efficiency_series
    values = [v for _, v in series if v is not None]
    low = min([60.0, *(math.floor((v - 5) / 10) * 10 for v in values)])
    low = max(low, 0.0)
    step = 10 if 100 - low <= 60 else 20
    ticks = [(float(v), f"{v}%") for v in range(int(low), 101, step)]
    _chart(
        painter,
        area,
        "Sleep efficiency",
        [night for night, _ in series],
        [v for _, v in series],
        (low, 100.0),
        ticks,
        (EFFICIENCY_FLOOR, f"{EFFICIENCY_FLOOR:.0f}%"),
        _circle,
    )


def paint_onset(painter: QPainter, area: QRectF, data: ReportData) -> None:
    series = data.onset_series
    values = [float(v) for _, v in series if v is not None]
    before = data.previous_usual_onset
    span_of = values + ([float(before)] if before is not None and values else [])
    reference = None
    if before is not None:
        reference = (float(before), f"usual before: {clock_words(before)}")
    if span_of:
        low = math.floor((min(span_of) - 30) / 60) * 60
        high = math.ceil((max(span_of) + 30) / 60) * 60
        while high - low < 4 * 60:  # at least four hours, widened evenly
            low -= 60
            if high - low < 4 * 60:
                high += 60
    else:
        low, high = 18 * 60, 24 * 60
    step = 60 if high - low <= 6 * 60 else 120
    ticks = [(float(m), clock_words(m)) for m in range(low, high + 1, step)]
    _chart(
        painter,
        area,
        "When sensations began",
        [night for night, _ in series],
        [None if v is None else float(v) for _, v in series],
        (float(low), float(high)),
        ticks,
        reference,
        _diamond,
    )


def _chart(
    painter: QPainter,
    area: QRectF,
    title: str,
    nights: Sequence[date],
    values: Sequence[float | None],
    bounds: tuple[float, float],
    ticks: Sequence[Tick],
    reference: Tick | None,
    marker: Callable[[QPainter, QPointF], None],
) -> None:
    painter.setFont(font(9, bold=True))
    painter.setPen(INK)
    painter.drawText(
        QRectF(area.left(), area.top(), area.width(), TITLE_HEIGHT),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
        title,
    )
    plot = QRectF(
        area.left() + AXIS_WIDTH,
        area.top() + TITLE_HEIGHT + 6,
        area.width() - AXIS_WIDTH - 4,
        area.height() - TITLE_HEIGHT - 6 - DATES_HEIGHT,
    )
    low, high = bounds
    count = max(len(nights), 1)

    def point(index: int, value: float) -> QPointF:
        x = plot.left() + (index + 0.5) / count * plot.width()
        y = plot.bottom() - (value - low) / (high - low) * plot.height()
        return QPointF(x, y)

    painter.setFont(font(6.5))
    for value, words in ticks:
        y = point(0, value).y()
        painter.setPen(pen(FAINT, 0.5))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(SOFT_INK)
        painter.drawText(
            QRectF(area.left(), y - 6, AXIS_WIDTH - 4, 12),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            words,
        )
    painter.setPen(pen(SOFT_INK, 0.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(plot)
    _dates(painter, plot, nights, count)

    if reference is not None and low <= reference[0] <= high:
        y = point(0, reference[0]).y()
        dashed = pen(INK, 0.8, Qt.PenStyle.DashLine)
        painter.setPen(dashed)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        # The key sits in the title's row, where no point can cover it.
        painter.setFont(font(6.5))
        words_width = painter.fontMetrics().horizontalAdvance(reference[1]) + 2
        key_y = area.top() + TITLE_HEIGHT / 2 - 2
        painter.drawLine(
            QPointF(area.right() - words_width - 22, key_y),
            QPointF(area.right() - words_width - 6, key_y),
        )
        painter.setPen(SOFT_INK)
        painter.drawText(
            QRectF(area.right() - words_width, area.top(), words_width, TITLE_HEIGHT - 4),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            reference[1],
        )

    if not any(v is not None for v in values):
        painter.setFont(font(8, italic=True))
        painter.setPen(SOFT_INK)
        painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), NOT_LOGGED)
        return
    painter.setPen(pen(INK, 1.1))
    for index in range(1, len(values)):
        before, now = values[index - 1], values[index]
        if before is not None and now is not None:
            painter.drawLine(point(index - 1, before), point(index, now))
    for index, reading in enumerate(values):
        if reading is not None:
            marker(painter, point(index, reading))


def _dates(painter: QPainter, plot: QRectF, nights: Sequence[date], count: int) -> None:
    if not nights:
        return
    painter.setFont(font(6.5))
    painter.setPen(SOFT_INK)
    shown = sorted({0, (len(nights) - 1) // 2, len(nights) - 1})
    for index in shown:
        night = nights[index]
        x = plot.left() + (index + 0.5) / count * plot.width()
        align = Qt.AlignmentFlag.AlignHCenter
        box = QRectF(x - 30, plot.bottom() + 2, 60, DATES_HEIGHT - 2)
        if index == 0:
            align, box = (
                Qt.AlignmentFlag.AlignLeft,
                QRectF(plot.left(), box.top(), 60, box.height()),
            )
        elif index == len(nights) - 1:
            align = Qt.AlignmentFlag.AlignRight
            box = QRectF(plot.right() - 60, box.top(), 60, box.height())
        painter.drawText(box, int(align | Qt.AlignmentFlag.AlignTop), f"{night.day} {night:%b}")


def _circle(painter: QPainter, at: QPointF) -> None:
    painter.setPen(pen(INK, 0.8))
    painter.setBrush(INK)
    painter.drawEllipse(at, 2.4, 2.4)


def _diamond(painter: QPainter, at: QPointF) -> None:
    painter.setPen(pen(INK, 0.8))
    painter.setBrush(WHITE)
    size = 3.2
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(at.x(), at.y() - size),
                QPointF(at.x() + size, at.y()),
                QPointF(at.x(), at.y() + size),
                QPointF(at.x() - size, at.y()),
            ]
        )
    )
