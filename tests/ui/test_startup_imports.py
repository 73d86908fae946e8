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
