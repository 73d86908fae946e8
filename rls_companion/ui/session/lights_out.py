"""Lights-out: the whole window black while the session's sound goes on.

For a session listened to in the dark: no orb, no words, no glow. A single dim
line says for a few seconds how to bring the picture back, then nothing is
drawn at all. Any key or a move of the mouse brings the picture back; that key
does nothing else, so a fumbled key in the dark never pauses or stops the session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

HINT = "Lights out. Any key or a move of the mouse brings the picture back."
HINT_MS = 3000
# A dim warm grey, the same on every theme: the screen is black whatever the theme.
HINT_COLOR = QColor(138, 118, 100, 120)
# A pointer that drifts less than this (a desk knocked, a window shown under
# it) is not taken as a wish to see the picture.
MOVE_PX = 3


class LightsOut(QWidget):
    """A black cover over the whole window, there only while the lights are out."""

    restored = Signal()  # a key or the mouse brought the picture back

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Lights out")
        self.hint_timer = QTimer(self)
        self.hint_timer.setSingleShot(True)
        self.hint_timer.setInterval(HINT_MS)
        self.hint_timer.timeout.connect(self.end_hint)
        self.hint_showing = False
        self.paints = 0
        self._anchor = QPoint()
        self._focus_before: QWidget | None = None
        self.hide()

    @property
    def active(self) -> bool:
        return not self.isHidden()

    def cover(self) -> None:
        """Turn the lights out: black, with the hint for a few seconds."""
        if self.active:
            return
        window = self._window
        self.setGeometry(window.rect())
        self._anchor = QCursor.pos()
        self._focus_before = QApplication.focusWidget()
        self.hint_showing = True
        self.hint_timer.start()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        window.installEventFilter(self)

    def uncover(self) -> None:
        """Bring the picture back."""
        if not self.active:
            return
        self._window.removeEventFilter(self)
        self.hint_timer.stop()
        self.hint_showing = False
        self.hide()
        before = self._focus_before
        self._focus_before = None
        if before is not None and before.isVisible():
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        self.restored.emit()

    def end_hint(self) -> None:
        """The hint has been read: from now on the cover is plain black."""
        if self.hint_showing:
            self.hint_showing = False
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        painter.fillRect(event.rect(), Qt.GlobalColor.black)
        if self.hint_showing:
            font = QFont(painter.font())
            font.setPixelSize(15)
            painter.setFont(font)
            painter.setPen(HINT_COLOR)
            line = QRectF(self.rect()).adjusted(24, 0, -24, 0)
            painter.drawText(line, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, HINT)
        painter.end()

    # Keys reach the window (from this cover, which holds the focus, or sent to
    # the window itself); the pointer reaches this cover, which lies over all.
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.setGeometry(self._window.rect())
            return False
        return self._handle(event)

    def event(self, event: QEvent) -> bool:
        return self._handle(event) or super().event(event)

    def _handle(self, event: QEvent) -> bool:
        """Whether `event` was taken: every key and pointer event while dark is."""
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut fires: the key only brings the picture back
            return True
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if not event.isAutoRepeat():  # a held key that turned the lights out
                self.uncover()
            return True
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            moved = event.globalPosition().toPoint() - self._anchor
            if moved.manhattanLength() >= MOVE_PX:
                self.uncover()
            return True
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self.uncover()
            return True
        return kind in (
            QEvent.Type.KeyRelease,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
        )
