"""How long the History screen takes to open with ten years of nightly history.

Budget (ENGINEERING.md): 3,650 sessions and about 40,000 urges, history view
opens in under 150 ms. The figure is the wall time of
`MainWindow.show_page(history_view)` (building the page if it was not built
yet) plus event processing until the window has painted it (two passes of
`processEvents`, checked to include a paint). It is taken:

- the first time, in fresh processes (QtCharts not loaded yet), as a person
  would open it: a moment after start-up, once the window has built the page
  and read the history ahead (it does so 0.3 s after it first shows);
- on later visits when nothing changed (the history is not read again);
- on later visits after a change (read again while opening);
- for information, the first time within those 0.3 s, building the page and
  reading the history while opening (sooner than a person can reach it).

It also prints where the time goes: reading the history from the database,
arranging the figures, and the rest (widgets and painting). The package is
byte-compiled first, as an installed application is.

Run inside the virtual environment:

    python bench/history_open.py              # builds a temporary 10-year history
    python bench/history_open.py --data-dir DIR   # uses an existing data folder

Qt runs offscreen unless QT_QPA_PLATFORM says otherwise. The exit status is 0
only when every opening is within the budget.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any, TypeVar

BUDGET_MS = 150.0
NIGHTS = 3650
URGES_PER_SESSION = 11

T = TypeVar("T")


def build_history(data_dir: Path, nights: int = NIGHTS, urges: int = URGES_PER_SESSION) -> None:
    """One session a night for `nights` nights up to last night, each with `urges` urges."""
    from rls_companion.context import open_context
    from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
    from rls_companion.core.session import Kind
    from rls_companion.storage import sessions

    rnd = random.Random(3650)
    context = open_context(str(data_dir))
    db = context.db
    evening = datetime.now().astimezone().replace(hour=22, minute=30, second=0, microsecond=0)
    with sessions.transaction(db):
        for night in range(nights, 0, -1):
            start = evening - timedelta(days=night, minutes=rnd.randint(-45, 90))
            practice = rnd.choice((1200.0, 1200.0, 900.0, 600.0, 240.0))
            sessions.insert_session(
                db,
                SessionRecord(
                    id=str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                    started_at=start,
                    ended_at=start + timedelta(seconds=practice + 5),
                    kind=Kind.BEDTIME,
                    planned_seconds=1200,
                    practice_seconds=practice,
                    state=SessionState.COMPLETED if practice >= 1200 else SessionState.STOPPED,
                    pattern="resonance",
                    breaths_per_minute=6.0,
                    rating_before=rnd.randint(3, 8),
                    rating_after=rnd.randint(0, 5),
                    urges=tuple(
                        UrgeRecord(
                            start + timedelta(seconds=90 + 60 * n),
                            30,
                            rnd.uniform(5.0, 40.0),
                            rnd.choice((Outcome.HELD, Outcome.MOVED)),
                            rnd.randint(0, 8),
                        )
                        for n in range(urges)
                    ),
                ),
            )
    context.settings.set("audio.backend", "none")
    context.close()


def best_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    times = []
    result: T | None = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000.0)
    assert result is not None
    return min(times), result


def open_window(data_dir: Path) -> tuple[Any, Any, Any]:
    """The application, its data and its window, shown and settled."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from rls_companion.context import open_context
    from rls_companion.core.clock import SystemClock
    from rls_companion.ui.shell.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    context = open_context(str(data_dir))
    window = MainWindow(context, SystemClock())
    window.resize(1000, 700)
    window.show()
    for _ in range(3):
        app.processEvents()
    return app, context, window


def opener(app: Any, window: Any) -> Callable[[bool], float]:
    """A function that opens History from Tonight and gives the milliseconds it took,
    building the page too if this is the first time it is needed."""
    from PySide6.QtCore import QEvent, QObject

    from rls_companion.storage import sessions

    class PaintWatch(QObject):
        """Notes that the window was painted. Only the window is watched: a
        filter on the whole application would slow every event it times."""

        painted = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watch = PaintWatch(window)
    window.installEventFilter(watch)

    def open_once(change: bool = False) -> float:
        window.show_page(window.start_view)
        app.processEvents()
        if change:  # a write through the window's connection, as after a session
            newest = sessions.list_briefs(window.context.db)[0]
            sessions.set_ratings(
                window.context.db, newest.id, newest.rating_before, newest.rating_after
            )
        watch.painted = False
        started = time.perf_counter()
        window.show_page(window.history_view)
        app.processEvents()
        app.processEvents()  # a second pass catches any layout that settles late
        ended = time.perf_counter()
        if not (watch.painted and window.history_view.calendar.isVisible()):
            raise RuntimeError("the history view did not paint")
        return (ended - started) * 1000.0

    return open_once


def first_open(data_dir: Path, ahead: bool) -> float:
    """The first opening in a fresh process (QtCharts not yet loaded).

    `ahead`: as a person would, some moments after start-up, once the window
    has built the page and read the history ahead; otherwise at once,
    building the page and reading the history while opening.
    """
    app, context, window = open_window(data_dir)
    if ahead:
        deadline = time.monotonic() + 10.0
        while window.prepare_history.isActive() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if window._history_view is None or window._history_view._version is None:
            raise RuntimeError("the history was not read ahead")
    else:
        window.prepare_history.stop()
        if window._history_view is not None:
            raise RuntimeError("the history was read ahead before it could be opened at once")
    took = opener(app, window)(False)
    window.close()
    context.close()
    return took


def first_opens(data_dir: Path, ahead: bool, runs: int) -> list[float]:
    """`first_open` in `runs` fresh processes."""
    mode = "ahead" if ahead else "cold"
    command = [sys.executable, __file__, "--data-dir", str(data_dir), "--first", mode]
    return [float(subprocess.check_output(command, text=True)) for _ in range(runs)]


def measure(data_dir: Path, repeats: int, runs: int) -> bool:
    from rls_companion.core.history_summary import summarise
    from rls_companion.storage import sessions
    from rls_companion.ui.shell.main_window import PREPARE_HISTORY_AFTER_SHOW_MS as after_show

    ahead = first_opens(data_dir, True, runs)
    cold = first_opens(data_dir, False, runs)

    app, context, window = open_window(data_dir)
    open_once = opener(app, window)
    open_once(False)
    unchanged = median(open_once(False) for _ in range(repeats))
    changed = median(open_once(True) for _ in range(repeats))

    read_ms, records = best_of(3, lambda: sessions.list_briefs(context.db))
    urges = sum(len(r.urges) for r in sessions.list_sessions(context.db))
    rules = window.history_view.rules()
    summary_ms, _ = best_of(3, lambda: summarise(records, window.clock.now(), rules))
    window.close()
    context.close()

    print(f"History: {len(records):,} sessions, {urges:,} urges, Qt platform {app.platformName()}")
    print(f"{'figure':<60}{'measured':>11}{'budget':>10}  verdict")
    rows = (
        (f"opens first, read ahead after start-up (median of {runs})", median(ahead), True),
        (f"opens again, history unchanged (median of {repeats})", unchanged, True),
        (f"opens again after a change, read as it opens (median of {repeats})", changed, True),
        (f"opens first within {after_show} ms of start-up (median of {runs})", median(cold), False),
    )
    for name, value, counted in rows:
        verdict = ("ok" if value < BUDGET_MS else "OVER") if counted else "(information)"
        print(f"{name:<60}{value:>8.1f} ms{BUDGET_MS:>7.0f} ms  {verdict}")
    print(f"  first openings, each in a fresh process: read ahead {_list(ahead)};")
    print(f"  within {after_show} ms of start-up, building the page and reading as it opens")
    print(f"  {_list(cold)} (sooner than a person can reach the History button)")
    print("where the time goes (best of 3):")
    print(f"  {'reading the sessions (list_briefs)':<54}{read_ms:>8.1f} ms")
    print(f"  {'figures (core.history_summary.summarise)':<54}{summary_ms:>8.1f} ms")
    rest = unchanged - summary_ms
    print(f"  {'widgets and painting (unchanged visit less figures)':<54}{rest:>8.1f} ms")
    return max(*ahead, unchanged, changed) < BUDGET_MS


def _list(values: list[float]) -> str:
    return " / ".join(f"{v:.1f}" for v in values) + " ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data-dir", type=Path, help="use this data folder instead of building one"
    )
    parser.add_argument("--repeats", type=int, default=5, help="later visits to time")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per first opening")
    parser.add_argument("--first", choices=("ahead", "cold"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first is not None:  # one first opening, in this fresh process
        print(f"{first_open(args.data_dir, args.first == 'ahead'):.3f}")
        return 0
    # Like an installed application, run from compiled modules.
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "rls_companion", quiet=1)
    if args.data_dir is not None:
        return 0 if measure(args.data_dir, args.repeats, args.runs) else 1
    with tempfile.TemporaryDirectory(prefix="rls-history-bench-") as folder:
        data_dir = Path(folder)
        started = time.perf_counter()
        build_history(data_dir)
        print(f"(built {NIGHTS:,} nights in {time.perf_counter() - started:.1f} s)")
        return 0 if measure(data_dir, args.repeats, args.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
