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
    from collections.abc import Callable
    from types import FrameType
    from typing import Any

    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QApplication, QWidget

    from rls_companion.single_instance import Claim, Handover, InstanceServer, Request
    from rls_companion.ui.shell.main_window import MainWindow
    from rls_companion.ui.shell.tray import Tray

    SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

log = logging.getLogger(__name__)

QUIET_QT_CATEGORIES = "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg=false"


def _load_pyside() -> None:
    """Import PySide6 and give Python its plain `import` back.

    Importing PySide6 replaces `builtins.__import__` with a hook for its
    opt-in `from __feature__ import ...` (snake_case and true_property),
    which this app does not use. The hook reads the whole source of every
    module imported after it, and `linecache` keeps every line: about 9 MiB
    of memory for the app's modules, and 20-30 ms of start-up (measured).
    """
    import builtins

    plain = builtins.__import__
    import PySide6  # noqa: F401 - installs the hook

    builtins.__import__ = plain


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


def _report_crashes() -> None:
    """A crash in native code (Qt, a sound library) prints the stack of every
    Python thread to stderr, so that a report of it says where it happened."""
    import faulthandler

    with contextlib.suppress(AttributeError, OSError, RuntimeError, ValueError):
        faulthandler.enable()  # fails only without a usable stderr


def run(context: Context, start_minutes: float | None = None, start: bool = False) -> int:
    _report_crashes()
    _load_pyside()
    _quiet_qt_logging()
    _route_qt_messages()
    return Application(context, start_minutes=start_minutes, start=start).run()


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


class Application:
    """The app from its start to its exit code: the QApplication, the claim on
    the data folder, the window and its tray, and the ways out.

    Start-up, in `run`:

    1. the QApplication, named for the desktop and given the app's icon;
    2. the claim on the data folder: a second launch hands its request to the
       running instance and returns 0 (1 if it was not taken), before the
       history is opened or a window built;
    3. the history, opened and checked (a broken one is shown, then raised);
    4. the window, with the welcome on the very first launch;
    5. SIGTERM and SIGINT, routed to the event loop through a socket pair;
    6. requests from later launches, the tray, and what "Quit" does;
    7. the window shown, and tonight's session started if asked for; otherwise
       the morning check-in, when last night's is due (never on the very
       first launch, which counts last night as offered).

    The event loop ends on "Quit" (Ctrl+Q or the tray's menu), on closing the
    window while the tray keeps no bedtime reminder, and on SIGTERM or SIGINT;
    a running session is saved first and its sound fades out.

    Shutdown, in `_close_down`: the server stops answering later launches and
    removes its socket, the tray is hidden, a session still running is saved
    as interrupted, SIGTERM and SIGINT get their previous handlers back, the
    window is closed and deleted, and the history is closed. Then, if a speech
    engine never answered, the process ends at once with the loop's exit code
    rather than wait for the engine's thread.
    """

    qt_app: QApplication
    server: InstanceServer
    window: MainWindow
    tray: Tray
    _wakeup_reader: socket.socket
    _wakeup_writer: socket.socket
    _previous_wakeup_fd: int
    _previous_handlers: dict[signal.Signals, SignalHandler]
    _notifier: QSocketNotifier

    def __init__(
        self, context: Context, start_minutes: float | None = None, start: bool = False
    ) -> None:
        self.context = context
        self.start_minutes = start_minutes
        self.start = start
        self._caught_signal: int | None = None  # the last SIGTERM or SIGINT
        self._quitting = False  # "Quit" was chosen: closing the window must not stay in the tray
        self._first_launch = False  # the welcome shows: nothing to check in about yet

    def run(self) -> int:
        """Start up, run the event loop and close down; the exit code."""
        self.qt_app = self._create_qt_app()
        claimed = self._claim_data_folder()
        if claimed.server is None:
            return _handed_over(claimed.handover)
        self.server = claimed.server
        try:
            return self._run_window()
        finally:
            self.server.close()  # removes the socket, also when opening the window failed
            if claimed.lock is not None:
                claimed.lock.release()

    # -- start-up ------------------------------------------------------------------------------

    def _create_qt_app(self) -> QApplication:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication

        from rls_companion.ui.widgets.app_icon import app_icon

        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        qt_app = QApplication(sys.argv[:1])
        qt_app.setApplicationName("rls-companion")
        qt_app.setApplicationDisplayName("RLS Companion")
        # The launcher's file name: desktops match windows to it (and to its icon).
        qt_app.setDesktopFileName(APP_ID)
        qt_app.setWindowIcon(app_icon())
        return qt_app

    def _claim_data_folder(self) -> Claim:
        """Become the instance for this data folder, or hand this launch's request over."""
        from rls_companion import single_instance

        request = single_instance.Request(
            start=self.start,
            minutes=self.start_minutes,
            activation_token=os.environ.get("XDG_ACTIVATION_TOKEN", ""),
        )
        name = single_instance.server_name(self.context.paths.data_dir)
        return single_instance.claim(
            name, request, self.qt_app, lock_file=self.context.paths.instance_lock
        )

    def _run_window(self) -> int:
        self._open_history()
        self.window = self._create_window()
        self._route_signals()
        self.server.received.connect(self._on_request)
        self.tray = self._create_tray()
        self._connect_quit()
        self.window.show()
        if self.start:
            self.window.start_session(Kind.BEDTIME, self.start_minutes)
        elif self._first_launch:
            self.window.note_checkin_offered()
        else:
            self.window.offer_checkin()
        try:
            code = self.qt_app.exec()
        finally:
            self._close_down()
        self._exit_if_speech_stalled(code)
        return code

    def _open_history(self) -> None:
        """Open (and check) the history before building the window."""
        try:
            self.context.db  # noqa: B018 - opening it is the check
        except DatabaseError as error:
            from PySide6.QtWidgets import QMessageBox

            log.error("%s", error)
            QMessageBox.critical(None, "RLS Companion", str(error))
            raise
        self._back_up_today()

    def _back_up_today(self) -> None:
        """Today's copy of the history, if it has none yet (see `storage.backups`).
        A copy that cannot be made (a full disk) is logged; the app goes on."""
        import sqlite3
        from datetime import date

        from rls_companion.storage import backups

        try:
            made = backups.make_daily(self.context.db, self.context.paths.database, date.today())
        except (OSError, sqlite3.Error) as error:
            log.warning("could not make today's backup of the history: %s", error)
            return
        if made is not None:
            log.info("backed up the history to %s", made)

    def _create_window(self) -> MainWindow:
        from rls_companion.ui.shell.main_window import MainWindow

        marker = self.context.paths.welcomed_marker
        show_welcome = not self.start and not marker.exists()
        if show_welcome:
            write_private(marker, b"")
        self._first_launch = show_welcome
        return MainWindow(self.context, SystemClock(), show_welcome=show_welcome)

    def _route_signals(self) -> None:
        """SIGTERM and SIGINT wake the event loop through a socket pair: Python's
        handler only notes the signal, `_on_signal` acts on it."""
        from PySide6.QtCore import QSocketNotifier

        self._wakeup_reader, self._wakeup_writer = socket.socketpair()
        self._wakeup_reader.setblocking(False)
        self._wakeup_writer.setblocking(False)
        self._previous_wakeup_fd = signal.set_wakeup_fd(self._wakeup_writer.fileno())
        self._previous_handlers = {
            sig: signal.signal(sig, self._note_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        self._notifier = QSocketNotifier(
            self._wakeup_reader.fileno(), QSocketNotifier.Type.Read, self.window
        )
        self._notifier.activated.connect(self._on_signal)

    def _create_tray(self) -> Tray:
        from rls_companion.ui.shell.tray import Tray

        tray = Tray(self.window, self.context.settings, self.window.clock, busy=self._in_session)
        tray.start_requested.connect(self._start_tonight)
        tray.show_requested.connect(self._show_window)
        tray.checkin_requested.connect(self._show_checkin)
        self.window.setting_changed.connect(tray.setting_changed)
        return tray

    def _connect_quit(self) -> None:
        # Closing the window quits, as it always has, unless the tray is keeping a
        # bedtime reminder; "Quit" (Ctrl+Q or the tray menu) always quits.
        self.qt_app.setQuitOnLastWindowClosed(False)
        self.window.quit.activated.connect(self._note_quit)
        self.tray.quit_requested.connect(self._quit)
        self.qt_app.lastWindowClosed.connect(self._on_last_window_closed)

    # -- while running -------------------------------------------------------------------------

    def _in_session(self) -> bool:
        return self.window.session_active

    def _show_window(self) -> None:
        bring_forward(self.window)

    def _show_checkin(self) -> None:
        """Bring the window forward on last night's check-in (not during a session)."""
        self._show_window()
        self.window.show_checkin()

    def _start_tonight(self, minutes: float | None = None) -> None:
        """Bring the window forward and start tonight's session, unless one is running."""
        self._show_window()
        if not self._in_session():
            self.window.start_session(Kind.BEDTIME, minutes)

    def _on_request(self, request: Request) -> None:
        """A later launch's request, handed over through the single-instance server."""
        with _activation_token(request.activation_token):
            if request.start:
                self._start_tonight(request.minutes)
            else:
                self._show_window()

    def _note_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._caught_signal = signum

    def _on_signal(self) -> None:
        with contextlib.suppress(BlockingIOError):
            self._wakeup_reader.recv(64)
        if self._caught_signal is not None:
            log.info("signal %s: saving and closing", self._caught_signal)
            self._save_fade_out_and_quit()

    def _save_fade_out_and_quit(self) -> None:
        """Save a running session as interrupted, then quit once its sound has faded."""
        from PySide6.QtCore import QTimer

        from rls_companion.ui.session.controller import FADE_OUT_MS

        sounding = self._in_session()
        if sounding:
            self.window.controller.interrupt()
        # Only a session's sound needs the time to fade out.
        QTimer.singleShot(FADE_OUT_MS if sounding else 0, self.qt_app, self.qt_app.quit)

    def _note_quit(self) -> None:
        self._quitting = True

    def _quit(self) -> None:
        """Quit from the tray's menu: close the window first if it is open."""
        self._note_quit()
        if self.window.isVisible():
            self.window.close()  # saves a running session and fades out first
        else:
            self.qt_app.quit()

    def _on_last_window_closed(self) -> None:
        from PySide6.QtCore import QTimer

        # Decided a moment later: Ctrl+Q closes the window before it says "quit".
        QTimer.singleShot(0, self.qt_app, self._quit_or_stay_in_tray)

    def _quit_or_stay_in_tray(self) -> None:
        if self.window.isVisible():
            return
        if self._quitting or not self.tray.keeps_app_running():
            self.qt_app.quit()
        else:
            log.info("window closed; staying in the tray for the bedtime reminder")
            self.tray.note_still_running()

    # -- shutdown ------------------------------------------------------------------------------

    def _close_down(self) -> None:
        # No more requests from later launches, and no tray, while closing down.
        self.server.close()
        self.server.received.disconnect(self._on_request)
        self.qt_app.lastWindowClosed.disconnect(self._on_last_window_closed)
        self.tray.hide()
        self.window.close_down()
        self._restore_signals()
        self.window.close()
        self.window.deleteLater()
        self.qt_app.processEvents()
        self.context.close()

    def _restore_signals(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_wakeup_fd)
        for sig, handler in self._previous_handlers.items():
            signal.signal(sig, handler)
        self._wakeup_reader.close()
        self._wakeup_writer.close()

    @staticmethod
    def _exit_if_speech_stalled(code: int) -> None:
        from rls_companion.audio.speech import stuck_engines

        if stuck_engines():
            # A speech engine that never answered holds a thread Qt cannot stop.
            # Everything is saved and closed: the process ends without waiting.
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


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
