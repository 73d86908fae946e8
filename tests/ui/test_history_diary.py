"""The sleep card in History: the diary and evening log beside practice.

The clock stands at Fri 20 Nov 2026 22:15 (UTC-5), so tonight is Fri 20 Nov
and the charts run over the 42 nights from Sat 10 Oct (index 0) to tonight
(index 41): Thu 5 Nov is index 26 (21 October nights from the 10th, then 5),
Fri 6 Nov 27, Mon 16 Nov 37, Tue 17 38, Wed 18 39, Thu 19 40.

Check-ins (efficiency = (final waking − tried − to sleep − awake) / (out − into bed)):

| night  | bed   | tried | to sleep | awake | waking | out   | sleep / bed | %         |
|--------|-------|-------|----------|-------|--------|-------|-------------|-----------|
| Thu 5  | 22:00 | 22:00 | 0        | 0     | 06:00  | 06:00 | 480 / 480   | 100       |
| Mon 16 | 23:00 | 23:30 | 20       | 10    | 07:00  | 07:30 | 420 / 510   | 82.35…    |
| Wed 18 | 22:00 | 22:00 | 15       | 15    | 06:00  | 06:00 | 450 / 480   | 93.75     |
| Thu 19 | 22:30 | 23:00 | 30       | 30    | 06:30  | 07:00 | 390 / 510   | 76.47…    |

The last 14 nights (7 to 20 Nov) hold 16, 18 and 19: (82.35 + 93.75 + 76.47) / 3
= 84.19 -> 84%.

Evening logs, as minutes after the midnight that begins the night: Fri 6 Nov
18:00 -> 1080; Mon 16 19:30 -> 1170; Tue 17 none today; Wed 18 Thu 01:15 ->
1515; Thu 19 20:15 -> 1215. Last 14: 1170, 1215, 1515 -> usually 20:15. All
starts lie within 12:00 (720) to 03:00 (1620), so the time axis is that, and
the "none" lane sits two hours under 12:00, at 600.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from rls_companion.context import Context
from rls_companion.core import diary as core_diary
from rls_companion.core import evening
from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog
from rls_companion.core.records import SessionRecord, SessionState
from rls_companion.core.session import Kind
from rls_companion.storage import diary, sessions
from rls_companion.ui.history.sleep_card import SleepCard
from rls_companion.ui.history.view import HistoryView
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.theme import THEMES

EST = timezone(timedelta(hours=-5))
# The offscreen platform says these whenever a menu pops up; a real screen does not.
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore(
    "This plugin does not support raise()", "This plugin does not support grabbing the keyboard"
)


def nov(day: int) -> date:
    return date(2026, 11, day)


def at(night: date, hour: int, minute: int = 0) -> datetime:
    """A wall time of the night: from noon on its date, else the morning after."""
    day = night if hour >= 12 else night + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=EST)


def entry(
    night: date,
    bed: tuple[int, int],
    tried: tuple[int, int],
    to_sleep: int,
    awake: int,
    waking: tuple[int, int],
    out: tuple[int, int],
) -> DiaryEntry:
    return core_diary.check(
        DiaryEntry(
            night=night,
            in_bed_at=at(night, *bed),
            tried_to_sleep_at=at(night, *tried),
            minutes_to_sleep=to_sleep,
            awakenings=2,
            minutes_awake=awake,
            final_waking_at=at(night, *waking),
            out_of_bed_at=at(night, *out),
            quality=3,
            legs_disturbed=LegsDisturbed.A_LITTLE,
        )
    )


def started(night: date, hour: int, minute: int = 0) -> EveningLog:
    return evening.check(EveningLog(night, symptoms_started_at=at(night, hour, minute)))


def session(start: datetime, seconds: int) -> SessionRecord:
    return SessionRecord(
        id=f"00000000-0000-4000-8000-{start:%m%d%H%M}0000",
        started_at=start,
        ended_at=start + timedelta(seconds=seconds + 4),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=seconds,
        state=SessionState.COMPLETED,
        pattern="resonance",
        breaths_per_minute=6.0,
        rating_before=None,
        rating_after=None,
        urges=(),
    )


def store_practice(context: Context) -> None:
    """A few sessions, so that History shows its page rather than the invitation."""
    for day in (16, 18, 19):
        sessions.insert_session(context.db, session(at(nov(day), 22), 1200))


def store_diary(context: Context) -> None:
    for one in (
        entry(nov(5), (22, 0), (22, 0), 0, 0, (6, 0), (6, 0)),
        entry(nov(16), (23, 0), (23, 30), 20, 10, (7, 0), (7, 30)),
        entry(nov(18), (22, 0), (22, 0), 15, 15, (6, 0), (6, 0)),
        entry(nov(19), (22, 30), (23, 0), 30, 30, (6, 30), (7, 0)),
    ):
        diary.save_diary(context.db, one)
    for log in (
        started(nov(6), 18),
        started(nov(16), 19, 30),
        evening.check(EveningLog(nov(17), none_today=True)),
        started(nov(18), 1, 15),
        started(nov(19), 20, 15),
    ):
        diary.save_evening(context.db, log)


def open_history(window: MainWindow) -> HistoryView:
    window.show_page(window.history_view)
    return window.history_view


def card_in_view(qtbot: QtBot, view: HistoryView) -> SleepCard:
    """The sleep card, scrolled into view and with its charts built."""
    card = view.sleep_card
    assert card is not None
    view.scroller.ensureWidgetVisible(card)
    qtbot.waitUntil(lambda: card.efficiency is not None)
    return card


def points(series: object) -> list[tuple[float, float]]:
    return [(p.x(), round(p.y(), 2)) for p in series.points()]  # type: ignore[attr-defined]


def test_the_charts_hold_the_nights_entered(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store_practice(context)
    store_diary(context)
    card = card_in_view(qtbot, open_history(window))
    assert card.efficiency is not None and card.onset is not None

    assert points(card.efficiency.line) == [(26, 100.0), (37, 82.35), (39, 93.75), (40, 76.47)]
    assert points(card.onset.started) == [(27, 1080), (37, 1170), (39, 1515), (40, 1215)]
    assert points(card.onset.none_today) == [(38, 600)]
    time_axis = card.onset.time_y
    assert time_axis.categoriesLabels() == [
        "none",
        "12:00",
        "15:00",
        "18:00",
        "21:00",
        "00:00",
        "03:00",
    ]
    assert time_axis.endValue("12:00") == 720 and time_axis.endValue("03:00") == 1620
    assert card.figures.text() == (
        "Sleep efficiency 84% (3 of the last 14 nights) · "
        "sensations usually from 20:15 · no sensations on 1 night"
    )
    assert card.figures.isVisible() and not card.hint.isVisible()
    assert card.efficiency.view.isVisible() and card.onset.view.isVisible()
    assert "Latest start of the sensations 20:15 on Thu 19 Nov." in (
        card.room.accessibleDescription()
    )


def test_a_late_start_widens_the_time_axis(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store_practice(context)
    # 04:40 the morning after: 1440 + 280 = 1720, above 03:00 (1620); the axis
    # grows by one step of three hours, to 06:00 (1800).
    diary.save_evening(context.db, started(nov(19), 4, 40))
    card = card_in_view(qtbot, open_history(window))
    assert card.onset is not None
    assert card.onset.time_y.categoriesLabels()[-2:] == ["03:00", "06:00"]
    assert points(card.onset.started) == [(40, 1720)]
    # No check-ins: the efficiency half says so in words instead of empty axes.
    assert not card.efficiency.view.isVisible()  # type: ignore[union-attr]
    assert card.no_efficiency.isVisible()
    assert card.no_efficiency.text() == "No morning check-ins in these weeks."


def test_nothing_logged_leaves_one_calm_line(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store_practice(context)
    # An entry before the charted weeks (10 Oct on) is not in them.
    diary.save_diary(context.db, entry(date(2026, 10, 1), (22, 0), (22, 0), 0, 0, (6, 0), (6, 0)))
    view = open_history(window)
    card = view.sleep_card
    assert card is not None
    view.scroller.ensureWidgetVisible(card)
    qtbot.waitUntil(lambda: not card.visibleRegion().isEmpty())
    assert card.hint.isVisible()
    assert card.hint.text().startswith("Nothing in the sleep diary or the evening log")
    assert not card.room.isVisible() and not card.figures.isVisible()
    assert card.diary_button.isVisible()  # the way to the diary stays
    assert card.efficiency is None  # no charts were built for nothing


def test_a_night_filled_in_later_shows_after_a_refresh(
    qtbot: QtBot, window: MainWindow, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = diary.list_diary

    def counting(*args: object, **kwargs: object) -> list[DiaryEntry]:
        reads.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(diary, "list_diary", counting)
    store_practice(context)
    store_diary(context)
    view = open_history(window)
    card = card_in_view(qtbot, view)
    assert card.efficiency is not None
    assert len(reads) == 1
    view.refresh()  # nothing changed: nothing is read
    assert len(reads) == 1

    # Fri 13 Nov (index 34), filled in a week later: 22:00-06:00 in bed, 60
    # minutes to fall asleep, none awake: 420 / 480 = 87.5 %.
    diary.save_diary(context.db, entry(nov(13), (22, 0), (22, 0), 60, 0, (6, 0), (6, 0)))
    view.refresh()
    assert len(reads) == 2
    assert (34, 87.5) in points(card.efficiency.line)
    # Now 4 of the last 14: (87.5 + 82.35 + 93.75 + 76.47) / 4 = 85.02 -> 85%.
    assert card.figures.text().startswith("Sleep efficiency 85% (4 of the last 14 nights)")


def test_sleep_diary_button_asks_for_last_night(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store_practice(context)
    view = open_history(window)
    card = view.sleep_card
    assert card is not None
    with qtbot.waitSignal(view.diary_requested) as asked:
        qtbot.mouseClick(card.diary_button, Qt.MouseButton.LeftButton)
    assert asked.args == [nov(19)]  # tonight is Fri 20; last night Thu 19


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints()")
def test_report_button_writes_the_report_of_the_last_14_nights(
    qtbot: QtBot, window: MainWindow, context: Context, tmp_path: Path
) -> None:
    store_practice(context)
    store_diary(context)
    view = open_history(window)
    assert view.report_button.isVisible()
    assert view.report_button.text() == "Report for my clinician…"
    with qtbot.waitSignal(view.report_requested):
        qtbot.mouseClick(view.report_button, Qt.MouseButton.LeftButton)
    dialog = window.report_dialog
    assert dialog.isVisible()
    # The fake clock's tonight is the night of 20 November: the report covers
    # the 14 nights that ended, 6 to 19 November.
    assert (dialog.data.first, dialog.data.last) == (nov(6), nov(19))
    assert dialog.suggested_path().name == "rls-companion-report-2026-11-19.pdf"
    qtbot.keyClicks(dialog.name, "  Alex   Example ")
    dialog.write_to(tmp_path / "for the clinic")
    written = tmp_path / "for the clinic.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    text = subprocess.run(
        ["pdftotext", str(written), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "For Alex Example" in text
    assert not dialog.isVisible()
    assert view.status.text() == "Saved the report to for the clinic.pdf"


@OFFSCREEN_POPUP
def test_calendar_menu_offers_the_diary_of_a_past_night(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store_practice(context)
    view = open_history(window)
    calendar = view.calendar
    shown = calendar.shown_nights()
    index = next(i for i, n in enumerate(shown) if n.night == nov(17))
    centre = calendar.cell_rect(index, calendar.grid()).center().toPoint()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, calendar.mapToGlobal(centre))
    calendar.contextMenuEvent(event)
    menu = calendar.findChild(QMenu)
    assert menu is not None
    # Tue 17 had no practice: only its diary is offered.
    assert [a.text() for a in menu.actions()] == ["Sleep diary for Tue 17 Nov…"]
    with qtbot.waitSignal(view.diary_requested) as asked:
        menu.actions()[0].trigger()
    assert asked.args == [nov(17)]
    menu.close()
    qtbot.waitUntil(lambda: calendar.findChild(QMenu) is None)


def test_calendar_menu_keeps_sessions_and_never_offers_tonight(
    window: MainWindow, context: Context
) -> None:
    store_practice(context)
    sessions.insert_session(context.db, session(at(nov(20), 21), 600))
    calendar = open_history(window).calendar
    by_night = {n.night: n for n in calendar.shown_nights()}

    practised = calendar.night_menu(by_night[nov(18)])
    assert practised is not None
    assert [a.text() for a in practised.actions()] == [
        "Show sessions",
        "Sleep diary for Wed 18 Nov…",
    ]
    tonight = calendar.night_menu(by_night[nov(20)])
    assert tonight is not None
    assert [a.text() for a in tonight.actions()] == ["Show sessions"]  # not over yet
    for menu in (practised, tonight):
        menu.deleteLater()


def test_theme_change_restyles_the_sleep_charts(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store_practice(context)
    store_diary(context)
    view = open_history(window)
    card = card_in_view(qtbot, view)
    assert card.efficiency is not None and card.onset is not None
    night, light = THEMES["night"], THEMES["light"]
    assert card.efficiency.line.color().name() == night.accent
    view.set_theme(light)
    assert card.efficiency.line.color().name() == light.accent
    assert card.onset.started.color().name() == light.accent
    assert card.onset.none_today.pen().color().name() == light.muted
    assert card.theme is light
