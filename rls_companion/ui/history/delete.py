"""Asking before a session is deleted.

The question is window-modal but does not block (`open`, not `exec`), so the
event loop and tests carry on while it waits for an answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from rls_companion.core.describe import practice_words, when
from rls_companion.core.records import SessionRecord


def ask_to_delete(
    parent: QWidget, record: SessionRecord, answered: Callable[[bool], None]
) -> QMessageBox:
    """Open the question; `answered(True)` once the user chose to delete, else False."""
    box = QMessageBox(parent)
    box.setWindowTitle("Delete session")
    box.setText("Delete this session from your history?")
    box.setInformativeText(
        f"{when(record)}  ·  {practice_words(record)}\n\n"
        "It will no longer count towards your nights.\nYou can undo straight after."
    )
    delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def clicked(button: QAbstractButton) -> None:
        answered(button is delete)

    box.buttonClicked.connect(clicked)
    box.open()
    return box
