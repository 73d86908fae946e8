"""The engine reads the guidance in a voice of its language (Qt's mock
engine, which has British and American English, Norwegian and Finnish voices,
started on the speech thread like any live engine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from rls_companion.audio.speech import Speech
from rls_companion.core.config import Settings
from rls_companion.storage.settings_file import SettingsFile


@pytest.fixture
def settings(tmp_path: Path) -> SettingsFile:
    store = SettingsFile(tmp_path / "settings.json")
    store.set("speech.engine", "mock")
    return store


@pytest.fixture
def american_desktop() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(before)


def _started(qtbot: QtBot, settings: Settings, language: str = "en") -> Speech:
    speech = Speech(settings, language=language)
    with qtbot.waitSignal(speech.ready, timeout=10_000):
        pass
    speech.close()
    return speech


def _voice(speech: Speech) -> tuple[str, str]:
    assert speech.voice is not None
    return speech.voice.name, speech.voice.locale


def test_english_guidance_is_read_by_a_voice_of_the_persons_english(
    qtbot: QtBot, settings: SettingsFile, american_desktop: None
) -> None:
    # The mock engine's default voice is British; this desktop is American.
    speech = _started(qtbot, settings.typed)
    assert speech.available and speech.engine_name == "mock" and not speech.mixes
    assert _voice(speech) == ("Charly", "en_US")


def test_the_voice_follows_the_language_of_the_words(
    qtbot: QtBot, settings: SettingsFile, american_desktop: None
) -> None:
    speech = _started(qtbot, settings.typed, language="fi")
    assert _voice(speech)[1] == "fi_FI"


def test_a_voice_chosen_in_settings_is_used(
    qtbot: QtBot, settings: SettingsFile, american_desktop: None
) -> None:
    settings.set("speech.voice", "Anne")
    assert _voice(_started(qtbot, settings.typed)) == ("Anne", "en_GB")


def test_without_a_voice_for_the_language_guidance_is_captions_only(
    qtbot: QtBot, settings: SettingsFile
) -> None:
    speech = _started(qtbot, settings.typed, language="de")
    assert not speech.available and speech.settled
    assert speech.problem == "the speech engine 'mock' has no voice that speaks 'de'"
    assert speech.notice.startswith("No voice for the guidance's language was found")


def test_the_doctor_says_which_voice_would_read_and_why(
    qtbot: QtBot, american_desktop: None
) -> None:
    from PySide6.QtTextToSpeech import QTextToSpeech

    from rls_companion.doctor import Verdict, _voice_finding

    engine = QTextToSpeech("mock")
    finding = _voice_finding("mock", engine, "")
    assert finding.verdict is Verdict.OK
    assert finding.detail == (
        "reads the guidance with 'Charly' (en_US): speaks 'en' as in your locale en_US"
    )
    engine.deleteLater()


def test_a_live_engine_is_loudest_at_the_default_volumes_and_follows_them_down() -> None:
    from rls_companion.audio.speech import LIVE_PEAK_VOLUME, live_volume

    assert live_volume(80, 60) == pytest.approx(LIVE_PEAK_VOLUME)
    assert live_volume(100, 100) == pytest.approx(LIVE_PEAK_VOLUME)  # never above
    assert live_volume(40, 60) == pytest.approx(LIVE_PEAK_VOLUME / 2)
    assert live_volume(80, 30) == pytest.approx(LIVE_PEAK_VOLUME / 2)
    assert live_volume(0, 60) == 0.0
