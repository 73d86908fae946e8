"""Two small charts of recent nights: minutes practised, and ratings before and after.

This module and `history_urge_chart` (which shares its helpers) are the only
ones that import QtCharts, and the History screen imports them only when it
first has something to chart, so the app starts without it. The charts are
built once and their data replaced on each refresh; they are styled from the
theme (no default blue, no bright white) and never animate.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLegend,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from rls_companion.core.history_summary import HistorySummary, Night, NightState, RatingNight
from rls_companion.core.records import RATING_MAX, RATING_MIN
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.card import Card

CHART_HEIGHT = 210
AXIS_PX = 11
LABEL_SPACING = 80  # px of axis per date label
NO_RATINGS = (
    "No ratings in these weeks yet. Rating how strong the leg sensations are, "
    "before and after a session, is always optional; when you do, they show here."
)


def minutes_top(longest: float, min_minutes: int) -> tuple[int, int]:
    """A round top for the minutes axis and its tick count (at most six ticks)."""
    wanted = max(longest, min_minutes * 2, 10)
    for step in (5, 10, 15, 20, 30, 60, 120):
        top = -(-int(wanted + 0.999) // step) * step
        if top // step <= 5:
            return top, top // step + 1
    return 600, 6


def night_labels(nights: tuple[Night, ...], every: int = 7) -> list[tuple[str, int]]:
    """Labels every `every` nights, counted back from tonight, so they never crowd."""
    last = len(nights) - 1
    labels = []
    for index in range(last, -1, -every):
        night = nights[index].night
        labels.append(("Tonight" if index == last else f"{night.day} {night:%b}", index))
    return labels[::-1]


def label_axes(nights: tuple[Night, ...], width: int, *axes: QCategoryAxis) -> None:
    """Date labels under `width` px of chart: one a week, or fewer where it is narrow."""
    # Qt elides a label wider than its share of the axis: keep about 80 px per label.
    per_night = width / max(len(nights), 1)
    every = next((n for n in (7, 14) if n * per_night >= LABEL_SPACING), 21)
    labels = night_labels(nights, every)
    for axis in axes:
        for label in axis.categoriesLabels():
            axis.remove(label)
        axis.setStartValue(-0.5)
        for label, at in labels:
            axis.append(label, at)
        axis.setRange(-0.5, len(nights) - 0.5)


def axis_font() -> QFont:
    font = QFont()
    font.setPixelSize(AXIS_PX)
    return font


def show_legend(chart: QChart) -> None:
    """The legend above the plot: small round markers, the axis font, no box."""
    legend = chart.legend()
    legend.setVisible(True)
    legend.setAlignment(Qt.AlignmentFlag.AlignTop)
    legend.setMarkerShape(QLegend.MarkerShape.MarkerShapeCircle)
    legend.setFont(axis_font())
    legend.setBackgroundVisible(False)


def new_chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundVisible(False)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setDropShadowEnabled(False)
    chart.setMargins(QMargins(0, 0, 22, 0))  # room for the last label, "Tonight"
    chart.setBackgroundRoundness(0)
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.legend().setVisible(False)
    return chart


def style_axes_and_legend(theme: Theme, legend_chart: QChart, *axes: QAbstractAxis) -> None:
    """The quiet axis and legend look every history chart shares."""
    for axis in axes:
        axis.setLabelsColor(theme.color("muted"))
        axis.setLinePenColor(theme.color("faint"))
        axis.setGridLineColor(theme.color("faint", 0.55))
        axis.setShadesVisible(False)
    legend = legend_chart.legend()
    legend.setLabelColor(theme.color("muted"))
    legend.setBrush(QBrush(Qt.BrushStyle.NoBrush))
    legend.setPen(QPen(Qt.PenStyle.NoPen))


def new_view(chart: QChart, parent: QWidget, name: str) -> QChartView:
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setInteractive(False)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setFrameShape(QChartView.Shape.NoFrame)
    # Let the card show through (the page style would paint the viewport).
    view.setStyleSheet("background: transparent; border: none;")
    view.setMinimumHeight(CHART_HEIGHT)
    view.setAccessibleName(name)
    return view


class HistoryCharts(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.nights: tuple[Night, ...] = ()
        self.minutes_card = Card(theme, self)
        self.ratings_card = Card(theme, self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.minutes_card, 1)
        row.addWidget(self.ratings_card, 1)

        self.minutes_chart = new_chart()
        self.practised = QBarSet("Practised")
        self.partly = QBarSet("Some practice")
        self.bars = QStackedBarSeries()
        self.bars.setBarWidth(0.7)
        self.bars.append(self.practised)
        self.bars.append(self.partly)
        self.threshold = QLineSeries()
        self.minutes_x = QCategoryAxis()
        self.minutes_y = QValueAxis()
        self.minutes_chart.addSeries(self.bars)
        self.minutes_chart.addSeries(self.threshold)
        self._attach(self.minutes_chart, self.minutes_x, self.minutes_y, self.bars, self.threshold)
        self.minutes_caption = self._heading(self.minutes_card, "MINUTES EACH NIGHT")
        self.minutes_view = new_view(
            self.minutes_chart, self.minutes_card, "Minutes practised each night"
        )
        self.minutes_card.body.addWidget(self.minutes_view, 1)

        self.ratings_chart = new_chart()
        self.before = QLineSeries()
        self.before.setName("Before")
        self.after = QLineSeries()
        self.after.setName("After")
        self.ratings_x = QCategoryAxis()
        self.ratings_y = QValueAxis()
        self.ratings_y.setRange(RATING_MIN, RATING_MAX)
        self.ratings_y.setTickCount(6)
        for series in (self.before, self.after):
            series.setPointsVisible(True)
            series.setMarkerSize(4.5)
            self.ratings_chart.addSeries(series)
        self._attach(self.ratings_chart, self.ratings_x, self.ratings_y, self.before, self.after)
        show_legend(self.ratings_chart)
        self._heading(self.ratings_card, "HOW THE LEGS FELT").setText(
            f"Leg sensations from {RATING_MIN} (none) to {RATING_MAX}, on nights you rated"
        )
        self.ratings_view = new_view(
            self.ratings_chart, self.ratings_card, "Ratings before and after sessions"
        )
        self.no_ratings = QLabel(NO_RATINGS, self.ratings_card)
        self.no_ratings.setProperty("role", "muted")
        self.no_ratings.setWordWrap(True)
        self.no_ratings.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_ratings.setMinimumHeight(CHART_HEIGHT)
        self.ratings_card.body.addWidget(self.ratings_view, 1)
        self.ratings_card.body.addWidget(self.no_ratings, 1)
        self.set_theme(theme)

    def _heading(self, card: Card, title: str) -> QLabel:
        heading = QLabel(title, card)
        heading.setProperty("role", "section")
        caption = QLabel("", card)
        caption.setProperty("role", "fine")
        caption.setWordWrap(True)
        card.body.addWidget(heading)
        card.body.addWidget(caption)
        card.body.addSpacing(4)
        return caption

    @staticmethod
    def _attach(
        chart: QChart, x: QCategoryAxis, y: QValueAxis, *series: QStackedBarSeries | QLineSeries
    ) -> None:
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        x.setGridLineVisible(False)
        y.setLabelFormat("%d")
        y.setMinorGridLineVisible(False)
        y.setLineVisible(False)
        for axis in (x, y):
            axis.setLabelsFont(axis_font())
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for one in series:
            one.attachAxis(x)
            one.attachAxis(y)

    # -- data ------------------------------------------------------------------------
    def show_summary(self, summary: HistorySummary, min_minutes: int) -> None:
        nights = summary.recent
        weeks = round(len(nights) / 7)
        practised = [n.minutes if n.state is NightState.PRACTISED else 0.0 for n in nights]
        partly = [n.minutes if n.state is NightState.PARTLY else 0.0 for n in nights]
        for bar_set, values in ((self.practised, practised), (self.partly, partly)):
            bar_set.remove(0, bar_set.count())
            bar_set.append(values)
        end = len(nights) - 0.5
        self.threshold.replace([QPointF(-0.5, min_minutes), QPointF(end, min_minutes)])
        top, ticks = minutes_top(max((n.minutes for n in nights), default=0.0), min_minutes)
        self.minutes_y.setRange(0, top)
        self.minutes_y.setTickCount(ticks)
        self.minutes_caption.setText(
            f"Last {weeks} weeks · dashed line: {min_minutes} min, a practised night"
        )
        count = sum(1 for n in nights if n.state is NightState.PRACTISED)
        self.minutes_view.setAccessibleDescription(
            f"{count} of the last {len(nights)} nights practised; "
            f"{round(sum(n.minutes for n in nights))} minutes in all."
        )
        self.nights = nights
        index = {night.night: i for i, night in enumerate(nights)}
        self._show_ratings(summary.ratings, index)
        self._label_nights()

    def _label_nights(self) -> None:
        label_axes(self.nights, self.minutes_view.width(), self.minutes_x, self.ratings_x)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.nights:
            self._label_nights()

    def _show_ratings(self, ratings: tuple[RatingNight, ...], index: dict[date, int]) -> None:
        self.before.replace(
            [QPointF(index[r.night], r.before) for r in ratings if r.before is not None]
        )
        self.after.replace(
            [QPointF(index[r.night], r.after) for r in ratings if r.after is not None]
        )
        rated = bool(ratings)
        self.ratings_view.setVisible(rated)
        self.no_ratings.setVisible(not rated)
        self.ratings_view.setAccessibleDescription(self._ratings_words(ratings))

    @staticmethod
    def _ratings_words(ratings: tuple[RatingNight, ...]) -> str:
        befores = [r.before for r in ratings if r.before is not None]
        afters = [r.after for r in ratings if r.after is not None]
        parts = [f"{len(ratings)} rated nights"]
        if befores:
            parts.append(f"before a session {sum(befores) / len(befores):.1f} on average")
        if afters:
            parts.append(f"after {sum(afters) / len(afters):.1f}")
        return ", ".join(parts) + " (0 none, 10 strongest)."

    # -- look --------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for card in (self.minutes_card, self.ratings_card):
            card.set_theme(theme)
        self.practised.setColor(theme.color("accent"))
        self.partly.setColor(theme.color("accent", 0.45))
        for bar_set in (self.practised, self.partly):
            bar_set.setBorderColor(theme.color("accent", 0.0))
        dashed = QPen(theme.color("muted", 0.7), 1.2, Qt.PenStyle.DashLine)
        self.threshold.setPen(dashed)
        self.before.setPen(QPen(theme.color("text", 0.5), 2.0))
        self.before.setColor(theme.color("text", 0.5))
        self.after.setPen(QPen(theme.color("accent"), 2.4))
        self.after.setColor(theme.color("accent"))
        style_axes_and_legend(
            theme,
            self.ratings_chart,
            self.minutes_x,
            self.minutes_y,
            self.ratings_x,
            self.ratings_y,
        )
