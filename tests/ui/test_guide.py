"""Guidance captions and speech follow the timeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from speech_engines import needs_espeak

from rls_companion.core import guidance
from rls_companion.core.session import StageKind
from rls_companion.ui.shell.main_window import MainWindow


def _body_scan(window: MainWindow) -> tuple[float, guidance.GuidancePlan]:
    run = window.controller.run
    assert run is not None
    index = next(i for i, s in enumerate(run.timeline.stages) if s.kind is StageKind.BODY_SCAN)
    return run.timeline.stages[index].start, window.guide.plans[index]


def test_captions_follow_the_body_scan_in_order_and_are_spoken(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("speech.engine", "mock")
    window.start_session(minutes=20)
    guide = window.guide
    assert guide.speech is not None
    with qtbot.waitSignal(guide.speech.ready, timeout=10_000):
        pass  # the engine starts on its own thread
    assert guide.speech.available and not guide.speech.mixes
    assert guide.caption == ""  # settling with the breath: no words
    start, plan = _body_scan(window)
    assert start == 240.0
    clock.advance(start)
    shown = []
    for caption in plan.captions[:6]:
        clock.advance(caption.start_ms / 1000 + start - window.controller.run.position())
        guide.update()
        shown.append(guide.caption)
    assert shown == [c.text for c in plan.captions[:6]]
    frame = window.session_view.current_frame()
    assert frame is not None and frame.caption == plan.captions[5].text
    assert frame.stage_title == "Body scan"


def test_next_part_skips_to_the_next_region(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("speech.enabled", False)
    window.start_session(minutes=20)
    start, plan = _body_scan(window)
    clock.advance(start + 1)
    window.guide.update()
    first_unit = plan.captions[0].unit
    qtbot.keyClick(window, Qt.Key.Key_N)
    run = window.controller.run
    assert run is not None
    expected = next(c for c in plan.captions if c.unit != first_unit)
    assert round((run.position() - start) * 1000) == expected.start_ms
    assert window.guide.caption == expected.text
    assert run.practice_seconds() == start + 1  # skipping is not practice


def test_without_a_speech_engine_captions_show_and_the_user_is_told(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("speech.engine", "no-such-engine")
    with qtbot.waitSignal(
        window.guide.notice, timeout=2000, check_params_cb=lambda m: "captions" in m
    ) as notice:
        window.start_session(minutes=20)
    assert "captions" in notice.args[0]
    assert window.session_view.notice_label.isVisible()  # not hidden as the session starts
    start, plan = _body_scan(window)
    clock.advance(start + 0.5)
    window.guide.update()
    assert window.guide.caption == plan.captions[0].text


def test_wind_down_words_run_from_its_start_to_goodnight(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("speech.enabled", False)
    window.start_session(minutes=20)
    run = window.controller.run
    assert run is not None
    wind_down = run.timeline.stages[-1]
    plan = window.guide.plans[len(run.timeline.stages) - 1]
    clock.advance(wind_down.start + 0.5)
    window.guide.update()
    assert window.guide.caption == plan.captions[0].text
    clock.advance(plan.captions[-1].start_ms / 1000)
    window.guide.update()
    assert window.guide.caption == plan.captions[-1].text == "Goodnight."


def test_a_missing_script_is_told_in_the_window_and_the_rest_still_guides(
    qtbot: QtBot, window: MainWindow, clock: FakeClock, tmp_path: Path
) -> None:
    # An install that lost the body scan (a broken package): the other
    # stages keep their words, and the person is told in one calm line.
    scripts = tmp_path / "guidance"
    scripts.mkdir()
    for name in ("somatic_awareness", "wind_down"):
        (scripts / f"{name}.json").write_bytes(
            guidance.guidance_dir().joinpath(f"{name}.json").read_bytes()
        )
    window.guide.scripts = scripts
    window.context.settings.set("speech.enabled", False)
    with qtbot.waitSignal(
        window.guide.notice, timeout=2000, check_params_cb=lambda m: "guidance" in m
    ) as notice:
        window.start_session(minutes=20)
    message = notice.args[0]
    assert message == (
        "Some of tonight's guidance could not be loaded; breathing and sound go on as usual."
    )
    assert "\n" not in message
    label = window.session_view.notice_label
    assert label.isVisible() and message in label.text()
    run = window.controller.run
    assert run is not None
    kinds = {run.timeline.stages[i].kind for i in window.guide.plans}
    assert kinds == {StageKind.REST, StageKind.WIND_DOWN}


@needs_espeak
def test_a_mixed_voice_speaks_each_caption_through_the_session_sound(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    from rls_companion.core.mixer import SessionMixer

    window.context.settings.set("speech.engine", "espeak-ng")
    window.context.settings.set("audio.backend", "none")
    window.start_session(minutes=20)
    speech = window.guide.speech
    assert speech is not None
    with qtbot.waitSignal(speech.ready, timeout=10_000):
        pass
    assert speech.mixes and speech.voice is not None and speech.voice.locale.startswith("en_")
    start, plan = _body_scan(window)
    clock.advance(start + 0.2)
    with qtbot.waitSignal(speech.voiced, timeout=10_000):
        window.guide.update()  # asks for this caption and the next ones
    qtbot.waitUntil(lambda: window.guide._voice is not None, timeout=5000)
    mixer = window.controller._mixer
    assert isinstance(mixer, SessionMixer)
    [voice] = [v for v in mixer._voices.values() if v.speech]
    # The caption's words, about as long as the guidance's timing expects,
    # starting now, levelled below -3 dBFS.
    words = len(plan.captions[0].text.split())
    seconds = len(voice.wave) / mixer.rate
    assert 0.6 * words * 60 / 140 < seconds < 2.0 * words * 60 / 140 + 1.0
    assert voice.at == pytest.approx(start + 0.2, abs=0.01)
    assert 0.1 < float(np.max(np.abs(voice.wave))) <= 10 ** (-3 / 20)
    # Pausing silences it, and nothing waits to be said.
    window.controller.toggle_pause()
    assert window.guide._voice is None and window.guide._waiting is None
    assert not any(v.speech for v in mixer._voices.values())  # not yet sounding: dropped


def test_each_night_leads_each_stage_with_another_script(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("speech.enabled", False)
    leads = []
    for night in range(3):
        if night == 2:  # switched off in Settings: never chosen
            window.context.settings.set("guidance.off", "breath_to_feet")
        window.start_session(minutes=20)
        run = window.controller.run
        assert run is not None
        leads.append(
            {run.timeline.stages[i].kind: p.scripts[0] for i, p in window.guide.plans.items()}
        )
        window.controller.stop()
        clock.advance(24 * 3600)
    assert [lead[StageKind.BODY_SCAN] for lead in leads] == [
        "body_scan",
        "legs_release",
        "body_scan",
    ]
    assert [lead[StageKind.REST] for lead in leads] == [
        "somatic_awareness",
        "counting_breaths",
        "warm_heavy",
    ]
    assert [lead[StageKind.WIND_DOWN] for lead in leads] == ["wind_down", "letting_go", "wind_down"]
    stored = window.context.db.execute("SELECT count(*) FROM guidance_picks").fetchone()[0]
    assert stored == 9
