"""A breathing dialog in the manner of Mindfulness at the Computer.

A dialog repaints at 25 fps and draws a plain filled circle that grows while
breathing in and shrinks while breathing out (5 s each, 6 breaths a minute),
with a short line of text under it. No sound, no gradient. It has the app's
default size, so it covers as many pixels as the app and the naive orb; the
bench finds it by its title. Argument: seconds to stay up before quitting on
its own (the bench usually ends it sooner).
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QDialog

TITLE = "rls-bench-breathing-dialog"
FRAMES_PER_SECOND = 25
HALF_BREATH_SECONDS = 5.0


class BreathingDialog(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self._start = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.update)
        self._timer.start(1000 // FRAMES_PER_SECOND)

    def paintEvent(self, event: QPaintEvent) -> None:
        seconds = time.monotonic() - self._start
        into = (seconds % (2 * HALF_BREATH_SECONDS)) / HALF_BREATH_SECONDS
        breathing_in = into < 1.0
        grown = into if breathing_in else 2.0 - into
        centre = QPointF(self.width() / 2.0, self.height() / 2.0 - 30.0)
        radius = 40.0 + 160.0 * grown
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(40, 40, 48))
        painter.setPen(QPen(QColor(230, 230, 240), 2.0))
        painter.setBrush(QColor(120, 150, 200))
        painter.drawEllipse(centre, radius, radius)
        painter.setPen(QColor(230, 230, 240))
        label = "Breathing in" if breathing_in else "Breathing out"
        text_box = QRectF(0.0, self.height() - 80.0, float(self.width()), 40.0)
        painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()


def main(argv: list[str]) -> int:
    lifetime = float(argv[1]) if len(argv) > 1 else 120.0
    app = QApplication(argv[:1])
    dialog = BreathingDialog()
    dialog.setWindowTitle(TITLE)
    dialog.resize(1000, 700)
    dialog.show()
    QTimer.singleShot(int(lifetime * 1000), app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
