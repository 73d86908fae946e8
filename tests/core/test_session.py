"""The session timeline and a running session on a fake clock."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from fakes import FakeClock

from rls_companion.core.session import (
    FADE_IN_SECONDS,
    FADE_OUT_SECONDS,
    Kind,
    RunState,
    SessionRun,
    StageKind,
    build_timeline,
    kind_name,
)
from rls_companion.core.settings import spec_for

SETTLE, SCAN, REST, WIND = (
    StageKind.SETTLE,
    StageKind.BODY_SCAN,
    StageKind.REST,
    StageKind.WIND_DOWN,
)

# PRODUCT.md: bedtime is settle with breathing -> body scan -> rest with somatic
# awareness -> wind-down; the quick session is breathing only; the re-settle is dark
# and audio-only (no body scan), and every kind glides into the dark at the end.
ORDER = {
    Kind.BEDTIME: [SETTLE, SCAN, REST, WIND],
    Kind.BREATHING: [SETTLE, WIND],
    Kind.RESETTLE: [SETTLE, REST, WIND],
    Kind.STRETCH: [StageKind.STRETCH],  # one spoken stage; fades over its last seconds
}
WINDING_DOWN = [kind for kind in Kind if ORDER[kind][-1] is WIND]


@pytest.mark.parametrize("minutes", [5, 20, 60])
@pytest.mark.parametrize("kind", list(Kind))
def test_stages_fill_the_session_in_order(kind: Kind, minutes: int) -> None:
    timeline = build_timeline(kind, minutes)
    assert timeline.kind is kind
    assert [s.kind for s in timeline.stages] == ORDER[kind]
    assert timeline.total_seconds == minutes * 60
    assert sum(s.seconds for s in timeline.stages) == minutes * 60
    assert timeline.stages[0].start == 0.0
    for before, after in zip(timeline.stages, timeline.stages[1:], strict=False):
        assert after.start == before.end
    for stage in timeline.stages:
        assert stage.seconds > 0
        assert stage.seconds == int(stage.seconds)  # whole seconds
        assert stage.title


@pytest.mark.parametrize("kind", list(Kind))
def test_stages_scale_with_the_length(kind: Kind) -> None:
    short, long = build_timeline(kind, 5), build_timeline(kind, 60)
    for a, b in zip(short.stages, long.stages, strict=True):
        # 12 times the length; each stage is rounded to a whole second.
        assert b.seconds == pytest.approx(12 * a.seconds, abs=12)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("minutes", [1, 7.7, 13, 17.35, 33, 59.99])
def test_odd_lengths_still_add_up_exactly(kind: Kind, minutes: float) -> None:
    timeline = build_timeline(kind, minutes)
    assert timeline.total_seconds == round(minutes * 60)
    assert sum(s.seconds for s in timeline.stages) == round(minutes * 60)
    assert all(s.seconds > 0 for s in timeline.stages)


@pytest.mark.parametrize("minutes", [0, 0.5, 60.5, 61, 600, -20, math.nan, math.inf])
@pytest.mark.parametrize("kind", list(Kind))
def test_out_of_range_minutes_are_refused(kind: Kind, minutes: float) -> None:
    with pytest.raises(ValueError, match="session length"):
        build_timeline(kind, minutes)


def test_every_kind_has_a_short_name_and_can_be_chosen_in_the_settings() -> None:
    assert {kind: kind_name(kind) for kind in Kind} == {
        Kind.BEDTIME: "Bedtime",
        Kind.BREATHING: "Quick breathing",
        Kind.RESETTLE: "Re-settle",
        Kind.STRETCH: "Stretch",
    }
    assert spec_for("session.kind").choices == ("bedtime", "breathing", "resettle", "stretch")
    assert spec_for("session.kind").choices == tuple(kind.value for kind in Kind)


def test_stage_lookup() -> None:
    timeline = build_timeline(Kind.BEDTIME, 20)
    settle, scan, _, wind = timeline.stages
    assert timeline.stage_at(0.0) is settle
    assert timeline.stage_at(settle.end - 0.001) is settle
    assert timeline.stage_at(settle.end) is scan
    assert timeline.stage_at(1200.0) is wind
    assert timeline.stage_at(5000.0) is wind
    assert timeline.stage_index_at(scan.start + 1) == 1


# --- fade --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", WINDING_DOWN)
def test_fade_level(kind: Kind) -> None:
    timeline = build_timeline(kind, 20)
    wind = timeline.stages[-1]
    assert wind.kind is WIND
    assert timeline.fade_level(0.0) == 0.0
    assert 0.0 < timeline.fade_level(FADE_IN_SECONDS / 2) < 1.0
    assert timeline.fade_level(FADE_IN_SECONDS) == pytest.approx(1.0, abs=1e-12)
    for position in (FADE_IN_SECONDS + 1, 300.0, wind.start - 1, wind.start):
        assert timeline.fade_level(position) == pytest.approx(1.0, abs=1e-12)
    assert timeline.fade_level(wind.start + wind.seconds / 2) == pytest.approx(0.5, abs=1e-12)
    through = [timeline.fade_level(p) for p in np.linspace(wind.start, wind.end, 200)]
    assert all(b < a for a, b in itertools.pairwise(through))
    assert timeline.fade_level(wind.end) == 0.0
    assert timeline.fade_level(wind.end + 60) == 0.0


def test_the_stretch_fades_in_and_then_out_over_its_last_seconds() -> None:
    timeline = build_timeline(Kind.STRETCH, 3)
    end = timeline.total_seconds
    assert end == 180
    assert timeline.fade_level(0.0) == 0.0
    for position in (FADE_IN_SECONDS, 60.0, end - FADE_OUT_SECONDS):
        assert timeline.fade_level(position) == pytest.approx(1.0, abs=1e-12)
    assert timeline.fade_level(end - FADE_OUT_SECONDS / 2) == pytest.approx(0.5, abs=1e-12)
    through = [timeline.fade_level(p) for p in np.linspace(end - FADE_OUT_SECONDS, end, 50)]
    assert all(b < a for a, b in itertools.pairwise(through))
    assert timeline.fade_level(end) == 0.0


def test_fade_in_rises_steadily() -> None:
    timeline = build_timeline(Kind.BEDTIME, 5)
    rising = [timeline.fade_level(p) for p in np.linspace(0.0, FADE_IN_SECONDS, 50)]
    assert all(b > a for a, b in itertools.pairwise(rising))


# --- a running session -------------------------------------------------------------------------


def started(minutes: int = 20, kind: Kind = Kind.BEDTIME) -> tuple[SessionRun, FakeClock]:
    clock = FakeClock()
    run = SessionRun(build_timeline(kind, minutes), clock)
    run.start()
    return run, clock


def test_a_session_ready_to_start() -> None:
    run = SessionRun(build_timeline(Kind.BEDTIME, 20), FakeClock())
    assert run.state is RunState.READY
    assert run.practice_seconds() == 0.0 and run.position() == 0.0
    assert run.planned_seconds == 1200
    assert not run.active and not run.is_due_to_finish()


def test_practice_time_follows_the_monotonic_clock() -> None:
    run, clock = started()
    clock.advance(61.5)
    assert run.practice_seconds() == 61.5
    assert run.position() == 61.5
    assert run.remaining_seconds() == 1200 - 61.5
    # Wall time moving alone (a suspended laptop) does not count.
    clock.sleep_wall(3600)
    assert run.practice_seconds() == 61.5


def test_starting_twice_is_refused() -> None:
    run, _ = started()
    with pytest.raises(RuntimeError):
        run.start()


def test_pauses_are_not_practice() -> None:
    run, clock = started()
    clock.advance(100)
    run.pause()
    assert run.state is RunState.PAUSED and run.active
    clock.advance(500)
    assert run.practice_seconds() == 100
    run.pause()  # pausing again changes nothing
    clock.advance(10)
    run.resume()
    assert run.state is RunState.RUNNING
    clock.advance(20)
    assert run.practice_seconds() == 120
    run.toggle_pause()
    clock.advance(30)
    run.toggle_pause()
    clock.advance(5)
    run.resume()  # resuming a running session changes nothing
    assert run.practice_seconds() == 125
    assert run.position() == 125


def test_skip_moves_the_position_but_not_practice_time() -> None:
    run, clock = started()
    _, scan, rest, wind = run.timeline.stages
    clock.advance(100)
    run.skip_stage()
    assert run.stage() is scan
    assert run.position() == scan.start
    assert run.practice_seconds() == 100
    clock.advance(10)
    assert run.position() == scan.start + 10
    assert run.practice_seconds() == 110
    run.skip_stage()
    assert run.stage() is rest and run.position() == rest.start
    run.skip_stage()
    assert run.stage() is wind and run.position() == wind.start
    assert run.practice_seconds() == 110
    # Never past the last stage: skipping in the wind-down does nothing.
    for _ in range(3):
        run.skip_stage()
    assert run.stage() is wind and run.position() == wind.start
    assert not run.is_due_to_finish()
    clock.advance(wind.seconds - 1)
    assert not run.is_due_to_finish()
    clock.advance(1)
    assert run.is_due_to_finish()
    assert run.position() == run.planned_seconds
    assert run.practice_seconds() == 110 + wind.seconds
    # The clock running on does not push practice past what the timeline allows.
    clock.advance(300)
    assert run.position() == run.planned_seconds
    assert run.practice_seconds() == 110 + wind.seconds


def test_skip_while_paused() -> None:
    run, clock = started()
    clock.advance(30)
    run.pause()
    run.skip_stage()
    assert run.position() == run.timeline.stages[1].start
    clock.advance(100)
    assert run.practice_seconds() == 30
    assert run.position() == run.timeline.stages[1].start


def test_skip_does_nothing_before_start_or_after_the_end() -> None:
    clock = FakeClock()
    run = SessionRun(build_timeline(Kind.BEDTIME, 20), clock)
    run.skip_stage()
    assert run.position() == 0.0
    run.start()
    clock.advance(50)
    run.stop()
    run.skip_stage()
    assert run.position() == 50


def test_due_to_finish_only_when_the_timeline_is_used_up_and_running() -> None:
    run, clock = started(5)
    clock.advance(299.5)
    assert not run.is_due_to_finish()
    clock.advance(0.5)
    assert run.is_due_to_finish()
    run.pause()
    assert not run.is_due_to_finish()
    run.resume()
    assert run.is_due_to_finish()


def test_finish_freezes_practice_time() -> None:
    run, clock = started(5)
    clock.advance(120)
    run.pause()
    clock.advance(60)
    run.resume()
    clock.advance(180)
    assert run.is_due_to_finish()
    run.finish()
    assert run.state is RunState.FINISHED and not run.active
    assert run.practice_seconds() == 300
    clock.advance(1000)
    assert run.practice_seconds() == 300
    assert not run.is_due_to_finish()
    run.stop()  # ending twice keeps the first ending
    assert run.state is RunState.FINISHED


def test_stop_freezes_practice_time() -> None:
    run, clock = started()
    clock.advance(200)
    run.stop()
    assert run.state is RunState.STOPPED and not run.active
    clock.advance(500)
    assert run.practice_seconds() == 200
    run.resume()
    run.pause()
    assert run.state is RunState.STOPPED
    assert run.practice_seconds() == 200


def test_stop_while_paused_keeps_the_time_before_the_pause() -> None:
    run, clock = started()
    clock.advance(75)
    run.pause()
    clock.advance(400)
    run.stop()
    clock.advance(400)
    assert run.state is RunState.STOPPED
    assert run.practice_seconds() == 75
