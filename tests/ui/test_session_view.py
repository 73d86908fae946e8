"""The session view repaints only while something on screen changes."""

from __future__ import annotations

from collections.abc import Callable

from fakes import FakeClock
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rls_companion.core.breathing import Phase
from rls_companion.ui.session.orb import Frame, orb_geometry
from rls_companion.ui.session.view import covers
from rls_companion.ui.shell.main_window import MainWindow


def _next_wake_ms(window: MainWindow) -> int | None:
    timer = window.session_view._wake_timer
    return timer.interval() if timer.isActive() else None


def test_frames_run_while_the_orb_moves_and_stop_during_a_hold(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("breathing.pattern", "box")  # 2.5 s phases at 6/min
    window.start_session(minutes=10)
    clock.advance(11.0)  # second breath, 1 s into the inhale
    window.session_view.canvas.repaint()
    moving = _next_wake_ms(window)
    assert moving is not None and moving <= 66  # the orb moves a step within two frames
    clock.advance(2.0)  # 0.5 s into the hold after the inhale
    window.session_view.canvas.repaint()
    plan, run = window.controller.plan, window.controller.run
    assert plan is not None and run is not None
    assert plan.state_at(run.practice_seconds()).phase is Phase.HOLD_IN
    # The orb is still; the next visible change is the progress line moving
    # a step (at 13.51 s: 13.51/600 of a 1000 px line is 22.5 px, a 3 px step),
    # so the view sleeps 16 frames instead of painting 16.
    assert window.session_view.canvas.width() == 1000
    assert _next_wake_ms(window) == 16 * 33


def test_no_repaints_while_paused(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=10)
    clock.advance(5.0)
    window.controller.toggle_pause()
    QApplication.processEvents()  # the repaint that shows "Paused"
    assert _next_wake_ms(window) is None
    painted = window.session_view.canvas.frames_painted
    qtbot.wait(300)  # a running session would paint about 9 frames here
    assert window.session_view.canvas.frames_painted == painted


def test_no_repaints_while_minimized(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=10)
    clock.advance(5.0)
    window.session_view.canvas.repaint()
    assert _next_wake_ms(window) is not None
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    window.session_view.canvas.repaint()
    assert _next_wake_ms(window) is None
    window.showNormal()
    qtbot.waitUntil(lambda: _next_wake_ms(window) is not None)


def test_no_output_device_runs_silently_and_says_so_once(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("audio.backend", "auto")
    with qtbot.waitSignal(
        window.controller.notice, timeout=2000, check_params_cb=lambda m: "silently" in m
    ) as notice:
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


def orb_square_on_screen(window: MainWindow) -> Callable[[], QImage]:
    """What the screen shows of the square the orb can reach: there nothing
    else changes between repaints (elsewhere the progress line may lag by its
    3 px step)."""
    canvas = window.session_view.canvas
    frame = window.session_view.current_frame()
    assert frame is not None
    orb = orb_geometry(QRectF(canvas.rect()), frame)
    square = orb.change_from(orb.r_max, ring=True).toAlignedRect()
    square.moveTopLeft(canvas.mapTo(window, square.topLeft()))
    return lambda: window.screen().grabWindow(window.winId()).toImage().copy(square)


def test_orb_steps_repaint_only_around_the_orb_and_leave_no_trace(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    """Frame by frame through whole breaths, what is on screen after the orb's
    small repaints is exactly what a full repaint of the same moment shows."""
    window.start_session(minutes=10)
    view = window.session_view
    canvas = view.canvas
    canvas.repaint()
    partial: list[int] = []  # areas of the repaints that were not the whole canvas
    record = view.after_paint

    def noting(frame: Frame, region: QRegion) -> None:
        if not covers(region, canvas.rect()):
            partial.append(region.boundingRect().width() * region.boundingRect().height())
        record(frame, region)

    view.after_paint = noting  # type: ignore[method-assign]

    on_screen = orb_square_on_screen(window)
    compared = 0
    for step in range(1, 61):  # 30 s in steps of a late frame: three breaths
        clock.advance(0.5)
        view._request_frame()
        QApplication.processEvents()
        if step % 5 == 0:
            shown = on_screen()
            canvas.repaint()  # the same moment, painted whole
            assert on_screen() == shown, f"after {step / 2:.1f} s"
            compared += 1
    assert compared == 12
    assert len(partial) >= 15  # a third of the steps repainted only around the orb
    whole = canvas.width() * canvas.height()
    assert max(partial) < whole / 2  # and never more than the orb's square
    assert min(partial) < 0.6 * max(partial)  # a small orb repaints a smaller square


def test_after_a_small_expose_the_next_orb_step_still_clears_a_larger_orb(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=10)
    view = window.session_view
    canvas = view.canvas
    on_screen = orb_square_on_screen(window)
    clock.advance(4.0)  # the top of the first inhale: the largest orb
    canvas.repaint()
    largest = view._painted_radius
    clock.advance(5.0)  # well into the exhale: a much smaller orb
    canvas.repaint(QRect(0, 0, 40, 40))  # the window system exposes a corner only
    assert view._painted_radius == largest  # the large orb still shows around it
    clock.advance(0.1)
    view._request_frame()
    QApplication.processEvents()
    assert view._painted_radius < 0.8 * largest
    shown = on_screen()
    canvas.repaint()
    assert on_screen() == shown
