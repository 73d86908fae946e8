"""Keys a form answers itself, before the window's shortcuts see them.

The window has single-key shortcuts (Space begins, digits rate, U marks an
urge). While a form has focus, typing must reach its fields instead: a form
claims printable keys, Return and Enter (and whatever else it names) through
Qt's ShortcutOverride, so a shortcut never fires for them. Keys with Ctrl,
Alt or Meta stay commands of their own (Ctrl+Q still quits).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_command(event: QKeyEvent) -> bool:
    return bool(event.modifiers() & COMMAND_MODIFIERS)


def claims(event: QKeyEvent, also: Iterable[Qt.Key] = ()) -> bool:
    """Whether a form answers `event` itself: printable keys, Return, Enter, `also`."""
    if is_command(event):
        return False
    if event.key() in (*ENTER_KEYS, *also):
        return True
    text = event.text()
    return bool(text) and text.isprintable()


def take_from_shortcuts(event: QEvent, also: Iterable[Qt.Key] = ()) -> bool:
    """For a form's `event()`: accept the shortcut override of a key it claims
    (True: handled), so the key comes to the form as a key press."""
    if (
        event.type() == QEvent.Type.ShortcutOverride
        and isinstance(event, QKeyEvent)
        and claims(event, also)
    ):
        event.accept()
        return True
    return False
