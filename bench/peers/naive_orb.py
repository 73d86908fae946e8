"""A naive breathing orb: what a plain PySide6 program would do.

A 60 fps QTimer asks for a repaint of the whole window every frame, and each
frame clears the window and fills a radial-gradient orb through QPainter
(antialiased), growing and shrinking at 6 breaths a minute. No sound. The
window has the app's default size. It is the peer the app's CPU and wake-ups
are compared with; the bench finds it by its title. Argument: seconds to stay
up before quitting on its own (the bench usually ends it sooner).
"""

from __future__ import annotations

import math
import sys
import time

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QRadialGradient
from PySide6.QtWidgets import QApplication, QWidget

TITLE = "rls-bench-naive-orb"
FRAMES_PER_SECOND = 60
BREATHS_PER_MINUTE = 6.0


class Orb(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self._start = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.update)
        self._timer.start(1000 // FRAMES_PER_SECOND)

    def paintEvent(self, event: QPaintEvent) -> None:
        seconds = time.monotonic() - self._start
        breath = 0.5 - 0.5 * math.cos(2.0 * math.pi * seconds * BREATHS_PER_MINUTE / 60.0)
        centre = QPointF(self.width() / 2.0, self.height() / 2.0)
        radius = min(self.width(), self.height()) * (0.18 + 0.14 * breath)
        gradient = QRadialGradient(centre, radius)
        gradient.setColorAt(0.0, QColor(176, 196, 255))
        gradient.setColorAt(0.6, QColor(96, 116, 210, 170))
        gradient.setColorAt(1.0, QColor(96, 116, 210, 0))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(12, 16, 28))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawEllipse(centre, radius, radius)
        painter.end()


def main(argv: list[str]) -> int:
    lifetime = float(argv[1]) if len(argv) > 1 else 120.0
    app = QApplication(argv[:1])
    orb = Orb()
    orb.setWindowTitle(TITLE)
    orb.resize(1000, 700)
    orb.show()
    QTimer.singleShot(int(lifetime * 1000), app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
