"""History: streaks, a calendar of nights, charts and the sessions themselves.

The history is read only when the database changed since the last read:
when the page is shown, or ahead of that in a quiet moment (`prepare`, which
the window calls after start-up and after a session). Only what the figures
need is read for every session (`SessionBrief`); the list reads whole
sessions a page at a time. Every figure comes from `core.history_summary`,
which takes its rules from `core.streaks`. Charts are built the first time
there is something to chart, so QtCharts is never loaded at start-up. The
urge chart reads only recent nights' urges, also only when the database
changed, and is left out while the urge timer is off. The sleep diary and the
evening log are read the same way, for the same nights, and shown in a card
between the practice charts and the urges (`sleep_card`).

Filling in the diary and writing a report are the window's to do: History
only asks, with `diary_requested` (the night whose morning check-in to open:
last night from the card's button, any past night from the calendar's
menu) and `report_requested`.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rls_companion.context import Context
from rls_companion.core.clock import Clock
from rls_companion.core.describe import when
from rls_companion.core.diary import DiaryEntry
from rls_companion.core.diary_summary import summarise_diary
from rls_companion.core.evening import EveningLog
from rls_companion.core.history_summary import Night, summarise
from rls_companion.core.records import SessionBrief, SessionRecord, brief
from rls_companion.core.streaks import StreakRules, night_of
from rls_companion.storage import diary, sessions, urge_history
from rls_companion.ui.history import export as history_export
from rls_companion.ui.history.delete import ask_to_delete
from rls_companion.ui.history.empty import EmptyHistory
from rls_companion.ui.history.header import StreakHeader
from rls_companion.ui.history.night_calendar import NightCalendar
from rls_companion.ui.history.session_list import SessionList
from rls_companion.ui.history.undo import UndoBar
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.card import Card
from rls_companion.ui.widgets.rows import centred_row

if TYPE_CHECKING:
    from rls_companion.ui.history.charts import HistoryCharts
    from rls_companion.ui.history.sleep_card import SleepCard
    from rls_companion.ui.history.urge_chart import UrgeChart

CONTENT_MAX_WIDTH = 1100
WIDE_CONTENT = 840  # room for 26 full-size weeks and a column of figures


def section(title: str, parent: QWidget) -> QLabel:
    label = QLabel(title, parent)
    label.setProperty("role", "section")
    return label


def history_version(db: sqlite3.Connection) -> tuple[int, int]:
    """Changes when any session changes: rows written through this connection
    (total_changes) or commits by any other, such as the command line (data_version)."""
    (data_version,) = db.execute("PRAGMA data_version").fetchone()
    return db.total_changes, int(data_version)


def week_start() -> int:
    """The locale's first day of the week, 0 Monday … 6 Sunday."""
    return int(QLocale().firstDayOfWeek().value) - 1


class _UrgesRead(NamedTuple):
    """The urge nights last read, and what they were read for (history version,
    first and last night shown, streak rules, urge protocol)."""

    wanted: tuple[object, ...]
    nights: list[urge_history.UrgeNight]


class _DiaryRead(NamedTuple):
    """The diary entries and evening logs last read, and what for (history
    version, first and last night shown)."""

    wanted: tuple[object, ...]
    entries: list[DiaryEntry]
    logs: list[EveningLog]


class HistoryView(QWidget):
    start_requested = Signal()
    diary_requested = Signal(object)  # a date: open the morning check-in of that night
    report_requested = Signal()  # open the report for a clinician

    def __init__(
        self, context: Context, clock: Clock, theme: Theme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        self.theme = theme
        self.records: list[SessionBrief] = []  # newest first
        self.deleted: SessionRecord | None = None
        self.confirm_box: QMessageBox | None = None
        self.charts: HistoryCharts | None = None
        self.urge_chart: UrgeChart | None = None
        self._urges: _UrgesRead | None = None
        self.sleep_card: SleepCard | None = None
        self._diary: _DiaryRead | None = None
        self._stale = True
        self._version: tuple[int, int] | None = None  # of the database when last read
        self._listed: tuple[int, int] | None = None  # version the list shows

        title = QLabel("History", self)
        title.setProperty("role", "title")
        self.status = QLabel("", self)
        self.status.setProperty("role", "fine")
        self.export_button = QPushButton("Export…", self)
        self.export_button.setProperty("role", "quiet")
        self.export_button.setAccessibleName("Export the history to a file")
        self.export_button.clicked.connect(self.choose_export_file)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addSpacing(12)
        self.report_button = QPushButton("Report for my clinician…", self)
        self.report_button.setProperty("role", "quiet")
        self.report_button.setAccessibleName("Make a report of recent nights for a clinician")
        self.report_button.clicked.connect(self.report_requested)
        top.addWidget(self.report_button)
        top.addSpacing(8)
        top.addWidget(self.export_button)

        self.empty = EmptyHistory(self)
        self.empty.start_requested.connect(self.start_requested)

        page = QWidget()
        self.page = page
        self.header = StreakHeader(theme, page)
        self.nights_card = Card(theme, page)
        self.nights_card.body.addWidget(section("NIGHTS", self.nights_card))
        self.calendar = NightCalendar(theme, self.nights_card)
        self.calendar.night_chosen.connect(self.show_night)
        self.calendar.diary_chosen.connect(self.diary_requested)
        self.nights_card.body.addSpacing(6)
        self.nights_card.body.addWidget(self.calendar)
        self.delete_button = QPushButton("Delete session…", page)
        self.delete_button.setProperty("role", "quiet")
        self.delete_button.setAccessibleName("Delete the selected session")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.request_delete)
        self.list = SessionList(theme, self._with_urges, page)
        self.list.delete_requested.connect(self.request_delete)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.currentRowChanged.connect(self._keep_current_in_view)
        self.more_button = QPushButton("", page)
        self.more_button.setProperty("role", "quiet")
        self.more_button.clicked.connect(self._show_more)

        sessions_row = QHBoxLayout()
        sessions_row.addWidget(section("SESSIONS", page), 1)
        sessions_row.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignBottom)
        more_row = centred_row(self.more_button)
        # Wide: the figures stand in a column beside the calendar; narrow: in a row above it.
        self.overview = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.overview.setSpacing(16)
        self.overview.addWidget(self.header)
        self.overview.addWidget(self.nights_card, 1)
        self.column = QVBoxLayout()
        self.column.setSpacing(16)
        self.column.addLayout(self.overview)
        self.charts_at = self.column.count()  # the charts go here once built
        self.column.addSpacing(8)
        self.column.addLayout(sessions_row)
        self.column.addWidget(self.list)
        self.column.addLayout(more_row)
        self.column.addStretch(1)
        centred = QHBoxLayout(page)
        centred.setContentsMargins(0, 8, 14, 24)  # room for the scroll bar
        centred.addLayout(self.column)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setWidget(page)

        self.undo_bar = UndoBar(theme, self)
        self.undo_bar.undo_requested.connect(self.undo)
        self.undo_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        self.undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_shortcut.setEnabled(False)
        self.undo_shortcut.activated.connect(self.undo)

        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 24, 48, 20)
        self.outer.addLayout(top)
        self.outer.addSpacing(12)
        self.outer.addWidget(self.empty, 1)
        self.outer.addWidget(self.scroller, 1)
        self.outer.addSpacing(8)
        self.outer.addWidget(self.undo_bar)
        for first, second in (
            (self.report_button, self.export_button),
            (self.export_button, self.list),
            (self.list, self.delete_button),
            (self.delete_button, self.more_button),
            (self.more_button, self.undo_bar.undo_button),
        ):
            QWidget.setTabOrder(first, second)
        self.empty.hide()
        self.scroller.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        side = 48 + max(0, (self.width() - 2 * 48 - CONTENT_MAX_WIDTH) // 2)
        self.outer.setContentsMargins(side, 24, side, 20)
        wide = self.width() - 2 * side >= WIDE_CONTENT
        if wide != self.header.column:
            self.header.set_column(wide)
            self.overview.setDirection(
                QBoxLayout.Direction.RightToLeft if wide else QBoxLayout.Direction.TopToBottom
            )

    # -- loading -------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the history again, now if the page is on screen, else when it is shown."""
        self._stale = True
        if self.isVisible():
            self._load()

    def prepare(self) -> None:
        """Read the history ahead of showing it, if it changed since it was last read.

        Meant for quiet moments (after start-up, after a session), so that
        opening the page later only arranges and paints what was read.
        """
        if not self.isVisible():
            self.ensurePolished()  # styles every part now rather than when first shown
            self._read_if_changed()
            if self.records and self._listed != self._version:
                self._list(self.records)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._load()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._forget_deleted()  # leaving the page makes a deletion final

    def _read_if_changed(self) -> None:
        version = history_version(self.context.db)
        if version != self._version:
            # The figures need only a few fields; the list reads whole sessions as it shows them.
            self.records = sessions.list_briefs(self.context.db)
            self._version = version

    def _load(self) -> None:
        """Show the history, reading it only if it changed since it was last read.

        The figures are worked out afresh every time: the clock and the
        settings may have moved on even when the sessions have not.
        """
        self._stale = False
        self.status.clear()
        self._read_if_changed()
        self._show(self.records, list_too=self._listed != self._version)

    def _with_urges(self, briefs: list[SessionBrief]) -> list[SessionRecord]:
        return sessions.get_sessions(self.context.db, [b.id for b in briefs])

    def rules(self) -> StreakRules:
        return self.context.settings.typed.streak.rules()

    def _show(
        self, records: list[SessionBrief], keep_shown: bool = False, list_too: bool = True
    ) -> None:
        """Show `records` (newest first) without reading the database.

        `keep_shown` keeps as many rows listed as before; `list_too=False`
        leaves the list as it is (the sessions did not change).
        """
        self.records = records
        has_any = bool(records)
        self.empty.setVisible(not has_any)
        self.scroller.setVisible(has_any)
        self.export_button.setVisible(has_any)
        self.report_button.setVisible(has_any)
        if not has_any:
            return
        rules = self.rules()
        starts_on = week_start()
        summary = summarise(records, self.now(), rules, week_start=starts_on)
        visible = self.context.settings.typed.streak.visible
        self.header.show_stats(summary.stats, visible)
        self.calendar.set_nights(
            summary.calendar, summary.tonight, rules.min_practice_minutes, starts_on
        )
        self._charts().show_summary(summary, rules.min_practice_minutes)
        self._show_diary(summary.recent)
        self._show_urges(summary.recent, rules)
        if list_too:
            self._list(records, keep_shown)

    def _list(self, records: list[SessionBrief], keep_shown: bool = False) -> None:
        self._listed = self._version
        self.list.show_records(records, keep_shown)
        self._update_more()
        self._selection_changed()

    def now(self) -> datetime:
        return self.clock.now()

    def _charts(self) -> HistoryCharts:
        if self.charts is None:
            from rls_companion.ui.history.charts import HistoryCharts

            self.charts = HistoryCharts(self.theme, self.page)
            self.column.insertWidget(self.charts_at, self.charts)
            self.charts.show()  # now, not at the next turn of the event loop
        return self.charts

    def _show_urges(self, nights: tuple[Night, ...], rules: StreakRules) -> None:
        """The urge chart, read again only when the history, the nights shown or
        the settings it depends on changed. Urges never touch the figures above."""
        urge = self.context.settings.typed.urge
        if not urge.enabled:
            if self.urge_chart is not None:
                self.urge_chart.hide()
            return
        config = urge.protocol()
        wanted = (self._version, nights[0].night, nights[-1].night, rules, config)
        if self._urges is None or self._urges.wanted != wanted:
            read = urge_history.recent_nights(
                self.context.db, nights[0].night, nights[-1].night, rules, config
            )
            self._urges = _UrgesRead(wanted, read)
        if self.urge_chart is None:
            from rls_companion.ui.history.urge_chart import UrgeChart

            self.urge_chart = UrgeChart(self.theme, self.page)
            above = self.sleep_card if self.sleep_card is not None else self._charts()
            self.column.insertWidget(self.column.indexOf(above) + 1, self.urge_chart)
        self.urge_chart.show_nights(nights, self._urges.nights)
        self.urge_chart.show()

    def _show_diary(self, nights: tuple[Night, ...]) -> None:
        """The sleep card, its entries read again only when the history or the
        nights shown changed."""
        first, last = nights[0].night, nights[-1].night
        wanted = (self._version, first, last)
        if self._diary is None or self._diary.wanted != wanted:
            self._diary = _DiaryRead(
                wanted,
                diary.list_diary(self.context.db, first, last),
                diary.list_evening(self.context.db, first, last),
            )
        if self.sleep_card is None:
            from rls_companion.ui.history.sleep_card import SleepCard

            self.sleep_card = SleepCard(self.theme, self.page)
            self.sleep_card.diary_requested.connect(self.diary_requested)
            self.column.insertWidget(self.column.indexOf(self._charts()) + 1, self.sleep_card)
            self.sleep_card.show()  # now, not at the next turn of the event loop
        summary = summarise_diary(self._diary.entries, self._diary.logs, first, last)
        self.sleep_card.show_diary(nights, summary)

    def show_night(self, night: date) -> None:
        """Select the latest session of a night in the list (the others of that
        night follow it), bringing it into view."""
        rules = self.rules()
        chosen = next((b for b in self.records if night_of(b.started_at, rules) == night), None)
        if chosen is not None:
            self.list.select_id(chosen.id)
            self._update_more()
            self.list.setFocus()

    def _show_more(self) -> None:
        first_new = self.list.count()
        self.list.show_more()
        self._update_more()
        self.list.setCurrentRow(first_new)
        self.list.setFocus()

    def _update_more(self) -> None:
        remaining = self.list.remaining
        self.more_button.setText(f"Show earlier sessions ({remaining:,} more)")
        self.more_button.setAccessibleName(f"Show earlier sessions, {remaining} more")
        self.more_button.setVisible(remaining > 0)

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.list.current_id() is not None)

    def _keep_current_in_view(self, row: int) -> None:
        item = self.list.item(row)
        if item is None:
            return
        rect = self.list.visualItemRect(item)
        at = self.list.viewport().mapTo(self.page, rect.topLeft())
        centre = at + QPoint(0, rect.height() // 2)
        self.scroller.ensureVisible(centre.x(), centre.y(), 0, rect.height())

    # -- deleting ----------------------------------------------------------------------
    def record(self, session_id: str) -> SessionRecord | None:
        return sessions.get_session(self.context.db, session_id)

    def request_delete(self) -> None:
        """Ask before deleting the selected session (the dialog does not block)."""
        session_id = self.list.current_id()
        record = self.record(session_id) if session_id else None
        if record is None:
            return

        def answered(delete: bool) -> None:
            self.confirm_box = None
            if delete:
                self.delete_session(record.id)
            else:
                self.list.setFocus()

        self.confirm_box = ask_to_delete(self, record, answered)

    def delete_session(self, session_id: str) -> None:
        removed = sessions.delete_session(self.context.db, session_id)
        if removed is None:
            return
        row = self.list.currentRow()
        self.deleted = removed
        self._version = history_version(self.context.db)
        self._show([r for r in self.records if r.id != session_id], keep_shown=True)
        if self.records:
            self.list.setCurrentRow(min(row, self.list.count() - 1))
            self.list.setFocus()
        self.undo_bar.offer(when(removed))
        self.undo_shortcut.setEnabled(True)

    def undo(self) -> None:
        record = self.deleted
        if record is None:
            return
        sessions.restore_session(self.context.db, record)
        self._version = history_version(self.context.db)
        self._forget_deleted()
        records = sorted(
            [*self.records, brief(record)], key=lambda r: (r.started_at, r.id), reverse=True
        )
        self._show(records, keep_shown=True)
        self.list.select_id(record.id)
        self._update_more()
        self.list.setFocus()

    def _forget_deleted(self) -> None:
        self.deleted = None
        self.undo_bar.hide()
        self.undo_shortcut.setEnabled(False)

    # -- exporting -------------------------------------------------------------------------
    def choose_export_file(self) -> None:
        suggested = Path.home() / f"rls-companion-history-{self.now():%Y-%m-%d}.json"
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export history", str(suggested), history_export.file_filter()
        )
        if path:
            self.export_to(*history_export.chosen_format(path, chosen))

    def export_to(self, path: Path, fmt: str) -> None:
        try:
            count = history_export.export_to(self.context.db, path, fmt)
        except OSError as problem:
            self.status.setText(f"Could not save: {problem.strerror or problem}")
            return
        noun = "session" if count == 1 else "sessions"
        self.status.setText(f"Saved {count:,} {noun} to {path.name}")

    # -- look ------------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for part in (self.header, self.nights_card, self.calendar, self.list, self.undo_bar):
            part.set_theme(theme)
        if self.charts is not None:
            self.charts.set_theme(theme)
        if self.urge_chart is not None:
            self.urge_chart.set_theme(theme)
        if self.sleep_card is not None:
            self.sleep_card.set_theme(theme)
