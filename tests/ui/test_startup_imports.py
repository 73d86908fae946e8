"""Start-up loads only what the first screen needs.

numpy (sound synthesis), QtMultimedia and QtTextToSpeech (a session's sound
and voice) and QtCharts (History) each cost tens of milliseconds and several
megabytes; they are loaded when first used, never when the window opens.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "PySide6.QtCharts", "PySide6.QtMultimedia", "PySide6.QtTextToSpeech")

OPEN_THE_WINDOW = """
import json, sys
from PySide6.QtWidgets import QApplication
from rls_companion.context import open_context
from rls_companion.core.clock import SystemClock
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.shell.tray import Tray
app = QApplication([])
context = open_context()
window = MainWindow(context, SystemClock())
tray = Tray(window, context.settings, window.clock, busy=lambda: False)
window.show()
for _ in range(3):
    app.processEvents()
loaded = [name for name in json.loads(sys.argv[1]) if name in sys.modules]
window.show_page(window.session_view)
window.start_session(minutes=5)
app.processEvents()
print(json.dumps({"at start-up": loaded, "in a session": "numpy" in sys.modules}))
window.controller.interrupt()
window.close()
context.close()
"""


def test_heavy_modules_wait_until_they_are_needed() -> None:
    out = subprocess.run(
        [sys.executable, "-c", OPEN_THE_WINDOW, json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "at start-up": [],
        "in a session": True,  # the check above would notice numpy if it were there
    }


# PySide6 replaces Python's import with a hook that reads the source of every
# module imported after it (for its opt-in `__feature__` imports), and
# linecache keeps every line. The app puts the plain import back.
READ_BY_THE_HOOK = """
import builtins, json, linecache, sys
plain = builtins.__import__
if sys.argv[1] == "app":
    from rls_companion import app
    app._load_pyside()
else:
    import PySide6
import rls_companion.ui.shell.main_window
print(json.dumps({
    "plain import": builtins.__import__ is plain,
    "sources read": [f for f in linecache.cache if "rls_companion" in f],
}))
"""


def _read_by_the_hook(how: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", READ_BY_THE_HOOK, how], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_the_app_imports_its_modules_without_pysides_import_hook() -> None:
    assert _read_by_the_hook("app") == {"plain import": True, "sources read": []}
    # Imported plainly, PySide6 has the window's modules read into memory.
    plainly = _read_by_the_hook("plain")
    assert plainly["plain import"] is False
    assert isinstance(plainly["sources read"], list) and len(plainly["sources read"]) > 20


# The session's page (the orb, its controllers, sound and speech) is built
# once the window has painted its first picture, so Tonight shows sooner.
SESSION_AFTER_FIRST_PAINT = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from rls_companion.context import open_context
from rls_companion.core.clock import SystemClock
from rls_companion.ui.shell.main_window import MainWindow
SESSION = "rls_companion.ui.session.view"
app = QApplication([])
context = open_context()
window = MainWindow(context, SystemClock())
seen = {"built with the window": SESSION in sys.modules, "pages": [window.pages.count()]}
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "at first paint" not in seen:
            seen["at first paint"] = SESSION in sys.modules
        return False
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
check = QTimer(interval=5)
check.timeout.connect(lambda: SESSION in sys.modules and app.quit())
check.start()
QTimer.singleShot(10000, app.quit)  # in case it is never built
app.exec()
seen["pages"].append(window.pages.count())
seen["after"] = SESSION in sys.modules
seen["session page"] = window.pages.indexOf(window.session_view)
seen["pages"].append(window.pages.count())
window.close()
context.close()
print(json.dumps(seen))
"""


def test_the_session_page_is_built_after_the_first_paint() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SESSION_AFTER_FIRST_PAINT],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "built with the window": False,
        "at first paint": False,
        "after": True,
        # Tonight alone, then the session's page beside it, built once.
        "pages": [1, 2, 2],
        "session page": 1,
    }
