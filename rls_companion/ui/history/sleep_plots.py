"""The two small charts of the sleep card: sleep efficiency, and when sensations started.

Both run over the same nights as the practice charts above them and share
their quiet look (`charts`). The start times stand on a wall-clock axis,
later higher, from 12:00 to 03:00 the morning after (wider only when a start
lies outside it); nights logged as "none today" sit in a lane of their own
under it, labelled "none", so they never read as an early start.
"""

from __future__ import annotations

from PySide6.QtCharts import QCategoryAxis, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QWidget

from rls_companion.core.diary_summary import DiarySummary
from rls_companion.core.evening import clock_words
from rls_companion.core.history_summary import Night
from rls_companion.ui.history.charts import (
    axis_font,
    label_axes,
    new_chart,
    new_view,
    style_axes_and_legend,
)
from rls_companion.ui.theme import Theme

HOUR = 60
AXIS_FROM = 12 * HOUR  # 12:00 on the night's date
AXIS_TO = 27 * HOUR  # 03:00 the morning after
AXIS_STEP = 3 * HOUR
NONE_LANE = 2 * HOUR  # how far under the first hour the "none" lane sits (room for labels)
MARGIN = 0.75 * HOUR  # above the last hour and under the lane, so no label is cut
EFFICIENCY_FLOOR = 50  # the efficiency axis starts here unless a night was lower


def onset_range(minutes: list[int]) -> tuple[int, int]:
    """The hours the time axis spans: 12:00 to 03:00, widened by whole steps of
    three hours to hold every start."""
    low, high = AXIS_FROM, AXIS_TO
    if minutes:
        low = min(low, min(minutes) // AXIS_STEP * AXIS_STEP)
        high = max(high, -(-max(minutes) // AXIS_STEP) * AXIS_STEP)
    return low, high


def efficiency_floor(percents: list[float]) -> int:
    """The bottom of the efficiency axis: 50 %, or the tens below the lowest night."""
    lowest = min(percents, default=100.0)
    return int(min(EFFICIENCY_FLOOR, max(lowest, 0.0) // 10 * 10))


class EfficiencyPlot:
    def __init__(self, theme: Theme, parent: QWidget) -> None:
        self.chart = new_chart()
        self.line = QLineSeries()
        self.line.setName("Sleep efficiency")
        self.line.setPointsVisible(True)
        self.line.setMarkerSize(5.0)
        self.nights_x = QCategoryAxis()
        self.nights_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.nights_x.setGridLineVisible(False)
        self.percent_y = QValueAxis()
        self.percent_y.setLabelFormat("%d%%")
        self.percent_y.setMinorGridLineVisible(False)
        self.percent_y.setLineVisible(False)
        for axis in (self.nights_x, self.percent_y):
            axis.setLabelsFont(axis_font())
        self.chart.addSeries(self.line)
        self.chart.addAxis(self.nights_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.percent_y, Qt.AlignmentFlag.AlignLeft)
        self.line.attachAxis(self.nights_x)
        self.line.attachAxis(self.percent_y)
        self.view = new_view(self.chart, parent, "Sleep efficiency each night")
        self.set_theme(theme)

    def draw(self, nights: tuple[Night, ...], summary: DiarySummary) -> None:
        index = {n.night: i for i, n in enumerate(nights)}
        shown = [e for e in summary.efficiency if e.night in index]
        self.line.replace([QPointF(index[e.night], e.percent) for e in shown])
        floor = efficiency_floor([e.percent for e in shown])
        step = 10 if (100 - floor) // 10 <= 5 else 20
        floor = 100 - -(-(100 - floor) // step) * step
        self.percent_y.setRange(floor, 100)
        self.percent_y.setTickCount((100 - floor) // step + 1)
        self.label(nights)

    def label(self, nights: tuple[Night, ...]) -> None:
        label_axes(nights, self.view.width(), self.nights_x)

    def set_theme(self, theme: Theme) -> None:
        self.line.setPen(QPen(theme.color("accent"), 2.2))
        self.line.setColor(theme.color("accent"))
        style_axes_and_legend(theme, self.chart, self.nights_x, self.percent_y)


class OnsetPlot:
    def __init__(self, theme: Theme, parent: QWidget) -> None:
        self.chart = new_chart()
        self.started = QScatterSeries()
        self.started.setName("Sensations started")
        self.started.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
        self.started.setMarkerSize(8.0)
        self.none_today = QScatterSeries()
        self.none_today.setName("None that day")
        self.none_today.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
        self.none_today.setMarkerSize(7.0)
        self.nights_x = QCategoryAxis()
        self.nights_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.nights_x.setGridLineVisible(False)
        self.time_y = QCategoryAxis()
        self.time_y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.time_y.setLineVisible(False)
        for axis in (self.nights_x, self.time_y):
            axis.setLabelsFont(axis_font())
        for series in (self.none_today, self.started):
            self.chart.addSeries(series)
        self.chart.addAxis(self.nights_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.time_y, Qt.AlignmentFlag.AlignLeft)
        for series in (self.none_today, self.started):
            series.attachAxis(self.nights_x)
            series.attachAxis(self.time_y)
        self.view = new_view(self.chart, parent, "When the sensations started each night")
        self.set_theme(theme)

    def draw(self, nights: tuple[Night, ...], summary: DiarySummary) -> None:
        index = {n.night: i for i, n in enumerate(nights)}
        onsets = [o for o in summary.onsets if o.night in index]
        low, high = onset_range([o.minutes for o in onsets])
        lane = low - NONE_LANE
        self.started.replace([QPointF(index[o.night], o.minutes) for o in onsets])
        self.none_today.replace(
            [QPointF(index[night], lane) for night in summary.none_today if night in index]
        )
        for label in self.time_y.categoriesLabels():
            self.time_y.remove(label)
        self.time_y.setStartValue(lane - MARGIN)
        self.time_y.append("none", lane)
        for at in range(low, high + 1, AXIS_STEP):
            self.time_y.append(clock_words(at), at)
        self.time_y.setRange(lane - MARGIN, high + MARGIN)
        self.label(nights)

    def label(self, nights: tuple[Night, ...]) -> None:
        label_axes(nights, self.view.width(), self.nights_x)

    def set_theme(self, theme: Theme) -> None:
        self.started.setColor(theme.color("accent"))
        self.started.setBorderColor(theme.color("accent"))
        self.none_today.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.none_today.setPen(QPen(theme.color("muted"), 1.4))
        style_axes_and_legend(theme, self.chart, self.nights_x, self.time_y)
