"""The window keeps what the evening log on Tonight and on the end card saves,
and shows each its night's kept log and the person's own labels."""

from __future__ import annotations

from datetime import date

from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rls_companion.core.evening import EveningLog
from rls_companion.storage import diary
from rls_companion.ui.shell.main_window import MainWindow


def test_a_log_saved_on_tonight_is_kept_and_shown_again(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    tonight = window.evenings.tonight()
    # Last night's log had the person's own label: it is offered again tonight.
    diary.save_evening(
        window.context.db,
        EveningLog(
            night=date.fromordinal(tonight.toordinal() - 1),
            none_today=True,
            triggers=("late dinner",),
        ),
    )
    window.show_page(window.start_view)
    form = window.start_view.evening.form
    assert [box.text() for box in form.trigger_boxes][-1] == "9   late dinner"
    window.start_view.evening.set_expanded(True)
    form.none_today.setFocus()
    qtbot.keyClick(form.none_today, Qt.Key.Key_Space)
    box = form.trigger_boxes[0]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_9)
    qtbot.keyClick(box, Qt.Key.Key_2)
    with qtbot.waitSignal(window.evenings.saved, timeout=1000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    kept = diary.get_evening(window.context.db, tonight)
    assert kept == EveningLog(night=tonight, none_today=True, triggers=("alcohol", "late dinner"))

    # Coming back to Tonight shows the kept log, ticked as saved.
    window.show_page(window.history_view)
    window.show_page(window.start_view)
    ticked = [box.isChecked() for box in window.start_view.evening.form.trigger_boxes]
    assert ticked == [False, True, False, False, False, False, False, False, True]


def test_the_rating_before_a_session_becomes_the_evenings_and_the_end_card_shows_it(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    tonight = window.evenings.tonight()
    diary.save_evening(window.context.db, EveningLog(night=tonight, none_today=True))
    window.show_page(window.start_view)
    window.start_view.rating.set_value(6)
    window.start_chosen_session()
    assert diary.get_evening(window.context.db, tonight) == EveningLog(
        night=tonight, none_today=True, rating=6
    )
    clock.advance(60)
    window.controller.stop()
    form = window.session_view.evening.form
    assert form.none_today.isChecked()
    # Saved from the end card, the log keeps the session's rating before.
    window.session_view.evening.set_expanded(True)
    with qtbot.waitSignal(window.evenings.saved, timeout=1000):
        qtbot.keyClick(form.none_today, Qt.Key.Key_Return)
    assert diary.get_evening(window.context.db, tonight) == EveningLog(
        night=tonight, none_today=True, rating=6
    )
