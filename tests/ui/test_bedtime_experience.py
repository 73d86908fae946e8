"""Session choices, ratings, the first-run welcome, and reduced motion."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from fakes import FakeClock
from PySide6.QtCore import QRectF, Qt
from pytestqt.qtbot import QtBot

from rls_companion.context import Context
from rls_companion.core import guidance
from rls_companion.core.session import Kind, StageKind
from rls_companion.storage import sessions
from rls_companion.ui.session.orb import orb_geometry
from rls_companion.ui.shell.main_window import MainWindow


def _choose(window: MainWindow, kind: Kind) -> None:
    button = window.start_view.kind_buttons.button(list(Kind).index(kind))
    assert button is not None
    button.click()


@pytest.mark.parametrize(
    ("kind", "minutes_key", "minutes", "stages"),
    [
        (
            Kind.BEDTIME,
            "session.length_minutes",
            20,
            [StageKind.SETTLE, StageKind.BODY_SCAN, StageKind.REST, StageKind.WIND_DOWN],
        ),
        (Kind.BREATHING, "session.quick_minutes", 5, [StageKind.SETTLE, StageKind.WIND_DOWN]),
        (
            Kind.RESETTLE,
            "session.resettle_minutes",
            10,
            [StageKind.SETTLE, StageKind.REST, StageKind.WIND_DOWN],
        ),
    ],
)
def test_each_choice_runs_its_own_timeline_and_is_remembered(
    qtbot: QtBot,
    window: MainWindow,
    kind: Kind,
    minutes_key: str,
    minutes: int,
    stages: list[StageKind],
) -> None:
    assert window.context.settings.get(minutes_key) == minutes
    _choose(window, kind)
    assert f"{minutes} minutes" in window.start_view.summary.text()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    run = window.controller.run
    assert run is not None
    assert run.timeline.kind is kind
    assert [s.kind for s in run.timeline.stages] == stages
    assert run.planned_seconds == minutes * 60
    assert window.context.settings.get("session.kind") == kind.value
    window.controller.stop()
    window.show_page(window.start_view)
    assert window.start_view.kind is kind  # the last choice is kept


def test_the_stretch_is_offered_beside_the_others_and_runs_its_script_as_written(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("speech.enabled", False)  # planned at the natural pace
    _choose(window, Kind.STRETCH)
    button = window.start_view.kind_buttons.button(list(Kind).index(Kind.STRETCH))
    assert button is not None and button.text() == "Stretch"
    assert window.start_view.start_button.text() == "Begin the stretches"
    assert window.start_view.summary.text().startswith("About 3 minutes")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    run = window.controller.run
    assert run is not None
    assert [s.kind for s in run.timeline.stages] == [StageKind.STRETCH]
    script = guidance.load_named("stretch")
    assert run.planned_seconds == math.ceil(guidance.natural_seconds(script))
    plan = window.guide.plans[0]
    assert [c.segment_id for c in plan.captions] == [s.id for s in script.segments]
    # the first hold's count comes when the script says, captioned
    ten = next(c for c in plan.captions if c.text == "Ten seconds.")
    clock.advance(ten.start_ms / 1000 + 0.2)
    window.guide.update()
    assert window.guide.caption == "Ten seconds."
    frame = window.session_view.current_frame()
    assert frame is not None and frame.stage_title == "Gentle stretches"
    clock.advance(run.planned_seconds)
    qtbot.waitUntil(lambda: window.session_view.showing_end_card, timeout=3000)
    record = sessions.list_sessions(window.context.db)[0]
    assert record.kind is Kind.STRETCH
    assert record.planned_seconds == run.planned_seconds
    assert record.state.value == "completed"


def test_resettle_keeps_the_screen_near_dark(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(Kind.RESETTLE)
    clock.advance(60)
    frame = window.session_view.current_frame()
    assert frame is not None and frame.fade == pytest.approx(0.25)


def test_ratings_before_and_after_are_one_key_each_and_optional(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_6)
    assert window.start_view.rating.value() == 6
    qtbot.keyClick(window, Qt.Key.Key_Space)
    clock.advance(90)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.session_view.showing_end_card
    qtbot.keyClick(window, Qt.Key.Key_3)
    [record] = sessions.list_sessions(window.context.db)
    assert (record.rating_before, record.rating_after) == (6, 3)
    # Without touching the ratings, none are stored.
    window.show_page(window.start_view)
    assert window.start_view.rating.value() is None
    qtbot.keyClick(window, Qt.Key.Key_Space)
    clock.advance(30)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    newest = sessions.list_sessions(window.context.db)[0]
    assert (newest.rating_before, newest.rating_after) == (None, None)


@pytest.fixture
def welcome_window(qtbot: QtBot, context: Context, clock: FakeClock) -> Iterator[MainWindow]:
    win = MainWindow(context, clock, show_welcome=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.controller.interrupt()


def test_first_run_welcome_says_what_it_is_and_offers_five_minutes(
    qtbot: QtBot, welcome_window: MainWindow
) -> None:
    from PySide6.QtWidgets import QLabel

    window = welcome_window
    assert window.pages.currentWidget() is window.welcome_view
    text = " ".join(label.text() for label in window.welcome_view.findChildren(QLabel))
    assert "Not a medical device" in text and "clinician" in text
    assert "spread to your arms" in text
    qtbot.keyClick(window, Qt.Key.Key_Space)
    run = window.controller.run
    assert run is not None and run.planned_seconds == 300
    assert run.timeline.kind is Kind.BEDTIME


def test_not_now_goes_to_the_start_screen(qtbot: QtBot, welcome_window: MainWindow) -> None:
    qtbot.mouseClick(welcome_window.welcome_view.later_button, Qt.MouseButton.LeftButton)
    assert welcome_window.pages.currentWidget() is welcome_window.start_view


def test_reduced_motion_keeps_the_orb_still_and_breathes_with_light(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.context.settings.set("appearance.reduced_motion", True)
    window.apply_theme()
    window.start_session(minutes=5)
    rect = QRectF(0, 0, 1000, 600)
    clock.advance(10.0)  # bottom of the breath
    low = window.session_view.current_frame()
    clock.advance(4.0)  # top of the breath
    high = window.session_view.current_frame()
    assert low is not None and high is not None and low.reduced_motion
    assert orb_geometry(rect, low).radius == orb_geometry(rect, high).radius
    assert orb_geometry(rect, high).strength > orb_geometry(rect, low).strength * 2
