"""The session controller: its heartbeat on Qt's timer, what it tells the
views (a snapshot per frame, how the session ended) and the urges it saves."""

from __future__ import annotations

from fakes import FakeClock
from pytestqt.qtbot import QtBot

from rls_companion.core.breathing import Phase
from rls_companion.core.records import Outcome, SessionState
from rls_companion.core.session import Kind, RunState
from rls_companion.storage import sessions
from rls_companion.ui.session.controller import SessionEnd
from rls_companion.ui.session.urge_controller import UrgeResult
from rls_companion.ui.shell.main_window import MainWindow


def _next_beat(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.heartbeat, timeout=2000):
        pass


def test_a_computer_asleep_for_three_hours_pauses_the_session(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=20)
    clock.advance(60)
    _next_beat(qtbot, window)
    clock.sleep_wall(3 * 3600)
    _next_beat(qtbot, window)
    run = window.controller.run
    assert run is not None and run.state is RunState.PAUSED
    assert window.session_view.pause_button.text() == "Resume"
    clock.advance(30)
    assert run.practice_seconds() == 60.0  # nothing counts until it is resumed


def test_a_late_heartbeat_is_no_suspend(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> None:
    window.start_session(minutes=20)
    clock.advance(60)  # both clocks: a busy machine, not a sleeping one
    _next_beat(qtbot, window)
    clock.sleep_wall(15)  # ordinary clock adjustments stay under the threshold
    _next_beat(qtbot, window)
    run = window.controller.run
    assert run is not None and run.state is RunState.RUNNING


def test_progress_is_saved_on_the_heartbeat_every_five_seconds(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=20)
    saves: list[None] = []
    window.controller.checkpointing.connect(lambda: saves.append(None))
    clock.advance(4.5)
    _next_beat(qtbot, window)
    assert saves == []
    [record] = sessions.list_sessions(window.context.db)
    assert record.practice_seconds == 0.0
    clock.advance(0.5)
    _next_beat(qtbot, window)
    assert len(saves) == 1
    [record] = sessions.list_sessions(window.context.db)
    assert record.practice_seconds == 5.0
    assert record.state is SessionState.RUNNING


def test_the_snapshot_is_what_the_view_draws(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    controller = window.controller
    assert controller.snapshot() is None  # no session yet
    window.context.settings.set("breathing.pattern", "box")  # 2.5 s phases at 6/min
    window.start_session(Kind.BREATHING, minutes=10)
    clock.advance(11.0)  # second breath, 1 s into the inhale
    moment = controller.snapshot()
    assert moment is not None
    assert (moment.kind, moment.state, moment.running, moment.paused) == (
        Kind.BREATHING,
        RunState.RUNNING,
        True,
        False,
    )
    assert moment.now == clock.monotonic()
    assert (moment.practice_seconds, moment.position) == (11.0, 11.0)
    assert (moment.remaining_seconds, moment.progress) == (589.0, 11.0 / 600)
    assert moment.breath.phase is Phase.INHALE and moment.breath.breath_index == 1
    assert moment.stage_title == "Settle with the breath"
    assert moment.fade == 1.0
    ahead = controller.snapshot(2.0)
    assert ahead is not None
    assert ahead.breath.phase is Phase.HOLD_IN
    assert (ahead.now, ahead.practice_seconds) == (clock.monotonic() + 2.0, 13.0)
    controller.toggle_pause()
    paused = controller.snapshot(2.0)  # a paused session does not move ahead
    assert paused is not None and paused.paused and not paused.running
    assert (paused.now, paused.practice_seconds) == (clock.monotonic(), 11.0)


def test_stopping_tells_the_state_kind_and_time_practised(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(Kind.RESETTLE, minutes=5)
    clock.advance(31)
    with qtbot.waitSignal(window.controller.ended, timeout=1000) as ended:
        window.controller.stop()
    [end] = ended.args
    assert end == SessionEnd(SessionState.STOPPED, Kind.RESETTLE, 31.0)
    assert end.state is SessionState.STOPPED
    view = window.session_view
    assert view.showing_end_card
    assert view.end_title.text() == "Session saved"
    assert view.end_detail.text() == "Stopped after 0:31. Every minute counts."


def test_a_completed_session_names_its_kind_on_the_end_card(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(Kind.BREATHING, minutes=5)
    clock.advance(5 * 60 + 1)
    with qtbot.waitSignal(window.controller.ended, timeout=3000):
        pass
    assert window.session_view.end_detail.text() == "Quick breathing complete · 5:00 practised"


def test_urges_are_saved_through_the_session(
    qtbot: QtBot, window: MainWindow, clock: FakeClock
) -> None:
    window.start_session(minutes=5)
    clock.advance(10)
    window.urges.mark(intensity=4)
    clock.advance(15)
    with qtbot.waitSignal(window.urges.ended, timeout=2000) as ended:
        pass
    assert ended.args[0] is Outcome.HELD
    assert window.urges.last_result == UrgeResult(Outcome.HELD, 15.0, clock.monotonic())
    [record] = sessions.list_sessions(window.context.db)
    [urge] = record.urges
    assert (urge.outcome, urge.held_seconds, urge.intensity) == (Outcome.HELD, 15.0, 4)
