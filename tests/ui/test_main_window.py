from __future__ import annotations

from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rls_companion.core.records import SessionState
from rls_companion.core.session import RunState
from rls_companion.storage import sessions
from rls_companion.ui.main_window import MainWindow


def test_space_starts_pauses_and_escape_stops(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    assert window.pages.currentWidget() is window.start_view
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.session_view
    run = window.controller.run
    assert run is not None and run.state is RunState.RUNNING
    clock.advance(30)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert run.state is RunState.PAUSED
    clock.advance(100)  # paused time does not count
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert run.state is RunState.RUNNING
    clock.advance(12)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert run.state is RunState.STOPPED
    [record] = sessions.list_sessions(window.context.db)
    assert record.state is SessionState.STOPPED
    assert record.practice_seconds == 42.0
    assert record.planned_seconds == 20 * 60


def test_escape_works_after_clicking_a_button(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    qtbot.mouseClick(window.start_view.start_button, Qt.MouseButton.LeftButton)
    clock.advance(5)
    qtbot.mouseClick(window.session_view.pause_button, Qt.MouseButton.LeftButton)
    run = window.controller.run
    assert run is not None and run.state is RunState.PAUSED
    qtbot.keyClick(window.session_view.pause_button, Qt.Key.Key_Escape)
    assert run.state is RunState.STOPPED


def test_f11_toggles_full_screen(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.isFullScreen()


def test_session_completes_and_is_saved(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=5)
    clock.advance(5 * 60 + 1)
    with qtbot.waitSignal(window.controller.ended, timeout=3000) as ended:
        pass
    assert ended.args == ["completed"]
    [record] = sessions.list_sessions(window.context.db)
    assert record.state is SessionState.COMPLETED
    assert record.practice_seconds == 300.0
    assert window.session_view.end_title.text() == "Rest well"
