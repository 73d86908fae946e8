from __future__ import annotations

from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rls_companion.core.records import SessionState
from rls_companion.core.session import Kind, RunState
from rls_companion.storage import sessions
from rls_companion.ui.session.controller import SessionEnd
from rls_companion.ui.shell.main_window import MainWindow


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
    assert ended.args == [SessionEnd(SessionState.COMPLETED, Kind.BEDTIME, 300.0)]
    assert ended.args[0].state is SessionState.COMPLETED
    [record] = sessions.list_sessions(window.context.db)
    assert record.state is SessionState.COMPLETED
    assert record.practice_seconds == 300.0
    assert window.session_view.end_title.text() == "Rest well"


def test_broken_settings_file_still_starts_and_says_so(qtbot: QtBot, data_dir, clock) -> None:
    from rls_companion.context import open_context

    data_dir.mkdir(parents=True, exist_ok=True)
    broken = b'{"session": {"length_minutes": 999}, "breathing": {"pattern": "box"'
    (data_dir / "settings.json").write_bytes(broken)
    context = open_context()
    try:
        win = MainWindow(context, clock)
        qtbot.addWidget(win)
        win.show()
        assert win.notice_bar.isVisible()
        assert "reset to their defaults" in win.notice_bar.text.text()
        assert context.settings.get("session.length_minutes") == 20
        [backup] = data_dir.glob("settings.json.bad-*")
        assert backup.read_bytes() == broken
        assert "20 minutes" in win.start_view.summary.text()
    finally:
        context.close()


def test_history_page_lists_saved_sessions(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=5)
    clock.advance(125)
    window.controller.stop()
    window.show_page(window.history_view)
    assert window.history_view.list.count() == 1
    text = window.history_view.list.item(0).text()
    assert "2 min" in text and "stopped early" in text and "Fri 20 Nov 2026, 22:15" in text
    assert not window.history_view.empty.isVisible()
