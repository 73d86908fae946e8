""" "Listen" in Settings, as heard: the breath tone at the chosen pace, a new
pace taken up at the next breath without a click, and silence once the page
is left.

A child process opens the window in a real X server, turns Listen on at 10
breaths a minute, changes the pace to 8 after 16 s, and leaves the page 20 s
later; the null sink's monitor is recorded throughout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from audio_analysis import (
    CLICK_THRESHOLD,
    Recording,
    click_score,
    dominant_period,
    load_s16le,
    peak_dbfs,
    pitch_track,
    trim_silence,
)
from conftest import Pulse
from helpers import wait_for
from test_session_e2e import FATAL_WORDS, RATE, _record

pytestmark = pytest.mark.e2e

BEFORE_MS = 16_000
AFTER_MS = 20_000
FIRST_BPM, SECOND_BPM = 10.0, 8.0

CHILD = """
import json, sys, time
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from rls_companion.context import open_context
from rls_companion.core.clock import SystemClock
from rls_companion.ui.shell.main_window import MainWindow

before_ms, after_ms = int(sys.argv[1]), int(sys.argv[2])
first, second = float(sys.argv[3]), float(sys.argv[4])
app = QApplication(sys.argv[:1])
context = open_context()
context.settings.set("breathing.breaths_per_minute", first)

def run(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()

window = MainWindow(context, SystemClock())
window.show()
window.show_page(window.settings_view)
run(500)
view = window.settings_view
view.preview.listen_button.click()
began = time.monotonic()
sink = view.preview.listening.sink.name
run(before_ms)
view.editors["breathing.breaths_per_minute"].setValue(second)
switch = view.preview.preview.newest.start - began
run(after_ms)
window.show_page(window.start_view)  # leaving the page stops the sound
left = time.monotonic() - began
stopped = view.preview.listening is None
run(2500)
print(json.dumps({"switch": switch, "left": left, "stopped": stopped, "sink": sink}))
window.close()
context.close()
"""


def test_listen_plays_the_pace_changes_at_a_breath_and_stops_with_the_page(
    tmp_path: Path, app_env: dict[str, str], pulse: Pulse
) -> None:
    recording = tmp_path / "monitor.raw"
    recorder = _record(pulse, recording)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(BEFORE_MS),
                str(AFTER_MS),
                str(FIRST_BPM),
                str(SECOND_BPM),
            ],
            env=app_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        wait_for(lambda: False, timeout=2.5)  # the monitor hands over in bursts
    finally:
        recorder.terminate()
        recorder.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    for word in FATAL_WORDS:
        assert word not in done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["stopped"] is True
    assert seen["sink"] == "qt"  # the default output, as a session uses
    # the change waited for the breath under way: at most one 6 s breath
    assert BEFORE_MS / 1000 <= seen["switch"] <= BEFORE_MS / 1000 + 60 / FIRST_BPM

    rec = load_s16le(recording, RATE)
    sound = trim_silence(rec)
    # Sound from Listen to leaving the page (give or take the output's lead).
    assert seen["left"] - 1.5 <= sound.duration <= seen["left"] + 1.5, sound.duration
    assert -30.0 < peak_dbfs(rec) < -1.0
    assert click_score(rec) < CLICK_THRESHOLD

    def pace(start: float, end: float) -> float:
        part = Recording(sound.samples[int(start * RATE) : int(end * RATE)], RATE)
        pitches, pitch_rate = pitch_track(part, min_hz=120.0, max_hz=400.0)
        return dominant_period(pitches, pitch_rate, 3.0, 12.0)

    before, after = pace(3.0, seen["switch"] - 0.3), pace(seen["switch"] + 0.3, seen["left"] - 0.5)
    print(
        f"listen: switch at {seen['switch']:.2f} s, sound {sound.duration:.2f} s of"
        f" {seen['left']:.2f} s, peak {peak_dbfs(rec):.1f} dBFS, click {click_score(rec):.2f},"
        f" breath {before:.3f} s then {after:.3f} s"
    )
    assert before == pytest.approx(60 / FIRST_BPM, rel=0.03)
    assert after == pytest.approx(60 / SECOND_BPM, rel=0.03)
