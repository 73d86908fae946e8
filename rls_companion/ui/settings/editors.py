"""The fields of the Settings page: numbers with their units, the reminder's
time and days, and the voice list."""

from __future__ import annotations

import re

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from rls_companion.core.reminder import WEEKDAYS
from rls_companion.ui.settings.fields import Field, number_text

SPIN_TEXT_INSET = 9  # px, as the padding of the other fields
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d*)?")


class NumberBox(QDoubleSpinBox):
    """A number shown with its unit ("6 breaths a minute", "40%") and no
    needless decimals; typing the number alone is enough."""

    def __init__(self, field: Field, minimum: float, maximum: float, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        self.setDecimals(max(field.decimals, 0))
        self.setRange(minimum, maximum)
        self.setSingleStep(field.step)
        self.setKeyboardTracking(False)
        if field.special:
            self.setSpecialValueText(field.special)
        # Qt lays a styled spin box's text out flush with its border (and,
        # without arrow buttons, one pixel wide: the arrows are styled to
        # nothing instead); this inset matches the other fields.
        self.lineEdit().setTextMargins(SPIN_TEXT_INSET, 0, SPIN_TEXT_INSET, 0)

    def textFromValue(self, value: float) -> str:
        return number_text(self.field, value)

    def valueFromText(self, text: str) -> float:
        if self.field.special and text.strip() == self.field.special:
            return self.minimum()
        if self.field.read is not None:
            try:
                return self.field.read(text)
            except ValueError:
                return self.value()
        match = _NUMBER.search(text)
        return float(match.group().replace(",", ".")) if match else self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        readable = (
            (self.field.special and text.strip() == self.field.special)
            or self.field.read is not None
            or _NUMBER.search(text)
        )
        state = QValidator.State.Acceptable if readable else QValidator.State.Intermediate
        return state, text, pos


class TimeBox(QTimeEdit):
    """The reminder's time, as the schema stores it ("22:30")."""

    def __init__(self, value: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        self.set_text(value)
        self.setKeyboardTracking(False)
        self.lineEdit().setTextMargins(SPIN_TEXT_INSET, 0, SPIN_TEXT_INSET, 0)

    def set_text(self, value: str) -> None:
        hours, minutes = (int(part) for part in value.split(":"))
        self.setTime(QTime(hours, minutes))

    def text_value(self) -> str:
        return self.time().toString("HH:mm")


class DaysBox(QWidget):
    """Seven round toggles, Monday to Sunday; the value is the schema's
    "mon,tue,..." text."""

    changed = Signal(str)

    def __init__(self, value: str, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for day in WEEKDAYS:
            button = QPushButton(day[:2].title(), self)
            button.setCheckable(True)
            button.setProperty("role", "chip")
            button.setAccessibleName(
                {
                    "mon": "Monday",
                    "tue": "Tuesday",
                    "wed": "Wednesday",
                    "thu": "Thursday",
                    "fri": "Friday",
                    "sat": "Saturday",
                    "sun": "Sunday",
                }[day]
            )
            button.toggled.connect(lambda _on: self.changed.emit(self.text_value()))
            layout.addWidget(button)
            self.buttons[day] = button
        layout.addStretch(1)
        self.set_text(value)

    def set_text(self, value: str) -> None:
        chosen = set(value.split(","))
        for day, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(day in chosen)
            button.blockSignals(False)

    def text_value(self) -> str:
        return ",".join(day for day, b in self.buttons.items() if b.isChecked())
