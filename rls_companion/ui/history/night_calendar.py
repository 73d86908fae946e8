"""A calendar of nights: one small rounded cell per night, a column per week.

Painted in one pass with QPainter (a few hundred cells, no child widgets). It
shows as many recent weeks as fit its width, never fewer than 26; the cells
shrink a little on a narrow window rather than dropping weeks.

A click on a night with practice shows its sessions; the context menu of any
night before tonight also offers that night's sleep diary, so a night can be
filled in or corrected later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QLocale, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from rls_companion.core.history_summary import MIN_CALENDAR_WEEKS, Night, NightState
from rls_companion.ui.theme import Theme

PITCH = 21.0  # cell plus gap, at full size
GAP = 5.0
LEFT = 40.0  # weekday names
TOP = 22.0  # month names
LEGEND = 36.0
LABEL_PX = 12


@dataclass(frozen=True)
class Grid:
    weeks: int
    pitch: float

    @property
    def cell(self) -> float:
        return self.pitch - GAP * self.pitch / PITCH


def count_words(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class NightCalendar(QWidget):
    night_chosen = Signal(object)  # the date of a night with practice that was clicked
    diary_chosen = Signal(object)  # the date of a past night whose sleep diary was asked for

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.nights: tuple[Night, ...] = ()
        self.tonight: date | None = None
        self.min_minutes = 5
        self.week_start = 0
        self.setAccessibleName("Calendar of nights")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(int(LEFT + MIN_CALENDAR_WEEKS * 12))
        self.setMouseTracking(True)  # a hand over the nights that can be opened

    # -- data ----------------------------------------------------------------
    def set_nights(
        self, nights: tuple[Night, ...], tonight: date, min_minutes: int, week_start: int = 0
    ) -> None:
        """`nights` are whole weeks, oldest first, starting on `week_start` (0 Monday)."""
        self.nights = nights
        self.tonight = tonight
        self.min_minutes = min_minutes
        self.week_start = week_start
        self._describe()
        self.update()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    @property
    def total_weeks(self) -> int:
        return (len(self.nights) + 6) // 7

    def grid(self) -> Grid:
        available = max(self.width() - LEFT, 1.0)
        fitting = int(available // PITCH)
        weeks = max(MIN_CALENDAR_WEEKS, min(fitting, self.total_weeks))
        return Grid(weeks, min(PITCH, available / weeks))

    def shown_nights(self) -> tuple[Night, ...]:
        first_week = self.total_weeks - self.grid().weeks
        return self.nights[max(first_week, 0) * 7 :]

    def state_of(self, night: date) -> NightState | None:
        """What the calendar shows for a night, or None when it is not shown."""
        for shown in self.shown_nights():
            if shown.night == night:
                return shown.state
        return None

    def _describe(self) -> None:
        shown = self.shown_nights()
        counts = {state: 0 for state in NightState}
        for night in shown:
            counts[night.state] += 1
        tonight = next((n for n in shown if n.night == self.tonight), None)
        tonight_words = (
            "Tonight is already practised."
            if tonight and tonight.state is NightState.PRACTISED
            else "Tonight is not over yet."
        )
        self.setAccessibleDescription(
            f"The last {count_words((len(shown) + 6) // 7, 'week', 'weeks')}: "
            f"{count_words(counts[NightState.PRACTISED], 'night', 'nights')} practised, "
            f"{counts[NightState.PARTLY]} with some practice under {self.min_minutes} minutes, "
            f"{counts[NightState.NONE]} without practice. {tonight_words}"
        )

    # -- geometry --------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(int(LEFT + 40 * PITCH), int(TOP + 7 * PITCH + LEGEND))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), int(TOP + 7 * PITCH + LEGEND))

    def cell_rect(self, index: int, grid: Grid) -> QRectF:
        column, row = divmod(index, 7)
        return QRectF(LEFT + column * grid.pitch, TOP + row * grid.pitch, grid.cell, grid.cell)

    def night_at(self, point: QPoint) -> Night | None:
        grid = self.grid()
        for index, night in enumerate(self.shown_nights()):
            if self.cell_rect(index, grid).contains(point.toPointF()):
                return night
        return None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._describe()

    # -- painting ----------------------------------------------------------------
    def _fill(self, state: NightState) -> tuple[str, float]:
        if state is NightState.PRACTISED:
            return "accent", 1.0
        if state is NightState.PARTLY:
            return "accent", 0.45
        return "faint", 0.5

    def paintEvent(self, event: QPaintEvent) -> None:
        grid = self.grid()
        shown = self.shown_nights()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(LABEL_PX)
        painter.setFont(font)
        self._paint_labels(painter, grid, shown)
        radius = grid.cell * 0.26
        painter.setPen(Qt.PenStyle.NoPen)
        for index, night in enumerate(shown):
            name, alpha = self._fill(night.state)
            painter.setBrush(self.theme.color(name, alpha))
            painter.drawRoundedRect(self.cell_rect(index, grid), radius, radius)
        for index, night in enumerate(shown):
            if night.night == self.tonight:
                ring = self.cell_rect(index, grid).adjusted(-2.5, -2.5, 2.5, 2.5)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(self.theme.color("text", 0.85), 1.6))
                painter.drawRoundedRect(ring, radius + 2, radius + 2)
        self._paint_legend(painter, grid)
        painter.end()

    def _paint_labels(self, painter: QPainter, grid: Grid, shown: tuple[Night, ...]) -> None:
        painter.setPen(self.theme.color("muted"))
        locale = QLocale()
        for row in (0, 2, 4):
            day = (self.week_start + row) % 7 + 1  # Qt counts Monday as 1
            name = locale.dayName(day, QLocale.FormatType.ShortFormat)
            rect = QRectF(0, TOP + row * grid.pitch, LEFT - 8, grid.cell)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
        metrics = painter.fontMetrics()
        free_from = LEFT
        previous_month = None
        for column in range(0, len(shown), 7):
            first = shown[column].night
            month = (first.year, first.month)
            if month != previous_month:
                x = LEFT + (column // 7) * grid.pitch
                name = locale.monthName(first.month, QLocale.FormatType.ShortFormat)
                if x >= free_from:
                    painter.drawText(QRectF(x, 0, 80, TOP - 6), Qt.AlignmentFlag.AlignLeft, name)
                    free_from = x + metrics.horizontalAdvance(name) + 8
                previous_month = month

    def _paint_legend(self, painter: QPainter, grid: Grid) -> None:
        metrics = painter.fontMetrics()
        y = TOP + 7 * grid.pitch + 14
        size = 12.0
        x = LEFT
        others = ("Some practice", "None", "Tonight")
        needed = sum(metrics.horizontalAdvance(words) + size + 29 for words in others)
        practised = f"Practised ({self.min_minutes} min or more)"
        if LEFT + needed + metrics.horizontalAdvance(practised) + size + 29 > self.width():
            practised = "Practised"  # a narrow window: the minimum is said elsewhere too
        items = (
            (NightState.PRACTISED, practised),
            (NightState.PARTLY, others[0]),
            (NightState.NONE, others[1]),
        )
        for state, words in items:
            name, alpha = self._fill(state)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.theme.color(name, alpha))
            painter.drawRoundedRect(QRectF(x, y, size, size), 3, 3)
            painter.setPen(self.theme.color("muted"))
            text_rect = QRectF(x + size + 7, y - 4, 400, size + 8)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, words)
            x += size + 7 + metrics.horizontalAdvance(words) + 22
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(self.theme.color("text", 0.85), 1.6))
        painter.drawRoundedRect(QRectF(x, y, size, size), 3, 3)
        painter.setPen(self.theme.color("muted"))
        painter.drawText(
            QRectF(x + size + 7, y - 4, 200, size + 8), Qt.AlignmentFlag.AlignVCenter, others[2]
        )

    # -- choosing a night ------------------------------------------------------------
    def _with_practice(self, point: QPoint) -> Night | None:
        night = self.night_at(point)
        return night if night is not None and night.seconds > 0 else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self._with_practice(event.position().toPoint())
        shape = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor
        if self.cursor().shape() != shape:
            self.setCursor(shape)
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        night = self._with_practice(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and night is not None:
            self.night_chosen.emit(night.night)
            event.accept()
            return
        super().mousePressEvent(event)

    def night_menu(self, night: Night) -> QMenu | None:
        """What can be done with a night: its sessions, and its sleep diary once it
        is over. None for tonight without practice (nothing to offer yet)."""
        menu = QMenu(self)
        if night.seconds > 0:
            menu.addAction("Show sessions").triggered.connect(
                lambda: self.night_chosen.emit(night.night)
            )
        if self.tonight is not None and night.night < self.tonight:
            menu.addAction(f"Sleep diary for {night.night:%a %d %b}…").triggered.connect(
                lambda: self.diary_chosen.emit(night.night)
            )
        if menu.isEmpty():
            menu.deleteLater()
            return None
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        night = self.night_at(event.pos())
        menu = None if night is None else self.night_menu(night)
        if menu is None:
            super().contextMenuEvent(event)
            return
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(event.globalPos())
        event.accept()

    # -- tooltips ------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            night = self.night_at(event.pos())
            if night is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip(night), self)
            return True
        return super().event(event)

    def tooltip(self, night: Night) -> str:
        label = "Tonight" if night.night == self.tonight else f"{night.night:%a %d %b %Y}"
        minutes = f"{max(round(night.minutes), 1)} min"
        if night.state is NightState.PRACTISED:
            return f"{label} · {minutes} · practised"
        if night.state is NightState.PARTLY:
            return f"{label} · {minutes} · under the {self.min_minutes} min of a practised night"
        return f"{label} · no practice"
