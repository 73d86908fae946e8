"""Driving the urge timer with the keyboard inside a running session."""

from __future__ import annotations

from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rls_companion.storage import sessions
from rls_companion.ui.shell.main_window import MainWindow


def test_keyboard_urges_are_recorded_with_outcomes_and_seconds(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Space)  # start tonight's session
    clock.advance(30)
    view = window.session_view

    qtbot.keyClick(window, Qt.Key.Key_U)
    assert window.urges.active and view.urge_controls.isVisible()
    assert view.urge_lines()[-1] == "If it hurts or cramps, move."
    assert view.urge_lines()[1] == "0 s  ·  towards 15 s"
    qtbot.keyClick(window, Qt.Key.Key_6)
    assert view.urge_controls.rating.value() == 6
    clock.advance(8.4)
    qtbot.keyClick(window, Qt.Key.Key_M)  # before the 15 s target
    assert not window.urges.active
    assert view.urge_lines() == (
        "You sat with it for 8 seconds and chose to move. That is always fine.",
        "If it hurts or cramps, move.",
    )
    assert not view.urge_controls.isVisible() and view.pause_button.isVisible()

    clock.advance(20)
    qtbot.keyClick(window, Qt.Key.Key_U)
    clock.advance(15.6)  # past the target; the heartbeat notices
    with qtbot.waitSignal(window.urges.ended, timeout=2000) as ended:
        pass
    assert ended.args == ["held", 15.0]
    assert view.urge_lines()[0] == "You stayed with it for 15 seconds. Move whenever you like."
    clock.advance(6.1)
    assert view.urge_lines() == ()

    [record] = sessions.list_sessions(window.context.db)
    first, second = record.urges
    assert (first.outcome, first.held_seconds, first.intensity, first.target_seconds) == (
        "moved",
        8.4,
        6,
        15,
    )
    assert (second.outcome, second.held_seconds, second.intensity) == ("held", 15.0, None)
    assert (second.at - first.at).total_seconds() == 8.4 + 20


def test_an_urge_is_saved_the_moment_it_starts(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=5)
    clock.advance(10)
    window.urges.mark()
    [record] = sessions.list_sessions(window.context.db)
    assert [(u.outcome, u.held_seconds) for u in record.urges] == [("moved", 0.0)]
    clock.advance(6)
    window.controller._save_checkpoint()  # a checkpoint keeps the seconds so far
    [record] = sessions.list_sessions(window.context.db)
    assert record.urges[0].held_seconds == 6.0


def test_stopping_the_session_mid_urge_keeps_the_episode(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=5)
    clock.advance(10)
    window.urges.mark()
    clock.advance(4)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    [record] = sessions.list_sessions(window.context.db)
    assert [(u.outcome, u.held_seconds) for u in record.urges] == [("moved", 4.0)]


def test_the_urge_timer_can_be_switched_off(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("urge.enabled", False)
    window.start_session(minutes=5)
    qtbot.keyClick(window, Qt.Key.Key_U)
    assert not window.urges.active
    [record] = sessions.list_sessions(window.context.db)
    assert record.urges == ()


def test_urge_keys_do_nothing_outside_a_session(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_U)
    assert not window.urges.active
    assert sessions.list_sessions(window.context.db) == []
