"""A row of 0–10 chips: one tap (or one key) gives a rating; never required."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QWidget

from rls_companion.core.records import RATING_MAX, RATING_MIN


class RatingRow(QWidget):
    rated = Signal(int)

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.question = QLabel(question, self)
        self.question.setProperty("role", "fine")
        layout.addWidget(self.question)
        self.buttons = QButtonGroup(self)
        for value in range(RATING_MIN, RATING_MAX + 1):
            button = QPushButton(str(value), self)
            button.setProperty("role", "chip")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(f"{question} {value} of {RATING_MAX}")
            self.buttons.addButton(button, value)
            layout.addWidget(button)
        self.buttons.idClicked.connect(self.rated)

    def value(self) -> int | None:
        checked = self.buttons.checkedId()
        return None if checked < 0 else checked

    def set_value(self, value: int | None) -> None:
        if value is None:
            self.clear()
            return
        button = self.buttons.button(value)
        if button is not None:
            button.setChecked(True)

    def clear(self) -> None:
        self.buttons.setExclusive(False)
        for button in self.buttons.buttons():
            button.setChecked(False)
        self.buttons.setExclusive(True)
