"""Settings: a form generated from the one settings schema.

Every change goes through the same validation as `config set`; a refused value
is shown beside its field and nothing is saved.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rls_companion.core import settings as schema
from rls_companion.core.settings import SettingError, Spec
from rls_companion.core.voice_choice import Voice
from rls_companion.storage.settings_file import SettingsFile

# The sections this window edits; the others are set from the command line
# until their screens exist.
SPIN_TEXT_INSET = 9  # px, as the padding of the other fields

SECTION_TITLES = {
    "breathing": "BREATHING",
    "session": "SESSION",
    "audio": "SOUND",
    "speech": "VOICE",
    "reminder": "BEDTIME REMINDER",
    "appearance": "LOOK",
}
SAFETY_LINE = (
    "Breathe gently, not deeper. If you feel dizzy or light-headed, stop and breathe normally."
)
CHOICE_LABELS = {
    "resonance": "Resonance (4 in, 6 out)",
    "extended_exhale": "Extended exhale (4 in, 8 out)",
    "box": "Box (4-4-4-4)",
    "4-7-8": "4-7-8",
    "cyclic_sigh": "Cyclic sigh",
    "custom": "Custom",
    "auto": "Automatic",
    "qt": "Qt Multimedia",
    "simpleaudio": "simpleaudio",
    "none": "No sound",
    "night": "Night (dim and warm)",
    "dark": "Dark",
    "light": "Light",
    "system": "Follow the system",
}


AUTOMATIC_VOICE = "Automatic (speaks the guidance's language)"


class SettingsView(QWidget):
    changed = Signal(str)
    voices_listed = Signal(list)  # the engine's voices, best for the guidance first

    def __init__(self, settings: SettingsFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        title = QLabel("Settings", self)
        title.setProperty("role", "title")
        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(2, 1)
        row = 0
        section = ""
        for spec in schema.SCHEMA:
            head = spec.key.split(".", 1)[0]
            if head not in SECTION_TITLES:
                continue
            if head != section:
                section = head
                label = QLabel(SECTION_TITLES[head], body)
                label.setProperty("role", "section")
                grid.addWidget(label, row, 0, 1, 3)
                row += 1
                if head == "breathing":
                    safety = QLabel(SAFETY_LINE, body)
                    safety.setProperty("role", "muted")
                    safety.setWordWrap(True)
                    grid.addWidget(safety, row, 0, 1, 3)
                    row += 1
            name = QLabel(spec.label, body)
            editor = self._editor(spec, body)
            name.setBuddy(editor)
            error = QLabel("", body)
            error.setProperty("role", "error")
            error.hide()
            grid.addWidget(name, row, 0)
            grid.addWidget(editor, row, 1)
            grid.addWidget(error, row, 2)
            self.editors[spec.key] = editor
            self.errors[spec.key] = error
            row += 1
        grid.setRowStretch(row, 1)
        self._update_relevance()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addWidget(scroll, 1)
        self.voices_listed.connect(self._fill_voices)
        self._voices_asked = False

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

    def _editor(self, spec: Spec, parent: QWidget) -> QWidget:
        value = self.settings.get(spec.key)
        editor: QWidget
        if spec.kind is bool:
            box = QCheckBox(parent)
            box.setChecked(bool(value))
            box.toggled.connect(lambda v, k=spec.key: self._apply(k, v))
            editor = box
        elif spec.choices:
            combo = QComboBox(parent)
            for choice in spec.choices:
                combo.addItem(CHOICE_LABELS.get(choice, choice), choice)
            combo.setCurrentIndex(spec.choices.index(str(value)))
            combo.currentIndexChanged.connect(
                lambda i, k=spec.key, c=spec.choices: self._apply(k, c[i])
            )
            editor = combo
        elif spec.key == "speech.voice":
            voices = QComboBox(parent)
            voices.addItem(AUTOMATIC_VOICE, "")
            if value:
                voices.addItem(str(value), str(value))
                voices.setCurrentIndex(1)
            voices.currentIndexChanged.connect(
                lambda i, k=spec.key, c=voices: self._apply(k, str(c.itemData(i) or ""))
            )
            editor = voices
        elif spec.kind is str:
            line = QLineEdit(str(value), parent)
            line.setMaxLength(schema.MAX_TEXT_LENGTH)
            line.editingFinished.connect(lambda k=spec.key, e=line: self._apply(k, e.text()))
            editor = line
        elif spec.kind is int:
            spin = QSpinBox(parent)
            spin.setRange(int(spec.minimum or 0), int(spec.maximum or 0))
            spin.setValue(int(value))
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, k=spec.key: self._apply(k, v))
            editor = spin
        else:
            dspin = QDoubleSpinBox(parent)
            dspin.setDecimals(1)
            dspin.setSingleStep(0.5)
            dspin.setRange(float(spec.minimum or 0), float(spec.maximum or 0))
            dspin.setValue(float(value))
            dspin.setKeyboardTracking(False)
            dspin.valueChanged.connect(lambda v, k=spec.key: self._apply(k, v))
            editor = dspin
        if isinstance(editor, QAbstractSpinBox):
            # Qt lays a styled spin box's text out flush with its border (and,
            # without arrow buttons, one pixel wide: the arrows are styled to
            # nothing instead); this inset matches the other fields.
            editor.lineEdit().setTextMargins(SPIN_TEXT_INSET, 0, SPIN_TEXT_INSET, 0)
        editor.setAccessibleName(spec.label)
        editor.setToolTip(f"{spec.key}: {spec.describe_range()}")
        return editor

    def _apply(self, key: str, value: object) -> None:
        error = self.errors[key]
        try:
            self.settings.set(key, value)
        except SettingError as problem:
            error.setText(str(problem))
            error.show()
            return
        except OSError as problem:
            error.setText(f"Could not save: {problem}")
            error.show()
            return
        error.hide()
        self._update_relevance()
        self.changed.emit(key)

    def _update_relevance(self) -> None:
        """Grey out settings that do not matter with the current choices."""
        for key, editor in self.editors.items():
            condition = schema.SPECS[key].applies_when
            if condition is not None:
                other, wanted = condition
                editor.setEnabled(self.settings.get(other) == wanted)
