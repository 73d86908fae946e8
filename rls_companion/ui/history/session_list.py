"""The list of sessions, newest first, a page at a time.

Ten years of nights is thousands of rows; only the most recent page is made
into items (and only its sessions' urges are read), and "Show earlier
sessions" adds the next page. Each row is drawn
by a delegate as two lines: when and how long, then what kind, how it ended
and how it felt. The item's own text is the one-line description, which is
also what assistive technology reads.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from rls_companion.core.describe import describe, details, practice_words, when
from rls_companion.core.records import SessionBrief, SessionRecord
from rls_companion.ui.theme import Theme

PAGE = 30
ROW_HEIGHT = 66
ID_ROLE = Qt.ItemDataRole.UserRole
WHEN_ROLE = Qt.ItemDataRole.UserRole + 1
MINUTES_ROLE = Qt.ItemDataRole.UserRole + 2
DETAILS_ROLE = Qt.ItemDataRole.UserRole + 3


class SessionDelegate(QStyledItemDelegate):
    def __init__(self, theme: Theme, parent: QWidget) -> None:
        super().__init__(parent)
        self.theme = theme

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        theme = self.theme
        rect = QRectF(option.rect)
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = rect.adjusted(0, 3, 0, -3)
        if state & QStyle.StateFlag.State_Selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.color("raised"))
            painter.drawRoundedRect(card, 12, 12)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(theme.color("accent"), 1.4))
            painter.drawRoundedRect(card.adjusted(0.7, 0.7, -0.7, -0.7), 12, 12)
        elif not state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(theme.color("surface"), 1))
            inset = QPointF(16, 0)
            painter.drawLine(rect.bottomLeft() + inset, rect.bottomRight() - inset)
        text = rect.adjusted(18, 11, -18, -11)
        top = QRectF(text.left(), text.top(), text.width(), text.height() / 2)
        bottom = QRectF(text.left(), top.bottom() + 2, text.width(), text.height() / 2)
        font = QFont(option.font)
        painter.setFont(font)
        painter.setPen(theme.color("text"))
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(top, align | Qt.AlignmentFlag.AlignLeft, index.data(WHEN_ROLE))
        painter.drawText(top, align | Qt.AlignmentFlag.AlignRight, index.data(MINUTES_ROLE))
        small = QFont(font)
        small.setPixelSize(13)
        painter.setFont(small)
        painter.setPen(theme.color("muted"))
        line = painter.fontMetrics().elidedText(
            index.data(DETAILS_ROLE), Qt.TextElideMode.ElideRight, int(bottom.width())
        )
        painter.drawText(bottom, align | Qt.AlignmentFlag.AlignLeft, line)
        painter.restore()


class SessionList(QListWidget):
    delete_requested = Signal()

    def __init__(
        self,
        theme: Theme,
        complete: Callable[[list[SessionBrief]], list[SessionRecord]],
        parent: QWidget | None = None,
    ) -> None:
        """`complete` reads whole sessions (leaving out any that are gone): the
        list is given briefs."""
        super().__init__(parent)
        self.records: list[SessionBrief] = []
        self.listed = 0  # how many of `records` have been through `complete`
        self.complete = complete
        self.delegate = SessionDelegate(theme, self)
        self.setItemDelegate(self.delegate)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Sessions, newest first")
        self.setAccessibleDescription("Press Delete to delete the selected session.")

    def set_theme(self, theme: Theme) -> None:
        self.delegate.theme = theme
        self.viewport().update()

    def show_records(self, records: list[SessionBrief], keep_shown: bool = False) -> None:
        """Show `records` (newest first): the first page, or as many as before."""
        shown = max(self.listed, PAGE) if keep_shown else PAGE
        self.records = records
        self.listed = 0
        self.clear()
        self._add(shown)

    def show_more(self) -> None:
        self._add(PAGE)

    @property
    def remaining(self) -> int:
        return len(self.records) - self.listed

    def _add(self, count: int) -> None:
        """Add rows for the next `count` sessions of `records`."""
        page = self.records[self.listed : self.listed + count]
        self.listed += len(page)
        for record in self.complete(page):
            line = describe(record)
            more = details(record)
            item = QListWidgetItem(line)
            item.setData(ID_ROLE, record.id)
            item.setData(WHEN_ROLE, when(record))
            item.setData(MINUTES_ROLE, practice_words(record))
            item.setData(DETAILS_ROLE, more)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{line}. {more}")
            self.addItem(item)
        # Tall enough for every row: the page scrolls, not the list.
        self.setFixedHeight(self.count() * ROW_HEIGHT + 2 * self.frameWidth())

    def current_id(self) -> str | None:
        item = self.currentItem()
        return None if item is None or not item.isSelected() else str(item.data(ID_ROLE))

    def select_id(self, session_id: str) -> None:
        position = next((n for n, r in enumerate(self.records) if r.id == session_id), None)
        if position is None:
            return
        if position >= self.listed:
            self._add(position + 1 - self.listed)
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == session_id:
                self.setCurrentRow(row)
                return

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.delete_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
