"""A quiet line that says the check-in was kept, then goes.

It floats near the bottom of the window over whatever page the person went
back to, so nothing on that page moves; it asks for nothing and takes no
focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from rls_companion.ui.theme import Theme

SHOWN_MS = 5000
BOTTOM_MARGIN = 60  # above the fine print some pages keep at their foot


def confirmation_style(t: Theme) -> str:
    return (
        f"QLabel {{ background: {t.raised}; color: {t.text}; border: 1px solid {t.faint};"
        " border-radius: 14px; padding: 8px 20px; font-size: 13px; }"
    )


class Confirmation(QLabel):
    """Shown by `say` over the bottom of `parent`, for a few seconds."""

    def __init__(self, parent: QWidget, theme: Theme) -> None:
        super().__init__("", parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_theme(theme)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SHOWN_MS)
        self.timer.timeout.connect(self.hide)
        parent.installEventFilter(self)

    def set_theme(self, theme: Theme) -> None:
        self.setStyleSheet(confirmation_style(theme))

    def say(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self._place()
        self.show()
        self.raise_()
        self.timer.start()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        width = min(self.sizeHint().width(), max(parent.width() - 32, 0))
        self.resize(width, self.sizeHint().height())
        self.move((parent.width() - width) // 2, parent.height() - self.height() - BOTTOM_MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False
