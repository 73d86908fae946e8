from __future__ import annotations

from datetime import date, timedelta

import pytest

from rls_companion.core.records import RATING_MAX, RATING_MIN
from rls_companion.core.settings import spec_for
from rls_companion.core.urge import (
    FLOOR_SECONDS,
    MAX_CEILING_SECONDS,
    PROMPTS,
    Episode,
    NightUrges,
    Outcome,
    Progress,
    UrgeConfig,
    progress_after_night,
    replay,
)

CONFIG = UrgeConfig(start_target=15, ceiling=120, step=10)
D0 = date(2026, 11, 1)


def night(i: int, outcomes: str, intensities: list[int | None] | None = None) -> NightUrges:
    """outcomes as letters: h = held, m = moved."""
    names = [Outcome.HELD if c == "h" else Outcome.MOVED for c in outcomes]
    return NightUrges(D0 + timedelta(days=i), names, intensities or [None] * len(names))


def test_episode_counts_up_and_reaching_the_target_is_held() -> None:
    ep = Episode(started_mono=100.0, target_seconds=15, intensity=None)
    assert ep.elapsed(107.25) == 7.25
    assert ep.progress(107.5) == 0.5
    assert not ep.reached(114.999)
    assert ep.finish(109.04) == (Outcome.MOVED, 9.0)
    assert ep.reached(115.0)
    assert ep.finish(131.0) == (Outcome.HELD, 15.0)


def test_episode_prompts_advance_in_order_and_stop_at_the_last() -> None:
    ep = Episode(0.0, 40)
    seen = [ep.prompt(t / 2) for t in range(0, 200)]
    firsts = list(dict.fromkeys(seen))
    assert firsts == list(PROMPTS)
    assert ep.prompt(1000.0) == PROMPTS[-1]


def test_intensity_is_checked() -> None:
    assert Episode(0.0, 15).with_intensity(7).intensity == 7
    with pytest.raises(ValueError):
        Episode(0.0, 15).with_intensity(11)


def test_intensity_takes_the_whole_rating_scale() -> None:
    assert (RATING_MIN, RATING_MAX) == (0, 10)
    assert Episode(0.0, 15).with_intensity(RATING_MIN).intensity == RATING_MIN
    assert Episode(0.0, 15).with_intensity(RATING_MAX).intensity == RATING_MAX
    with pytest.raises(ValueError, match="outside 0-10"):
        Episode(0.0, 15).with_intensity(RATING_MIN - 1)


def test_the_settings_start_from_the_protocol_defaults_and_limits() -> None:
    default = UrgeConfig()
    start, ceiling, step = (
        spec_for(f"urge.{name}")
        for name in ("start_target_seconds", "max_target_seconds", "step_seconds")
    )
    assert (start.default, ceiling.default, step.default) == (
        default.start_target,
        default.ceiling,
        default.step,
    )
    assert (default.start_target, default.ceiling, default.step) == (15, 120, 10)
    for spec in (start, ceiling):
        assert (spec.minimum, spec.maximum) == (FLOOR_SECONDS, MAX_CEILING_SECONDS) == (5, 300)


def test_three_qualifying_nights_step_up_one_step() -> None:
    state = Progress(15)
    state = progress_after_night(state, night(0, "hhm", [3, 4, 5]), CONFIG)
    assert state == Progress(15, 1, D0)
    state = progress_after_night(state, night(1, "hh"), CONFIG)
    assert state == Progress(15, 2, D0 + timedelta(days=1))
    state = progress_after_night(state, night(2, "h", [2]), CONFIG)
    assert state == Progress(25, 0, D0 + timedelta(days=2))


def test_an_urge_rated_seven_or_more_steps_back() -> None:
    state = Progress(35, 2, D0)
    state = progress_after_night(state, night(1, "hhh", [1, 7, 2]), CONFIG)
    assert state == Progress(25, 0, D0 + timedelta(days=1))


def test_a_night_rated_six_neither_steps_up_nor_back_and_breaks_the_run() -> None:
    state = Progress(35, 2, D0)
    state = progress_after_night(state, night(1, "hh", [6, 2]), CONFIG)
    assert state == Progress(35, 0, D0 + timedelta(days=1))


def test_a_night_mostly_moved_stays_and_breaks_the_run() -> None:
    state = Progress(35, 2, D0)
    state = progress_after_night(state, night(1, "hmm"), CONFIG)
    assert state == Progress(35, 0, D0 + timedelta(days=1))
    # Exactly half held is not "most".
    state = progress_after_night(Progress(35, 2), night(2, "hm"), CONFIG)
    assert state.target == 35 and state.qualifying_in_a_row == 0


def test_nights_without_urges_change_nothing() -> None:
    state = Progress(35, 2, D0)
    after = progress_after_night(state, night(1, ""), CONFIG)
    assert (after.target, after.qualifying_in_a_row) == (35, 2)


def test_target_is_clamped_at_floor_and_ceiling() -> None:
    assert progress_after_night(Progress(10, 0), night(0, "m", [9]), CONFIG).target == 5
    assert progress_after_night(Progress(5, 0), night(0, "m", [9]), CONFIG).target == 5
    assert progress_after_night(Progress(115, 2), night(0, "h"), CONFIG).target == 120
    assert progress_after_night(Progress(120, 2), night(0, "h"), CONFIG).target == 120
    high = UrgeConfig(start_target=15, ceiling=300, step=10)
    assert progress_after_night(Progress(295, 2), night(0, "h"), high).target == 300


def test_replay_applies_each_night_once_in_order() -> None:
    nights = [night(i, "h") for i in (2, 0, 1, 3, 4, 5)]
    state = replay(Progress(15), nights, CONFIG)
    assert state == Progress(35, 0, D0 + timedelta(days=5))
    # Replaying the same nights again changes nothing: evaluated once per night.
    assert replay(state, nights, CONFIG) == state


def test_nights_from_records_groups_by_night_with_medians() -> None:
    from datetime import datetime, timezone

    from rls_companion.core.records import SessionRecord, SessionState, UrgeRecord
    from rls_companion.core.session import Kind
    from rls_companion.core.streaks import StreakRules
    from rls_companion.core.urge import nights_from_records

    tz = timezone(timedelta(hours=1))

    def session(sid: str, when: datetime, held: list[float]) -> SessionRecord:
        urges = tuple(
            UrgeRecord(when, 15, h, Outcome.HELD if h >= 15 else Outcome.MOVED, None) for h in held
        )
        return SessionRecord(
            sid, when, None, Kind.BEDTIME, 600, 600.0, SessionState.COMPLETED, urges=urges
        )

    records = [
        session("a", datetime(2026, 11, 2, 22, 0, tzinfo=tz), [4.0, 15.0]),
        session("b", datetime(2026, 11, 3, 1, 30, tzinfo=tz), [9.0]),  # night of the 2nd
        session("c", datetime(2026, 11, 3, 22, 0, tzinfo=tz), []),
        session("d", datetime(2026, 11, 4, 23, 0, tzinfo=tz), [15.0, 15.0, 2.0, 7.0]),
    ]
    nights = nights_from_records(records, StreakRules())
    assert [n.night for n in nights] == [date(2026, 11, 2), date(2026, 11, 4)]
    assert nights[0].median_held == 9.0
    assert nights[1].median_held == 11.0
    assert list(nights[0].outcomes) == ["moved", "held", "moved"]


def test_targets_by_night_replays_the_rule() -> None:
    from rls_companion.core.urge import targets_by_night

    nights = [night(0, "h"), night(1, "h"), night(2, "h"), night(3, "m", [8]), night(4, "h")]
    assert [t for _, t in targets_by_night(nights, CONFIG)] == [15, 15, 15, 25, 15]
