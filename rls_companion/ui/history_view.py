"""History: the sessions so far, newest first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from rls_companion.core.describe import describe
from rls_companion.core.records import SessionRecord


class HistoryView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("History", self)
        title.setProperty("role", "title")
        self.empty = QLabel("Your sessions will appear here.\nTonight could be the first.", self)
        self.empty.setProperty("role", "subtitle")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Sessions, newest first")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(title)
        layout.addSpacing(16)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.list, 1)

    def show_sessions(self, records: list[SessionRecord]) -> None:
        self.list.clear()
        for record in records:
            item = QListWidgetItem(describe(record))
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.list.addItem(item)
        self.empty.setVisible(not records)
        self.list.setVisible(bool(records))
