"""The session view repaints only while something on screen changes."""

from __future__ import annotations

from fakes import FakeClock
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rls_companion.core.breathing import Phase
from rls_companion.ui.main_window import MainWindow


def _frame_timer_active(window: MainWindow) -> bool:
    return window.session_view._frame_timer.isActive()


def test_frames_run_while_the_orb_moves_and_stop_during_a_hold(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("breathing.pattern", "box")  # 2.5 s phases at 6/min
    window.start_session(minutes=10)
    clock.advance(11.0)  # second breath, 1 s into the inhale
    window.session_view.canvas.repaint()
    assert _frame_timer_active(window)
    clock.advance(2.0)  # 0.5 s into the hold after the inhale
    window.session_view.canvas.repaint()
    plan, run = window.controller.plan, window.controller.run
    assert plan is not None and run is not None
    assert plan.state_at(run.practice_seconds()).phase is Phase.HOLD_IN
    assert not _frame_timer_active(window)
    wake = window.session_view._wake_timer
    assert wake.isActive()
    # The countdown shows "2" now; it wakes when it becomes "1", 1 s on.
    assert 990 <= wake.remainingTime() <= 1010


def test_no_repaints_while_paused(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=10)
    clock.advance(5.0)
    window.controller.toggle_pause()
    QApplication.processEvents()  # the repaint that shows "Paused"
    assert not _frame_timer_active(window)
    assert not window.session_view._wake_timer.isActive()
    painted = window.session_view.canvas.frames_painted
    qtbot.wait(300)  # a running session would paint about 9 frames here
    assert window.session_view.canvas.frames_painted == painted


def test_no_repaints_while_minimized(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=10)
    clock.advance(5.0)
    window.session_view.canvas.repaint()
    assert _frame_timer_active(window)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    window.session_view.canvas.repaint()
    assert not _frame_timer_active(window)
    window.showNormal()
    qtbot.waitUntil(lambda: _frame_timer_active(window))


def test_no_output_device_runs_silently_and_says_so_once(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("audio.backend", "auto")
    with qtbot.waitSignal(window.controller.notice, timeout=2000) as notice:
        window.start_session(minutes=5)
    assert "silently" in notice.args[0]
    assert window.session_view.notice_label.isVisible()
    clock.advance(30)
    run = window.controller.run
    assert run is not None and run.practice_seconds() == 30.0


def test_fade_reaches_dark_at_the_end(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=5)
    view = window.session_view
    clock.advance(60)
    frame = view.current_frame()
    assert frame is not None and frame.fade == 1.0
    clock.advance(5 * 60 - 60 - 0.01)
    frame = view.current_frame()
    assert frame is not None and frame.fade < 0.001
    assert frame.stage_title == "Wind down"
