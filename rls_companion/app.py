"""Starting the window.

The QApplication and every Qt object are built inside `run()` and torn down
before it returns, so interpreter shutdown never meets a live Qt object.
SIGTERM and SIGINT (logout, `kill`, Ctrl+C) reach the event loop through a
socket pair; a running session is saved as interrupted and the app exits 0.

Only one instance runs per data folder: a second launch hands its request
(show the window, or start tonight's session) to the first and exits 0 before
it opens the history or builds a window. The tray icon keeps the app alive
after the window is closed only while it has a bedtime reminder to give.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rls_companion.context import Context
from rls_companion.core.clock import SystemClock
from rls_companion.core.session import Kind
from rls_companion.paths import write_private
from rls_companion.resources import APP_ID
from rls_companion.storage.db import DatabaseError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from rls_companion.single_instance import Handover, InstanceServer, Request

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

    recent: deque[str] = deque(maxlen=3)

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)
        if kind is QtMsgType.QtFatalMsg:
            # Qt is about to abort (no display, say): the person at the
            # terminal must see why, and the warnings before it say why.
            for line in [*recent, message]:
                print(f"rls-companion: {line}", file=sys.stderr, flush=True)
        elif kind is QtMsgType.QtWarningMsg:
            recent.append(message)

    qInstallMessageHandler(handler)


def run(context: Context, start_minutes: float | None = None, start: bool = False) -> int:
    _quiet_qt_logging()
    _route_qt_messages()
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from rls_companion import single_instance
    from rls_companion.ui.widgets.app_icon import app_icon

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("rls-companion")
    app.setApplicationDisplayName("RLS Companion")
    # The launcher's file name: desktops match windows to it (and to its icon).
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())

    # Before the history is opened or a window built: a second launch only
    # hands its request to the running instance and leaves.
    request = single_instance.Request(
        start=start,
        minutes=start_minutes,
        activation_token=os.environ.get("XDG_ACTIVATION_TOKEN", ""),
    )
    name = single_instance.server_name(context.paths.data_dir)
    claimed = single_instance.claim(name, request, app)
    if claimed.server is None:
        return _handed_over(claimed.handover)
    try:
        return _run_window(app, context, claimed.server, start_minutes, start)
    finally:
        claimed.server.close()  # removes the socket, also when opening the window failed


def _handed_over(outcome: Handover) -> int:
    from rls_companion.single_instance import Handover

    if outcome is Handover.DONE:
        log.info("RLS Companion is already running; handed over to it")
        return 0
    message = (
        "RLS Companion is already running with this data folder but did not answer"
        if outcome is Handover.NO_ANSWER
        else "RLS Companion is already running with this data folder and refused the request"
    )
    log.error("%s", message)
    print(f"rls-companion: {message}", file=sys.stderr)
    return 1


def _run_window(
    app: QApplication,
    context: Context,
    server: InstanceServer,
    start_minutes: float | None,
    start: bool,
) -> int:
    from PySide6.QtCore import QSocketNotifier, QTimer

    from rls_companion.ui.session.controller import FADE_OUT_MS
    from rls_companion.ui.shell.main_window import MainWindow
    from rls_companion.ui.shell.tray import Tray

    try:
        context.db  # noqa: B018 - open (and check) the history before building the window
    except DatabaseError as error:
        from PySide6.QtWidgets import QMessageBox

        log.error("%s", error)
        QMessageBox.critical(None, "RLS Companion", str(error))
        raise
    marker = context.paths.welcomed_marker
    show_welcome = not start and not marker.exists()
    if show_welcome:
        write_private(marker, b"")
    window = MainWindow(context, SystemClock(), show_welcome=show_welcome)
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
            sounding = window.controller.active
            window.controller.interrupt()
            # Only a session's sound needs the time to fade out.
            QTimer.singleShot(FADE_OUT_MS if sounding else 0, app.quit)

    notifier.activated.connect(on_signal)

    def start_tonight(minutes: float | None = None) -> None:
        bring_forward(window)
        if not window.controller.active:
            window.start_session(Kind.BEDTIME, minutes)

    def on_request(request: Request) -> None:
        with _activation_token(request.activation_token):
            if request.start:
                start_tonight(request.minutes)
            else:
                bring_forward(window)

    server.received.connect(on_request)

    tray = Tray(window, context.settings, window.clock, busy=lambda: window.controller.active)
    tray.start_requested.connect(start_tonight)
    tray.show_requested.connect(lambda: bring_forward(window))
    window.setting_changed.connect(tray.setting_changed)

    # Closing the window quits, as it always has, unless the tray is keeping a
    # bedtime reminder; "Quit" (Ctrl+Q or the tray menu) always quits.
    app.setQuitOnLastWindowClosed(False)
    quitting: list[bool] = []

    def quit_app() -> None:
        quitting.append(True)
        if window.isVisible():
            window.close()  # saves a running session and fades out first
        else:
            app.quit()

    def decide_after_close() -> None:
        if window.isVisible():
            return
        if quitting or not tray.keeps_app_running():
            app.quit()
        else:
            log.info("window closed; staying in the tray for the bedtime reminder")
            tray.note_still_running()

    def last_window_closed() -> None:
        # Decided a moment later: Ctrl+Q closes the window before it says "quit".
        QTimer.singleShot(0, app, decide_after_close)

    window.quit.activated.connect(lambda: quitting.append(True))
    tray.quit_requested.connect(quit_app)
    app.lastWindowClosed.connect(last_window_closed)

    window.show()
    if start:
        window.start_session(Kind.BEDTIME, start_minutes)
    try:
        code = app.exec()
    finally:
        # No more requests from later launches, and no tray, while closing down.
        server.close()
        server.received.disconnect(on_request)
        app.lastWindowClosed.disconnect(last_window_closed)
        tray.hide()
        window.controller.interrupt()
        window.guide.close()
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
    from rls_companion.audio.speech import stuck_engines

    if stuck_engines():
        # A speech engine that never answered holds a thread Qt cannot stop.
        # Everything is saved and closed: the process ends without waiting.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def bring_forward(window: QWidget) -> None:
    """Show the window, raised and active, whether it was hidden, minimized or behind."""
    from PySide6.QtCore import Qt

    window.setWindowState(
        (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
    )
    window.show()
    window.raise_()
    window.activateWindow()


@contextlib.contextmanager
def _activation_token(token: str) -> Iterator[None]:
    """Lend the launcher's activation token to Qt while the window is raised.

    On Wayland only a token from the launch lets a window take the focus; Qt
    reads it from the environment. It is single-use, so it is removed again.
    """
    if not token:
        yield
        return
    os.environ["XDG_ACTIVATION_TOKEN"] = token
    try:
        yield
    finally:
        os.environ.pop("XDG_ACTIVATION_TOKEN", None)
