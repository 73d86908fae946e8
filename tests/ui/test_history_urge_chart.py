"""The urge chart on the History screen, driven through the main window.

The clock stands at Fri 20 Nov 2026 22:15 (UTC-5), so tonight is Fri 20 Nov
and the chart covers the 42 nights from Sat 10 Oct (index 0) to tonight
(index 41). Sessions start at 22:00 and last 1200 s unless noted. Targets are
worked out by hand from PRODUCT.md with the defaults (first target 15 s,
step 10 s): three qualifying nights in a row (most urges held, none rated
above 5) step up 10 s; a night with an urge rated 7 or more steps back 10 s;
anything else keeps the target. Each qualifying run below falls on
consecutive calendar nights.

| night      | idx | urges (seconds outcome rating)      | n | median | target | then         |
|------------|-----|-------------------------------------|---|--------|--------|--------------|
| Thu  1 Oct | -   | 8 moved 3                           | 1 | 8      | 15     | stays        |
| Mon  2 Nov | 23  | 15 held 3, 15 held 4, 6 moved -     | 3 | 15     | 15     | 1 in a row   |
| Tue  3     | 24  | 15 held 2                           | 1 | 15     | 15     | 2 in a row   |
| Wed  4     | 25  | 15 held 5, 15 held -                | 2 | 15     | 15     | 3: up, 25    |
| Thu  5     | 26  | (a session without urges)           | 0 |        |        |              |
| Fri  6     | 27  | 25 held 4, 12.5 moved 7             | 2 | 18.75  | 25     | 7: back, 15  |
| Sat  7     | 28  | 4 moved -, 9 moved 3, 15 held 6     | 3 | 9      | 15     | stays, 0     |
| Mon  9     | 30  | 15 held 1                           | 1 | 15     | 15     | 1 in a row   |
| Tue 10     | 31  | 15 held -, 3.5 moved 2, 15 held 0   | 3 | 15     | 15     | 2 in a row   |
| Wed 11     | 32  | 15 held 5                           | 1 | 15     | 15     | 3: up, 25    |
| Thu 12     | 33  | 25 held 1, 25 held -; and at Fri    | 3 | 25     | 25     | 1 in a row   |
|            |     | 01:30 (300 s): 20 moved 2           |   |        |        |              |
| Fri 20     | 41  | 21:00: 25 held 4 (tonight)          | 1 | 25     | 25     |              |

Streaks (urges play no part): practised nights Oct 1, Nov 2-7, Nov 9-12 and
tonight, so the current streak is 1 (tonight), the longest 6 (Nov 2-7), 12
nights practised, 12 x 1200 + 300 = 14,700 s = 4.1 h in all.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from rls_companion.context import Context
from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.session import Kind
from rls_companion.core.streaks import StreakRules
from rls_companion.core.urge import UrgeConfig
from rls_companion.storage import sessions, urge_history
from rls_companion.ui.history.urge_chart import (
    NO_URGES,
    UrgeChart,
    UrgePlot,
    axis_top,
    target_steps,
)
from rls_companion.ui.history.view import HistoryView
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.theme import THEMES

EST = timezone(timedelta(hours=-5))
_ids = itertools.count(1)
Urge = tuple[float, str, int | None, int]  # seconds, outcome, rating, target


def session(start: datetime, urges: tuple[Urge, ...] = (), seconds: float = 1200) -> SessionRecord:
    return SessionRecord(
        id=f"00000000-0000-4000-8000-{next(_ids):012d}",
        started_at=start,
        ended_at=start + timedelta(seconds=seconds + 4),
        kind=Kind.BEDTIME,
        planned_seconds=1200,
        practice_seconds=seconds,
        state=SessionState.COMPLETED,
        pattern="resonance",
        breaths_per_minute=6.0,
        urges=tuple(
            UrgeRecord(start + timedelta(minutes=5 + n), target, held, Outcome(outcome), rating)
            for n, (held, outcome, rating, target) in enumerate(urges)
        ),
    )


def nov(day: int, hour: int = 22, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=EST)


def hand_worked() -> list[SessionRecord]:
    return [
        session(datetime(2026, 10, 1, 22, tzinfo=EST), ((8.0, "moved", 3, 15),)),
        session(nov(2), ((15, "held", 3, 15), (15, "held", 4, 15), (6.0, "moved", None, 15))),
        session(nov(3), ((15, "held", 2, 15),)),
        session(nov(4), ((15, "held", 5, 15), (15, "held", None, 15))),
        session(nov(5)),
        session(nov(6), ((25, "held", 4, 25), (12.5, "moved", 7, 25))),
        session(nov(7), ((4.0, "moved", None, 15), (9.0, "moved", 3, 15), (15, "held", 6, 15))),
        session(nov(9), ((15, "held", 1, 15),)),
        session(nov(10), ((15, "held", None, 15), (3.5, "moved", 2, 15), (15, "held", 0, 15))),
        session(nov(11), ((15, "held", 5, 15),)),
        session(nov(12), ((25, "held", 1, 25), (25, "held", None, 25))),
        session(nov(13, 1, 30), ((20.0, "moved", 2, 25),), seconds=300),
        session(nov(20, 21), ((25, "held", 4, 25),)),
    ]


EXPECTED_COUNTS = {23: 3, 24: 1, 25: 2, 27: 2, 28: 3, 30: 1, 31: 3, 32: 1, 33: 3, 41: 1}
EXPECTED_MEDIANS = [
    (23, 15.0),
    (24, 15.0),
    (25, 15.0),
    (27, 18.75),
    (28, 9.0),
    (30, 15.0),
    (31, 15.0),
    (32, 15.0),
    (33, 25.0),
    (41, 25.0),
]
# The target holds from one night with urges to the next: 15 from Mon 2,
# 25 on Fri 6, 15 again from Sat 7, 25 from Thu 12 to tonight.
EXPECTED_TARGET_STEPS = [
    (22.5, 15),
    (26.5, 15),
    (26.5, 25),
    (27.5, 25),
    (27.5, 15),
    (32.5, 15),
    (32.5, 25),
    (41.5, 25),
]


def store(context: Context, records: list[SessionRecord]) -> None:
    for one in records:
        sessions.insert_session(context.db, one)


def open_history(window: MainWindow) -> HistoryView:
    window.show_page(window.start_view)
    window.show_page(window.history_view)
    return window.history_view


def shown_chart(view: HistoryView) -> UrgeChart:
    chart = view.urge_chart
    assert chart is not None and chart.isVisible()
    return chart


def scrolled_to(qtbot: QtBot, view: HistoryView) -> UrgePlot:
    """The card's chart, which is built once the card has scrolled into view."""
    chart = shown_chart(view)
    view.scroller.ensureWidgetVisible(chart)
    qtbot.waitUntil(lambda: chart.plot is not None)
    assert chart.plot is not None
    return chart.plot


def points(
    chart: UrgePlot,
) -> tuple[list[float], list[tuple[float, float]], list[tuple[float, float]]]:
    counts = [chart.counts.at(i) for i in range(chart.counts.count())]
    medians = [(p.x(), p.y()) for p in chart.median.points()]
    steps = [(p.x(), p.y()) for p in chart.target.points()]
    return counts, medians, steps


def header_figures(view: HistoryView) -> list[str]:
    header = view.header
    return [
        t.figure.text() for t in (header.current, header.longest, header.practised, header.total)
    ]


def test_chart_shows_counts_medians_and_targets_night_by_night(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    view = open_history(window)
    card = shown_chart(view)
    assert card.plot is None  # below the fold: not built until it is seen
    chart = scrolled_to(qtbot, view)
    counts, medians, steps = points(chart)
    assert len(counts) == 42  # the same nights as the charts above
    assert {i: c for i, c in enumerate(counts) if c} == EXPECTED_COUNTS
    assert medians == EXPECTED_MEDIANS
    assert steps == EXPECTED_TARGET_STEPS
    assert (chart.count_y.max(), chart.seconds_y.max()) == (4, 40)
    assert chart.nights_x.categoriesLabels()[-1] == "Tonight"
    assert card.caption.text() == "How many each night, and how long you stayed with them"
    assert chart.view.isVisible() and not card.note.isVisible()
    assert card.room.accessibleDescription() == (
        "20 urges on 10 nights. On the latest, you stayed with them 25 seconds (median), "
        "with a target of 25."
    )
    words = " ".join(
        [card.caption.text(), chart.median.name(), chart.target.name(), chart.counts.label()]
    ).lower()
    assert "fail" not in words and "gave in" not in words


def test_targets_follow_the_settings(qtbot: QtBot, window: MainWindow, context: Context) -> None:
    # A 5 s step and a ceiling of 20 s: up to 20 after Wed 4, back to 15 after
    # Fri 6, up to 20 after Wed 11 and no higher.
    context.settings.set("urge.step_seconds", 5)
    context.settings.set("urge.max_target_seconds", 20)
    store(context, hand_worked())
    chart = scrolled_to(qtbot, open_history(window))
    targets = [(p.x(), p.y()) for p in chart.target.points()]
    assert targets == [
        (22.5, 15),
        (26.5, 15),
        (26.5, 20),
        (27.5, 20),
        (27.5, 15),
        (32.5, 15),
        (32.5, 20),
        (41.5, 20),
    ]


def test_a_long_history_starts_the_target_where_it_stood(context: Context) -> None:
    """Urges from months ago are not read: the replay starts a few weeks before
    the chart (Sat 10 Oct) from the target recorded with the first urge it reads,
    and those weeks settle the count of qualifying nights in a row."""

    def october(day: int, urge: Urge) -> SessionRecord:
        return session(datetime(2026, 10, day, 22, tzinfo=EST), (urge,))

    store(
        context,
        [
            session(datetime(2026, 6, 1, 22, tzinfo=EST), ((40.0, "held", 2, 35),)),
            october(8, (45, "held", 2, 45)),  # 1 in a row
            october(9, (45, "held", None, 45)),  # 2 in a row
            october(10, (45, "held", 1, 45)),  # 3: up to 55
            october(11, (30.5, "moved", 7, 55)),  # rated 7: back to 45
            october(12, (45, "held", 0, 45)),
        ],
    )
    first, tonight = date(2026, 10, 10), date(2026, 11, 20)
    read = urge_history.recent_nights(context.db, first, tonight, StreakRules(), UrgeConfig())
    assert [(u.night.day, u.urges, u.median_held, u.target) for u in read] == [
        (10, 1, 45.0, 45),
        (11, 1, 30.5, 55),
        (12, 1, 45.0, 45),
    ]


def test_hidden_while_the_urge_timer_is_off(window: MainWindow, context: Context) -> None:
    context.settings.set("urge.enabled", False)
    store(context, hand_worked())
    view = open_history(window)
    assert view.urge_chart is None  # not even built
    assert view.charts is not None and view.charts.isVisible()

    context.settings.set("urge.enabled", True)
    chart = shown_chart(open_history(window))
    context.settings.set("urge.enabled", False)
    open_history(window)
    assert chart.isHidden()


def test_without_urges_a_gentle_note_stands_in(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, [session(nov(18)), session(nov(19))])
    view = open_history(window)
    card = shown_chart(view)
    view.scroller.ensureWidgetVisible(card)
    qtbot.waitUntil(lambda: not card.visibleRegion().isEmpty())
    assert card.note.isVisible() and card.note.text() == NO_URGES
    assert not card.room.isVisible() and not card.caption.isVisible()
    assert card.plot is None  # no empty chart is built


def test_urges_never_change_the_streak_figures(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    view = open_history(window)
    with_urges = header_figures(view)
    assert with_urges == ["1", "6", "12", "4.1 h"]
    plot = scrolled_to(qtbot, view)
    context.db.execute("DELETE FROM urges")
    view = open_history(window)
    assert header_figures(view) == with_urges
    assert shown_chart(view).note.isVisible() and plot.median.points() == []


def test_urges_are_read_only_when_the_history_changed(
    qtbot: QtBot, window: MainWindow, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(context, hand_worked())
    reads: list[date] = []
    real = urge_history.recent_nights

    def counting(*args: object, **kwargs: object) -> list[urge_history.UrgeNight]:
        reads.append(args[1])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(urge_history, "recent_nights", counting)
    open_history(window)
    open_history(window)
    assert reads == [date(2026, 10, 10)]
    sessions.insert_session(context.db, session(nov(20, 22, 30), ((30, "held", 2, 25),)))
    chart = scrolled_to(qtbot, open_history(window))
    assert len(reads) == 2
    assert chart.counts.at(41) == 2
    assert chart.median.points()[-1] == QPointF(41, 27.5)


def test_theme_change_restyles_the_urge_chart(
    qtbot: QtBot, window: MainWindow, context: Context
) -> None:
    store(context, hand_worked())
    chart = scrolled_to(qtbot, open_history(window))
    window.history_view.set_theme(THEMES["light"])
    assert chart.median.pen().color().name() == THEMES["light"].accent
    assert chart.seconds_y.labelsColor().name() == THEMES["light"].muted


def test_axis_tops_and_target_steps() -> None:
    assert axis_top(0, (1, 2, 5)) == 4
    assert axis_top(3, (1, 2, 5)) == 4
    assert axis_top(5, (1, 2, 5)) == 8
    assert axis_top(120, (5, 10, 15, 20, 25, 30)) == 120
    assert axis_top(300, (5, 10, 30, 75)) == 300
    assert axis_top(400, (5, 10, 30, 75)) == 600  # beyond the last step: whole steps of it
    assert target_steps([]) == []
    assert target_steps([(3, 15)]) == [QPointF(2.5, 15), QPointF(3.5, 15)]
    assert target_steps([(0, 15), (2, 25), (5, 25)]) == [
        QPointF(-0.5, 15),
        QPointF(1.5, 15),
        QPointF(1.5, 25),
        QPointF(5.5, 25),
    ]
