"""The morning check-in in the real window, filled with keys alone.

The clock stands at 07:30 on Wednesday 2 December 2026 in New York, so the
night just over (rollover 06:00) is Tuesday 1 December. The computer's own
zone is New York too (-05:00 in December), the zone the form's times are
read in. Every key goes to the widget that has the keyboard focus, as a
person's keys would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from fakes import FakeClock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rls_companion.context import Context
from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.storage.diary import get_diary, list_diary, save_diary
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.shell.tray import Tray

EST = timezone(timedelta(hours=-5))
LAST_NIGHT = date(2026, 12, 1)

pytestmark = pytest.mark.usefixtures("new_york_computer")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 2, 7, 30, tzinfo=EST))


def at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=EST)


def kept(night: date, **changes: object) -> DiaryEntry:
    """An entry as if saved before, with times unlike the plain defaults."""
    fields: dict[str, object] = {
        "night": night,
        "in_bed_at": at(night, 23, 0),
        "tried_to_sleep_at": at(night, 23, 20),
        "minutes_to_sleep": 35,
        "awakenings": 3,
        "minutes_awake": 40,
        "final_waking_at": at(night + timedelta(days=1), 6, 10),
        "out_of_bed_at": at(night + timedelta(days=1), 6, 50),
        "quality": 2,
        "legs_disturbed": LegsDisturbed.A_LOT,
        "note": "restless",
    }
    fields.update(changes)
    return DiaryEntry(**fields)  # type: ignore[arg-type]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_in(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClick(focused(), key)


def fill(qtbot: QtBot, *values: str) -> None:
    """Type each value into a field, then Tab to the next one."""
    for value in values:
        if value:
            type_in(qtbot, value)
        press(qtbot, Qt.Key.Key_Tab)


def test_filled_with_keys_alone_and_kept(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    assert window.show_checkin()
    view = window.checkin_view
    assert window.pages.currentWidget() is view
    assert not window.nav.isVisible()  # a calm page of its own, like the welcome
    assert view.night_label.text() == "Night of Tuesday 1 December"
    assert focused() is view.in_bed

    # Times typed over the selected defaults, numbers into the boxes, then
    # quality 4 and "a little" by digit, a note, and Enter from the note.
    fill(qtbot, "23:10", "23:25", "30", "2", "25", "06:40", "07:05", "4", "2")
    type_in(qtbot, "slept on and off")
    press(qtbot, Qt.Key.Key_Return)

    entry = get_diary(context.db, LAST_NIGHT)
    assert entry is not None
    assert entry.in_bed_at.isoformat() == "2026-12-01T23:10:00-05:00"
    assert entry.tried_to_sleep_at.isoformat() == "2026-12-01T23:25:00-05:00"
    assert entry.final_waking_at.isoformat() == "2026-12-02T06:40:00-05:00"
    assert entry.out_of_bed_at.isoformat() == "2026-12-02T07:05:00-05:00"
    assert (entry.minutes_to_sleep, entry.awakenings, entry.minutes_awake) == (30, 2, 25)
    assert entry.quality == 4
    assert entry.legs_disturbed is LegsDisturbed.A_LITTLE
    assert entry.note == "slept on and off"
    # By hand: 23:25 to 06:40 is 7 h 15 min = 435 min; less 30 and 25 = 380 min
    # asleep. In bed 23:10 to 07:05 = 7 h 55 min = 475 min; 380 / 475 = 80 %.
    assert entry.total_sleep_minutes == 380
    assert entry.time_in_bed_minutes == 475
    assert entry.sleep_efficiency == pytest.approx(80.0)

    # Back where the person was, with a quiet line saying it was kept.
    assert window.pages.currentWidget() is window.start_view
    assert window.nav.isVisible()
    assert window.confirmation.isVisible()
    assert window.confirmation.text() == "Check-in saved for the night of Tuesday 1 December."


def test_arrow_keys_move_the_answers(window: MainWindow, context: Context, qtbot: QtBot) -> None:
    window.show_checkin()
    view = window.checkin_view
    view.quality.setFocus()
    # From fair (3): Right, Right gives very good (5), a third Right stays there.
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Right)
    assert view.quality.readout is not None
    assert view.quality.readout.text() == "Very good"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is view.legs
    # The chosen answer of the row with the focus wears the ring; no other does.
    marked = [
        button.text()
        for row in (view.quality, view.legs)
        for button in row.buttons
        if button.property("focusmark")
    ]
    assert marked == ["None"]
    # From none: Right to "a little", Right to "a lot", Left back to "a little".
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left):
        press(qtbot, key)
    press(qtbot, Qt.Key.Key_Enter)  # the keypad's Enter saves too
    entry = get_diary(context.db, LAST_NIGHT)
    assert entry is not None
    assert (entry.quality, entry.legs_disturbed) == (5, LegsDisturbed.A_LITTLE)


def test_a_click_chooses_an_answer(window: MainWindow, qtbot: QtBot) -> None:
    window.show_checkin()
    view = window.checkin_view
    qtbot.mouseClick(view.legs.buttons[2], Qt.MouseButton.LeftButton)
    assert view.legs.value() is LegsDisturbed.A_LOT
    assert focused() is view.legs  # the keys go on from there


def test_an_entry_with_no_changes_keeps_the_plain_defaults(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    window.show_checkin()
    press(qtbot, Qt.Key.Key_Return)
    entry = get_diary(context.db, LAST_NIGHT)
    assert entry is not None
    assert entry.in_bed_at == at(LAST_NIGHT, 22, 30)
    assert entry.tried_to_sleep_at == at(LAST_NIGHT, 22, 45)
    assert entry.final_waking_at == at(date(2026, 12, 2), 6, 45)
    assert entry.out_of_bed_at == at(date(2026, 12, 2), 7, 0)
    assert (entry.minutes_to_sleep, entry.awakenings, entry.minutes_awake) == (20, 1, 15)
    assert (entry.quality, entry.legs_disturbed, entry.note) == (3, LegsDisturbed.NONE, "")


def test_an_inconsistent_entry_is_refused_with_one_line_and_not_kept(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    window.show_checkin()
    view = window.checkin_view
    # The final waking at 21:00 comes before trying to sleep at 22:45.
    fill(qtbot, "", "", "", "", "", "21:00")
    press(qtbot, Qt.Key.Key_Return)
    assert view.error.isVisible()
    assert view.error.text() == (
        "The time of the final waking is not after the time you tried to sleep."
    )
    assert get_diary(context.db, LAST_NIGHT) is None
    assert window.pages.currentWidget() is view
    assert focused() is view.final_waking  # the field named, ready to type over

    # Fixed, but now awake longer than the night: 22:45 to 06:45 is 480 min,
    # less 20 to fall asleep leaves 460; 500 awake leaves none.
    type_in(qtbot, "06:45")
    assert not view.error.isVisible()  # editing clears the old line
    view.minutes_awake.setFocus(Qt.FocusReason.TabFocusReason)
    type_in(qtbot, "500")
    press(qtbot, Qt.Key.Key_Return)
    assert view.error.text() == (
        "The minutes awake in the night leave no time asleep between trying to sleep "
        "and the final waking."
    )
    assert get_diary(context.db, LAST_NIGHT) is None


def test_a_time_that_is_not_hh_mm_is_refused_naming_the_field(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    window.show_checkin()
    view = window.checkin_view
    fill(qtbot, "", "1O:45")  # a letter O for a zero, into "tried to sleep"
    press(qtbot, Qt.Key.Key_Return)
    assert view.error.text() == (
        "The time you tried to sleep must be a time of day as HH:MM, 00:00–23:59."
    )
    assert focused() is view.tried
    assert list_diary(context.db) == []


def test_the_form_starts_from_the_last_entrys_times_and_numbers(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    save_diary(context.db, kept(date(2026, 11, 25), in_bed_at=at(date(2026, 11, 25), 21, 0)))
    save_diary(context.db, kept(date(2026, 11, 28)))
    window.show_checkin()
    view = window.checkin_view
    # The newest entry (28 November), not the older one.
    times = [view.in_bed, view.tried, view.final_waking, view.out_of_bed]
    assert [field.text() for field in times] == ["23:00", "23:20", "06:10", "06:50"]
    numbers = [view.minutes_to_sleep, view.awakenings, view.minutes_awake]
    assert [box.value() for box in numbers] == [35, 3, 40]
    # How the night felt is asked fresh: fair, none, no note.
    assert view.quality.value() == 3
    assert view.legs.value() is LegsDisturbed.NONE
    assert view.note.text() == ""
    press(qtbot, Qt.Key.Key_Return)
    entry = get_diary(context.db, LAST_NIGHT)
    assert entry is not None
    assert entry.in_bed_at == at(LAST_NIGHT, 23, 0)
    assert entry.final_waking_at == at(date(2026, 12, 2), 6, 10)


def test_a_past_night_is_corrected_in_place(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    night = date(2026, 11, 29)
    save_diary(context.db, kept(night))
    save_diary(context.db, kept(date(2026, 11, 30), note="the newer one"))
    window.show_checkin(night)
    view = window.checkin_view
    assert view.night_label.text() == "Night of Sunday 29 November · saved before"
    # The night's own values, feelings included.
    assert view.in_bed.text() == "23:00"
    assert (view.quality.value(), view.legs.value()) == (2, LegsDisturbed.A_LOT)
    assert view.note.text() == "restless"
    view.quality.setFocus(Qt.FocusReason.TabFocusReason)
    type_in(qtbot, "4")
    press(qtbot, Qt.Key.Key_Tab)
    type_in(qtbot, "1")  # legs: none
    press(qtbot, Qt.Key.Key_Return)
    entry = get_diary(context.db, night)
    assert entry is not None
    assert (entry.quality, entry.legs_disturbed, entry.note) == (4, LegsDisturbed.NONE, "restless")
    assert entry.in_bed_at == at(night, 23, 0)
    assert [kept_entry.night for kept_entry in list_diary(context.db)] == [
        night,
        date(2026, 11, 30),
    ]
    assert window.confirmation.text() == "Check-in saved for the night of Sunday 29 November."


def test_the_night_chooser_reaches_past_nights_but_not_future_ones(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    save_diary(context.db, kept(date(2026, 11, 30), note="kept"))
    window.show_checkin(date(2026, 12, 5))  # not over yet: the last night instead
    view = window.checkin_view
    assert view.night == LAST_NIGHT
    view.night_edit.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Up)  # no night after the last one
    assert view.night == LAST_NIGHT
    press(qtbot, Qt.Key.Key_Down)
    assert view.night == date(2026, 11, 30)
    assert view.night_label.text() == "Night of Monday 30 November · saved before"
    assert view.note.text() == "kept"  # that night's entry, to correct


def test_a_night_from_another_year_says_the_year(window: MainWindow) -> None:
    window.show_checkin(date(2025, 12, 31))
    assert window.checkin_view.night_label.text() == "Night of Wednesday 31 December 2025"


def test_escape_leaves_without_saving(window: MainWindow, context: Context, qtbot: QtBot) -> None:
    window.show_page(window.history_view)
    window.show_checkin()
    fill(qtbot, "23:55")
    press(qtbot, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.history_view
    assert list_diary(context.db) == []
    assert window.confirmation.isHidden()


def test_not_now_with_enter_on_the_button_saves_nothing(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    window.show_checkin()
    window.checkin_view.skip_button.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.start_view
    assert list_diary(context.db) == []


def test_saving_goes_back_to_the_page_the_person_was_on(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    window.show_page(window.history_view)
    window.show_checkin()
    press(qtbot, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.history_view
    assert get_diary(context.db, LAST_NIGHT) is not None


def test_window_shortcuts_leave_the_forms_keys_alone(
    window: MainWindow, context: Context, qtbot: QtBot
) -> None:
    window.show_checkin()
    view = window.checkin_view
    view.note.setFocus(Qt.FocusReason.TabFocusReason)
    # Space starts a session on Tonight; u, m, s, n and digits are session keys.
    type_in(qtbot, "sun 5 min, 7 times")
    assert view.note.text() == "sun 5 min, 7 times"
    assert not window.controller.active
    assert window.pages.currentWidget() is view
    press(qtbot, Qt.Key.Key_Return)
    entry = get_diary(context.db, LAST_NIGHT)
    assert entry is not None and entry.note == "sun 5 min, 7 times"


def test_the_check_in_is_offered_once_for_the_night(
    window: MainWindow, context: Context, clock: FakeClock, qtbot: QtBot
) -> None:
    assert window.offer_checkin()
    assert window.pages.currentWidget() is window.checkin_view
    assert window.checkin_view.night == LAST_NIGHT
    assert context.paths.checkin_offered.read_text().strip() == "2026-12-01"
    assert context.paths.checkin_offered.stat().st_mode & 0o077 == 0  # the user's only
    press(qtbot, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.start_view

    # Not again for the same night, not even in a new window (a new start).
    assert not window.offer_checkin()
    again = MainWindow(context, clock)
    qtbot.addWidget(again)
    assert not again.offer_checkin()
    assert again.pages.currentWidget() is again.start_view

    # Skipped nights stay open to fill in by hand.
    assert window.show_checkin(LAST_NIGHT)

    # The next morning, the next night.
    clock.sleep_wall(24 * 3600)
    assert window.offer_checkin()
    assert window.checkin_view.night == date(2026, 12, 2)


def test_a_night_already_kept_is_not_offered(
    window: MainWindow, context: Context, clock: FakeClock
) -> None:
    save_diary(context.db, kept(LAST_NIGHT))
    assert not window.offer_checkin()
    assert window.pages.currentWidget() is window.start_view


def test_before_the_rollover_the_night_before_is_offered(context: Context, qtbot: QtBot) -> None:
    # 05:00 on 2 December: the night of 1 December is not over yet.
    early = FakeClock(datetime(2026, 12, 2, 5, 0, tzinfo=EST))
    win = MainWindow(context, early)
    qtbot.addWidget(win)
    assert win.offer_checkin()
    assert win.checkin_view.night == date(2026, 11, 30)


def test_the_first_launch_counts_last_night_as_offered(
    window: MainWindow, context: Context
) -> None:
    window.note_checkin_offered()
    assert context.paths.checkin_offered.read_text().strip() == "2026-12-01"
    assert not window.offer_checkin()


def test_no_check_in_over_a_running_session(window: MainWindow, context: Context) -> None:
    window.start_session(minutes=5)
    assert window.controller.active
    assert not window.show_checkin()
    assert not window.offer_checkin()
    assert window.pages.currentWidget() is window.session_view
    # Still due once the session is over: nothing was recorded as offered.
    assert not context.paths.checkin_offered.exists()


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    window.show_checkin()
    view = window.checkin_view
    controls = [
        *view.fields.values(),
        view.save_button,
        view.skip_button,
    ]
    names = [control.accessibleName() for control in controls]
    assert all(names), names
    assert len(set(names)) == len(names)
    assert view.quality.accessibleName() == ("Sleep quality: fair. Arrow keys or 1 to 5 change it.")


def test_the_tray_menu_offers_the_check_in(
    window: MainWindow, context: Context, clock: FakeClock, qtbot: QtBot
) -> None:
    tray = Tray(window, context.settings, clock, busy=lambda: False)
    assert tray.checkin_action.text() == "Morning check-in…"
    with qtbot.waitSignal(tray.checkin_requested, timeout=1000):
        tray.checkin_action.trigger()
    tray.hide()


def test_the_page_follows_the_theme(window: MainWindow, context: Context) -> None:
    window.show_checkin()
    view = window.checkin_view
    night_sheet = view.legs.styleSheet()
    context.settings.set("appearance.theme", "light")
    window.apply_theme()
    light_sheet = view.legs.styleSheet()
    assert "#a8703f" in night_sheet  # the night theme's accent
    assert "#9c6337" in light_sheet and "#a8703f" not in light_sheet  # the light theme's
