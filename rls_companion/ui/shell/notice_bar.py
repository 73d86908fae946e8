"""What the person should know about their files (a damaged history moved
aside and what was saved from it, settings reset, a time zone that could not
be used): a quiet bar above every page, including the welcome, that stays
until it is dismissed. Its text can be selected, so a file's path can be
copied."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class NoticeBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "noticebar")
        self.text = QLabel("", self)
        self.text.setProperty("role", "notice")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss = QPushButton("Dismiss", self)
        self.dismiss.setProperty("role", "quiet")
        self.dismiss.setAccessibleName("Dismiss this notice")
        self.dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 10, 12, 10)
        layout.setSpacing(14)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_notices(self, notices: list[str]) -> None:
        self.text.setText("\n".join(notices))
        self.setVisible(bool(notices))
