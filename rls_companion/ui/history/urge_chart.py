"""Urges of recent nights: how many, how long they were sat with, and the target.

Drawn over the same weeks as the charts above it, night by night: quiet bars
count a night's urges (left axis), a line gives the median seconds sat with
them, held or moved (right axis), and a soft lane under it steps with the
target each night was practised against (where an urge was held, the two
meet: it is recorded with the target's seconds). Moving is a choice and is
drawn like any other time sat with an urge. Like `history_charts`, this
module is imported only when History first has something to chart, and
nothing in it animates. The card sits below the fold at the usual window
size, so the chart inside it is built only once the card is first painted,
which Qt does only when it scrolls into view: opening History does not pay
for a chart nobody has looked at yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import QBarSeries, QBarSet, QCategoryAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from rls_companion.core.history_summary import Night
from rls_companion.storage.urge_history import UrgeNight
from rls_companion.ui.history.charts import (
    CHART_HEIGHT,
    axis_font,
    label_axes,
    new_chart,
    new_view,
    show_legend,
    style_axes_and_legend,
)
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.card import Card

CAPTION = "How many each night, and how long you stayed with them"
NO_URGES = "No urges marked in these weeks. When one comes during a session, press U."
INTERVALS = 4  # both value axes, so their grid lines coincide
COUNT_STEPS = (1, 2, 3, 5, 10, 15, 20, 25, 50)
SECONDS_STEPS = (5, 10, 15, 20, 25, 30, 45, 60, 75, 90)


def axis_top(highest: float, steps: Sequence[int]) -> int:
    """A round top for an axis of INTERVALS equal steps that reaches `highest`."""
    step = next((s for s in steps if s * INTERVALS >= highest), None)
    if step is None:
        step = -(-int(highest) // (INTERVALS * steps[-1])) * steps[-1]
    return step * INTERVALS


def target_steps(targets: Sequence[tuple[int, int]]) -> list[QPointF]:
    """A step line through (night index, target) pairs: each target holds from
    its night until the next night with urges, and ends with the last one."""
    points: list[QPointF] = []
    for at, target in targets:
        if points and points[-1].y() == target:
            continue
        if points:
            points.append(QPointF(at - 0.5, points[-1].y()))
        points.append(QPointF(at - 0.5, target))
    if targets:
        points.append(QPointF(targets[-1][0] + 0.5, targets[-1][1]))
    return points


def mixed(base: QColor, over: QColor, amount: float) -> QColor:
    """`over` laid on `base` at `amount` opacity, as one opaque colour."""

    def blend(b: float, o: float) -> float:
        return b + (o - b) * amount

    return QColor.fromRgbF(
        blend(base.redF(), over.redF()),
        blend(base.greenF(), over.greenF()),
        blend(base.blueF(), over.blueF()),
    )


class UrgePlot:
    """The chart itself: bars, the line and the target's lane, on two value axes."""

    def __init__(self, theme: Theme, parent: QWidget) -> None:
        self.chart = new_chart()
        self.counts = QBarSet("Urges")
        self.bars = QBarSeries()
        self.bars.setBarWidth(0.55)
        self.bars.append(self.counts)
        self.median = QLineSeries()
        self.median.setName("Seconds with the urge (median)")
        self.median.setPointsVisible(True)
        self.median.setMarkerSize(5.0)
        self.target = QLineSeries()
        self.target.setName("Target")
        self.nights_x = QCategoryAxis()
        self.nights_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.nights_x.setGridLineVisible(False)
        self.count_y = QValueAxis()
        self.count_y.setLabelFormat("%d")
        self.count_y.setTitleText("urges")
        self.count_y.setTitleFont(axis_font())
        self.seconds_y = QValueAxis()
        self.seconds_y.setLabelFormat("%d s")
        for axis in (self.count_y, self.seconds_y):
            axis.setTickCount(INTERVALS + 1)
            axis.setMinorGridLineVisible(False)
            axis.setLineVisible(False)
        self.count_y.setGridLineVisible(False)  # the seconds axis draws the shared lines
        for axis in (self.nights_x, self.count_y, self.seconds_y):
            axis.setLabelsFont(axis_font())
        self.chart.addSeries(self.target)  # under the bars, which are translucent
        self.chart.addSeries(self.bars)
        self.chart.addSeries(self.median)
        self.chart.addAxis(self.nights_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.count_y, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.seconds_y, Qt.AlignmentFlag.AlignRight)
        self.bars.attachAxis(self.nights_x)
        self.bars.attachAxis(self.count_y)
        for line in (self.target, self.median):
            line.attachAxis(self.nights_x)
            line.attachAxis(self.seconds_y)
        show_legend(self.chart)
        self.view = new_view(
            self.chart, parent, "Urges each night and how long you stayed with them"
        )
        self.set_theme(theme)

    def draw(self, nights: tuple[Night, ...], shown: Sequence[UrgeNight]) -> None:
        index: dict[date, int] = {n.night: i for i, n in enumerate(nights)}
        counts = [0.0] * len(nights)
        for urge in shown:
            counts[index[urge.night]] = float(urge.urges)
        self.counts.remove(0, self.counts.count())
        self.counts.append(counts)
        self.median.replace([QPointF(index[u.night], u.median_held) for u in shown])
        self.target.replace(target_steps([(index[u.night], u.target) for u in shown]))
        self.count_y.setRange(0, axis_top(max(counts, default=0.0), COUNT_STEPS))
        highest = max((max(u.median_held, u.target) for u in shown), default=0.0)
        self.seconds_y.setRange(0, axis_top(highest, SECONDS_STEPS))
        self.label(nights)

    def label(self, nights: tuple[Night, ...]) -> None:
        label_axes(nights, self.view.width(), self.nights_x)

    def set_theme(self, theme: Theme) -> None:
        self.counts.setColor(theme.color("muted", 0.38))
        self.counts.setBorderColor(theme.color("muted", 0.0))
        self.median.setPen(QPen(theme.color("accent"), 2.4))
        self.median.setColor(theme.color("accent"))
        # Wide and faint, so it still shows where the line runs along it; opaque,
        # because QtCharts strokes a solid line segment by segment and a
        # translucent one would darken at every step.
        lane = QPen(mixed(theme.color("surface"), theme.color("text"), 0.2), 6.0)
        lane.setCapStyle(Qt.PenCapStyle.SquareCap)  # fills the corners of the steps
        lane.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self.target.setPen(lane)
        self.target.setColor(mixed(theme.color("surface"), theme.color("text"), 0.35))
        self.count_y.setTitleBrush(QBrush(theme.color("muted")))
        style_axes_and_legend(theme, self.chart, self.nights_x, self.count_y, self.seconds_y)


class UrgeChart(Card):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.nights: tuple[Night, ...] = ()
        self.shown: list[UrgeNight] = []  # the nights with urges among `nights`
        self.plot: UrgePlot | None = None
        heading = QLabel("URGES", self)
        heading.setProperty("role", "section")
        self.caption = QLabel(CAPTION, self)
        self.caption.setProperty("role", "fine")
        self.caption.setWordWrap(True)
        self.body.addWidget(heading)
        self.body.addWidget(self.caption)
        self.body.addSpacing(4)
        # Holds the chart's place until it is built.
        self.room = QWidget(self)
        self.room.setStyleSheet("background: transparent;")
        self.room.setMinimumHeight(CHART_HEIGHT)
        self.room.setAccessibleName("Urges each night and how long you stayed with them")
        self.room_layout = QVBoxLayout(self.room)
        self.room_layout.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.room, 1)
        self.note = QLabel(NO_URGES, self)
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.body.addWidget(self.note)

    # -- data ------------------------------------------------------------------------
    def show_nights(self, nights: tuple[Night, ...], urges: Sequence[UrgeNight]) -> None:
        """Draw `urges` over `nights` (the charts' recent nights, oldest first)."""
        on_chart = {n.night for n in nights}
        self.nights = nights
        self.shown = [u for u in urges if u.night in on_chart]
        shown = bool(self.shown)
        self.room.setVisible(shown)
        self.caption.setVisible(shown)
        self.note.setVisible(not shown)
        self.room.setAccessibleDescription(self._words(self.shown))
        if self.plot is not None:
            self.plot.draw(nights, self.shown)

    @staticmethod
    def _words(shown: Sequence[UrgeNight]) -> str:
        if not shown:
            return NO_URGES
        total = sum(u.urges for u in shown)
        latest = shown[-1]
        return (
            f"{total} urges on {len(shown)} nights. On the latest, you stayed with them "
            f"{round(latest.median_held)} seconds (median), with a target of {latest.target}."
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.plot is None and self.shown:
            QTimer.singleShot(0, self, self._build)  # not while painting

    def _build(self) -> None:
        if self.plot is not None:
            return
        self.plot = UrgePlot(self.theme, self.room)
        self.room_layout.addWidget(self.plot.view)
        self.plot.view.show()  # now, not at the next turn of the event loop
        self.plot.draw(self.nights, self.shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.plot is not None and self.nights:
            self.plot.label(self.nights)

    # -- look --------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        super().set_theme(theme)
        if self.plot is not None:
            self.plot.set_theme(theme)
