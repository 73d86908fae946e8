"""Test set-up shared by every test.

Qt runs offscreen, every test gets its own data folder (nothing touches the
real user folders), and Qt Multimedia's start-up chatter about optional
libraries is silenced the same way the app silences it. A test that leaves
a window, a running timer or a running thread behind fails at teardown.

The helper modules in tests/ (fakes, built_wheel, ...) are importable by
name: pyproject.toml puts tests/ on the path (`pythonpath`).
"""

from __future__ import annotations

import gc
import os
import sys
import time as systime
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
import shiboken6
from built_wheel import build_wheel
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer
from PySide6.QtWidgets import QApplication, QWidget

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_LOGGING_RULES"] = "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg=false"
# In-process tests never reach a real sound server: they see a machine with
# no output device. End-to-end tests give the app its own server.
os.environ["PULSE_SERVER"] = "unix:/nonexistent/rls-companion-test"


E2E_TESTS = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # End-to-end tests time out by SIGALRM: see `timeout_method` in pyproject.toml.
    for item in items:
        if item.path.is_relative_to(E2E_TESTS) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(method="signal"))


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("RLS_COMPANION_DATA_DIR", str(folder))
    # platformdirs must never be consulted in tests; point HOME somewhere harmless.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    # Never the desktop's own D-Bus: a window in a test must not hold off the
    # developer's suspend (the tests of that start their own buses).
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-session-bus")
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path}/no-system-bus")
    yield folder


@pytest.fixture
def new_york_computer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own time zone (local time, as the reminder reads it) is New York."""
    if not hasattr(systime, "tzset") or sys.platform == "win32":
        pytest.skip("the time zone of the process can be changed only on Unix")
    monkeypatch.setenv("TZ", "America/New_York")
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel .` builds, once per test run."""
    return build_wheel(tmp_path_factory.mktemp("built"))


# -- Nothing of Qt outlives its test ---------------------------------------------
#
# After a test that ran with a Qt application, and after pytest-qt has closed
# the widgets given to qtbot.addWidget (it does that before any fixture is
# torn down; this fixture is autouse, so it is set up before the fixtures a
# test asks for, such as `window`, and torn down after them), the deletions
# Qt still has queued are carried out. Then these must be gone:
#
# - windows (QApplication.topLevelWidgets()) that were not there before;
# - QTimers that are active now and were not before: a timer left running
#   keeps calling into objects that belong to a finished test;
# - QThreads that are running now and were not before.
#
# Timers and threads are found among all Python wrappers of Qt objects
# (shiboken6.getAllValidWrappers(), so unparented ones too; a millisecond);
# objects Qt makes in C++ that Python never saw are not checked. Objects are
# told apart by their C++ address. A test that failed is not checked: its own
# failure is the news, and it may well have left things half done.

# How long a thread that is on its way out may take to finish.
THREAD_END_GRACE_SECONDS = 1.0

_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when in ("setup", "call") and report.failed:
        item.stash[_FAILED] = True
    return report


Snapshot = dict[str, dict[int, str]]


def _address(obj: QObject) -> int:
    return int(shiboken6.getCppPointer(obj)[0])


def _describe(obj: QObject) -> str:
    text = type(obj).__name__
    if obj.objectName():
        text += f" {obj.objectName()!r}"
    if isinstance(obj, QWidget) and obj.windowTitle():
        text += f" titled {obj.windowTitle()!r}"
    if isinstance(obj, QWidget):
        text += " (shown)" if obj.isVisible() else " (hidden)"
    if isinstance(obj, QTimer):
        text += f" ({'single shot after' if obj.isSingleShot() else 'every'} {obj.interval()} ms)"
    owners = []
    parent = obj.parent()
    while parent is not None:
        owners.append(type(parent).__name__)
        parent = parent.parent()
    return text + (f", owned by {' < '.join(owners)}" if owners else ", with no parent")


def _live_qt_objects() -> Snapshot:
    app = QCoreApplication.instance()
    windows = {}
    if isinstance(app, QApplication):
        windows = {_address(w): _describe(w) for w in QApplication.topLevelWidgets()}
    timers, threads = {}, {}
    for obj in shiboken6.getAllValidWrappers():
        try:
            if isinstance(obj, QTimer) and obj.isActive():
                timers[_address(obj)] = _describe(obj)
            elif isinstance(obj, QThread) and obj.isRunning():
                threads[_address(obj)] = _describe(obj)
        except RuntimeError:  # deleted meanwhile (by another thread)
            continue
    return {"window": windows, "active timer": timers, "running thread": threads}


def _new_since(before: Snapshot) -> list[str]:
    now = _live_qt_objects()
    return [
        f"{kind}: {description}"
        for kind, objects in now.items()
        for address, description in objects.items()
        if address not in before[kind]
    ]


def _wait_for_threads(before: Snapshot, seconds: float) -> None:
    """Let the threads started during the test finish, within `seconds` in all."""
    deadline = systime.monotonic() + seconds
    for obj in shiboken6.getAllValidWrappers():
        try:
            if isinstance(obj, QThread) and _address(obj) not in before["running thread"]:
                obj.wait(max(0, round((deadline - systime.monotonic()) * 1000)))
        except RuntimeError:  # deleted meanwhile
            continue


def _finish_deletions(app: QCoreApplication) -> None:
    for _ in range(3):  # a deletion can queue further ones
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def no_qt_leftovers(request: pytest.FixtureRequest) -> Iterator[None]:
    empty: Snapshot = {"window": {}, "active timer": {}, "running thread": {}}
    before = _live_qt_objects() if QCoreApplication.instance() is not None else empty
    yield
    app = QCoreApplication.instance()
    if app is None or request.node.stash.get(_FAILED, False):
        return
    _finish_deletions(app)
    left = _new_since(before)
    if left:
        # Objects only a reference cycle keeps alive, and threads told to
        # stop a moment ago, get their chance before the test is failed.
        gc.collect()
        _wait_for_threads(before, THREAD_END_GRACE_SECONDS)
        _finish_deletions(app)
        left = _new_since(before)
    if left:
        pytest.fail(
            "Qt objects outlived the test (close, stop or delete them before it ends):\n  "
            + "\n  ".join(left),
            pytrace=False,
        )
