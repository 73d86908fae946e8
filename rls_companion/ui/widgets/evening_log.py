"""The evening log form, and the quiet disclosure that hosts it on a page.

Everything is optional and the form only records: when the sensations
started today (or none today), where, and what the day held. The bedtime
rating is never asked twice: the page that hosts the form already has it.

Keys: while the form has focus, each trigger's key (shown on its line) marks
or unmarks it, and Return saves; typing in a field goes to the field. The
form claims those keys before the window's own shortcuts see them, so a
digit never sets a rating, and Space never starts a session, from here.
The form holds no database: `saved` hands the checked log to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, tzinfo

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rls_companion.core.evening import (
    DEFAULT_RULES,
    MAX_LABEL_LENGTH,
    MAX_NOTE_LENGTH,
    EveningError,
    EveningLog,
    Place,
    check,
    started_from_text,
    trigger_words,
)
from rls_companion.core.streaks import StreakRules
from rls_companion.ui.widgets.form_keys import claims, is_command, take_from_shortcuts
from rls_companion.ui.widgets.rating_row import RatingRow

# The key of each trigger line, in order: 1–8 for the defaults, then the
# person's own labels. Lines beyond these have no key (Tab and Space reach them).
TRIGGER_KEYS = "1234567890abcdefghijklmnopqrstuvwxyz"
PLACE_WORDS = {Place.LEGS: "&Legs", Place.ARMS: "&Arms", Place.ELSEWHERE: "&Elsewhere"}
TIME_PLACEHOLDER = "hh:mm"
MAX_COLUMNS = 2
FORM_MAX_WIDTH = 760
COLLAPSED_MARK = "▸"
EXPANDED_MARK = "▾"


class ColumnsLayout(QLayout):
    """Equal columns, filled top to bottom, as many as fit (at most `columns`).

    A checklist reads in key order down the first column, then the next; on
    a narrow page it becomes one column instead of clipping the words.
    """

    def __init__(self, parent: QWidget | None = None, columns: int = MAX_COLUMNS) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._columns = columns
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(6)
        self._gap = 24

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def _cell(self) -> QSize:
        cell = QSize(0, 0)
        for item in self._items:
            cell = cell.expandedTo(item.sizeHint())
        return cell

    def columns_for(self, width: int) -> int:
        cell = self._cell().width()
        if not self._items or cell <= 0:
            return 1
        fit = (width + self._gap) // (cell + self._gap)
        return max(1, min(self._columns, fit, len(self._items)))

    def minimumSize(self) -> QSize:
        cell = self._cell()
        rows = len(self._items)
        return QSize(cell.width(), rows * cell.height() + max(rows - 1, 0) * self.spacing())

    def sizeHint(self) -> QSize:
        cell = self._cell()
        columns = max(1, min(self._columns, len(self._items)))
        width = columns * cell.width() + (columns - 1) * self._gap
        return QSize(width, self.heightForWidth(width))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def _arrange(self, rect: QRect, place: bool) -> int:
        if not self._items:
            return 0
        cell = self._cell()
        columns = self.columns_for(rect.width())
        rows = -(-len(self._items) // columns)
        width = (rect.width() - (columns - 1) * self._gap) // columns
        if place:
            for index, item in enumerate(self._items):
                column, row = divmod(index, rows)
                x = rect.x() + column * (width + self._gap)
                y = rect.y() + row * (cell.height() + self.spacing())
                item.setGeometry(QRect(x, y, width, cell.height()))
        return rows * cell.height() + (rows - 1) * self.spacing()


def _holds(layout: QLayout | None, widget: QWidget) -> bool:
    """Whether `widget` is in `layout` (at any depth)."""
    if layout is None:
        return False
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is not None and (item.widget() is widget or _holds(item.layout(), widget)):
            return True
    return False


def _question(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "fine")
    label.setWordWrap(True)
    return label


def stacked_question(row: RatingRow, parent: QWidget) -> QLabel:
    """The rating row's question as a centred line of its own, to go above
    its chips (the row keeps it for the chips' accessible names), so that a
    page with the row and the evening log fits the smallest window."""
    row.question.hide()
    label = QLabel(row.question.text(), parent)
    label.setProperty("role", "fine")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def bring_into_view(scroller: QScrollArea, shown: QWidget, rows: Sequence[QWidget]) -> None:
    """Scroll so that all of `shown` is in view with the top edge falling in
    the gap above one of `rows` (widgets of the scrolled page), never through
    the middle of a line or a button; when no such place shows all of it, the
    top of `shown` leads."""
    bar = scroller.verticalScrollBar()
    margin = 12
    need = shown.geometry().bottom() + margin - scroller.viewport().height()
    if need <= bar.value() <= shown.y():
        return  # all of it is in view already
    landings = sorted(row.y() - margin for row in (*rows, shown) if row.isVisible())
    fitting = [y for y in landings if need <= y <= bar.maximum()]
    reachable = [y for y in landings if y <= bar.maximum()]
    if fitting:
        bar.setValue(max(fitting[0], 0))
    elif reachable:
        bar.setValue(max(reachable[-1], 0))


class EveningLogForm(QWidget):
    """The evening log of one night. Call `load` before showing it."""

    saved = Signal(object)  # an EveningLog, checked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._night: date | None = None
        self._rating: int | None = None
        self._tz: tzinfo | None = None
        self._rules = DEFAULT_RULES
        self.rating_source: Callable[[], int | None] | None = None
        self.labels: list[str] = []
        self.trigger_boxes: list[QCheckBox] = []

        self.started = QLineEdit(self)
        self.started.setPlaceholderText(TIME_PLACEHOLDER)
        self.started.setMaxLength(5)
        self.started.setStyleSheet("min-width: 64px; max-width: 64px;")
        self.started.setAccessibleName("When did the sensations start today? (hh:mm)")
        self.none_today = QCheckBox("&None today", self)
        self.none_today.toggled.connect(self._none_today_toggled)
        when = QHBoxLayout()
        when.setSpacing(16)
        when.addWidget(self.started)
        when.addWidget(self.none_today)
        when.addStretch(1)

        self.places: dict[Place, QCheckBox] = {}
        where = QHBoxLayout()
        where.setSpacing(16)
        for place, words in PLACE_WORDS.items():
            box = QCheckBox(words, self)
            self.places[place] = box
            where.addWidget(box)
        where.addStretch(1)

        self.triggers_question = _question(
            "Anything from this list today? Press a line's key to mark it.", self
        )
        self.triggers = ColumnsLayout()
        self.add_line = QLineEdit(self)
        self.add_line.setPlaceholderText("Add your own…")
        self.add_line.setMaxLength(MAX_LABEL_LENGTH)
        self.add_line.setAccessibleName("Add your own (Return adds it to the list)")
        self.add_line.returnPressed.connect(self.add_label)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("A note (optional)")
        self.note.setMaxLength(MAX_NOTE_LENGTH)
        self.note.setAccessibleName("A note (optional)")
        self.save_button = QPushButton("Save evening log", self)
        self.save_button.setProperty("role", "quiet")
        self.save_button.setAccessibleName("Save the evening log (Return)")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        self.error = QLabel("", self)
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        # Each question above its answers: nothing wraps oddly on a narrow page.
        self._column = layout
        for text, answers in (("When did the sensations start today?", when), ("Where?", where)):
            layout.addWidget(_question(text, self))
            layout.addLayout(answers)
            if answers is when:
                layout.addWidget(self.error)  # a refusal shows under what it names
            layout.addSpacing(8)
        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.save_button)

        layout.addWidget(self.triggers_question)
        layout.addLayout(self.triggers)
        layout.addSpacing(4)
        layout.addWidget(self.add_line)
        layout.addSpacing(12)
        layout.addLayout(bottom)

        for line in (self.started, self.note, self.add_line):
            line.textEdited.connect(self._edited)
        for box in (self.none_today, *self.places.values()):
            box.toggled.connect(self._edited)

    # -- filling -----------------------------------------------------------
    def load(
        self,
        night: date,
        log: EveningLog | None,
        labels: tuple[str, ...],
        rating: int | None = None,
        tz: tzinfo | None = None,
        rules: StreakRules = DEFAULT_RULES,
    ) -> None:
        """Show `night`'s log (None: an empty form) with `labels` on offer.

        `rating` is the bedtime rating to keep with the log when the host has
        no fresher one (see `rating_source`); without it, the log's own stays.
        A label the log used that is not on offer is added, so correcting an
        old night never drops it.
        """
        self._night = night
        self._tz = tz
        self._rules = rules
        self._rating = rating if rating is not None else (log.rating if log else None)
        wanted = list(dict.fromkeys(labels))
        if log is not None:
            wanted += [label for label in log.triggers if label not in wanted]
        self._set_labels(wanted)
        started = log.symptoms_started_at if log else None
        self.started.setText(started.strftime("%H:%M") if started else "")
        self.none_today.setChecked(bool(log and log.none_today))
        for place, box in self.places.items():
            box.setChecked(bool(log and place in log.symptom_places))
        chosen = set(log.triggers) if log else set()
        for label, box in zip(self.labels, self.trigger_boxes, strict=True):
            box.setChecked(label in chosen)
        self.note.setText(log.note if log else "")
        self.add_line.clear()
        self.save_button.setEnabled(True)
        self._edited()

    def _set_labels(self, labels: list[str]) -> None:
        if labels == self.labels:
            return
        for box in self.trigger_boxes:
            self.triggers.removeWidget(box)
            box.deleteLater()
        self.labels = []
        self.trigger_boxes = []
        for label in labels:
            self._append(label)

    def _append(self, label: str) -> QCheckBox:
        index = len(self.labels)
        words = trigger_words(label)
        key = TRIGGER_KEYS[index] if index < len(TRIGGER_KEYS) else ""
        box = QCheckBox(f"{key.upper()}   {words}" if key else words, self)
        box.setAccessibleName(f"{words} (key {key.upper()})" if key else words)
        box.toggled.connect(self._edited)
        self.labels.append(label)
        self.trigger_boxes.append(box)
        self.triggers.addWidget(box)
        return box

    # -- editing -----------------------------------------------------------
    def chosen_triggers(self) -> tuple[str, ...]:
        return tuple(
            label
            for label, box in zip(self.labels, self.trigger_boxes, strict=True)
            if box.isChecked()
        )

    def toggle_key(self, key: str) -> bool:
        """Mark or unmark the trigger whose key is `key`; False when none has it."""
        index = TRIGGER_KEYS.find(key.lower()) if len(key) == 1 else -1
        if not 0 <= index < len(self.trigger_boxes):
            return False
        self.trigger_boxes[index].toggle()
        return True

    def add_label(self) -> None:
        """Add the typed label to the list, marked (it was typed because it
        applies today). One already on the list, by its words in any case, is
        marked instead of being added twice."""
        text = self.add_line.text().strip()
        if not text:
            return
        for label, box in zip(self.labels, self.trigger_boxes, strict=True):
            if text.casefold() in (label.casefold(), trigger_words(label).casefold()):
                box.setChecked(True)
                self.add_line.clear()
                return
        try:
            (label,) = check(EveningLog(night=date.min, triggers=(text,))).triggers
        except EveningError as refused:
            self._refuse(str(refused), refused.field)
            return
        self._append(label).setChecked(True)
        self.add_line.clear()

    def _none_today_toggled(self, none: bool) -> None:
        self.started.setEnabled(not none)
        for box in self.places.values():
            box.setEnabled(not none)

    def _edited(self) -> None:
        self.error.hide()
        self.error.clear()

    def _refuse(self, line: str, field: str) -> None:
        """Show the one line under the field it names, and scroll it into view."""
        below = {"symptoms_started_at": self.started, "triggers": self.add_line}
        anchor = below.get(field, self.note)
        self._column.removeWidget(self.error)
        index = next(
            i
            for i in range(self._column.count())
            if (item := self._column.itemAt(i)) is not None
            and (item.widget() is anchor or _holds(item.layout(), anchor))
        )
        self._column.insertWidget(index + 1, self.error)
        self.error.setText(line)
        self.error.show()
        QTimer.singleShot(0, self, self._reveal_error)

    def _reveal_error(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea) and self.error.isVisible():
            parent.ensureWidgetVisible(self.error, 0, 24)

    # -- saving ------------------------------------------------------------
    def bedtime_rating(self) -> int | None:
        fresh = self.rating_source() if self.rating_source is not None else None
        return fresh if fresh is not None else self._rating

    def build(self) -> EveningLog:
        """The log as the form shows it, checked; `EveningError` when refused."""
        if self._night is None:
            raise RuntimeError("load() a night before building its log")
        none = self.none_today.isChecked()
        started = (
            None
            if none
            else started_from_text(self._night, self.started.text(), self._tz, self._rules)
        )
        places = frozenset(
            () if none else (place for place, box in self.places.items() if box.isChecked())
        )
        log = EveningLog(
            night=self._night,
            symptoms_started_at=started,
            none_today=none,
            symptom_places=places,
            rating=self.bedtime_rating(),
            triggers=self.chosen_triggers(),
            note=self.note.text().strip(),
        )
        return check(log, self._rules)

    def save(self) -> None:
        """Emit `saved` with the checked log, or show its one-line refusal."""
        if self._night is None:
            return
        try:
            log = self.build()
        except EveningError as refused:
            self._refuse(str(refused), refused.field)
            if refused.field == "symptoms_started_at":
                self.started.setFocus()
            return
        self._edited()
        self.saved.emit(log)

    # -- keys ----------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if take_from_shortcuts(event):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_command(event):
            super().keyPressEvent(event)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # The add line has added its label already; from anywhere else, save.
            if self.focusWidget() is not self.add_line:
                self.save()
            event.accept()
        elif self.toggle_key(event.text()) or claims(event):
            event.accept()
        else:
            super().keyPressEvent(event)


class EveningLogDisclosure(QWidget):
    """A quiet "Evening log (optional)" line that opens to the form, closed at first.

    Saving closes it again, and the line then says the night's log is kept.
    """

    saved = Signal(object)  # an EveningLog, checked
    expanded_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kept = False
        self.toggle = QPushButton("", self)
        self.toggle.setProperty("role", "nav")
        self.toggle.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggle.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self.form = EveningLogForm(self)
        self.form.setMaximumWidth(FORM_MAX_WIDTH)
        self.form.hide()
        self.form.saved.connect(self._saved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignHCenter)
        # Centred by stretches, not by alignment: a layout then asks the form
        # for its height at the width it really gets (its checklist may wrap).
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.form)
        centred.addStretch(1)
        layout.addLayout(centred)
        self._show_toggle()

    @property
    def expanded(self) -> bool:
        return not self.form.isHidden()

    def set_expanded(self, expanded: bool) -> None:
        if expanded == self.expanded:
            return
        self.form.setVisible(expanded)
        self._show_toggle()
        if expanded:
            first = self.form.none_today if self.form.none_today.isChecked() else self.form.started
            first.setFocus()
        self.expanded_changed.emit(expanded)

    def load(
        self,
        night: date,
        log: EveningLog | None,
        labels: tuple[str, ...],
        rating: int | None = None,
        tz: tzinfo | None = None,
        rules: StreakRules = DEFAULT_RULES,
    ) -> None:
        """As `EveningLogForm.load`; the line says whether the night has a log."""
        self.form.load(night, log, labels, rating, tz, rules)
        self._kept = log is not None
        self._show_toggle()

    def _toggle_key(self, event: QEvent) -> bool:
        """Space and Return on the line open or close it (not start a session)."""
        return (
            isinstance(event, QKeyEvent)
            and self.toggle.hasFocus()
            and not is_command(event)
            and event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._toggle_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._toggle_key(event) and event.key() != Qt.Key.Key_Space:
            self.toggle.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def _saved(self, log: EveningLog) -> None:
        self._kept = True
        self.set_expanded(False)
        self.toggle.setFocus()
        self.saved.emit(log)

    def _show_toggle(self) -> None:
        mark = EXPANDED_MARK if self.expanded else COLLAPSED_MARK
        words = "Evening log · saved" if self._kept else "Evening log (optional)"
        self.toggle.setText(f"{words}  {mark}")
        state = "open" if self.expanded else "closed"
        self.toggle.setAccessibleName(f"{words}: {state}. Press to show or hide it.")
