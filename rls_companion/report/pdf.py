"""The two-page PDF report, painted with QPdfWriter and QPainter.

Page 1: the name (when given), the period, the figures as a two-column table
and, only when the log shows it, the "things to discuss" box. Page 2: the
night grid and the two trend charts. Every page ends with the wellness line,
where the figures come from, and its number. Charts are vector drawing, so
they stay sharp at any zoom and the text stays text (a clinician's system
can search it, and the tests read it back with pdftotext).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from rls_companion import __version__
from rls_companion.core.report import DISCUSS_TITLE, ReportData
from rls_companion.core.wording import APP_TITLE, WELLNESS_LINE, generated_line
from rls_companion.paths import write_user_file
from rls_companion.report import night_grid, trends
from rls_companion.report.paper import page_size
from rls_companion.report.qt_app import painting_application
from rls_companion.report.style import (
    FAINT,
    FOOTER_HEIGHT,
    INK,
    MARGIN,
    RULE,
    SOFT_INK,
    WRAP,
    draw_wrapped,
    font,
    pen,
    text_height,
)

TITLE = "Sleep and symptom report"
PAGES = 2
RESOLUTION = 72  # one painter unit is one point
LABEL_SHARE = 0.42  # of the table's width, for the figures' names
NOTE = (
    "Means and ranges are of the nights logged; nights without an entry are left out. "
    "Nights run from evening to morning; an entry after midnight belongs to the night before."
)


def night_words(night: date) -> str:
    return f"{night:%a} {night.day} {night:%b %Y}"


def period_words(data: ReportData) -> str:
    count = f"{data.nights} night" if data.nights == 1 else f"{data.nights} nights"
    return f"Nights of {night_words(data.first)} to {night_words(data.last)} ({count})"


def render_pdf(data: ReportData, name: str = "", paper: QPageSize | None = None) -> bytes:
    """The report's PDF bytes. Needs a QGuiApplication (`painting_application`)."""
    content = QByteArray()
    buffer = QBuffer(content)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setTitle(f"{TITLE}: {period_words(data)}")
    writer.setCreator(f"{APP_TITLE} {__version__}")
    writer.setPageLayout(
        QPageLayout(
            paper or page_size(),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    size = writer.pageLayout().fullRectPoints().size()
    painter = QPainter(writer)
    try:
        page = QRectF(0, 0, size.width(), size.height())
        _first_page(painter, page, data, name.strip())
        _footer(painter, page, 1)
        writer.newPage()
        _second_page(painter, page, data)
        _footer(painter, page, 2)
    finally:
        painter.end()
    buffer.close()
    return bytes(content.data())


def write_pdf(path: Path, data: ReportData, name: str = "", paper: QPageSize | None = None) -> None:
    """Write the report to `path`, atomically and readable by the user only."""
    with painting_application():
        pdf = render_pdf(data, name, paper)
    write_user_file(path, pdf)


def _content(page: QRectF) -> QRectF:
    """Where the pages' content goes: inside the margins, above the footer."""
    return page.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN - FOOTER_HEIGHT)


def _first_page(painter: QPainter, page: QRectF, data: ReportData, name: str) -> None:
    area = _content(page)
    x, width = area.left(), area.width()
    y = area.top()
    painter.setPen(INK)
    painter.setFont(font(19, bold=True))
    y += draw_wrapped(painter, x, y, width, TITLE) + 4
    painter.setFont(font(10.5))
    painter.setPen(SOFT_INK)
    if name:
        y += draw_wrapped(painter, x, y, width, f"For {name}") + 1
    y += draw_wrapped(painter, x, y, width, period_words(data)) + 18

    y = _figures_table(painter, x, y, width, data.figures())
    painter.setFont(font(8, italic=True))
    painter.setPen(SOFT_INK)
    y += 6 + draw_wrapped(painter, x, y + 6, width, NOTE)
    if data.discuss:
        _discuss_box(painter, x, y + 20, width, data)


def _figures_table(
    painter: QPainter, x: float, y: float, width: float, rows: tuple[tuple[str, str], ...]
) -> float:
    label_width = width * LABEL_SHARE
    value_x = x + label_width + 12
    value_width = width - label_width - 12
    pad = 6.0
    painter.setPen(pen(INK, 0.9))
    painter.drawLine(QPointF(x, y), QPointF(x + width, y))
    for label, value in rows:
        painter.setFont(font(9.5))
        label_height = text_height(painter, label_width, label)
        painter.setFont(font(9.5, bold=True))
        value_height = text_height(painter, value_width, value)
        height = max(label_height, value_height) + 2 * pad
        painter.setFont(font(9.5))
        painter.setPen(SOFT_INK)
        draw_wrapped(painter, x, y + pad, label_width, label)
        painter.setFont(font(9.5, bold=True))
        painter.setPen(INK)
        draw_wrapped(painter, value_x, y + pad, value_width, value)
        y += height
        painter.setPen(pen(RULE, 0.5))
        painter.drawLine(QPointF(x, y), QPointF(x + width, y))
    painter.setPen(pen(INK, 0.9))
    painter.drawLine(QPointF(x, y), QPointF(x + width, y))
    return y


def _discuss_box(painter: QPainter, x: float, y: float, width: float, data: ReportData) -> None:
    pad = 12.0
    inner = width - 2 * pad
    bullet = 12.0
    painter.setFont(font(10))
    heights = [text_height(painter, inner - bullet, line) for line in data.discuss]
    painter.setFont(font(9.5, italic=True))
    closing = text_height(painter, inner, data.discuss_closing)
    painter.setFont(font(11, bold=True))
    title = text_height(painter, inner, DISCUSS_TITLE)
    height = pad + title + 6 + sum(h + 4 for h in heights) + 4 + closing + pad
    painter.setPen(pen(INK, 0.8))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(x, y, width, height))
    top = y + pad
    painter.setPen(INK)
    draw_wrapped(painter, x + pad, top, inner, DISCUSS_TITLE)
    top += title + 6
    painter.setFont(font(10))
    for line, line_height in zip(data.discuss, heights, strict=True):
        painter.drawText(QRectF(x + pad, top, bullet, line_height), WRAP, "•")
        draw_wrapped(painter, x + pad + bullet, top, inner - bullet, line)
        top += line_height + 4
    painter.setFont(font(9.5, italic=True))
    painter.setPen(SOFT_INK)
    draw_wrapped(painter, x + pad, top + 4, inner, data.discuss_closing)


def _second_page(painter: QPainter, page: QRectF, data: ReportData) -> None:
    area = _content(page)
    x, width = area.left(), area.width()
    y = area.top()
    painter.setPen(INK)
    painter.setFont(font(14, bold=True))
    y += draw_wrapped(painter, x, y, width, "Night by night") + 2
    painter.setFont(font(9))
    painter.setPen(SOFT_INK)
    y += draw_wrapped(painter, x, y, width, period_words(data)) + 12
    chart_height = 190.0
    grid_bottom = area.bottom() - chart_height - 24
    y = night_grid.paint(painter, QRectF(x, y, width, grid_bottom - y), data)
    gap = 20.0
    half = (width - gap) / 2
    chart_top = y + 24
    trends.paint_efficiency(painter, QRectF(x, chart_top, half, chart_height), data)
    trends.paint_onset(painter, QRectF(x + half + gap, chart_top, half, chart_height), data)


def _footer(painter: QPainter, page: QRectF, number: int) -> None:
    left = MARGIN
    width = page.width() - 2 * MARGIN
    top = page.height() - MARGIN - FOOTER_HEIGHT + 10
    painter.setPen(pen(FAINT, 0.8))
    painter.drawLine(QPointF(left, top), QPointF(left + width, top))
    painter.setFont(font(7.5))
    painter.setPen(SOFT_INK)
    number_words = f"Page {number} of {PAGES}"
    number_width = 60.0
    used = draw_wrapped(painter, left, top + 5, width, WELLNESS_LINE)
    bottom_line = top + 5 + used + 1
    draw_wrapped(painter, left, bottom_line, width - number_width, generated_line(__version__))
    painter.drawText(
        QRectF(left + width - number_width, bottom_line, number_width, 12),
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
        number_words,
    )
