"""Starting the window.

The QApplication and every Qt object are built inside `run()` and torn down
before it returns, so interpreter shutdown never meets a live Qt object.
SIGTERM and SIGINT (logout, `kill`, Ctrl+C) reach the event loop through a
socket pair; a running session is saved as interrupted and the app exits 0.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys

from rls_companion.context import Context
from rls_companion.core.clock import SystemClock
from rls_companion.core.session import Kind
from rls_companion.storage.db import DatabaseError

log = logging.getLogger(__name__)

QUIET_QT_CATEGORIES = "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg=false"


def _quiet_qt_logging() -> None:
    # Qt Multimedia reports at start-up which optional libraries it did not
    # find (PipeWire, FFmpeg's version); none of it concerns the user.
    rules = os.environ.get("QT_LOGGING_RULES", "")
    os.environ["QT_LOGGING_RULES"] = ";".join(filter(None, [rules, *QUIET_QT_CATEGORIES.split()]))


def _route_qt_messages() -> None:
    """Qt's own messages go to the log file, not the terminal."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    qt_log = logging.getLogger("qt")

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def run(context: Context, start_minutes: float | None = None, start: bool = False) -> int:
    _quiet_qt_logging()
    _route_qt_messages()
    from PySide6.QtCore import QSocketNotifier, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from rls_companion.ui.main_window import MainWindow
    from rls_companion.ui.session_controller import FADE_OUT_MS

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("rls-companion")
    app.setApplicationDisplayName("RLS Companion")
    app.setDesktopFileName("rls-companion")

    try:
        context.db  # noqa: B018 - open (and check) the history before building the window
    except DatabaseError as error:
        from PySide6.QtWidgets import QMessageBox

        log.error("%s", error)
        QMessageBox.critical(None, "RLS Companion", str(error))
        raise
    window = MainWindow(context, SystemClock())
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    caught: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, _frame: caught.append(signum))
        for sig in (signal.SIGTERM, signal.SIGINT)
    }
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def on_signal() -> None:
        with contextlib.suppress(BlockingIOError):
            reader.recv(64)
        if caught:
            log.info("signal %s: saving and closing", caught[-1])
            window.controller.interrupt()
            QTimer.singleShot(FADE_OUT_MS, app.quit)

    notifier.activated.connect(on_signal)
    window.show()
    if start:
        window.start_session(Kind.BEDTIME, start_minutes)
    try:
        code = app.exec()
    finally:
        window.controller.interrupt()
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reader.close()
        writer.close()
        window.close()
        window.deleteLater()
        app.processEvents()
        context.close()
    return code
