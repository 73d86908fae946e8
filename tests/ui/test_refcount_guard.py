"""Guards against the PySide6 release that leaks references to None.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a
void method; after enough calls None is deallocated and the interpreter
aborts. On Python 3.12+ None is immortal, so the count never moves. This test
fails if the installed PySide6 loses references, so a dependency bump that
reintroduces the hazard is caught here and not at 2 a.m.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QColor, QImage, QPainter

CALLS = 20_000


def _none_refs() -> int:
    return sys.getrefcount(None)


def test_void_method_calls_do_not_lose_none_references(qapp: object) -> None:
    timer = QTimer()
    before = _none_refs()
    for i in range(CALLS):
        timer.setInterval(10 + i % 7)
    after = _none_refs()
    assert after >= before - 100, f"None lost {before - after} references in {CALLS} calls"


def test_painter_calls_do_not_lose_none_references(qapp: object) -> None:
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    color = QColor("#402a1c")
    rect = QRect(0, 0, 8, 8)
    before = _none_refs()
    for _ in range(CALLS):
        painter.fillRect(rect, color)
    after = _none_refs()
    painter.end()
    assert after >= before - 100, f"None lost {before - after} references in {CALLS} calls"
