from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from speech_engines import needs_espeak

from rls_companion.core import guidance
from rls_companion.core import settings as schema
from rls_companion.ui.shell.main_window import MainWindow


def test_every_schema_key_has_an_editor_with_the_schema_limits(window: MainWindow) -> None:
    view = window.settings_view
    # every setting but the guidance lists, which the guidance list edits
    assert set(view.editors) == {k for k in schema.SPECS if not k.startswith("guidance.")}
    length = view.editors["session.length_minutes"]
    assert isinstance(length, QAbstractSpinBox)
    assert (length.minimum(), length.maximum()) == (5, 60)
    pattern = view.editors["breathing.pattern"]
    assert isinstance(pattern, QComboBox)
    assert [pattern.itemData(i) for i in range(pattern.count())] == list(
        schema.SPECS["breathing.pattern"].choices
    )


def test_every_choice_and_number_reads_in_words_with_its_unit(window: MainWindow) -> None:
    view = window.settings_view
    pattern = view.editors["breathing.pattern"]
    assert isinstance(pattern, QComboBox)
    assert pattern.currentText() == "Resonance — 4 in, 6 out"
    assert [pattern.itemText(i) for i in range(pattern.count())][-1].startswith("Custom")
    kind = view.editors["session.kind"]
    assert isinstance(kind, QComboBox)
    assert [kind.itemText(i) for i in range(kind.count())] == [
        "Bedtime",
        "Quick breathing",
        "Re-settle",
        "Stretch",
    ]
    shown = {key: e.text() for key, e in view.editors.items() if isinstance(e, QAbstractSpinBox)}
    assert shown["breathing.breaths_per_minute"] == "6 breaths a minute"
    assert shown["session.length_minutes"] == "20 minutes"
    assert shown["audio.ambient_level"] == "40%"
    assert shown["audio.volume"] == "60%"
    assert shown["breathing.hold_in_seconds"] == "No hold"
    assert shown["breathing.exhale_ratio"] == "1.5 × as long as the breath in"
    assert shown["speech.rate"] == "87% of natural speed"
    assert shown["streak.rollover_hour"] == "06:00"
    assert shown["reminder.time"] == "22:30"
    for text in shown.values():
        assert not re.search(r"\d\.0\b", text), text  # no needless ".0"
    names = [label.text() for label in view.names.values() if label.text()]
    assert "Exhale : inhale (custom pattern)" not in names
    assert not any("(s)" in name or "(%)" in name for name in names)


def test_a_number_typed_alone_is_read_and_saved(qtbot: QtBot, window: MainWindow) -> None:
    view = window.settings_view
    window.show_page(view)
    pace = view.editors["breathing.breaths_per_minute"]
    assert isinstance(pace, QAbstractSpinBox)
    pace.setFocus()
    pace.lineEdit().selectAll()
    qtbot.keyClicks(pace, "5.5")
    qtbot.keyClick(pace, Qt.Key.Key_Return)
    assert window.context.settings.get("breathing.breaths_per_minute") == 5.5
    assert pace.text() == "5.5 breaths a minute"


def test_changes_are_saved_and_shown_on_the_start_screen(qtbot: QtBot, window: MainWindow) -> None:
    view = window.settings_view
    window.show_page(view)
    length = view.editors["session.length_minutes"]
    assert isinstance(length, QAbstractSpinBox)
    length.setValue(35)
    saved = json.loads(window.context.settings.path.read_text())
    assert saved["session"]["length_minutes"] == 35
    window.show_page(window.start_view)
    assert window.start_view.summary.text().startswith("35 minutes")


def test_a_refused_value_is_shown_beside_its_field_and_nothing_saved(window: MainWindow) -> None:
    view = window.settings_view
    path = window.context.settings.path
    before = path.read_bytes()
    view._apply("breathing.breaths_per_minute", 12.0)
    error = view.errors["breathing.breaths_per_minute"]
    assert not error.isHidden()
    assert error.text() == "breathing.breaths_per_minute: 12 is out of range (4.5–10)"
    assert path.read_bytes() == before
    view._apply("breathing.breaths_per_minute", 5.5)
    assert error.isHidden()
    assert window.context.settings.get("breathing.breaths_per_minute") == 5.5


def test_theme_change_applies_at_once(window: MainWindow) -> None:
    combo = window.settings_view.editors["appearance.theme"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("light"))
    assert window.theme.name == "light"
    assert window.session_view.theme.name == "light"


def test_safety_line_is_shown_where_breathing_is_set(window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel

    texts = [label.text() for label in window.settings_view.findChildren(QLabel)]
    assert any("Breathe gently, not deeper" in t and "dizzy" in t for t in texts)


def _visible(view: object, key: str) -> bool:
    editors = view.editors  # type: ignore[attr-defined]
    return not editors[key].isHidden() and not view.names[key].isHidden()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("switch", "value", "fields"),
    [
        (
            "breathing.pattern",
            "custom",
            ["breathing.exhale_ratio", "breathing.hold_in_seconds", "breathing.hold_out_seconds"],
        ),
        ("breathing.ramp", True, ["breathing.ramp_start_bpm", "breathing.ramp_minutes"]),
        (
            "urge.enabled",
            True,
            ["urge.start_target_seconds", "urge.max_target_seconds", "urge.step_seconds"],
        ),
        ("reminder.enabled", True, ["reminder.time", "reminder.days"]),
        ("audio.ambient", "brown", ["audio.ambient_level", "audio.ambient_breathes"]),
        ("speech.enabled", True, ["speech.engine", "speech.voice", "speech.rate", "speech.volume"]),
    ],
)
def test_fields_show_only_when_they_matter(
    window: MainWindow, switch: str, value: object, fields: list[str]
) -> None:
    view = window.settings_view
    window.show_page(view)
    spec = schema.SPECS[switch]
    off = next(c for c in spec.choices if c != value) if spec.choices else not value
    editor = view.editors[switch]

    def choose(choice: object) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(choice))
        else:
            assert isinstance(editor, QCheckBox)
            editor.setChecked(bool(choice))
        assert window.context.settings.get(switch) == choice

    choose(off)
    assert [key for key in fields if _visible(view, key)] == []
    choose(value)
    assert [key for key in fields if _visible(view, key)] == fields
    # the field that switches them stays in view either way
    assert _visible(view, switch)


def test_number_fields_show_their_values_with_room_to_read_them(window: MainWindow) -> None:
    # The window's style sheet once left a spin box's text field one pixel wide.
    view = window.settings_view
    window.show_page(view)
    spins = [
        e for e in view.editors.values() if isinstance(e, QAbstractSpinBox) and not e.isHidden()
    ]
    assert len(spins) >= 8
    for spin in spins:
        field = spin.findChild(QLineEdit)
        assert field is not None
        assert field.text() == spin.text() != ""
        assert field.width() >= spin.width() - 2 * 2  # all but the border
        margins = field.textMargins()
        room = field.width() - margins.left() - margins.right()
        assert room >= field.fontMetrics().horizontalAdvance(field.text())


@needs_espeak
def test_the_voice_list_offers_voices_of_the_guidance_language_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.context.settings.set("speech.voice", "English (Great Britain)")
    view = window.settings_view
    with qtbot.waitSignal(view.voices_listed, timeout=10_000):
        window.show()
        window.show_page(view)
    combo = view.editors["speech.voice"]
    assert isinstance(combo, QComboBox)
    names = [combo.itemData(i) for i in range(combo.count())]
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert names[0] == "" and labels[0].startswith("Automatic")
    voiced = [n for n in names[1:] if n]  # separators carry no voice
    english = [n for n in voiced if n.startswith("English")]
    assert len(english) >= 2 and voiced[: len(english)] == english
    assert len(voiced) > len(english) + 50  # every other voice follows
    assert combo.currentData() == "English (Great Britain)"
    # Choosing one saves it; Automatic clears it.
    combo.setCurrentIndex(names.index(english[-1]))
    assert window.context.settings.get("speech.voice") == english[-1]
    combo.setCurrentIndex(0)
    assert window.context.settings.get("speech.voice") == ""


def test_restore_defaults_resets_one_section_and_undo_brings_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    settings = window.context.settings
    view = window.settings_view
    window.show_page(view)
    settings.set("audio.volume", 35)
    settings.set("audio.ambient", "pink")
    settings.set("breathing.breaths_per_minute", 5.0)
    view._show_values(("audio.volume", "audio.ambient"))
    view.restore_buttons["audio"].click()
    assert settings.get("audio.volume") == 60
    assert settings.get("audio.ambient") == "none"
    assert settings.get("breathing.breaths_per_minute") == 5.0  # another section: untouched
    volume = view.editors["audio.volume"]
    assert isinstance(volume, QAbstractSpinBox)
    assert volume.text() == "60%"
    assert not view.editors["audio.ambient_level"].isVisible()  # ambient is off again
    assert view.undo_rows["audio"].isVisible()
    saved = json.loads(settings.path.read_text())
    assert saved["audio"]["volume"] == 60
    undo = next(b for b in view.undo_rows["audio"].findChildren(QPushButton))
    undo.click()
    assert settings.get("audio.volume") == 35
    assert settings.get("audio.ambient") == "pink"
    assert volume.text() == "35%"
    assert view.editors["audio.ambient_level"].isVisible()
    assert not view.undo_rows["audio"].isVisible()


def test_the_whole_page_is_reached_with_the_tab_key_in_reading_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.settings_view
    window.show_page(view)
    window.activateWindow()
    first = view.restore_buttons["breathing"]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    reached: list[QWidget] = []
    for _ in range(120):
        widget = QApplication.focusWidget()
        assert widget is not None
        if reached and widget is first:
            break
        reached.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    visible = [e for e in view.editors.values() if e.isVisible()]
    for editor in visible:
        inside = [w for w in reached if w is editor or editor.isAncestorOf(w)]
        assert inside, f"{editor.accessibleName()} is never reached with Tab"
    # fields come in the order they are shown, down the page
    tops = [
        e.mapTo(view, e.rect().topLeft()).y()
        for w in reached
        for e in visible
        if w is e or e.isAncestorOf(w)
    ]
    assert tops == sorted(tops)
    # the guidance list and the preview's Listen button are on the way
    assert view.preview.listen_button in reached
    assert all(switch in reached for switch in view.guidance.switches.values())
    # and the page scrolls to whatever has the focus
    last = view.editors["appearance.lights_out"]
    last.setFocus()
    qtbot.keyClick(last, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    area = view.scroller.viewport()
    top = last.mapTo(area, last.rect().topLeft()).y()
    assert 0 <= top < area.height()


def test_the_guidance_list_switches_scripts_off_and_marks_favourites(
    window: MainWindow,
) -> None:
    settings = window.context.settings
    view = window.settings_view
    window.show_page(view)
    guidance_list = view.guidance
    assert list(guidance_list.switches) == list(guidance.SCRIPT_NAMES)
    lengths = [
        label.text() for label in guidance_list.findChildren(QLabel) if "minute" in label.text()
    ]
    assert "about 4½ minutes" in lengths and "about 1 minute" in lengths
    assert len(lengths) == len(guidance.SCRIPT_NAMES)
    guidance_list.switches["legs_release"].setChecked(False)
    guidance_list.switches["letting_go"].setChecked(False)
    assert settings.get("guidance.off") == "legs_release,letting_go"
    assert not guidance_list.favourites["legs_release"].isEnabled()
    guidance_list.favourites["warm_heavy"].click()
    assert settings.get("guidance.favourites") == "warm_heavy"
    assert guidance_list.favourites["warm_heavy"].text().startswith("★")
    assert settings.typed.guidance.preferences().favourites == {"warm_heavy"}
    guidance_list.switches["legs_release"].setChecked(True)
    assert settings.get("guidance.off") == "letting_go"
    view.restore_buttons["guidance"].click()
    assert settings.get("guidance.off") == "" and settings.get("guidance.favourites") == ""
    assert guidance_list.switches["letting_go"].isChecked()
