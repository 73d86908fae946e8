"""The evening log's two homes, Tonight and the session's end card, kept in
step with the history: each shows its night's kept log and the labels on
offer, and what either saves is kept at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, tzinfo
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from rls_companion.context import Context
from rls_companion.core.clock import Clock
from rls_companion.core.evening import EveningLog, label_nights, offered_labels
from rls_companion.core.streaks import StreakRules, night_of
from rls_companion.storage import diary


class EveningHome(Protocol):
    """A page that hosts the evening log form."""

    def show_evening(
        self,
        night: date,
        log: EveningLog | None,
        labels: tuple[str, ...],
        rating: int | None = ...,
        tz: tzinfo | None = ...,
        rules: StreakRules = ...,
    ) -> None: ...


class Evenings(QObject):
    saved = Signal(object)  # the EveningLog kept

    def __init__(self, context: Context, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        self._session_night: date | None = None
        self._rating_before: int | None = None

    def tonight(self) -> date:
        return night_of(self.clock.now(), self.context.settings.typed.streak.rules())

    def show_on(self, page: EveningHome, night: date, rating: int | None = None) -> None:
        first, last = label_nights(night)
        labels = offered_labels(diary.list_evening(self.context.db, first, last), night)
        page.show_evening(
            night,
            diary.get_evening(self.context.db, night),
            labels,
            rating,
            self.clock.now().tzinfo,
            self.context.settings.typed.streak.rules(),
        )

    def save(self, log: EveningLog) -> None:
        diary.save_evening(self.context.db, log)
        self.saved.emit(log)

    def session_started(self, rating_before: int | None) -> None:
        """Remember the session's night and rating for its end card; a rating
        given just before the session also becomes the evening's bedtime rating."""
        night = self.tonight()
        self._session_night, self._rating_before = night, rating_before
        kept = diary.get_evening(self.context.db, night)
        if rating_before is not None and kept is not None and kept.rating != rating_before:
            self.save(replace(kept, rating=rating_before))

    def show_after_session(self, page: EveningHome) -> None:
        night = self._session_night or self.tonight()
        self.show_on(page, night, self._rating_before)
