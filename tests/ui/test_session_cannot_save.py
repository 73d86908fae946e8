"""The window says once that a session cannot be saved for now, and again when it is."""

from __future__ import annotations

import sqlite3

from fakes import FakeClock
from pytestqt.qtbot import QtBot

from rls_companion.core.records import SessionState
from rls_companion.storage import sessions
from rls_companion.storage.db import Problem
from rls_companion.ui.session.controller import CANNOT_SAVE, SAVED_AGAIN
from rls_companion.ui.shell.main_window import MainWindow


def test_a_busy_history_is_said_once_and_the_session_saved_after(
    window: MainWindow, clock: FakeClock, qtbot: QtBot
) -> None:
    notices: list[str] = []
    window.controller.notice.connect(notices.append)
    other = sqlite3.connect(window.context.paths.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    window.start_session(minutes=5)
    clock.advance(30)
    window.controller.stop()
    assert notices == [CANNOT_SAVE[Problem.BUSY]]
    assert window.controller.recorder.waiting == 2  # the session and its end
    other.execute("ROLLBACK")
    other.close()

    assert window.controller.flush_saves() is True
    assert notices[-1] == SAVED_AGAIN
    [saved] = sessions.list_sessions(window.context.db)
    assert saved.state is SessionState.STOPPED
    assert round(saved.practice_seconds) == 30
