"""The guidance is read by a voice that speaks its language."""

from __future__ import annotations

from rls_companion.core.voice_choice import Voice, choose_voice

# As speech-dispatcher with espeak-ng lists them: the default voice first,
# and it does not speak English.
VOICES = [
    Voice("Bishnupriya Manipuri", "bn_IN"),
    Voice("German", "de_DE"),
    Voice("English (America)", "en_US"),
    Voice("English (Great Britain)", "en_GB"),
    Voice("English (Scotland)", "en_GB"),
]


def test_a_voice_of_the_persons_own_locale_comes_first() -> None:
    choice = choose_voice(VOICES, own_locale="en_GB", engine_default="Bishnupriya Manipuri")
    assert choice.voice == Voice("English (Great Britain)", "en_GB")
    assert choice.reason == "speaks 'en' as in your locale en_GB"


def test_an_english_default_voice_beats_another_english_voice() -> None:
    choice = choose_voice(VOICES, own_locale="de_DE", engine_default="English (Scotland)")
    assert choice.voice == Voice("English (Scotland)", "en_GB")
    assert choice.reason == "the engine's default voice, which speaks 'en'"


def test_a_default_voice_of_another_language_is_passed_over() -> None:
    choice = choose_voice(VOICES, own_locale="de_DE", engine_default="German", main_locale="en_US")
    assert choice.voice == Voice("English (America)", "en_US")
    assert choice.reason == "speaks 'en' as in en_US"


def test_plain_voices_before_variants_whatever_order_the_engine_lists() -> None:
    british = [
        Voice("English (Scotland)+Max", "en_GB"),
        Voice("English (Scotland)", "en_GB"),
        Voice("English (Great Britain)+Annie", "en_GB"),
        Voice("English (Great Britain)", "en_GB"),
    ]
    for voices in (british, british[::-1]):
        choice = choose_voice(voices, own_locale="en_GB")
        assert choice.voice == Voice("English (Great Britain)", "en_GB")
    other = choose_voice(british, own_locale="fr_FR", main_locale="en_US")
    assert other.voice == Voice("English (Great Britain)", "en_GB")
    assert other.reason == "one of 4 voices that speak 'en'"


def test_the_voice_chosen_in_settings_wins() -> None:
    choice = choose_voice(VOICES, chosen="German", own_locale="en_GB")
    assert choice.voice == Voice("German", "de_DE")
    assert choice.reason == "chosen in Settings"


def test_a_chosen_voice_that_is_gone_falls_back_and_says_so() -> None:
    choice = choose_voice(VOICES, chosen="Old voice", own_locale="en_US")
    assert choice.voice == Voice("English (America)", "en_US")
    assert choice.reason.endswith("(the chosen voice 'Old voice' is not installed)")


def test_without_a_voice_for_the_language_there_is_none() -> None:
    choice = choose_voice(VOICES[:2], own_locale="en_GB", engine_default="German")
    assert choice.voice is None
    assert choice.reason == "no voice that speaks 'en'"
