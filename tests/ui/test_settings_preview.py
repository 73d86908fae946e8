"""The breathing preview in Settings: it breathes as a session would, changes
at the next breath, and "Listen" plays the session's sound for the settings."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import FakeClock
from pytestqt.qtbot import QtBot

from rls_companion.core.breathing import Phase
from rls_companion.core.preview import PacedPreview
from rls_companion.core.session import Kind
from rls_companion.ui.settings.listen import CROSSFADE_SECONDS, Listening
from rls_companion.ui.shell.main_window import MainWindow


def test_the_preview_breathes_as_a_session_with_the_same_settings(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    settings = window.context.settings
    settings.set("breathing.pattern", "box")
    settings.set("breathing.breaths_per_minute", 5.0)
    settings.set("breathing.ramp", True)
    settings.set("breathing.ramp_start_bpm", 9.0)
    view = window.settings_view  # built now: its preview begins at this instant
    window.start_session(Kind.BREATHING)  # and so does the session
    for step in [0.0, 1.3, 7.9, 33.3, 61.0, 150.25]:
        clock.advance(step)
        moment = window.controller.snapshot()
        assert moment is not None
        assert view.preview.breath() == moment.breath
    assert view.preview.breath().breath_index > 3  # many breaths, ramp included


def test_a_change_takes_over_at_the_next_breath_never_mid_breath(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    began = clock.monotonic()
    view = window.settings_view
    window.show_page(view)
    old_plan = window.context.settings.typed.breathing.plan()  # 6 a minute: 10 s breaths
    clock.advance(13.0)  # 3 s into the second breath
    before = view.preview.breath()
    pace = view.editors["breathing.breaths_per_minute"]
    pace.setValue(4.5)  # type: ignore[attr-defined]
    assert window.context.settings.get("breathing.breaths_per_minute") == 4.5
    # the breath under way goes on as it was
    assert view.preview.breath() == before
    clock.advance(6.9)  # 19.9 s: the end of that breath
    assert view.preview.breath() == old_plan.state_at(clock.monotonic() - began)
    clock.advance(0.1)  # 20 s: the new pace begins with an empty breath
    now = view.preview.breath()
    assert now.phase is Phase.INHALE and now.segment_elapsed == pytest.approx(0.0, abs=1e-9)
    new_plan = window.context.settings.typed.breathing.plan()
    clock.advance(5.0)
    assert view.preview.breath() == new_plan.state_at(clock.monotonic() - (began + 20.0))
    assert new_plan.cycle_seconds == pytest.approx(60 / 4.5)


def test_two_changes_in_one_breath_keep_only_the_last(clock: FakeClock) -> None:
    from rls_companion.core.breathing import BreathPlan, build_cycle

    six, five, four = (BreathPlan(build_cycle("resonance", bpm)) for bpm in (6.0, 5.0, 4.5))
    preview = PacedPreview(six, clock.monotonic())
    clock.advance(2.0)
    first = preview.change(five, clock.monotonic())
    clock.advance(1.0)
    second = preview.change(four, clock.monotonic())
    assert first.start == second.start == clock.monotonic() + 7.0
    assert preview.part_at(second.start).plan is four


def test_listen_plays_through_the_chosen_output_and_stops_when_the_page_is_left(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.settings_view
    window.show_page(view)
    button = view.preview.listen_button
    button.click()
    listening = view.preview.listening
    assert listening is not None
    assert listening.sink.name == "none"  # audio.backend is "none" in these tests
    window.show_page(window.start_view)
    assert view.preview.listening is None
    assert not button.isChecked()


def _render(listening: Listening, clock: FakeClock, seconds: float) -> np.ndarray:
    """Pull the sound block by block, 20 ms at a time, as a sink would."""
    rate = listening.sink.sample_rate
    frames = rate // 50
    blocks = []
    for _ in range(round(seconds * 50)):
        blocks.append(listening._pull(frames, 0.0))
        clock.advance(frames / rate)
    return np.concatenate(blocks)


def test_a_change_is_heard_at_the_next_breath_without_a_click(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    settings = window.context.settings
    view = window.settings_view
    window.show_page(view)
    typed = settings.typed
    listening = Listening(view.preview.preview, clock, typed.audio, view, lambda _m: None)
    before = _render(listening, clock, 12.0)  # 12 s: 2 s into the second breath
    assert np.max(np.abs(before[-listening.sink.sample_rate :])) > 0.01  # it sounds
    settings.set("audio.volume", 30)
    settings.set("breathing.breaths_per_minute", 4.5)
    part = view.preview.preview.change(settings.typed.breathing.plan(), clock.monotonic())
    listening.follow(part, settings.typed.audio)
    assert part.start == pytest.approx(clock.monotonic() + 8.0)
    after = _render(listening, clock, 16.0)
    rate = listening.sink.sample_rate
    switch = round(8.0 * rate)
    # Until the next breath, the old sound at the old volume; then the new one.
    # A click is a kink in the wave: its second difference jumps far above
    # what the tone's own curvature gives anywhere else.
    kinks = np.abs(np.diff(after.astype(np.float64), 2))
    around = kinks[switch - rate // 10 : switch + round(CROSSFADE_SECONDS * rate) + rate // 10]
    elsewhere = kinks[: switch - rate]
    assert around.max() <= 1.5 * elsewhere.max()
    # and nowhere a kink sharper than a smooth 150-400 Hz tone can make
    # (|second difference| <= amplitude * (2 pi 400 / rate) ** 2, 0.3 %)
    assert kinks.max() < 0.006 * np.abs(after).max()
    assert np.abs(np.diff(before.astype(np.float64), 2)).max() < 0.006 * np.abs(before).max()
    # the top of a breath (past the fade-in), before and after: half as loud
    loud_old = np.max(np.abs(before[rate * 3 : rate * 10]))
    loud_new = np.max(np.abs(after[switch : switch + rate * 8]))
    assert 0.45 < loud_new / loud_old < 0.55  # volume 60 % -> 30 %
    listening.stop()
