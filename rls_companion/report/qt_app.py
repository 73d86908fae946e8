"""A Qt application for painting a report where there may be no display.

Painting text needs a QGuiApplication (it owns the fonts). The window has
one already; the command line makes one on the `offscreen` platform, which
needs no display, and shuts it down again afterwards so the process exits
cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication


@contextmanager
def painting_application() -> Iterator[None]:
    """Run the body with a QGuiApplication, making one only when none exists."""
    if QCoreApplication.instance() is not None:
        yield
        return
    app = QGuiApplication(["rls-companion", "-platform", "offscreen"])
    try:
        yield
    finally:
        app.shutdown()
