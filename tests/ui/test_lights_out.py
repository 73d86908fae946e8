"""Lights-out: a black window while the sound and guidance go on."""

from __future__ import annotations

from fakes import FakeClock
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rls_companion.core.session import Kind
from rls_companion.core.settings import spec_for
from rls_companion.ui.session.lights_out import LightsOut
from rls_companion.ui.shell.main_window import MainWindow


class PaintCounter(QObject):
    """Counts the paint events of every widget in the application."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _cover(window: MainWindow) -> LightsOut:
    cover = window.session_view.lights_out_cover
    assert cover is not None
    return cover


def test_the_setting_is_off_unless_chosen() -> None:
    spec = spec_for("appearance.lights_out")
    assert spec.kind is bool and spec.default is False


def test_l_turns_the_lights_out_and_any_key_brings_the_picture_back_and_nothing_else(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=10)
    view = window.session_view
    clock.advance(5.0)
    assert view.lights_out_cover is None or not view.lights_out_cover.active
    qtbot.keyClick(window, Qt.Key.Key_L)
    cover = _cover(window)
    assert cover.active and cover.hint_showing
    assert cover.geometry() == window.rect()  # the whole window, not only the session
    assert not view.canvas.isVisible()
    qtbot.waitUntil(lambda: cover.paints >= 1)
    # Space would pause; while dark it only brings the picture back.
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not cover.active
    snapshot = window.controller.snapshot()
    assert snapshot is not None and snapshot.running
    assert view.canvas.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # now it pauses
    snapshot = window.controller.snapshot()
    assert snapshot is not None and snapshot.paused


def test_the_button_turns_the_lights_out_and_the_mouse_brings_them_back(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=10)
    view = window.session_view
    assert view.lights_button.isVisible()
    qtbot.mouseClick(view.lights_button, Qt.MouseButton.LeftButton)
    cover = _cover(window)
    assert cover.active
    qtbot.mouseMove(cover, QPoint(300, 200))
    qtbot.mouseMove(cover, QPoint(340, 260))
    qtbot.waitUntil(lambda: not cover.active)
    assert view.canvas.isVisible()


def test_nothing_is_painted_in_the_dark_while_the_session_goes_on(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("appearance.lights_out", True)
    window.start_session(minutes=10)
    view = window.session_view
    cover = _cover(window)
    assert cover.active and cover.hint_showing  # started dark, as the setting says
    qtbot.waitUntil(lambda: cover.paints >= 1)
    cover.end_hint()  # the hint's three seconds are up
    qtbot.waitUntil(lambda: cover.paints >= 2)  # black without the line
    assert not cover.hint_showing
    painted = view.canvas.frames_painted
    counter = PaintCounter()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(counter)
    try:
        for _ in range(30):  # 30 s of session, the event loop running between seconds
            clock.advance(1.0)
            qtbot.wait(10)
    finally:
        app.removeEventFilter(counter)
    assert counter.count == 0
    assert view.canvas.frames_painted == painted
    assert not view._wake_timer.isActive()
    run = window.controller.run
    assert run is not None and run.practice_seconds() >= 30.0  # the session went on
    snapshot = window.controller.snapshot()
    assert snapshot is not None and snapshot.running


def test_the_resettle_session_starts_dark_and_the_end_waits_for_a_key(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    assert window.context.settings.get("appearance.lights_out") is False
    window.start_session(Kind.RESETTLE, minutes=5)
    cover = _cover(window)
    assert cover.active
    clock.advance(31.0)
    window.controller.stop()
    assert window.session_view.showing_end_card
    assert cover.active  # the end card waits in the dark
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # brings the picture back, nothing else
    assert not cover.active
    assert window.session_view.end_card.isVisible()
    assert window.pages.currentWidget() is window.session_view


def test_a_bedtime_session_starts_lit_by_default(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=10)
    view = window.session_view
    assert view.lights_out_cover is None or not view.lights_out_cover.active
    assert view.canvas.isVisible()
