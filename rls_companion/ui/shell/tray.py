"""The tray icon and the bedtime reminder.

Where the desktop has a system tray, the app's icon (an amber orb and a
crescent on the night palette) sits there with a menu to start tonight's
session, fill in the morning check-in, show the window or quit, and carries
the bedtime reminder as a quiet notification. Where it has none, there is no
icon (and no complaint); the reminder then appears as a small notice window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from rls_companion.core.clock import Clock
from rls_companion.storage.settings_file import SettingsFile
from rls_companion.ui.shell.reminder_timer import ReminderTimer
from rls_companion.ui.widgets.app_icon import app_icon

log = logging.getLogger(__name__)

REMINDER_TITLE = "Time to wind down"
REMINDER_TEXT = "Your bedtime session is ready when you are."
REMINDER_OFFER = "Click here to start tonight's session."
MESSAGE_MS = 30_000


class ReminderNotice(QWidget):
    """The reminder where there is no tray: a small window that asks for nothing."""

    start_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.owner = parent
        self.setWindowTitle("RLS Companion")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        # A shade lighter than the window (the theme's surface), so it reads as
        # a note laid on top even where no window manager draws a frame.
        self.setObjectName("reminderNotice")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(
            "#reminderNotice, #reminderNotice QLabel { background: palette(base); }"
            "#reminderNotice { border: 1px solid palette(alternate-base); }"
        )
        self.title = QLabel(REMINDER_TITLE, self)
        self.title.setProperty("role", "subtitle")
        self.text = QLabel(REMINDER_TEXT, self)
        self.text.setWordWrap(True)
        self.start_button = QPushButton("Start tonight's session", self)
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Start tonight's session")
        self.start_button.clicked.connect(self._start)
        later = QPushButton("Not now", self)
        later.setProperty("role", "quiet")
        later.setAccessibleName("Close the reminder")
        later.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(later)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)

    def offer(self, start: bool) -> None:
        self.start_button.setVisible(start)
        self.adjustSize()
        # Over the upper middle of the main window, where the eye already is.
        area = self.owner.window().frameGeometry()
        self.move(area.center().x() - self.width() // 2, area.top() + area.height() // 5)
        self.show()
        self.raise_()

    def _start(self) -> None:
        self.close()
        self.start_requested.emit()


class Tray(QObject):
    """The tray icon, its menu and the reminder; parented to the main window."""

    start_requested = Signal()
    checkin_requested = Signal()
    show_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        settings: SettingsFile,
        clock: Clock,
        busy: Callable[[], bool],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.busy = busy
        self.icon: QSystemTrayIcon | None = None
        self.notice: ReminderNotice | None = None
        self.offering_start = False
        self.told_still_running = False
        self.reminder = ReminderTimer(settings, clock, self)
        self.reminder.due.connect(self.remind)
        self.menu = self._build_menu()
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = QSystemTrayIcon(app_icon(), self)
            icon.setContextMenu(self.menu)
            icon.activated.connect(self._activated)
            icon.messageClicked.connect(self._message_clicked)
            self.icon = icon
        self._update_labels()
        if self.icon is not None:
            self.icon.show()

    @property
    def available(self) -> bool:
        return self.icon is not None

    def keeps_app_running(self) -> bool:
        """Closing the window leaves the app in the tray only to keep a reminder."""
        return self.available and self.reminder.enabled

    def _build_menu(self) -> QMenu:
        menu = QMenu(self.window)
        menu.setAccessibleName("RLS Companion")
        self.start_action = menu.addAction("Start tonight's session")
        self.start_action.triggered.connect(self.start_requested)
        self.checkin_action = menu.addAction("Morning check-in…")
        self.checkin_action.triggered.connect(self.checkin_requested)
        self.show_action = menu.addAction("Show RLS Companion")
        self.show_action.triggered.connect(self.show_requested)
        menu.addSeparator()
        self.reminder_action = menu.addAction("")
        self.reminder_action.setCheckable(True)
        self.reminder_action.toggled.connect(self._toggle_reminder)
        menu.addSeparator()
        self.quit_action = menu.addAction("Quit")
        self.quit_action.triggered.connect(self.quit_requested)
        return menu

    def setting_changed(self, key: str) -> None:
        if key.startswith("reminder."):
            self.reminder.rearm()
            self._update_labels()

    def _toggle_reminder(self, on: bool) -> None:
        if on == self.reminder.enabled:
            return
        try:
            self.settings.set("reminder.enabled", on)
        except OSError as error:
            log.warning("could not save the reminder setting: %s", error)
            self._update_labels()
            return
        self.setting_changed("reminder.enabled")
        if not on and not self.window.isVisible():
            # Nothing left to wait in the tray for: bring the window back.
            self.show_requested.emit()

    def _update_labels(self) -> None:
        self.reminder_action.blockSignals(True)
        self.reminder_action.setChecked(self.reminder.enabled)
        self.reminder_action.blockSignals(False)
        self.reminder_action.setText(f"Bedtime reminder at {self.reminder.time_text}")
        if self.icon is None:
            return
        tip = "RLS Companion"
        if self.reminder.next_at is not None:
            tip += f"\nNext bedtime reminder: {self.reminder.next_at.strftime('%a %H:%M')}"
        self.icon.setToolTip(tip)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()

    def remind(self, due: datetime) -> None:
        """Show the reminder; offer to start when the window is out of sight."""
        self._update_labels()
        if self.busy():
            return
        away = self.window.isMinimized() or not self.window.isVisible()
        self.offering_start = away
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            text = f"{REMINDER_TEXT} {REMINDER_OFFER}" if away else REMINDER_TEXT
            self.icon.showMessage(REMINDER_TITLE, text, app_icon(), MESSAGE_MS)
            return
        if self.notice is None:
            self.notice = ReminderNotice(self.window)
            self.notice.start_requested.connect(self.start_requested)
        self.notice.offer(start=away)
        QApplication.alert(self.window)

    def _message_clicked(self) -> None:
        if self.offering_start:
            self.start_requested.emit()
        else:
            self.show_requested.emit()

    def note_still_running(self) -> None:
        """Say once that closing the window left the app in the tray."""
        if self.icon is None or self.told_still_running:
            return
        self.told_still_running = True
        self.icon.showMessage(
            "RLS Companion",
            f"Still here for your bedtime reminder at {self.reminder.time_text}. "
            "Quit from this icon's menu.",
            app_icon(),
            MESSAGE_MS // 3,
        )

    def hide(self) -> None:
        """Take the icon out of the tray now, not whenever Qt gets round to it."""
        self.reminder.timer.stop()
        self.reminder.watch.stop()
        if self.icon is not None:
            self.icon.hide()
        if self.notice is not None:
            self.notice.close()
