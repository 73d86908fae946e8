"""The installed app with its history busy in another program mid-session:
the session goes on, is saved once the file is free, and SIGTERM still ends
the app at once with exit 0."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import history, launch_session, newest_session, wait_for

pytestmark = pytest.mark.e2e

FATAL_WORDS = ("Fatal Python error", "Traceback", "Segmentation fault", "QObject::")


def _log(data_dir: Path) -> str:
    path = data_dir / "logs" / "rls-companion.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _practice(data_dir: Path) -> float:
    db = sqlite3.connect(data_dir / "history.sqlite3")
    try:
        return float(db.execute("SELECT practice_seconds FROM sessions").fetchone()[0])
    finally:
        db.close()


def _hold_write_lock(data_dir: Path) -> sqlite3.Connection:
    other = sqlite3.connect(data_dir / "history.sqlite3", isolation_level=None, timeout=10)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_busy_history_mid_session_loses_nothing_and_sigterm_is_prompt(
    command: list[str], app_env: dict[str, str], data_dir: Path
) -> None:
    app = launch_session(command, app_env, 5)
    try:
        assert wait_for(lambda: newest_session(command, app_env) is not None, timeout=30)
        other = _hold_write_lock(data_dir)
        locked_at = _practice(data_dir)
        # The next checkpoint (every 5 s) cannot be written: said once in the log.
        assert wait_for(lambda: "cannot save the session right now" in _log(data_dir), 20)
        other.execute("ROLLBACK")
        other.close()
        # Free again: what waited is written, and the practice moves on.
        assert wait_for(lambda: "can be written again" in _log(data_dir), 20)
        assert wait_for(lambda: _practice(data_dir) > locked_at + 5, 20)

        # Busy again, and the app is asked to stop: it does, at once.
        other = _hold_write_lock(data_dir)
        app.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _out, err = app.communicate(timeout=30)
        took = time.monotonic() - sent
        other.execute("ROLLBACK")
        other.close()
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    print(f"\n  SIGTERM with the history busy: exited {app.returncode} after {took:.2f} s")
    assert app.returncode == 0, err.decode()
    assert took < 2.0
    for word in FATAL_WORDS:
        assert word not in err.decode()
    # The session was kept up to its last write, and the next opening marks it
    # interrupted (its process is gone).
    [record] = history(command, app_env)
    assert record["interrupted"] is True
    assert record["practice_seconds"] >= locked_at + 5
