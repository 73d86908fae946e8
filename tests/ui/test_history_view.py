"""The History screen, driven through the main window with a fake clock.

The clock stands at Fri 20 Nov 2026 22:15 (UTC-5), so tonight is Fri 20 Nov.
The small history below is worked out by hand from the rules in PRODUCT.md
(night = local date of start minus 6 h; practised = at least 300 whole
seconds that night; the current streak skips tonight while it is not over):

| night  | sessions (whole seconds) | total | state     |
|--------|--------------------------|-------|-----------|
| Thu 12 | 900                      | 900   | practised |
| Fri 13 | 600                      | 600   | practised |
| Sat 14 | 1200                     | 1200  | practised |
| Sun 15 | 1200, rated - -> 2       | 1200  | practised |
| Mon 16 | 299.4 -> 299             | 299   | partly    |
| Tue 17 | -                        | 0     | none      |
| Wed 18 | 120 + 179.6 -> 180       | 300   | practised |
| Thu 19 | 600 rated 6 -> 3, and Fri 01:30 200 rated 4 -> - | 800 | practised |
| Fri 20 | 100 (tonight)            | 100   | partly    |

Current streak 2 (Thu 19, Wed 18), longest 4 (Thu 12 to Sun 15), 6 nights
practised, 5399 s = 90 min = 1.5 h in all.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fakes import FakeClock
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot

from rls_companion.context import Context
from rls_companion.core.history_summary import NightState
from rls_companion.core.records import (
    Outcome,
    SessionBrief,
    SessionRecord,
    SessionState,
    UrgeRecord,
)
from rls_companion.core.session import Kind
from rls_companion.storage import export, sessions
from rls_companion.ui.history import export as history_export
from rls_companion.ui.history.charts import minutes_top, night_labels
from rls_companion.ui.history.session_list import PAGE
from rls_companion.ui.history.view import HistoryView
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.theme import THEMES

EST = timezone(timedelta(hours=-5))
# The offscreen platform says this whenever a dialog opens; a real screen does not.
OFFSCREEN_DIALOG = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
_ids = itertools.count(1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=EST)


def record(
    start: datetime,
    seconds: float,
    before: int | None = None,
    after: int | None = None,
    urges: tuple[UrgeRecord, ...] = (),
) -> SessionRecord:
    return SessionRecord(
        id=f"00000000-0000-4000-8000-{next(_ids):012d}",
        started_at=start,
        ended_at=start + timedelta(seconds=seconds + 4),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=seconds,
        state=SessionState.COMPLETED if seconds >= 1200 else SessionState.STOPPED,
        pattern="resonance",
        breaths_per_minute=6.0,
        rating_before=before,
        rating_after=after,
        urges=urges,
    )


def hand_worked() -> list[SessionRecord]:
    return [
        record(at(12, 22), 900),
        record(at(13, 22), 600),
        record(at(14, 22), 1200),
        record(at(15, 22), 1200, after=2),
        record(at(16, 21), 299.4),
        record(at(18, 22), 120),
        record(at(18, 22, 30), 179.6),
        record(
            at(19, 23),
            600,
            before=6,
            after=3,
            urges=(
                UrgeRecord(at(19, 23, 5), 15, 17.5, Outcome.HELD, 4),
                UrgeRecord(at(19, 23, 9), 25, 6.25, Outcome.MOVED, None),
            ),
        ),
        record(at(20, 1, 30), 200, before=4),
        record(at(20, 21), 100),
    ]


def store(context: Context, records: list[SessionRecord]) -> None:
    for one in records:
        sessions.insert_session(context.db, one)


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time the history is read (the real read)."""
    reads: list[int] = []
    real = sessions.list_briefs

    def counting(*args: object, **kwargs: object) -> list[SessionBrief]:
        reads.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sessions, "list_briefs", counting)
    return reads


def open_history(window: MainWindow) -> HistoryView:
    window.show_page(window.history_view)
    return window.history_view


def test_empty_history_invites_a_first_session(qtbot: QtBot, window: MainWindow) -> None:
    view = open_history(window)
    assert view.empty.isVisible()
    assert not view.scroller.isVisible() and not view.export_button.isVisible()
    assert view.charts is None  # no empty axes, and QtCharts not even built
    assert view.empty.start_button.text() == "Begin tonight's session"
    qtbot.mouseClick(view.empty.start_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.session_view
    assert window.controller.active


def test_streak_figures_match_the_hand_worked_history(window: MainWindow, context: Context) -> None:
    store(context, hand_worked())
    view = open_history(window)
    header = view.header
    assert not view.empty.isVisible()
    assert (header.current.figure.text(), header.current.caption.text()) == (
        "2",
        "nights in a row",
    )
    assert (header.longest.figure.text(), header.longest.caption.text()) == ("4", "longest run")
    assert header.practised.figure.text() == "6"
    assert header.total.figure.text() == "1.5 h"
    assert header.current.accessibleName() == "2 nights in a row"


def test_hidden_streaks_leave_only_gentle_totals(window: MainWindow, context: Context) -> None:
    context.settings.set("streak.visible", False)
    store(context, hand_worked())
    view = open_history(window)
    assert view.header.current.isHidden() and view.header.longest.isHidden()
    assert view.header.practised.isVisible()
    assert view.header.practised.figure.text() == "6"
    assert view.header.practised.caption.text() == "nights practised"


def test_streak_settings_change_the_figures(window: MainWindow, context: Context) -> None:
    context.settings.set("streak.min_practice_minutes", 10)
    store(context, hand_worked())
    view = open_history(window)
    # Ten minutes: Wed 18 (300 s) is no longer practised, Thu 19 (800 s) still is.
    assert view.header.current.figure.text() == "1"
    assert view.calendar.state_of(date(2026, 11, 18)) is NightState.PARTLY


def test_calendar_shows_the_three_states_and_tonight(window: MainWindow, context: Context) -> None:
    store(context, hand_worked())
    calendar = open_history(window).calendar
    expected = {
        11: NightState.NONE,
        12: NightState.PRACTISED,
        15: NightState.PRACTISED,
        16: NightState.PARTLY,
        17: NightState.NONE,
        18: NightState.PRACTISED,
        19: NightState.PRACTISED,
        20: NightState.PARTLY,
    }
    assert {d: calendar.state_of(date(2026, 11, d)) for d in expected} == expected
    assert calendar.state_of(date(2026, 11, 21)) is None  # tomorrow is not drawn
    assert calendar.tonight == date(2026, 11, 20)
    shown = calendar.shown_nights()
    assert shown[-1].night == date(2026, 11, 20)
    assert shown[0].night <= date(2026, 11, 20) - timedelta(weeks=26) + timedelta(days=7)
    description = calendar.accessibleDescription()
    assert "6 nights practised, 2 with some practice under 5 minutes" in description
    assert "Tonight is not over yet." in description
    tonight = shown[-1]
    assert calendar.tooltip(tonight) == "Tonight · 2 min · under the 5 min of a practised night"


def test_calendar_never_shows_fewer_than_26_weeks(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    window.resize(640, 480)
    calendar = open_history(window).calendar
    qtbot.waitUntil(lambda: calendar.width() < 600)
    assert calendar.grid().weeks == 26
    assert not window.history_view.header.column  # figures in a row above the calendar
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: calendar.width() > 700)
    assert calendar.grid().weeks > 26
    assert calendar.grid().pitch == 21.0  # full-size cells once there is room
    assert window.history_view.header.column  # figures in a column beside it


def test_charts_show_minutes_and_ratings_of_recent_nights(
    window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    charts = open_history(window).charts
    assert charts is not None
    practised = [charts.practised.at(i) for i in range(charts.practised.count())]
    partly = [charts.partly.at(i) for i in range(charts.partly.count())]
    assert len(practised) == len(partly) == 42
    # The last five nights, Mon 16 to Fri 20 (tonight last).
    assert practised[-5:] == [0.0, 0.0, 5.0, pytest.approx(800 / 60), 0.0]
    assert partly[-5:] == [pytest.approx(299 / 60), 0.0, 0.0, 0.0, pytest.approx(100 / 60)]
    assert charts.before.points() == [QPointF(40, 5.0)]
    assert charts.after.points() == [QPointF(36, 2.0), QPointF(40, 3.0)]
    assert charts.ratings_view.isVisible() and not charts.no_ratings.isVisible()
    assert (
        charts.minutes_chart.animationOptions() == charts.minutes_chart.AnimationOption.NoAnimation
    )
    assert charts.minutes_x.categoriesLabels()[-1] == "Tonight"


def test_without_ratings_a_gentle_note_replaces_the_chart(
    window: MainWindow, context: Context
) -> None:
    store(context, [record(at(19, 22), 1200), record(at(18, 22), 900)])
    charts = open_history(window).charts
    assert charts is not None
    assert charts.no_ratings.isVisible() and not charts.ratings_view.isVisible()
    assert "optional" in charts.no_ratings.text()


def test_chart_axes_helpers() -> None:
    assert minutes_top(0, 5) == (10, 3)
    assert minutes_top(29.5, 5) == (30, 4)
    assert minutes_top(61, 5) == (75, 6)
    assert minutes_top(20, 30) == (60, 5)


def test_night_labels_count_back_from_tonight() -> None:
    from rls_companion.core.history_summary import Night

    nights = tuple(
        Night(date(2026, 11, 20) - timedelta(days=n), 0, NightState.NONE) for n in range(14, -1, -1)
    )
    assert night_labels(nights) == [("6 Nov", 0), ("13 Nov", 7), ("Tonight", 14)]


def test_list_is_newest_first_with_details(window: MainWindow, context: Context) -> None:
    store(context, hand_worked())
    view = open_history(window)
    assert view.list.count() == 10
    first = view.list.item(0)
    assert first.text().startswith("Fri 20 Nov 2026, 21:00")
    thursday = view.list.item(2)
    assert thursday.text().startswith("Thu 19 Nov 2026, 23:00")
    details = thursday.data(Qt.ItemDataRole.UserRole + 3)
    assert (
        details
        == "Bedtime  ·  stopped early  ·  sensations 6 → 3  ·  2 urges, 1 held, longest 18 s"
    )


def test_a_long_history_is_listed_a_page_at_a_time(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    start = at(20, 21) - timedelta(days=PAGE + 30)
    store(context, [record(start + timedelta(days=n), 900) for n in range(PAGE + 30)])
    view = open_history(window)
    assert view.list.count() == PAGE
    assert view.more_button.isVisible()
    assert view.more_button.text() == "Show earlier sessions (30 more)"
    qtbot.mouseClick(view.more_button, Qt.MouseButton.LeftButton)
    assert view.list.count() == PAGE + 30
    assert not view.more_button.isVisible()
    assert view.list.currentRow() == PAGE  # the first of the newly shown


def test_history_is_read_once_per_visit_and_not_while_hidden(
    window: MainWindow, context: Context, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(monkeypatch)
    window.start_session(minutes=5)
    clock.advance(60)
    window.controller.stop()  # the session ends while History is hidden
    view = window.history_view
    assert view.list.count() == 0  # not read yet
    reads.clear()
    open_history(window)
    assert reads == [1]
    assert view.list.count() == 1


def test_history_is_read_again_only_when_it_changed(
    window: MainWindow, context: Context, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(context, hand_worked())
    reads = count_reads(monkeypatch)
    view = open_history(window)
    assert reads == [1]
    window.show_page(window.start_view)
    clock.advance(24 * 3600)  # a day later, nothing new: figures move on, no read
    open_history(window)
    assert reads == [1]
    assert view.calendar.tonight == date(2026, 11, 21)
    assert view.header.current.figure.text() == "0"  # Fri 20 was only partly practised

    # Another program (the command line) adds a session through its own connection.
    other = sqlite3.connect(context.paths.database, isolation_level=None)
    try:
        sessions.insert_session(other, record(at(21, 22), 1200))
    finally:
        other.close()
    window.show_page(window.start_view)
    open_history(window)
    assert reads == [1, 1]
    assert view.list.count() == 11
    assert view.header.current.figure.text() == "1"

    # A change through the window's own connection (ratings saved after a session).
    sessions.set_ratings(context.db, view.records[0].id, 7, 2)
    window.show_page(window.start_view)
    open_history(window)
    assert reads == [1, 1, 1]
    assert view.records[0].rating_after == 2


def test_history_is_read_ahead_in_quiet_moments_and_not_in_a_session(
    qtbot: QtBot, context: Context, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(context, hand_worked())
    reads = count_reads(monkeypatch)
    window = MainWindow(context, clock)
    qtbot.addWidget(window)
    window.show()
    # Shortly after start-up, with History never opened, the history is read.
    qtbot.waitUntil(lambda: reads == [1], timeout=5000)
    assert window.pages.currentWidget() is window.start_view
    view = open_history(window)
    assert reads == [1]  # opening only arranges what was read
    assert view.list.count() == 10
    assert view.header.current.figure.text() == "2"

    # Never while a session runs: a read would cost the orb a frame.
    window.start_session(minutes=5)
    window._prepare_history()
    assert reads == [1]
    clock.advance(6 * 60)  # the session ends; a little later the new history is read
    qtbot.waitUntil(lambda: not window.controller.active, timeout=5000)
    qtbot.waitUntil(lambda: reads == [1, 1], timeout=5000)
    open_history(window)
    assert reads == [1, 1]
    assert view.list.count() == 11
    assert view.header.current.figure.text() == "3"


def test_sessions_deleted_elsewhere_are_left_out_of_the_list(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    start = at(20, 21) - timedelta(days=PAGE + 5)
    listed = [record(start + timedelta(days=n), 900) for n in range(PAGE + 5)]
    store(context, listed)
    view = open_history(window)
    assert view.list.remaining == 5
    # The command line deletes one of the earlier sessions while History is open.
    other = sqlite3.connect(context.paths.database, isolation_level=None)
    try:
        other.execute("DELETE FROM sessions WHERE id = ?", (listed[2].id,))
    finally:
        other.close()
    qtbot.mouseClick(view.more_button, Qt.MouseButton.LeftButton)
    ids = [view.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(view.list.count())]
    assert ids == [r.id for r in reversed(listed) if r.id != listed[2].id]
    assert not view.more_button.isVisible()


def test_selecting_an_earlier_session_lists_down_to_it(
    window: MainWindow, context: Context
) -> None:
    start = at(20, 21) - timedelta(days=PAGE + 30)
    listed = [record(start + timedelta(days=n), 900) for n in range(PAGE + 30)]
    store(context, listed)
    view = open_history(window)
    wanted = listed[-(PAGE + 11)]  # the 41st newest
    view.list.select_id(wanted.id)
    assert view.list.count() == PAGE + 11
    assert view.list.currentRow() == PAGE + 10
    assert view.list.current_id() == wanted.id
    assert view.list.remaining == 19


@OFFSCREEN_DIALOG
def test_delete_asks_first_then_undo_restores_exactly(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    original = hand_worked()
    store(context, original)
    view = open_history(window)
    thursday = next(r for r in original if r.started_at == at(19, 23))
    view.list.setCurrentRow(2)
    assert view.delete_button.isEnabled()
    qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    box = view.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "Thu 19 Nov 2026, 23:00" in box.informativeText()
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)

    assert sessions.get_session(context.db, thursday.id) is None
    listed = [view.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(view.list.count())]
    assert thursday.id not in listed and len(listed) == 9
    assert view.undo_bar.isVisible()
    assert view.undo_bar.message.text() == "Session deleted  ·  Thu 19 Nov 2026, 23:00"
    # Thu 19 now has only the 01:30 session's 200 s: partly, and the streak is broken.
    assert view.calendar.state_of(date(2026, 11, 19)) is NightState.PARTLY
    assert view.header.current.figure.text() == "0"
    assert view.list.currentRow() == 2  # the next one down, ready for another Delete

    qtbot.mouseClick(view.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert sessions.get_session(context.db, thursday.id) == thursday
    assert sessions.list_sessions(context.db) == sorted(
        original, key=lambda r: r.started_at, reverse=True
    )
    assert view.list.item(2).data(Qt.ItemDataRole.UserRole) == thursday.id
    assert view.list.currentRow() == 2
    assert not view.undo_bar.isVisible()
    assert view.header.current.figure.text() == "2"


@OFFSCREEN_DIALOG
def test_keeping_the_session_changes_nothing(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    view = open_history(window)
    before = sessions.list_sessions(context.db)
    view.list.setCurrentRow(0)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    box = view.confirm_box
    assert box is not None
    [keep] = [b for b in box.buttons() if b.text() == "Keep it"]
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert sessions.list_sessions(context.db) == before
    assert view.list.count() == 10 and not view.undo_bar.isVisible()


def test_leaving_the_page_makes_a_deletion_final(window: MainWindow, context: Context) -> None:
    store(context, hand_worked())
    view = open_history(window)
    view.list.setCurrentRow(0)
    view.delete_session(view.records[0].id)
    assert view.deleted is not None and view.undo_bar.isVisible()
    window.show_page(window.start_view)
    open_history(window)
    assert view.deleted is None and not view.undo_bar.isVisible()
    assert view.list.count() == 9


def test_export_json_is_the_history_document(
    window: MainWindow, context: Context, tmp_path: Path
) -> None:
    store(context, hand_worked())
    view = open_history(window)
    folder = tmp_path / "Documents"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    target = folder / "history.json"
    view.export_to(target, "json")
    # The person's own folder keeps its mode; only the file is private.
    assert folder.stat().st_mode & 0o777 == 0o755
    text = target.read_text(encoding="utf-8")
    oldest_first = sessions.list_sessions(context.db, newest_first=False)
    assert json.loads(text) == export.history_document(oldest_first)
    assert text == json.dumps(export.history_document(oldest_first), indent=2) + "\n"
    assert json.loads(text)["sessions"][0]["started_at"] == "2026-11-12T22:00:00-05:00"
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert view.status.text() == "Saved 10 sessions to history.json"


def test_export_csv_and_the_format_choice(
    window: MainWindow, context: Context, tmp_path: Path
) -> None:
    store(context, hand_worked())
    view = open_history(window)
    target, fmt = history_export.chosen_format(
        str(tmp_path / "mine"), history_export.FORMATS["csv"]
    )
    assert (target.name, fmt) == ("mine.csv", "csv")
    assert history_export.chosen_format("a.JSON", history_export.FORMATS["csv"])[1] == "json"
    view.export_to(target, fmt)
    text = target.read_text(encoding="utf-8")
    assert text == export.sessions_csv(sessions.list_sessions(context.db, newest_first=False))
    assert len(list(csv.reader(io.StringIO(text)))) == 11


def test_theme_change_restyles_the_history(window: MainWindow, context: Context) -> None:
    store(context, hand_worked())
    view = open_history(window)
    combo = window.settings_view.editors["appearance.theme"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("light"))
    assert view.calendar.theme is THEMES["light"]
    charts = view.charts
    assert charts is not None
    assert charts.practised.color().name() == THEMES["light"].accent
    assert charts.minutes_y.labelsColor().name() == THEMES["light"].muted


@OFFSCREEN_DIALOG
def test_keyboard_reaches_the_list_deletes_and_undoes(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    view = open_history(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.export_button.setFocus()
    qtbot.keyClick(view.export_button, Qt.Key.Key_Tab)
    assert view.list.hasFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Down)
    chosen = view.list.current_id()
    assert chosen is not None
    qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    box = view.confirm_box
    assert box is not None
    [delete] = [b for b in box.buttons() if b.text() == "Delete"]
    delete.click()
    assert sessions.get_session(context.db, chosen) is None
    assert view.list.hasFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sessions.get_session(context.db, chosen) is not None
    assert view.list.current_id() == chosen


def test_clicking_a_night_in_the_calendar_selects_its_sessions(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    records = hand_worked()
    store(context, records)
    view = open_history(window)
    calendar = view.calendar

    def centre_of(night: date) -> QPoint:
        index = [n.night for n in calendar.shown_nights()].index(night)
        return calendar.cell_rect(index, calendar.grid()).center().toPoint()

    # Wed 18 Nov had two short sessions (22:00 and 22:30): the later one is
    # selected, and the earlier one follows it in the list.
    qtbot.mouseClick(calendar, Qt.MouseButton.LeftButton, pos=centre_of(date(2026, 11, 18)))
    assert view.list.current_id() == records[6].id
    assert view.list.item(view.list.currentRow() + 1).data(Qt.ItemDataRole.UserRole) == (
        records[5].id
    )
    assert view.list.hasFocus()
    # The session of 01:30 on Fri 20 Nov belongs to the night of Thu 19 Nov, after its 23:00 one.
    qtbot.mouseClick(calendar, Qt.MouseButton.LeftButton, pos=centre_of(date(2026, 11, 19)))
    assert view.list.current_id() == records[8].id
    # A night without practice has nothing to show: the selection stays.
    qtbot.mouseClick(calendar, Qt.MouseButton.LeftButton, pos=centre_of(date(2026, 11, 17)))
    assert view.list.current_id() == records[8].id
