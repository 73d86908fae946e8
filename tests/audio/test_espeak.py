"""The espeak-ng binding against the real libespeak-ng.

The test set-up installs the library, so these run; they are skipped only on
a machine where libespeak-ng is not installed at all. Any other failure to
start it fails the tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from rls_companion.audio import espeak
from rls_companion.audio.espeak import Espeak, EspeakProblem, EspeakVoice, qt_locale

SENTENCE = "Let your feet rest heavy on the bed."
PROJECT = Path(__file__).resolve().parents[2]
LOCALE = re.compile(r"[a-z]{2,8}(_([A-Z]{2}|[0-9]{3}))?")


@pytest.fixture(scope="module")
def engine() -> Espeak:
    try:
        return espeak.load()
    except EspeakProblem as problem:
        if str(problem) == espeak.NOT_INSTALLED:
            pytest.skip(espeak.NOT_INSTALLED)
        raise


@pytest.fixture(scope="module")
def english(engine: Espeak) -> EspeakVoice:
    voices = [voice for voice in engine.voices() if voice.locale.startswith("en")]
    assert voices, "espeak lists no English voice"
    return next((voice for voice in voices if voice.locale == "en_US"), voices[0])


def seconds(engine: Espeak, audio: npt.NDArray[np.float32]) -> float:
    return len(audio) / engine.sample_rate


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_the_engine_runs_at_espeaks_rate_and_is_shared(engine: Espeak) -> None:
    assert engine.sample_rate == 22050
    assert espeak.load() is engine


def test_the_voice_list_has_english_voices_and_no_mbrola(engine: Espeak) -> None:
    voices = engine.voices()
    assert len(voices) > 20
    english = [voice for voice in voices if voice.locale.startswith("en")]
    assert english
    assert any(voice.name.startswith("English") for voice in english)
    assert not [voice for voice in voices if voice.identifier.startswith("mb/")]
    assert len({voice.identifier for voice in voices}) == len(voices)
    for voice in voices:
        assert voice.name == voice.name.strip() != ""
        assert "_" not in voice.name


def test_every_locale_is_well_formed(engine: Espeak) -> None:
    voices = engine.voices()
    assert [voice.locale for voice in voices if not LOCALE.fullmatch(voice.locale)] == []
    by_identifier = {voice.identifier: voice.locale for voice in voices}
    assert by_identifier.get("gmw/en-US") == "en_US"
    assert by_identifier.get("gmw/de") == "de"


@pytest.mark.parametrize(
    ("language", "locale"),
    [
        ("en-us", "en_US"),
        ("en", "en"),
        ("de", "de"),
        ("en-gb-x-rp", "en_GB"),
        ("en-gb-scotland", "en_GB"),
        ("es-419", "es_419"),
        ("cmn-latn-pinyin", "cmn"),
        ("chr-US-Qaaa-x-west", "chr_US"),
        ("vi-vn-x-central", "vi_VN"),
    ],
)
def test_an_espeak_language_becomes_a_qt_locale(language: str, locale: str) -> None:
    assert qt_locale(language) == locale


def test_a_sentence_is_seconds_of_real_speech(engine: Espeak, english: EspeakVoice) -> None:
    audio = engine.synthesize(SENTENCE, english, 150)
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert 1.0 < seconds(engine, audio) < 6.0
    assert float(np.abs(audio).max()) > 0.05
    assert float(audio.min()) >= -1.0
    assert float(audio.max()) <= 1.0
    assert np.count_nonzero(audio) > len(audio) // 2
    assert float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) > 0.01


def test_every_english_voice_speaks(engine: Espeak) -> None:
    for voice in engine.voices():
        if voice.locale.startswith("en"):
            audio = engine.synthesize("Rest now.", voice, 175)
            assert seconds(engine, audio) > 0.3, voice
            assert float(np.abs(audio).max()) > 0.05, voice


def test_a_faster_rate_is_clearly_shorter(engine: Espeak, english: EspeakVoice) -> None:
    slow = seconds(engine, engine.synthesize(SENTENCE, english, 120))
    fast = seconds(engine, engine.synthesize(SENTENCE, english, 300))
    assert fast / slow < 0.7


def test_the_rate_is_held_to_espeaks_range(engine: Espeak, english: EspeakVoice) -> None:
    tolerance = engine.sample_rate // 100  # espeak's length wobbles by a few samples
    slowest = len(engine.synthesize(SENTENCE, english, espeak.RATE_MINIMUM))
    too_slow = len(engine.synthesize(SENTENCE, english, 10))
    fastest = len(engine.synthesize(SENTENCE, english, espeak.RATE_MAXIMUM))
    too_fast = len(engine.synthesize(SENTENCE, english, 2000))
    assert abs(too_slow - slowest) <= tolerance
    assert abs(too_fast - fastest) <= tolerance
    assert fastest < slowest / 3


def test_two_threads_at_once_get_what_one_gets(engine: Espeak, english: EspeakVoice) -> None:
    german = next(voice for voice in engine.voices() if voice.locale == "de")
    # espeak carries a little state from one utterance to the next: at slow
    # rates many texts come out up to about 60 ms longer or shorter depending
    # on what was spoken before. These jobs are not affected (their length
    # stays within about 1 ms in any order), so lengths can be compared.
    jobs = [
        ("Now let your shoulders drop and soften", english, 140),
        ("Breathe in slowly and let the breath go.", english, 300),
        ("Die Beine werden ruhig und schwer.", german, 300),
        ("Now let your shoulders drop and soften", english, 300),
    ]
    alone = [len(engine.synthesize(*job)) for job in jobs]
    start = threading.Barrier(2)
    together: list[list[int]] = [[] for _job in jobs]
    errors: list[BaseException] = []

    def speak(order: list[int]) -> None:
        try:
            start.wait(timeout=30)
            for _round in range(4):
                for index in order:
                    together[index].append(len(engine.synthesize(*jobs[index])))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=speak, args=([0, 1, 2, 3],)),
        threading.Thread(target=speak, args=([3, 2, 1, 0],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    # Within 5 ms of what one thread gets; a buffer lost to or taken from the
    # other thread (about 50 ms each), or its voice or rate, is far outside.
    slack = engine.sample_rate // 200
    for index, lengths in enumerate(together):
        assert len(lengths) == 8
        assert all(abs(length - alone[index]) <= slack for length in lengths), (
            index,
            alone[index],
            lengths,
        )


@pytest.mark.parametrize("text", ["", "   ", " \n\t "])
def test_empty_text_gives_no_sound(engine: Espeak, english: EspeakVoice, text: str) -> None:
    audio = engine.synthesize(text, english, 175)
    assert audio.dtype == np.float32
    assert seconds(engine, audio) < 0.05


def test_an_unknown_voice_is_a_plain_problem(engine: Espeak) -> None:
    nobody = EspeakVoice(name="Nobody", identifier="xx/nobody", locale="xx")
    with pytest.raises(EspeakProblem, match="Nobody"):
        engine.synthesize(SENTENCE, nobody, 175)


def test_after_close_load_starts_a_fresh_engine(engine: Espeak) -> None:
    code = (
        "from rls_companion.audio import espeak\n"
        "first = espeak.load()\n"
        "voice = next(v for v in first.voices() if v.locale == 'en_US')\n"
        "before = len(first.synthesize('Rest now.', voice, 175))\n"
        "first.close()\n"
        "try:\n"
        "    first.synthesize('Rest now.', voice, 175)\n"
        "except espeak.EspeakProblem as problem:\n"
        "    print('closed:', problem)\n"
        "second = espeak.load()\n"
        "after = len(second.synthesize('Rest now.', voice, 175))\n"
        "print(second is not first, abs(after - before) < 220, after > 5000)\n"
    )
    assert run_python(code).splitlines() == [
        "closed: the espeak-ng voice was closed",
        "True True True",
    ]


def test_missing_speech_data_is_a_plain_problem(engine: Espeak, tmp_path: Path) -> None:
    (tmp_path / "espeak-ng-data").mkdir()
    code = (
        "from rls_companion.audio import espeak\n"
        "try:\n"
        "    espeak.load()\n"
        "except espeak.EspeakProblem as problem:\n"
        "    print(problem)\n"
    )
    env = {**os.environ, "ESPEAK_DATA_PATH": str(tmp_path)}
    assert run_python(code, env) == "libespeak-ng could not find its speech data (espeak-ng-data)"
