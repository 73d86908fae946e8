"""What happened to the person's files is said above every page, the welcome
included, and stays until dismissed."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rls_companion.context import open_context
from rls_companion.storage.db import open_database
from rls_companion.ui.shell.main_window import MainWindow


def test_a_damaged_history_is_said_on_the_welcome_page_until_dismissed(
    qtbot: QtBot, data_dir: Path, clock: FakeClock
) -> None:
    path = data_dir / "history.sqlite3"
    db = open_database(path).connection
    for i in range(30):
        db.execute(
            "INSERT INTO sessions (id, started_utc, started_offset, kind, planned_seconds, state)"
            " VALUES (?, '2026-11-19T03:15:00.000', -300, 'bedtime', 1200, 'completed')",
            (f"s{i}",),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path.write_bytes(path.read_bytes()[:8192])  # cut short

    context = open_context()
    context.settings.set("audio.backend", "none")
    try:
        context.db  # noqa: B018 - opening finds the damage
        window = MainWindow(context, clock, show_welcome=True)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.pages.currentWidget() is window.welcome_view
        assert window.notice_bar.isVisible()
        text = window.notice_bar.text.text()
        assert text.startswith(
            "The history file was damaged. It was kept as history.sqlite3.corrupt-"
        )
        assert str(data_dir) in text
        # Still there on Tonight; gone once dismissed.
        window.show_page(window.start_view)
        assert window.notice_bar.isVisible()
        qtbot.mouseClick(window.notice_bar.dismiss, Qt.MouseButton.LeftButton)
        assert not window.notice_bar.isVisible()
    finally:
        context.close()
