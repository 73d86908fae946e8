"""An 8-hour night must not crash: paint the real session view for thousands
of frames, driven faster than real time by a fake clock."""

from __future__ import annotations

import sys

import pytest
from fakes import FakeClock
from pytestqt.qtbot import QtBot

from rls_companion.ui.shell.main_window import MainWindow

FRAMES = 6000


@pytest.mark.soak
def test_session_view_paints_thousands_of_frames(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=60)
    canvas = window.session_view.canvas
    before_none = sys.getrefcount(None)
    start = canvas.frames_painted
    for _ in range(FRAMES):
        clock.advance(1 / 60 * 97)  # about 2.7 simulated hours in all
        canvas.repaint()
    assert canvas.frames_painted - start == FRAMES
    assert sys.getrefcount(None) >= before_none - 100
    run = window.controller.run
    assert run is not None and run.active
