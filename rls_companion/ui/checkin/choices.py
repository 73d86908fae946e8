"""A row of answers that is one stop for the Tab key.

The morning form is meant to be filled in seconds with the keyboard: Tab
reaches the row once, the arrow keys move the answer, and a digit picks one
directly (1 for the first answer). The buttons are there for the mouse and
take no focus; the row shows it has the focus with a soft ring around the
chosen answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from rls_companion.ui.theme import Theme


def row_style(t: Theme) -> str:
    """The word answers ("none", "a little", "a lot") are pills; numbered
    answers are the round chips the theme already draws. The chosen one is
    filled with the accent; with the focus, it also has a ring."""
    return f"""
    QPushButton[role="pill"] {{ background: {t.surface}; color: {t.muted};
        border: 1px solid {t.faint}; border-radius: 15px; padding: 0 16px;
        min-height: 30px; max-height: 30px; font-size: 13px; }}
    QPushButton[role="pill"]:checked {{ background: {t.accent}; color: {t.accent_text};
        border-color: {t.accent}; }}
    QPushButton[role="pill"][focusmark="true"]:checked,
    QPushButton[role="chip"][focusmark="true"]:checked {{ border: 2px solid {t.text}; }}
    """


NEXT_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_Down)
PREVIOUS_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Up)


class ChoiceRow(QFrame):
    """One answer out of a few, chosen by arrows, digits or a click.

    `answers` are (value, text on the button, words for screen readers).
    With `show_words` the chosen answer's words are also written beside the
    buttons (for numbered chips, whose digits alone say little).
    """

    changed = Signal(object)  # the chosen value

    def __init__(
        self,
        question: str,
        answers: Sequence[tuple[object, str, str]],
        theme: Theme,
        role: str = "pill",
        show_words: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.question = question
        self.values = [value for value, _text, _words in answers]
        self.words = [words for _value, _text, words in answers]
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(row_style(theme))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.group = QButtonGroup(self)
        self.buttons: list[QPushButton] = []
        for index, (_value, text, words) in enumerate(answers):
            button = QPushButton(text, self)
            button.setProperty("role", role)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setAccessibleName(f"{question}: {words} ({index + 1})")
            self.group.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button)
        self.readout: QLabel | None = None
        if show_words:
            self.readout = QLabel("", self)
            self.readout.setProperty("role", "muted")
            self.readout.setMinimumWidth(self.readout.fontMetrics().horizontalAdvance("Very good"))
            layout.addSpacing(10)
            layout.addWidget(self.readout)
        layout.addStretch(1)
        self.group.idClicked.connect(self._clicked)
        self._index = 0
        self._show()

    def set_theme(self, theme: Theme) -> None:
        self.setStyleSheet(row_style(theme))

    # -- the answer ----------------------------------------------------------
    def value(self) -> object:
        return self.values[self._index]

    def set_value(self, value: object) -> None:
        if value in self.values:
            self._choose(self.values.index(value))

    def _clicked(self, index: int) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._choose(index)

    def _choose(self, index: int) -> None:
        index = max(0, min(index, len(self.values) - 1))
        moved = index != self._index
        self._index = index
        self._show()
        if moved:
            self.changed.emit(self.values[index])

    def _show(self) -> None:
        self.buttons[self._index].setChecked(True)
        words = self.words[self._index]
        if self.readout is not None:
            self.readout.setText(words[:1].upper() + words[1:])
        self.setAccessibleName(
            f"{self.question}: {words}. Arrow keys or 1 to {len(self.values)} change it."
        )
        self._mark_focus()

    def _mark_focus(self) -> None:
        for index, button in enumerate(self.buttons):
            marked = self.hasFocus() and index == self._index
            if button.property("focusmark") != marked:
                button.setProperty("focusmark", marked)
                button.style().unpolish(button)
                button.style().polish(button)

    # -- keys and focus --------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if key in NEXT_KEYS:
            self._choose(self._index + 1)
        elif key in PREVIOUS_KEYS:
            self._choose(self._index - 1)
        elif key == Qt.Key.Key_Home:
            self._choose(0)
        elif key == Qt.Key.Key_End:
            self._choose(len(self.values) - 1)
        elif len(text) == 1 and text.isdigit() and 1 <= int(text) <= len(self.values):
            self._choose(int(text) - 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._mark_focus()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._mark_focus()
