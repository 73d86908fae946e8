from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes import FakeClock
from pytestqt.qtbot import QtBot

from rls_companion.context import Context, open_context
from rls_companion.ui.shell.main_window import MainWindow


@pytest.fixture
def context() -> Iterator[Context]:
    ctx = open_context()
    ctx.settings.set("audio.backend", "none")
    yield ctx
    ctx.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def window(qtbot: QtBot, context: Context, clock: FakeClock) -> Iterator[MainWindow]:
    win = MainWindow(context, clock)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.controller.interrupt()
