"""The heartbeat's rules on a fake clock: a sleeping computer, and when to save."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import FakeClock

from rls_companion.core.heartbeat import SUSPEND_JUMP_SECONDS, Beat, ClockDrift, Heartbeat


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def started(clock: FakeClock, checkpoint_seconds: float = 5.0) -> Heartbeat:
    heartbeat = Heartbeat(clock, checkpoint_seconds)
    heartbeat.start()
    return heartbeat


def test_three_hours_asleep_is_a_suspend(clock: FakeClock) -> None:
    heartbeat = started(clock)
    clock.advance(0.5)
    assert not heartbeat.beat().suspended
    clock.sleep_wall(3 * 3600)  # the wall clock jumps, monotonic time stands still
    beat = heartbeat.beat()
    assert beat.suspended
    assert beat.slept_seconds == 3 * 3600


def test_ordinary_beats_are_not_a_suspend_however_late(clock: FakeClock) -> None:
    heartbeat = started(clock)
    for late in (0.5, 0.5, 30.0, 0.5):  # a busy machine delays a beat by 30 s
        clock.advance(late)
        beat = heartbeat.beat()
        assert not beat.suspended
        assert beat.slept_seconds == 0.0


def test_the_suspend_threshold_is_strictly_more_than_twenty_seconds(clock: FakeClock) -> None:
    assert SUSPEND_JUMP_SECONDS == 20.0
    heartbeat = started(clock)
    clock.sleep_wall(20)
    assert not heartbeat.beat().suspended
    clock.sleep_wall(20.5)
    assert heartbeat.beat().suspended


def test_a_suspend_is_told_once_not_on_every_later_beat(clock: FakeClock) -> None:
    heartbeat = started(clock)
    clock.sleep_wall(600)
    assert heartbeat.beat().suspended
    clock.advance(0.5)
    assert heartbeat.beat() == Beat(slept_seconds=0.0, suspended=False, checkpoint_due=False)


def test_sleep_is_measured_between_beats_only(clock: FakeClock) -> None:
    # Small drifts never add up to a suspend: each beat compares with the last.
    heartbeat = started(clock)
    for _ in range(10):
        clock.sleep_wall(15)
        assert not heartbeat.beat().suspended


def test_a_wall_clock_set_back_is_no_suspend(clock: FakeClock) -> None:
    heartbeat = started(clock)
    clock.advance(0.5)
    clock.sleep_wall(-3600)  # the wall clock alone moves: set back an hour
    beat = heartbeat.beat()
    assert not beat.suspended
    assert beat.slept_seconds == -3600.0


def test_a_checkpoint_is_due_after_exactly_the_interval_not_before(clock: FakeClock) -> None:
    heartbeat = started(clock, checkpoint_seconds=5.0)
    for _ in range(9):
        clock.advance(0.5)
        assert not heartbeat.beat().checkpoint_due  # 0.5 s .. 4.5 s
    clock.advance(0.5)
    assert heartbeat.beat().checkpoint_due  # 5.0 s
    clock.advance(0.5)
    assert heartbeat.beat().checkpoint_due  # still due until it is saved


def test_saving_restarts_the_interval(clock: FakeClock) -> None:
    heartbeat = started(clock, checkpoint_seconds=5.0)
    clock.advance(3.0)
    heartbeat.checkpointed()  # saved early (a pause, say)
    clock.advance(4.5)
    assert not heartbeat.beat().checkpoint_due  # 7.5 s since start, 4.5 s since the save
    clock.advance(0.5)
    assert heartbeat.beat().checkpoint_due


def test_time_asleep_does_not_bring_a_checkpoint_forward(clock: FakeClock) -> None:
    # Checkpoints follow the monotonic clock, like practice time.
    heartbeat = started(clock, checkpoint_seconds=5.0)
    clock.advance(1.0)
    clock.sleep_wall(3 * 3600)
    beat = heartbeat.beat()
    assert beat.suspended and not beat.checkpoint_due


def test_starting_again_forgets_the_previous_session(clock: FakeClock) -> None:
    heartbeat = started(clock, checkpoint_seconds=5.0)
    clock.advance(4.0)
    clock.sleep_wall(3600)  # asleep between two sessions: no beats ran
    heartbeat.start()
    clock.advance(4.0)
    beat = heartbeat.beat()
    assert not beat.suspended and not beat.checkpoint_due


def test_the_interval_must_be_positive(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="not positive"):
        Heartbeat(clock, 0.0)


def test_clock_drift_measures_each_step_from_the_reading_before(clock: FakeClock) -> None:
    drift = ClockDrift(clock)
    first = clock.now()
    clock.advance(60.0)
    assert drift.step() == 0.0
    clock.sleep_wall(1800.0)
    clock.advance(1.0)
    assert drift.step() == 1800.0
    assert drift.now == first + timedelta(seconds=1861.0)
    assert drift.monotonic == 1061.0
    clock.advance(2.0)
    assert drift.step() == 0.0  # the sleep is counted once, not again
