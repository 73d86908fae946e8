"""The figures at the top of History: streaks, or gentler totals when hidden.

Some people find streak counters stressful (`streak.visible` off); they see
only totals that can never break.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget

from rls_companion.core.streaks import Stats
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.card import PADDING, Card

COLUMN_WIDTH = 280
FIGURE_WIDTH = 84
ANY_WIDTH = 16777215  # Qt's QWIDGETSIZE_MAX


def nights(count: int) -> str:
    return "night" if count == 1 else "nights"


def duration_words(seconds: int) -> str:
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 10 else f"{round(hours):,} h"


class Tile(Card):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.figure = QLabel("", self)
        self.figure.setProperty("role", "title")
        self.caption = QLabel("", self)
        self.caption.setProperty("role", "muted")
        self.caption.setWordWrap(True)
        self.body.addWidget(self.figure)
        self.body.addWidget(self.caption, 1)

    def set_beside(self, beside: bool) -> None:
        """Caption beside the figure (a slim tile) or under it."""
        if beside:
            self.body.setDirection(QBoxLayout.Direction.LeftToRight)
            self.body.setSpacing(16)
            self.body.setContentsMargins(PADDING, 8, PADDING, 8)
            self.figure.setMinimumWidth(FIGURE_WIDTH)
        else:
            self.body.setDirection(QBoxLayout.Direction.TopToBottom)
            self.body.setSpacing(4)
            self.body.setContentsMargins(PADDING, PADDING - 6, PADDING, PADDING - 2)
            self.figure.setMinimumWidth(0)
        align = Qt.AlignmentFlag.AlignVCenter if beside else Qt.AlignmentFlag.AlignTop
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | align)

    def show_figure(self, figure: str, caption: str) -> None:
        self.figure.setText(figure)
        self.caption.setText(caption)
        self.setAccessibleName(f"{figure} {caption}")


class StreakHeader(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = Tile(theme, self)
        self.longest = Tile(theme, self)
        self.practised = Tile(theme, self)
        self.total = Tile(theme, self)
        self.tiles = (self.current, self.longest, self.practised, self.total)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(16)
        for tile in self.tiles:
            self.row.addWidget(tile, 1)
        self.set_column(False)

    def set_column(self, column: bool) -> None:
        """Stack slim tiles in a column (beside the calendar) or set them in a row."""
        self.column = column
        self.row.setDirection(
            QBoxLayout.Direction.TopToBottom if column else QBoxLayout.Direction.LeftToRight
        )
        self.row.setSpacing(12 if column else 16)
        for tile in self.tiles:
            tile.set_beside(column)
        if column:
            self.setFixedWidth(COLUMN_WIDTH)
        else:
            self.setMinimumWidth(0)
            self.setMaximumWidth(ANY_WIDTH)

    def show_stats(self, stats: Stats, streaks_visible: bool) -> None:
        self.current.show_figure(
            f"{stats.current_streak:,}", f"{nights(stats.current_streak)} in a row"
        )
        self.longest.show_figure(f"{stats.longest_streak:,}", "longest run")
        self.practised.show_figure(
            f"{stats.practised_nights:,}", f"{nights(stats.practised_nights)} practised"
        )
        self.total.show_figure(duration_words(stats.total_practice_seconds), "practised in all")
        self.current.setVisible(streaks_visible)
        self.longest.setVisible(streaks_visible)

    def set_theme(self, theme: Theme) -> None:
        for tile in self.tiles:
            tile.set_theme(theme)
