"""A row that holds its widgets together in the middle of the available width."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def centred_row(*widgets: QWidget, spacing: int = 0) -> QHBoxLayout:
    """The widgets side by side, `spacing` pixels apart, with equal room left and right."""
    row = QHBoxLayout()
    row.addStretch(1)
    for index, widget in enumerate(widgets):
        if index and spacing:
            row.addSpacing(spacing)
        row.addWidget(widget)
    row.addStretch(1)
    return row
