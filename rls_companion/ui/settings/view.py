"""Settings: sections a person can read, with a live breathing preview.

Every field shows its human label, its unit and sensible precision
(ui.settings.fields); only the fields that matter with the other choices are
shown; each section has one sentence and "Restore defaults" (with undo). Every
change goes through the same validation as `config set`; a refused value is
shown beside its field and nothing is saved.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rls_companion.core import settings as schema
from rls_companion.core.clock import Clock, SystemClock
from rls_companion.core.settings import SettingError
from rls_companion.core.voice_choice import Voice
from rls_companion.storage.settings_file import SettingsFile
from rls_companion.ui.settings.editors import DaysBox, NumberBox, TimeBox
from rls_companion.ui.settings.fields import FIELDS, SECTIONS, Section, shown
from rls_companion.ui.settings.guidance_list import GuidanceList
from rls_companion.ui.settings.preview import BreathPreview
from rls_companion.ui.theme import Theme

SAFETY_LINE = (
    "Breathe gently, not deeper. If you feel dizzy or light-headed, stop and breathe normally."
)
AUTOMATIC_VOICE = "Automatic (speaks the guidance's language)"
SECTION_GAP = 22
LABEL_WIDTH = 200
FIELD_WIDTH = 300
# Settings the preview follows.
PREVIEWED = ("breathing.", "audio.", "appearance.reduced_motion")


class SettingsView(QWidget):
    changed = Signal(str)
    voices_listed = Signal(list)  # the engine's voices, best for the guidance first

    def __init__(
        self,
        settings: SettingsFile,
        theme: Theme,
        clock: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.theme = theme
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.names: dict[str, QLabel] = {}
        self.restore_buttons: dict[str, QPushButton] = {}
        self.undo_rows: dict[str, QWidget] = {}
        self._undo: dict[str, dict[str, schema.Value]] = {}
        self._loaders: dict[str, Callable[[], None]] = {}
        title = QLabel("Settings", self)
        title.setProperty("role", "title")
        self.page_notice = QLabel("", self)
        self.page_notice.setProperty("role", "error")
        self.page_notice.setWordWrap(True)
        self.page_notice.hide()
        body = QWidget()
        page = QVBoxLayout(body)
        page.setContentsMargins(0, 0, 12, 24)
        page.setSpacing(6)
        self.preview = BreathPreview(settings.typed, clock or SystemClock(), theme, body)
        self.guidance = GuidanceList(self.settings.get, self._apply, body)
        for index, section in enumerate(SECTIONS):
            if index:
                page.addSpacing(SECTION_GAP)
            page.addLayout(self._header(section, body))
            sentence = QLabel(section.sentence, body)
            sentence.setProperty("role", "muted")
            sentence.setWordWrap(True)
            page.addWidget(sentence)
            if section.name == "breathing":
                safety = QLabel(SAFETY_LINE, body)
                safety.setProperty("role", "fine")
                safety.setWordWrap(True)
                page.addWidget(safety)
            page.addWidget(self._undo_row(section, body))
            if section.name == "guidance":
                page.addWidget(self.guidance)
                self._loaders[section.name] = self.guidance.load
                continue
            grid = self._grid(section, body)
            if section.name == "breathing":
                row = QHBoxLayout()
                row.addLayout(grid, 1)
                row.addSpacing(24)
                row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
                page.addLayout(row)
            else:
                page.addLayout(grid)
        page.addStretch(1)
        self._update_relevance()
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(title)
        layout.addWidget(self.page_notice)
        layout.addSpacing(8)
        layout.addWidget(self.scroller, 1)
        self.voices_listed.connect(self._fill_voices)
        self._voices_asked = False

    # -- building ------------------------------------------------------------------
    def _header(self, section: Section, parent: QWidget) -> QHBoxLayout:
        label = QLabel(section.title.upper(), parent)
        label.setProperty("role", "section")
        restore = QPushButton("Restore defaults", parent)
        restore.setProperty("role", "link")
        restore.setAccessibleName(f"Restore the {section.title.lower()} settings to their defaults")
        restore.clicked.connect(lambda _=False, s=section: self.restore_defaults(s.name))
        self.restore_buttons[section.name] = restore
        row = QHBoxLayout()
        row.addWidget(label, 1, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(restore, 0, Qt.AlignmentFlag.AlignBottom)
        return row

    def _undo_row(self, section: Section, parent: QWidget) -> QWidget:
        row = QWidget(parent)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        words = QLabel(f"{section.title} settings are back to their defaults.", row)
        words.setProperty("role", "notice")
        undo = QPushButton("Undo", row)
        undo.setProperty("role", "link")
        undo.setAccessibleName(f"Undo restoring the {section.title.lower()} settings")
        undo.clicked.connect(lambda _=False, s=section: self.undo_restore(s.name))
        layout.addWidget(words)
        layout.addWidget(undo)
        layout.addStretch(1)
        row.hide()
        self.undo_rows[section.name] = row
        return row

    def _grid(self, section: Section, parent: QWidget) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(2, 1)
        grid.setColumnMinimumWidth(0, LABEL_WIDTH)  # the fields line up down the page
        grid.setColumnMinimumWidth(1, FIELD_WIDTH)
        grid.setRowStretch(len(section.keys), 1)  # rows stay together beside the preview
        for row, key in enumerate(section.keys):
            spec = schema.SPECS[key]
            field = FIELDS[key]
            editor = self._editor(key, parent)
            name = QLabel("" if spec.kind is bool else field.title, parent)
            name.setBuddy(editor)
            error = QLabel("", parent)
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.hide()
            grid.addWidget(name, row, 0)
            grid.addWidget(editor, row, 1)
            grid.addWidget(error, row, 2)
            editor.setAccessibleName(field.title)
            editor.setMinimumWidth(FIELD_WIDTH if spec.kind is not bool else 0)
            if spec.help:
                editor.setToolTip(spec.help)
            self.editors[key] = editor
            self.errors[key] = error
            self.names[key] = name
        self._loaders[section.name] = functools.partial(self._show_values, section.keys)
        return grid

    def _editor(self, key: str, parent: QWidget) -> QWidget:
        spec = schema.SPECS[key]
        field = FIELDS[key]
        value = self.settings.get(key)
        if spec.kind is bool:
            box = QCheckBox(field.title, parent)
            box.setChecked(bool(value))
            box.toggled.connect(lambda v, k=key: self._apply(k, v))
            return box
        if spec.choices:
            combo = QComboBox(parent)
            labels = field.choices or {}
            for choice in spec.choices:
                combo.addItem(labels.get(choice, choice), choice)
            combo.setCurrentIndex(spec.choices.index(str(value)))
            combo.currentIndexChanged.connect(lambda i, k=key, c=spec.choices: self._apply(k, c[i]))
            return combo
        if key == "speech.voice":
            voices = QComboBox(parent)
            voices.addItem(AUTOMATIC_VOICE, "")
            if value:
                voices.addItem(str(value), str(value))
                voices.setCurrentIndex(1)
            voices.currentIndexChanged.connect(
                lambda i, k=key, c=voices: self._apply(k, str(c.itemData(i) or ""))
            )
            return voices
        if key == "reminder.time":
            time = TimeBox(str(value), parent)
            time.editingFinished.connect(lambda k=key, e=time: self._apply(k, e.text_value()))
            return time
        if key == "reminder.days":
            days = DaysBox(str(value), parent)
            days.changed.connect(lambda text, k=key: self._apply(k, text))
            return days
        if spec.kind is str:
            line = QLineEdit(str(value), parent)
            line.setMaxLength(schema.MAX_TEXT_LENGTH)
            line.editingFinished.connect(lambda k=key, e=line: self._apply(k, e.text()))
            return line
        number = NumberBox(field, float(spec.minimum or 0), float(spec.maximum or 0), parent)
        number.setValue(float(value))
        whole = spec.kind is int
        number.valueChanged.connect(
            lambda v, k=key, w=whole: self._apply(k, round(v) if w else round(v, 4))
        )
        return number

    # -- the voice list --------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._voices_asked:
            # Listing voices loads the speech engine: never on the GUI thread.
            self._voices_asked = True
            threading.Thread(target=self._list_voices, name="voice-list", daemon=True).start()

    def _list_voices(self) -> None:
        from rls_companion.audio.speech import mixed_voices

        voices = mixed_voices()
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            self.voices_listed.emit(voices)

    def _fill_voices(self, voices: list[Voice]) -> None:
        """The voice list: automatic, then the voices that speak the
        guidance's language, then the others (any name may still be typed)."""
        from rls_companion.core.voice_choice import GUIDANCE_LANGUAGE

        combo = self.editors["speech.voice"]
        assert isinstance(combo, QComboBox)
        current = str(self.settings.get("speech.voice"))
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(AUTOMATIC_VOICE, "")
        matching = [v for v in voices if v.language == GUIDANCE_LANGUAGE]
        for voice in matching:
            combo.addItem(f"{voice.name} ({voice.locale})", voice.name)
        if matching and len(matching) < len(voices):
            combo.insertSeparator(combo.count())
        for voice in voices[len(matching) :]:
            combo.addItem(f"{voice.name} ({voice.locale})", voice.name)
        index = combo.findData(current)
        if index < 0:
            combo.addItem(current, current)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    # -- changes ----------------------------------------------------------------------
    def _apply(self, key: str, value: object) -> bool:
        error = self.errors.get(key)
        self.page_notice.hide()
        try:
            self.settings.set(key, value)
        except SettingError as problem:
            self._show_error(key, str(problem))
            return False
        except OSError as problem:
            self._show_error(key, f"Could not save: {problem}")
            return False
        if error is not None:
            error.hide()
        self._after_change(key)
        return True

    def _show_error(self, key: str, message: str) -> None:
        error = self.errors.get(key)
        if error is None:  # the guidance list's problems show under the title
            self.page_notice.setText(message)
            self.page_notice.show()
            return
        error.setText(message)
        error.show()

    def _after_change(self, key: str) -> None:
        section = key.split(".", 1)[0]
        self.undo_rows[section].hide()
        self._undo.pop(section, None)
        self._update_relevance()
        if key.startswith(PREVIEWED):
            self.preview.follow(self.settings.typed)
        self.changed.emit(key)

    def restore_defaults(self, section_name: str) -> None:
        """Every setting of the section back to its default, in one write;
        "Undo" brings the values back."""
        section = next(s for s in SECTIONS if s.name == section_name)
        before = {key: self.settings.get(key) for key in section.keys}
        defaults = {key: schema.SPECS[key].default for key in section.keys}
        if before == defaults:
            return
        if not self._write_many(section, defaults):
            return
        self._undo[section_name] = before
        self.undo_rows[section_name].show()

    def undo_restore(self, section_name: str) -> None:
        before = self._undo.pop(section_name, None)
        self.undo_rows[section_name].hide()
        if before is not None:
            section = next(s for s in SECTIONS if s.name == section_name)
            self._write_many(section, before)

    def _write_many(self, section: Section, values: dict[str, schema.Value]) -> bool:
        try:
            self.settings.set_many(values)
        except (SettingError, OSError) as problem:
            self._show_error(section.keys[0], f"Could not save: {problem}")
            return False
        self._loaders[section.name]()
        self._update_relevance()
        if any(key.startswith(PREVIEWED) for key in values):
            self.preview.follow(self.settings.typed)
        for key in values:
            self.changed.emit(key)
        return True

    def _show_values(self, keys: tuple[str, ...]) -> None:
        """Put the stored values back into the fields, without saving them again."""
        for key in keys:
            editor = self.editors[key]
            value = self.settings.get(key)
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, NumberBox):
                editor.setValue(float(value))
            elif isinstance(editor, TimeBox | DaysBox):
                editor.set_text(str(value))
            elif isinstance(editor, QComboBox):
                index = editor.findData(value)
                if index < 0 and key == "speech.voice":
                    editor.addItem(str(value), str(value))
                    index = editor.count() - 1
                editor.setCurrentIndex(max(index, 0))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))
            editor.blockSignals(False)
            self.errors[key].hide()

    def _update_relevance(self) -> None:
        """Show only the fields that matter with the current choices."""
        for key, editor in self.editors.items():
            visible = shown(key, self.settings.get)
            editor.setVisible(visible)
            self.names[key].setVisible(visible)
            if not visible:
                self.errors[key].hide()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.preview.set_theme(theme)
