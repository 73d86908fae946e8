"""The morning check-in: how last night went, in under half a minute.

The fields of the consensus sleep diary in plain words, filled in the order
the night happened. Everything starts at the last entry's times and numbers
(or plain defaults), so a usual night is a few keys: type over what differs,
Tab to the next field, Enter to save. How the night felt (quality, the legs,
the note) is asked fresh each time, never carried over from another night.

The core checks the entry; a refused one shows the core's one line naming
the field, and nothing is kept. Any past night up to the last one can be
chosen, to fill in or correct it.

Keys: the page claims printable keys, Return and Enter while it shows, so a
digit never sets a rating and Space never starts a session from here.
Return or Enter saves from anywhere (on a button, it presses that button);
Esc leaves without saving.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import cast

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rls_companion.context import Context
from rls_companion.core.clock import Clock
from rls_companion.core.diary import (
    MAX_AWAKENINGS,
    MAX_MINUTES_AWAKE,
    MAX_MINUTES_TO_SLEEP,
    MAX_NOTE_LENGTH,
    QUALITY_MAX,
    QUALITY_MIN,
    QUALITY_WORDS,
    DiaryEntry,
    DiaryError,
    LegsDisturbed,
    entry_from_times,
    last_night,
    wall_time,
)
from rls_companion.core.streaks import StreakRules
from rls_companion.storage.db import DatabaseError
from rls_companion.storage.diary import get_diary, list_diary, save_diary
from rls_companion.ui.checkin.choices import ChoiceRow
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.form_keys import (
    ENTER_KEYS,
    claims,
    is_command,
    take_from_shortcuts,
)

FORM_MAX_WIDTH = 620
# The theme gives every field a generous minimum width; these hold five
# characters, and four of them share a line on the smallest window.
NARROW_FIELDS = "QLineEdit, QSpinBox { min-width: 0px; }"
FIELD_WIDTH = 104
PAIR_GAP = 10  # px between the two pairs of a line, beyond the grid's spacing
FIELD_HEIGHT = 32  # number boxes and time fields alike
# Qt lays a styled spin box's text out flush with its border; this inset
# matches the padding of the other fields.
SPIN_TEXT_INSET = 9
TIME_PLACEHOLDER = "hh:mm"
# The earliest night the chooser offers: far enough back for any diary.
FIRST_NIGHT = date(2000, 1, 1)
LEGS_ANSWERS = (
    (LegsDisturbed.NONE, "None", "none"),
    (LegsDisturbed.A_LITTLE, "A little", "a little"),
    (LegsDisturbed.A_LOT, "A lot", "a lot"),
)


@dataclass(frozen=True)
class FormValues:
    """What the form shows: wall-clock times as the person reads them."""

    in_bed: time
    tried: time
    minutes_to_sleep: int
    awakenings: int
    minutes_awake: int
    final_waking: time
    out_of_bed: time
    quality: int = 3
    legs: LegsDisturbed = LegsDisturbed.NONE
    note: str = ""


PLAIN_DEFAULTS = FormValues(
    in_bed=time(22, 30),
    tried=time(22, 45),
    minutes_to_sleep=20,
    awakenings=1,
    minutes_awake=15,
    final_waking=time(6, 45),
    out_of_bed=time(7, 0),
)


def _wall(instant: datetime) -> time:
    """The local wall-clock time of a kept instant (in the offset it was kept with)."""
    return instant.time().replace(second=0, microsecond=0, tzinfo=None)


def kept_values(entry: DiaryEntry) -> FormValues:
    """A kept entry as the form shows it, to correct it."""
    return FormValues(
        in_bed=_wall(entry.in_bed_at),
        tried=_wall(entry.tried_to_sleep_at),
        minutes_to_sleep=entry.minutes_to_sleep,
        awakenings=entry.awakenings,
        minutes_awake=entry.minutes_awake,
        final_waking=_wall(entry.final_waking_at),
        out_of_bed=_wall(entry.out_of_bed_at),
        quality=entry.quality,
        legs=LegsDisturbed(entry.legs_disturbed),
        note=entry.note,
    )


def starting_values(own: DiaryEntry | None, latest: DiaryEntry | None) -> FormValues:
    """The night's own entry when it has one; otherwise the latest entry's
    times and numbers with a fresh quality, legs and note; otherwise the
    plain defaults."""
    if own is not None:
        return kept_values(own)
    if latest is None:
        return PLAIN_DEFAULTS
    times = kept_values(latest)
    return FormValues(
        in_bed=times.in_bed,
        tried=times.tried,
        minutes_to_sleep=times.minutes_to_sleep,
        awakenings=times.awakenings,
        minutes_awake=times.minutes_awake,
        final_waking=times.final_waking,
        out_of_bed=times.out_of_bed,
    )


def night_words(night: date, today: date | None = None) -> str:
    """'Tuesday 1 December' (with the year when it is not this year's), in the
    person's language."""
    qdate = QDate(night.year, night.month, night.day)
    shown = "dddd d MMMM" if today is None or today.year == night.year else "dddd d MMMM yyyy"
    return QLocale().toString(qdate, shown)


def chooser_style(t: Theme) -> str:
    """The night chooser drawn like the other fields (the theme styles number
    boxes, not date boxes)."""
    return (
        f"QDateEdit {{ background: {t.surface}; color: {t.muted}; border: 1px solid {t.faint};"
        " border-radius: 8px; padding: 3px 4px; font-size: 13px; }"
        f"QDateEdit:focus {{ border-color: {t.accent}; color: {t.text}; }}"
    )


class NightEdit(QDateEdit):
    """A date box where Up and Down always move one night (Page Up and Page
    Down ten), whichever part of the date the cursor is in."""

    def stepBy(self, steps: int) -> None:
        self.setDate(self.date().addDays(steps))

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.date() > self.minimumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self.date() < self.maximumDate():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags


def _label(text: str, parent: QWidget, buddy: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "fine")
    label.setBuddy(buddy)
    return label


class CheckinView(QWidget):
    """The check-in page. `load` a night before showing it."""

    saved = Signal(object)  # the DiaryEntry kept
    skipped = Signal()

    def __init__(
        self, context: Context, clock: Clock, theme: Theme, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.clock = clock
        self.night = date.min
        page = QWidget(self)

        self.title = QLabel("How did you sleep?", page)
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.night_label = QLabel("", page)
        self.night_label.setProperty("role", "subtitle")
        self.night_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        estimates = QLabel("Estimates are fine. Enter saves; Esc is for not now.", page)
        estimates.setProperty("role", "muted")
        estimates.setAlignment(Qt.AlignmentFlag.AlignCenter)
        estimates.setWordWrap(True)

        form = QWidget(page)
        form.setMaximumWidth(FORM_MAX_WIDTH)
        form.setStyleSheet(NARROW_FIELDS)
        self.in_bed = self._time_field(form, "Time into bed")
        self.tried = self._time_field(form, "Time you tried to sleep")
        self.minutes_to_sleep = self._number_field(
            form, "Minutes it took to fall asleep", MAX_MINUTES_TO_SLEEP, " min"
        )
        self.awakenings = self._number_field(
            form, "Times you woke in the night, not counting the final waking", MAX_AWAKENINGS
        )
        self.minutes_awake = self._number_field(
            form, "Minutes awake in the night, all together", MAX_MINUTES_AWAKE, " min"
        )
        self.final_waking = self._time_field(form, "Time of the final waking")
        self.out_of_bed = self._time_field(form, "Time out of bed")
        self.quality = ChoiceRow(
            "Sleep quality",
            [
                (value, str(value), QUALITY_WORDS[value])
                for value in range(QUALITY_MIN, QUALITY_MAX + 1)
            ],
            theme,
            role="chip",
            show_words=True,
            parent=form,
        )
        self.legs = ChoiceRow(
            "Did leg sensations delay sleep or wake you", LEGS_ANSWERS, theme, parent=form
        )
        self.note = QLineEdit(form)
        self.note.setPlaceholderText("Optional")
        self.note.setMaxLength(MAX_NOTE_LENGTH)
        self.note.setAccessibleName("A note (optional)")
        self.note.setFixedHeight(FIELD_HEIGHT)

        grid = QGridLayout(form)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        # Label, field, a gap between the pairs, label, field.
        grid.setColumnMinimumWidth(2, PAIR_GAP)
        pairs: list[list[tuple[str, QWidget]]] = [
            [("Into bed", self.in_bed), ("Tried to sleep", self.tried)],
            [("Minutes to fall asleep", self.minutes_to_sleep)],
            [("Times you woke", self.awakenings), ("Minutes awake", self.minutes_awake)],
            [("Final waking", self.final_waking), ("Out of bed", self.out_of_bed)],
        ]
        for row, fields in enumerate(pairs):
            for column, (text, field) in enumerate(fields):
                grid.addWidget(_label(text, form, field), row, column * 3)
                grid.addWidget(field, row, column * 3 + 1)
        spaced = len(pairs)
        rows: list[tuple[str, QWidget]] = [
            ("Sleep quality", self.quality),
            ("Legs disturbed sleep", self.legs),
            ("Note", self.note),
        ]
        for offset, (text, field) in enumerate(rows, start=spaced):
            grid.addWidget(_label(text, form, field), offset, 0)
            grid.addWidget(field, offset, 1, 1, 4)

        self.error = QLabel("", page)
        self.error.setProperty("role", "error")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setWordWrap(True)
        self.error.hide()

        self.save_button = QPushButton("Save", page)
        self.save_button.setProperty("role", "primary")
        self.save_button.setAccessibleName("Save the check-in (Enter)")
        self.save_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.save_button.clicked.connect(self.save)
        self.skip_button = QPushButton("Not now", page)
        self.skip_button.setProperty("role", "quiet")
        self.skip_button.setAccessibleName("Not now: leave without saving (Esc)")
        self.skip_button.clicked.connect(self.skip)

        self.night_edit = NightEdit(page)
        self.night_edit.setDisplayFormat("ddd d MMM yyyy")
        self.night_edit.setCalendarPopup(False)
        self.night_edit.setMinimumDate(QDate(FIRST_NIGHT.year, FIRST_NIGHT.month, FIRST_NIGHT.day))
        self.night_edit.setAccessibleName("Another night: Up and Down choose the night")
        self.night_edit.dateChanged.connect(self._night_chosen)
        self.night_edit.lineEdit().setTextMargins(SPIN_TEXT_INSET, 0, SPIN_TEXT_INSET, 0)
        self.night_edit.setStyleSheet(chooser_style(theme))
        hint = QLabel("Another night:", page)
        hint.setProperty("role", "fine")
        hint.setBuddy(self.night_edit)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.skip_button)
        buttons.addSpacing(36)
        buttons.addWidget(hint)
        buttons.addSpacing(8)
        buttons.addWidget(self.night_edit)
        buttons.addStretch(1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(form)
        centred.addStretch(1)

        layout = QVBoxLayout(page)
        # Small fixed gaps and stretches around: the whole page fits the
        # smallest window (640×480), and sits in the middle of larger ones.
        layout.setContentsMargins(32, 12, 32, 12)
        layout.setSpacing(0)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addSpacing(2)
        layout.addWidget(self.night_label)
        layout.addSpacing(4)
        layout.addWidget(estimates)
        layout.addSpacing(14)
        layout.addLayout(centred)
        layout.addSpacing(10)
        layout.addWidget(self.error)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        layout.addStretch(3)

        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)

        self.fields: dict[str, QWidget] = {
            "in_bed_at": self.in_bed,
            "tried_to_sleep_at": self.tried,
            "minutes_to_sleep": self.minutes_to_sleep,
            "awakenings": self.awakenings,
            "minutes_awake": self.minutes_awake,
            "final_waking_at": self.final_waking,
            "out_of_bed_at": self.out_of_bed,
            "quality": self.quality,
            "legs_disturbed": self.legs,
            "note": self.note,
            "night": self.night_edit,
        }
        order = [
            *(self.fields[name] for name in list(self.fields)[:-1]),
            self.save_button,
            self.skip_button,
            self.night_edit,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- building ----------------------------------------------------------------
    def _time_field(self, parent: QWidget, name: str) -> QLineEdit:
        field = QLineEdit(parent)
        field.setPlaceholderText(TIME_PLACEHOLDER)
        field.setMaxLength(5)
        field.setFixedSize(FIELD_WIDTH, FIELD_HEIGHT)
        field.setAccessibleName(f"{name} ({TIME_PLACEHOLDER})")
        field.textEdited.connect(self._edited)
        return field

    def _number_field(self, parent: QWidget, name: str, top: int, suffix: str = "") -> QSpinBox:
        field = QSpinBox(parent)
        field.setRange(0, top)
        field.setSuffix(suffix)
        field.setFixedSize(FIELD_WIDTH, FIELD_HEIGHT)
        field.lineEdit().setTextMargins(SPIN_TEXT_INSET, 0, SPIN_TEXT_INSET, 0)
        field.setAccessibleName(f"{name} (0 to {top})")
        field.setToolTip(name)
        field.valueChanged.connect(self._edited)
        return field

    def set_theme(self, theme: Theme) -> None:
        self.night_edit.setStyleSheet(chooser_style(theme))
        self.quality.set_theme(theme)
        self.legs.set_theme(theme)

    # -- filling -----------------------------------------------------------------
    @property
    def rules(self) -> StreakRules:
        return self.context.settings.typed.streak.rules()

    def last_night(self) -> date:
        """The newest night a check-in can be about, as of now."""
        return last_night(self.clock.now(), self.rules)

    def load(self, night: date | None = None) -> None:
        """Show `night` (None, or a night not over yet: the last night), with
        its kept entry, or the starting values when it has none."""
        newest = self.last_night()
        night = newest if night is None or night > newest else max(night, FIRST_NIGHT)
        self.night = night
        self.night_edit.blockSignals(True)
        self.night_edit.setMaximumDate(QDate(newest.year, newest.month, newest.day))
        self.night_edit.setDate(QDate(night.year, night.month, night.day))
        self.night_edit.blockSignals(False)
        db = self.context.db
        own = get_diary(db, night)
        kept = list_diary(db)
        latest = kept[-1] if kept else None
        self._show_values(starting_values(own, latest))
        words = f"Night of {night_words(night, self.clock.now().date())}"
        # A night kept before says so: saving replaces what it had.
        self.night_label.setText(f"{words} · saved before" if own is not None else words)
        self.night_label.setAccessibleName(
            f"{words}, saved before: saving replaces it" if own is not None else words
        )
        self._edited()

    def _show_values(self, values: FormValues) -> None:
        self.in_bed.setText(values.in_bed.strftime("%H:%M"))
        self.tried.setText(values.tried.strftime("%H:%M"))
        self.minutes_to_sleep.setValue(values.minutes_to_sleep)
        self.awakenings.setValue(values.awakenings)
        self.minutes_awake.setValue(values.minutes_awake)
        self.final_waking.setText(values.final_waking.strftime("%H:%M"))
        self.out_of_bed.setText(values.out_of_bed.strftime("%H:%M"))
        self.quality.set_value(values.quality)
        self.legs.set_value(values.legs)
        self.note.setText(values.note)

    def focus_first(self) -> None:
        """Put the cursor in the first field, its time selected to type over."""
        self.scroller.verticalScrollBar().setValue(0)
        self.in_bed.setFocus(Qt.FocusReason.TabFocusReason)
        self.in_bed.selectAll()

    def _night_chosen(self, chosen: QDate) -> None:
        night = chosen.toPython()
        if isinstance(night, date) and night != self.night:
            self.load(night)

    # -- saving --------------------------------------------------------------------
    def build(self) -> DiaryEntry:
        """The entry as the form shows it, checked; `DiaryError` when refused."""
        return entry_from_times(
            self.night,
            wall_time("in_bed_at", self.in_bed.text()),
            wall_time("tried_to_sleep_at", self.tried.text()),
            self.minutes_to_sleep.value(),
            self.awakenings.value(),
            self.minutes_awake.value(),
            wall_time("final_waking_at", self.final_waking.text()),
            wall_time("out_of_bed_at", self.out_of_bed.text()),
            cast(int, self.quality.value()),
            cast(LegsDisturbed, self.legs.value()),
            self.note.text().strip(),
            None,
            rules=self.rules,
        )

    def save(self) -> None:
        """Keep the entry and emit `saved`, or show the one line that says why not."""
        try:
            entry = self.build()
        except DiaryError as refused:
            self._refuse(str(refused))
            field = self.fields.get(refused.field)
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(field, QLineEdit):
                    field.selectAll()
            return
        try:
            save_diary(self.context.db, entry)
        except (sqlite3.Error, OSError, DatabaseError) as problem:
            self._refuse(f"The check-in could not be saved: {problem}")
            return
        self._edited()
        self.saved.emit(entry)

    def skip(self) -> None:
        """Leave without saving anything."""
        self._edited()
        self.skipped.emit()

    def _edited(self) -> None:
        self.error.hide()
        self.error.clear()

    def _refuse(self, line: str) -> None:
        self.error.setText(line)
        self.error.setAccessibleName(line)
        self.error.show()

    # -- keys ------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if take_from_shortcuts(event, (Qt.Key.Key_Escape,)):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_command(event):
            super().keyPressEvent(event)
            return
        if event.key() in ENTER_KEYS:
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            else:
                self.save()
        elif event.key() == Qt.Key.Key_Escape:
            self.skip()
        elif not claims(event, (Qt.Key.Key_Escape,)):
            super().keyPressEvent(event)
            return
        event.accept()
