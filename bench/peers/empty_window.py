"""An empty PySide6 window: the floor for start-up, CPU, wake-ups and memory.

It has the app's default size, so it puts as many pixels on screen as the app,
and paints nothing of its own. Arguments: the launch time on the monotonic
clock (printed back as milliseconds to the first paint, to split the start-up
figure into the window's own part and the outside detection delay) and how
many seconds to stay up after the first paint before quitting on its own (the
bench usually ends it sooner).
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

TITLE = "rls-bench-empty-window"


class Empty(QWidget):
    def __init__(self, launched: float, lifetime_ms: int) -> None:
        super().__init__()
        self._launched = launched
        self._lifetime_ms = lifetime_ms
        self._painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._painted:
            self._painted = True
            print(f"{(time.monotonic() - self._launched) * 1000.0:.1f}", flush=True)
            QTimer.singleShot(self._lifetime_ms, QApplication.quit)


def main(argv: list[str]) -> int:
    launched = float(argv[1]) if len(argv) > 1 else time.monotonic()
    lifetime = float(argv[2]) if len(argv) > 2 else 10.0
    app = QApplication(argv[:1])
    window = Empty(launched, int(lifetime * 1000))
    window.setWindowTitle(TITLE)
    window.resize(1000, 700)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
