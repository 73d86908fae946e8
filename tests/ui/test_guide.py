"""Guidance captions and speech follow the timeline."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeClock
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rls_companion.core import guidance
from rls_companion.core.session import StageKind
from rls_companion.ui.main_window import MainWindow


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
    assert guide.speech is not None and guide.speech.available
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
        window.controller.notice, timeout=2000, check_params_cb=lambda m: "captions" in m
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
        window.controller.notice, timeout=2000, check_params_cb=lambda m: "guidance" in m
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
