"""Keeping the bedtime reminder's appointment on the Qt side.

One single-shot timer runs to the next reminder; the instant itself comes from
`core.reminder` and the wall clock. Qt timers count monotonic time, which
stands still while the laptop sleeps, so a coarse watch compares the wall clock
with the monotonic one once a minute: when they part (sleep, or the clock was
set), the reminder is looked at again, shown if it came due only a little
while ago, and re-armed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from rls_companion.core.clock import Clock
from rls_companion.core.heartbeat import SUSPEND_JUMP_SECONDS, ClockDrift
from rls_companion.core.reminder import (
    next_reminder,
    parse_days,
    parse_time,
    still_worth_showing,
)
from rls_companion.storage.settings_file import SettingsFile

log = logging.getLogger(__name__)

WATCH_INTERVAL_MS = 60_000


class ReminderTimer(QObject):
    due = Signal(object)  # the datetime the reminder was due

    def __init__(self, settings: SettingsFile, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.clock = clock
        self.next_at: datetime | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.check)
        self.watch = QTimer(self)
        self.watch.setInterval(WATCH_INTERVAL_MS)
        self.watch.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self.watch.timeout.connect(self.watch_clock)
        self._drift: ClockDrift | None = None
        self.rearm()

    @property
    def enabled(self) -> bool:
        return self.settings.typed.reminder.enabled

    @property
    def time_text(self) -> str:
        return self.settings.typed.reminder.time

    def rearm(self) -> None:
        """Aim at the next reminder from now (after a change of settings, too)."""
        self.timer.stop()
        self.next_at = None
        if not self.enabled:
            self.watch.stop()
            return
        now = self.clock.now()
        self.next_at = next_reminder(
            now,
            parse_time(self.time_text),
            parse_days(self.settings.typed.reminder.days),
        )
        if self.next_at is None:
            self.watch.stop()
            return
        wait_ms = max(0, round((self.next_at - now).total_seconds() * 1000))
        self.timer.start(wait_ms)
        self._drift = ClockDrift(self.clock)
        if not self.watch.isActive():
            self.watch.start()
        log.info("next bedtime reminder at %s", self.next_at.isoformat(timespec="minutes"))

    def check(self) -> None:
        """Show the reminder if it has come due, then aim at the next one."""
        if self.next_at is None:
            return
        now = self.clock.now()
        if now >= self.next_at:
            due = self.next_at
            if still_worth_showing(due, now):
                self.due.emit(due)
            else:
                log.info("bedtime reminder of %s missed while asleep; not shown late", due)
        self.rearm()

    def watch_clock(self) -> None:
        """Notice sleep and clock changes by wall time outrunning monotonic time."""
        if self._drift is None:
            return
        offset_before = self._drift.now.utcoffset()
        drift = self._drift.step()
        if abs(drift) > SUSPEND_JUMP_SECONDS or self._drift.now.utcoffset() != offset_before:
            log.info("the wall clock moved by %.0f s (sleep or a clock change)", drift)
            self.check()
