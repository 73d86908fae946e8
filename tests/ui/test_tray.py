"""The tray icon, its menu and the bedtime reminder's timing on the Qt side.

Tests run offscreen, where there is no system tray: the tray-less path (a
notice window) is tested as it runs; the menu exists either way.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fakes import FakeClock
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from rls_companion.storage.settings_file import SettingsFile
from rls_companion.ui.shell.reminder_timer import ReminderTimer
from rls_companion.ui.shell.tray import Tray
from rls_companion.ui.widgets.app_icon import app_icon

NEW_YORK = ZoneInfo("America/New_York")
# The offscreen platform cannot raise a second top-level window, and says so.
OFFSCREEN_WINDOW_LIMITS = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)


def ny(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=NEW_YORK)  # type: ignore[misc]


# The reminder reads local time in the computer's zone: make it New York.
pytestmark = pytest.mark.usefixtures("new_york_computer")


@pytest.fixture
def settings(tmp_path: Path) -> SettingsFile:
    return SettingsFile(tmp_path / "settings.json")


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def remind_at(settings: SettingsFile, at: str = "22:30", days: str | None = None) -> None:
    settings.set("reminder.enabled", True)
    settings.set("reminder.time", at)
    if days is not None:
        settings.set("reminder.days", days)


# --- the icon ---------------------------------------------------------------------------------


def test_the_icon_is_the_apps_own_orb_on_the_night_palette(qtbot: QtBot) -> None:
    icon = app_icon()
    assert not icon.isNull()
    for size in (16, 22, 32, 128):
        image = icon.pixmap(size, size).toImage()
        assert (image.width(), image.height()) == (size, size)
        # A rounded tile: the corners are clear, the middle is the amber orb.
        for x, y in ((0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)):
            assert image.pixelColor(x, y).alpha() == 0
        centre = image.pixelColor(size // 2, round(size * 0.55))
        r, g, b = centre.red(), centre.green(), centre.blue()
        assert centre.alpha() == 255
        assert r > g > b and r > 150, (r, g, b)  # warm amber, no blue cast
        assert max(r, g, b) < 250  # never bright white
        # The tile around the orb is the dark warm night colour.
        edge = image.pixelColor(round(size * 0.15), size // 2)
        assert edge.alpha() == 255 and edge.lightness() < 60, edge.name()
        assert edge.red() >= edge.blue()


# --- the reminder's timer -------------------------------------------------------------------


def test_the_reminder_is_off_until_switched_on(qtbot: QtBot, settings: SettingsFile) -> None:
    timer = ReminderTimer(settings, FakeClock(ny(2026, 11, 20, 22, 0)))
    assert timer.next_at is None
    assert not timer.timer.isActive() and not timer.watch.isActive()


def test_it_aims_at_the_next_local_reminder(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings)
    timer = ReminderTimer(settings, FakeClock(ny(2026, 11, 20, 22, 0)))
    assert timer.next_at == ny(2026, 11, 20, 22, 30)
    assert abs(timer.timer.remainingTime() - 30 * 60 * 1000) < 2000
    assert timer.watch.isActive()


def test_only_on_the_chosen_days(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings, days="sun,mon")
    timer = ReminderTimer(settings, FakeClock(ny(2026, 11, 20, 22, 0)))  # a Friday
    assert timer.next_at == ny(2026, 11, 22, 22, 30)


def test_it_fires_on_time_and_then_aims_at_tomorrow(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings)
    clock = FakeClock(ny(2026, 11, 20, 22, 29, 59) + timedelta(seconds=0.8))
    timer = ReminderTimer(settings, clock)
    clock.advance(0.2)
    with qtbot.waitSignal(timer.due, timeout=3000) as fired:
        pass
    assert fired.args == [ny(2026, 11, 20, 22, 30)]
    assert timer.next_at == ny(2026, 11, 21, 22, 30)


def test_a_timer_that_fires_early_waits_for_the_time(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings)
    clock = FakeClock(ny(2026, 11, 20, 22, 0))
    timer = ReminderTimer(settings, clock)
    fired: list[datetime] = []
    timer.due.connect(fired.append)
    timer.check()
    assert fired == [] and timer.next_at == ny(2026, 11, 20, 22, 30)


def test_waking_soon_after_the_time_still_reminds(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings)
    clock = FakeClock(ny(2026, 11, 20, 22, 0))
    timer = ReminderTimer(settings, clock)
    fired: list[datetime] = []
    timer.due.connect(fired.append)
    clock.advance(60)
    timer.watch_clock()  # an ordinary minute: nothing to do
    assert fired == []
    clock.sleep_wall(40 * 60)  # asleep through 22:30; the Qt timer has not run
    timer.watch_clock()
    assert fired == [ny(2026, 11, 20, 22, 30)]
    assert timer.next_at == ny(2026, 11, 21, 22, 30)


def test_waking_long_after_the_time_skips_to_the_next(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings)
    clock = FakeClock(ny(2026, 11, 20, 22, 0))
    timer = ReminderTimer(settings, clock)
    fired: list[datetime] = []
    timer.due.connect(fired.append)
    clock.sleep_wall(3 * 3600)
    timer.watch_clock()
    assert fired == []
    assert timer.next_at == ny(2026, 11, 21, 22, 30)


def test_a_clock_set_forward_aims_again(qtbot: QtBot, settings: SettingsFile) -> None:
    remind_at(settings)
    clock = FakeClock(ny(2026, 11, 20, 12, 0))
    timer = ReminderTimer(settings, clock)
    clock.sleep_wall(10 * 3600)  # now 22:00: half an hour to go, not ten and a half
    timer.watch_clock()
    assert abs(timer.timer.remainingTime() - 30 * 60 * 1000) < 2000


# --- the tray ---------------------------------------------------------------------------------


def make_tray(host: QWidget, settings: SettingsFile, clock: FakeClock, busy: bool = False) -> Tray:
    return Tray(host, settings, clock, busy=lambda: busy)


def test_without_a_system_tray_there_is_no_icon_and_closing_quits(
    host: QWidget, settings: SettingsFile
) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen
    remind_at(settings)
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 0)))
    assert tray.icon is None and not tray.available
    assert not tray.keeps_app_running()
    assert tray.reminder.next_at == ny(2026, 11, 20, 22, 30)  # it still reminds


def test_the_menu(qtbot: QtBot, host: QWidget, settings: SettingsFile) -> None:
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 0)))
    texts = [action.text() for action in tray.menu.actions() if not action.isSeparator()]
    assert texts == [
        "Start tonight's session",
        "Morning check-in…",
        "Show RLS Companion",
        "Bedtime reminder at 22:30",
        "Quit",
    ]
    for action, signal in (
        (tray.start_action, tray.start_requested),
        (tray.show_action, tray.show_requested),
        (tray.quit_action, tray.quit_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            action.trigger()


def test_the_reminder_switch_in_the_menu_saves_and_arms(
    qtbot: QtBot, host: QWidget, settings: SettingsFile
) -> None:
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 0)))
    assert not tray.reminder_action.isChecked()
    tray.reminder_action.trigger()
    assert settings.get("reminder.enabled") is True
    assert json.loads(settings.path.read_text())["reminder"]["enabled"] is True
    assert tray.reminder.next_at == ny(2026, 11, 20, 22, 30)
    # Switched off while the window is closed: nothing to wait for, so it comes back.
    host.hide()
    with qtbot.waitSignal(tray.show_requested, timeout=1000):
        tray.reminder_action.trigger()
    assert settings.get("reminder.enabled") is False
    assert tray.reminder.next_at is None


def test_a_changed_time_is_followed(host: QWidget, settings: SettingsFile) -> None:
    remind_at(settings)
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 0)))
    settings.set("reminder.time", "21:15")
    tray.setting_changed("reminder.time")
    assert tray.reminder.next_at == ny(2026, 11, 21, 21, 15)
    assert tray.reminder_action.text() == "Bedtime reminder at 21:15"
    tray.setting_changed("audio.volume")  # others are none of its business
    assert tray.reminder.next_at == ny(2026, 11, 21, 21, 15)


@OFFSCREEN_WINDOW_LIMITS
def test_the_reminder_as_a_notice_while_the_window_is_in_view(
    qtbot: QtBot, host: QWidget, settings: SettingsFile
) -> None:
    remind_at(settings)
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 30)))
    tray.remind(ny(2026, 11, 20, 22, 30))
    notice = tray.notice
    assert notice is not None
    qtbot.waitUntil(notice.isVisible, timeout=2000)
    assert notice.title.text() == "Time to wind down"
    assert notice.text.text() == "Your bedtime session is ready when you are."
    assert notice.start_button.isHidden()  # the start button is right there in the window
    assert not notice.isModal()


@OFFSCREEN_WINDOW_LIMITS
def test_the_reminder_offers_to_start_when_the_window_is_minimized(
    qtbot: QtBot, host: QWidget, settings: SettingsFile
) -> None:
    remind_at(settings)
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 30)))
    host.showMinimized()
    qtbot.waitUntil(host.isMinimized, timeout=2000)
    tray.remind(ny(2026, 11, 20, 22, 30))
    notice = tray.notice
    assert notice is not None
    assert not notice.start_button.isHidden()
    with qtbot.waitSignal(tray.start_requested, timeout=1000):
        notice.start_button.click()
    assert not notice.isVisible()


def test_no_reminder_during_a_session(qtbot: QtBot, host: QWidget, settings: SettingsFile) -> None:
    remind_at(settings)
    tray = make_tray(host, settings, FakeClock(ny(2026, 11, 20, 22, 30)), busy=True)
    tray.remind(ny(2026, 11, 20, 22, 30))
    assert tray.notice is None
