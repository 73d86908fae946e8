"""The evening log form, driven with keys only, and the pages that host it.

Every expected log is written out by hand from the keys pressed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from rls_companion.core.evening import EveningLog, Place
from rls_companion.core.session import Kind
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.widgets.evening_log import EveningLogForm

NIGHT = date(2026, 11, 20)
EASTERN = timezone(timedelta(hours=-5))
ALT = Qt.KeyboardModifier.AltModifier
LABELS = (
    "caffeine_after_noon",
    "alcohol",
    "nicotine",
    "sedating_antihistamine_or_sleep_aid",
    "long_sit",
    "late_hard_exercise",
    "missed_usual_medicine",
    "short_sleep",
    "Late dinner",
)


MakeForm = Callable[..., EveningLogForm]


@pytest.fixture
def make_form(qtbot: QtBot) -> Iterator[MakeForm]:
    """Forms for the night of NIGHT on a page of fixed size, as a window
    would hold them (the offscreen platform warns when a top-level widget's
    minimum size follows its layout)."""
    pages: list[QWidget] = []

    def make(log: EveningLog | None = None, rating: int | None = None) -> EveningLogForm:
        page = QWidget()
        page.setFixedSize(760, 640)
        qtbot.addWidget(page)
        pages.append(page)
        form = EveningLogForm(page)
        QVBoxLayout(page).addWidget(form)
        form.load(NIGHT, log, LABELS, rating, EASTERN)
        page.show()
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow, timeout=2000)  # keys and focus need it
        return form

    yield make


def saved_by(qtbot: QtBot, form: EveningLogForm, widget: object) -> EveningLog:
    """Press Return on `widget` and hand back the log the form emitted."""
    with qtbot.waitSignal(form.saved, timeout=1000) as saved:
        qtbot.keyClick(widget, Qt.Key.Key_Return)  # type: ignore[arg-type]
    log = saved.args[0]
    assert isinstance(log, EveningLog)
    return log


def test_each_trigger_has_its_key_on_its_line(qtbot: QtBot, make_form: MakeForm) -> None:
    form = make_form()
    texts = [box.text() for box in form.trigger_boxes]
    assert texts[0] == "1   Caffeine after noon"
    assert texts[3] == "4   A sedating antihistamine or sleep aid"
    assert texts[7] == "8   Short sleep the night before"
    assert texts[8] == "9   Late dinner"  # the person's own label, next key
    assert [box.isChecked() for box in form.trigger_boxes] == [False] * 9


def test_one_key_marks_a_trigger_and_a_second_press_unmarks_it(
    qtbot: QtBot, make_form: MakeForm
) -> None:
    form = make_form()
    first = form.trigger_boxes[0]
    first.setFocus()
    for key in (Qt.Key.Key_3, Qt.Key.Key_9, Qt.Key.Key_5, Qt.Key.Key_5, Qt.Key.Key_2):
        qtbot.keyClick(first, key)
    # 3 Nicotine, 9 Late dinner, 5 twice (on, off), 2 Alcohol.
    assert form.chosen_triggers() == ("alcohol", "nicotine", "Late dinner")
    qtbot.keyClick(first, Qt.Key.Key_0)  # no line has the key 0 yet: nothing changes
    assert form.chosen_triggers() == ("alcohol", "nicotine", "Late dinner")
    log = saved_by(qtbot, form, first)
    # Kept sorted by the check: capitals before small letters.
    assert log == EveningLog(night=NIGHT, triggers=("Late dinner", "alcohol", "nicotine"))


def test_space_marks_the_focused_line(qtbot: QtBot, make_form: MakeForm) -> None:
    form = make_form()
    form.trigger_boxes[5].setFocus()
    qtbot.keyClick(form.trigger_boxes[5], Qt.Key.Key_Space)
    assert form.chosen_triggers() == ("late_hard_exercise",)


def test_an_own_label_is_added_trimmed_marked_and_given_the_next_key(
    qtbot: QtBot, make_form: MakeForm
) -> None:
    form = make_form()
    form.add_line.setFocus()
    qtbot.keyClicks(form.add_line, "  Stretching skipped ")
    qtbot.keyClick(form.add_line, Qt.Key.Key_Return)
    assert form.labels[-1] == "Stretching skipped"
    assert form.trigger_boxes[-1].text() == "0   Stretching skipped"
    assert form.trigger_boxes[-1].isChecked()
    assert form.add_line.text() == ""
    # The same words again, or a default's words in other letters: no second line,
    # the one there is marked.
    qtbot.keyClicks(form.add_line, "stretching SKIPPED")
    qtbot.keyClick(form.add_line, Qt.Key.Key_Return)
    qtbot.keyClicks(form.add_line, "alcohol")
    qtbot.keyClick(form.add_line, Qt.Key.Key_Return)
    assert len(form.labels) == 10
    # Return in the add line adds; it does not save.
    assert form.chosen_triggers() == ("alcohol", "Stretching skipped")
    # A label is at most 40 characters: the line takes no more.
    qtbot.keyClicks(form.add_line, "x" * 45)
    assert len(form.add_line.text()) == 40
    # The new line's key works like the others.
    form.trigger_boxes[0].setFocus()
    qtbot.keyClick(form.trigger_boxes[0], Qt.Key.Key_0)
    log = saved_by(qtbot, form, form.trigger_boxes[0])
    assert log.triggers == ("alcohol",)


def test_places_by_their_keys_and_none_today_sets_them_aside(
    qtbot: QtBot, make_form: MakeForm
) -> None:
    form = make_form()
    form.started.setFocus()
    qtbot.keyClicks(form.started, "20:30")
    qtbot.keyClick(form, Qt.Key.Key_L, ALT)
    qtbot.keyClick(form, Qt.Key.Key_E, ALT)
    # A mnemonic clicks its box after a short animation.
    qtbot.waitUntil(lambda: form.places[Place.ELSEWHERE].isChecked(), timeout=1000)
    log = saved_by(qtbot, form, form.started)
    assert log.symptom_places == frozenset({Place.LEGS, Place.ELSEWHERE})
    assert log.symptoms_started_at == datetime(2026, 11, 20, 20, 30, tzinfo=EASTERN)
    assert not log.none_today

    qtbot.keyClick(form, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(form.none_today.isChecked, timeout=1000)
    assert not form.started.isEnabled()
    assert not form.places[Place.LEGS].isEnabled()
    log = saved_by(qtbot, form, form.none_today)
    assert log == EveningLog(night=NIGHT, none_today=True)


def test_a_refused_time_is_said_in_one_line_and_nothing_is_saved(
    qtbot: QtBot, make_form: MakeForm
) -> None:
    form = make_form()
    emitted: list[object] = []
    form.saved.connect(emitted.append)
    form.started.setFocus()
    qtbot.keyClicks(form.started, "25:00")
    qtbot.keyClick(form.started, Qt.Key.Key_Return)
    assert emitted == []
    assert form.error.isVisible()
    assert form.error.text() == (
        "When the sensations started must be a time of day as HH:MM, 00:00–23:59."
    )
    assert form.started.hasFocus()
    # Under the time it names, above the places.
    assert form.started.y() < form.error.y() < form.places[Place.LEGS].y()
    # Correcting it clears the line; 09:15 is that morning, 01:15 the one after.
    form.started.selectAll()
    qtbot.keyClicks(form.started, "09:15")
    assert not form.error.isVisible()
    log = saved_by(qtbot, form, form.started)
    assert log.symptoms_started_at == datetime(2026, 11, 20, 9, 15, tzinfo=EASTERN)
    form.started.selectAll()
    qtbot.keyClicks(form.started, "01:15")
    log = saved_by(qtbot, form, form.started)
    assert log.symptoms_started_at == datetime(2026, 11, 21, 1, 15, tzinfo=EASTERN)


def test_filled_from_a_kept_log_and_saved_back_unchanged(qtbot: QtBot, make_form: MakeForm) -> None:
    kept = EveningLog(
        night=NIGHT,
        symptoms_started_at=datetime(2026, 11, 20, 19, 40, tzinfo=EASTERN),
        symptom_places=frozenset({Place.ARMS}),
        rating=4,
        triggers=("Old label", "long_sit"),  # "Old label" is no longer on offer
        note="Long drive home",
    )
    form = make_form(kept)
    assert form.started.text() == "19:40"
    assert [place for place, box in form.places.items() if box.isChecked()] == [Place.ARMS]
    assert form.labels[-1] == "Old label"
    assert form.trigger_boxes[-1].text() == "0   Old label"
    assert form.note.text() == "Long drive home"
    form.note.setFocus()
    assert saved_by(qtbot, form, form.note) == kept
    # A rating passed in is the one kept with it.
    form.load(NIGHT, kept, LABELS, 7, EASTERN)
    assert saved_by(qtbot, form, form.note).rating == 7


# -- the pages that host it -----------------------------------------------------


def test_tonight_keeps_the_log_closed_until_asked(qtbot: QtBot, window: MainWindow) -> None:
    view = window.start_view
    view.show_evening(NIGHT, None, LABELS, None, EASTERN)
    assert view.evening.toggle.text() == "Evening log (optional)  ▸"
    assert not view.evening.form.isVisible()
    # Digits outside the form still rate, as before.
    qtbot.keyClick(window, Qt.Key.Key_7)
    assert view.rating.value() == 7
    view.evening.toggle.setFocus()
    qtbot.keyClick(view.evening.toggle, Qt.Key.Key_Return)  # opens; no session
    assert view.evening.form.isVisible()
    assert view.evening.toggle.text() == "Evening log (optional)  ▾"
    assert view.evening.form.started.hasFocus()
    assert window.pages.currentWidget() is view


def test_keys_in_the_tonight_form_stay_in_the_form(qtbot: QtBot, window: MainWindow) -> None:
    view = window.start_view
    view.show_evening(NIGHT, None, LABELS, None, EASTERN)
    view.evening.set_expanded(True)
    form = view.evening.form
    # Typing goes to the field: digits do not rate, Space does not begin.
    qtbot.keyClicks(form.started, "21:10")
    form.note.setFocus()
    qtbot.keyClicks(form.note, "a quiet 3 km walk")
    assert form.started.text() == "21:10"
    assert form.note.text() == "a quiet 3 km walk"
    box = form.trigger_boxes[0]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_4)  # marks line 4
    qtbot.keyClick(box, Qt.Key.Key_Space)  # marks the focused line 1
    assert view.rating.value() is None
    assert not window.controller.active
    assert window.pages.currentWidget() is view
    with qtbot.waitSignal(view.evening_saved, timeout=1000) as saved:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert saved.args[0] == EveningLog(
        night=NIGHT,
        symptoms_started_at=datetime(2026, 11, 20, 21, 10, tzinfo=EASTERN),
        triggers=("caffeine_after_noon", "sedating_antihistamine_or_sleep_aid"),
        note="a quiet 3 km walk",
    )
    # Saved: the log closes and says so; the keys are the window's again.
    assert not form.isVisible()
    assert view.evening.toggle.text() == "Evening log · saved  ▸"
    qtbot.keyClick(window, Qt.Key.Key_2)
    assert view.rating.value() == 2


def test_the_tonight_rating_is_kept_with_the_log(qtbot: QtBot, window: MainWindow) -> None:
    view = window.start_view
    view.show_evening(NIGHT, None, LABELS, 3, EASTERN)
    view.evening.set_expanded(True)
    form = view.evening.form
    form.none_today.setFocus()
    qtbot.keyClick(form.none_today, Qt.Key.Key_Space)
    # No rating on the page yet: the one passed in.
    with qtbot.waitSignal(view.evening_saved, timeout=1000) as saved:
        qtbot.keyClick(form.none_today, Qt.Key.Key_Return)
    assert saved.args[0] == EveningLog(night=NIGHT, none_today=True, rating=3)
    view.rating.set_value(8)  # the page's own rating is fresher
    view.evening.set_expanded(True)
    with qtbot.waitSignal(view.evening_saved, timeout=1000) as saved:
        qtbot.keyClick(form.none_today, Qt.Key.Key_Return)
    assert saved.args[0] == EveningLog(night=NIGHT, none_today=True, rating=8)


def test_the_end_card_hosts_the_log_closed(qtbot: QtBot, window: MainWindow) -> None:
    window.start_session(Kind.BREATHING, rating_before=6)
    window.controller.stop()
    view = window.session_view
    assert view.showing_end_card
    view.show_evening(NIGHT, None, LABELS, 6, EASTERN)
    assert view.evening.isVisible()
    assert not view.evening.form.isVisible()
    view.evening.toggle.setFocus()
    qtbot.keyClick(view.evening.toggle, Qt.Key.Key_Space)
    form = view.evening.form
    assert form.isVisible()
    box = form.trigger_boxes[2]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_2)  # line 2, not the after-session rating
    qtbot.keyClick(box, Qt.Key.Key_L, ALT)
    qtbot.waitUntil(form.places[Place.LEGS].isChecked, timeout=1000)
    assert view.after_rating.value() is None
    with qtbot.waitSignal(view.evening_saved, timeout=1000) as saved:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    # The session's rating before is the bedtime rating.
    assert saved.args[0] == EveningLog(
        night=NIGHT, symptom_places=frozenset({Place.LEGS}), rating=6, triggers=("alcohol",)
    )
    assert not form.isVisible()
    # A new session's end card opens with the log closed again.
    view.evening.set_expanded(True)
    window.start_session(Kind.BREATHING)
    window.controller.stop()
    assert view.showing_end_card
    assert not form.isVisible()
