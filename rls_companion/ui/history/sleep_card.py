"""The sleep card: the diary's figures beside practice, over the same weeks.

One line of figures for the last two weeks, then two small charts side by
side: sleep efficiency on the nights with a morning check-in, and when the
sensations started on the nights with an evening log. With nothing logged
the card keeps only one calm line and the way to the diary. Like the urge
chart, the charts themselves are built only once the card is first painted
(Qt paints it only when it scrolls into view), so opening History does not
pay for them before anyone looks.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rls_companion.core.diary_summary import DiarySummary
from rls_companion.core.evening import clock_words
from rls_companion.core.history_summary import Night
from rls_companion.ui.history.charts import CHART_HEIGHT
from rls_companion.ui.history.sleep_plots import EfficiencyPlot, OnsetPlot
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.card import Card

NOTHING_LOGGED = (
    "Nothing in the sleep diary or the evening log in these weeks. "
    "When you fill them in, their figures show here beside your practice."
)
EFFICIENCY_CAPTION = "Sleep efficiency each night (time asleep ÷ time in bed)"
ONSET_CAPTION = "When the sensations started (later is higher)"
NO_CHECK_INS = "No morning check-ins in these weeks."
NO_EVENINGS = "No evening logs in these weeks."


def _half(caption: str, parent: QWidget) -> tuple[QVBoxLayout, QLabel, QLabel]:
    """A column of the chart row: its caption, room for its chart, and a quiet note."""
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    words = QLabel(caption, parent)
    words.setProperty("role", "fine")
    words.setWordWrap(True)
    note = QLabel("", parent)
    note.setProperty("role", "muted")
    note.setWordWrap(True)
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    note.setMinimumHeight(CHART_HEIGHT)
    column.addWidget(words)
    column.addWidget(note, 1)
    return column, words, note


class SleepCard(Card):
    diary_requested = Signal(object)  # the date of the night whose check-in to open

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.nights: tuple[Night, ...] = ()
        self.summary: DiarySummary | None = None
        self.efficiency: EfficiencyPlot | None = None
        self.onset: OnsetPlot | None = None

        heading = QLabel("SLEEP AND SYMPTOMS", self)
        heading.setProperty("role", "section")
        self.diary_button = QPushButton("Sleep diary…", self)
        self.diary_button.setProperty("role", "quiet")
        self.diary_button.setAccessibleName("Fill in or correct the sleep diary for last night")
        self.diary_button.clicked.connect(self._ask_for_last_night)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.diary_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.body.addLayout(top)

        self.figures = QLabel("", self)
        self.figures.setWordWrap(True)
        self.body.addWidget(self.figures)
        self.hint = QLabel(NOTHING_LOGGED, self)
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        self.body.addWidget(self.hint)

        # Holds the charts' place until they are built.
        self.room = QWidget(self)
        self.room.setStyleSheet("background: transparent;")
        row = QHBoxLayout(self.room)
        row.setContentsMargins(0, 4, 0, 0)
        row.setSpacing(28)
        left, self.efficiency_caption, self.no_efficiency = _half(EFFICIENCY_CAPTION, self.room)
        right, self.onset_caption, self.no_onsets = _half(ONSET_CAPTION, self.room)
        self.efficiency_column, self.onset_column = left, right
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.body.addWidget(self.room, 1)

    # -- data ------------------------------------------------------------------------
    def show_diary(self, nights: tuple[Night, ...], summary: DiarySummary) -> None:
        """Draw `summary` over `nights` (the charts' recent nights, oldest first)."""
        self.nights = nights
        self.summary = summary
        logged = summary.logged
        self.figures.setText(summary.figures)
        self.figures.setVisible(logged)
        self.hint.setVisible(not logged)
        self.room.setVisible(logged)
        self.no_efficiency.setText(NO_CHECK_INS)
        self.no_onsets.setText(NO_EVENINGS)
        self._show_halves()
        self.room.setAccessibleName("Sleep efficiency and when the sensations started")
        self.room.setAccessibleDescription(self.words(summary))
        self._draw()

    def _show_halves(self) -> None:
        summary = self.summary
        if summary is None:
            return
        has_efficiency = bool(summary.efficiency)
        has_onsets = bool(summary.onsets or summary.none_today)
        self.no_efficiency.setVisible(not has_efficiency)
        self.no_onsets.setVisible(not has_onsets)
        if self.efficiency is not None and self.onset is not None:
            self.efficiency.view.setVisible(has_efficiency)
            self.onset.view.setVisible(has_onsets)

    @staticmethod
    def words(summary: DiarySummary) -> str:
        """The charts in words, for a screen reader."""
        if not summary.logged:
            return NOTHING_LOGGED
        parts = [summary.figures]
        if summary.efficiency:
            latest = summary.efficiency[-1]
            parts.append(
                f"Latest sleep efficiency {round(latest.percent)}% on {latest.night:%a %d %b}."
            )
        if summary.onsets:
            latest_start = summary.onsets[-1]
            parts.append(
                f"Latest start of the sensations {clock_words(latest_start.minutes)} "
                f"on {latest_start.night:%a %d %b}."
            )
        return " ".join(parts)

    def last_night(self) -> date | None:
        return None if self.summary is None else self.summary.tonight - timedelta(days=1)

    def _ask_for_last_night(self) -> None:
        night = self.last_night()
        if night is not None:
            self.diary_requested.emit(night)

    # -- the charts, built when first seen -------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.efficiency is None and self.summary is not None and self.summary.logged:
            QTimer.singleShot(0, self, self._build)  # not while painting

    def _build(self) -> None:
        if self.efficiency is not None:
            return
        self.efficiency = EfficiencyPlot(self.theme, self.room)
        self.onset = OnsetPlot(self.theme, self.room)
        self.efficiency_column.insertWidget(1, self.efficiency.view, 1)
        self.onset_column.insertWidget(1, self.onset.view, 1)
        self._show_halves()
        self._draw()

    def _draw(self) -> None:
        if self.summary is None or self.efficiency is None or self.onset is None:
            return
        self.efficiency.draw(self.nights, self.summary)
        self.onset.draw(self.nights, self.summary)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.efficiency is not None and self.onset is not None and self.nights:
            self.efficiency.label(self.nights)
            self.onset.label(self.nights)

    # -- look --------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        super().set_theme(theme)
        if self.efficiency is not None and self.onset is not None:
            self.efficiency.set_theme(theme)
            self.onset.set_theme(theme)
