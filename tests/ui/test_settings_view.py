from __future__ import annotations

import json

from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot
from speech_engines import needs_espeak

from rls_companion.core import settings as schema
from rls_companion.ui.shell.main_window import MainWindow


def test_every_schema_key_has_an_editor_with_the_schema_limits(window: MainWindow) -> None:
    view = window.settings_view
    shown = {
        k
        for k in schema.SPECS
        if k.split(".")[0] in ("breathing", "session", "audio", "speech", "reminder", "appearance")
    }
    assert set(view.editors) == shown
    length = view.editors["session.length_minutes"]
    assert isinstance(length, QSpinBox)
    assert (length.minimum(), length.maximum()) == (5, 60)
    pattern = view.editors["breathing.pattern"]
    assert isinstance(pattern, QComboBox)
    assert [pattern.itemData(i) for i in range(pattern.count())] == list(
        schema.SPECS["breathing.pattern"].choices
    )


def test_changes_are_saved_and_shown_on_the_start_screen(qtbot: QtBot, window: MainWindow) -> None:
    view = window.settings_view
    window.show_page(view)
    length = view.editors["session.length_minutes"]
    assert isinstance(length, QSpinBox)
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


def test_custom_only_settings_are_greyed_out_until_custom_is_chosen(window: MainWindow) -> None:
    view = window.settings_view
    ratio = view.editors["breathing.exhale_ratio"]
    assert not ratio.isEnabled()
    pattern = view.editors["breathing.pattern"]
    assert isinstance(pattern, QComboBox)
    pattern.setCurrentIndex(pattern.findData("custom"))
    assert ratio.isEnabled()
    assert not view.editors["breathing.ramp_minutes"].isEnabled()


def test_number_fields_show_their_values_with_room_to_read_them(window: MainWindow) -> None:
    # The window's style sheet once left a spin box's text field one pixel wide.
    view = window.settings_view
    window.show_page(view)
    spins = [e for e in view.editors.values() if isinstance(e, QAbstractSpinBox)]
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
