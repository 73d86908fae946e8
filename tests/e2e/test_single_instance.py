"""One instance per data folder: later launches hand over to the running one."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import cli, history, speech, wait_for
from x11 import close_window, focus_nothing

pytestmark = pytest.mark.e2e

FATAL_WORDS = ("Fatal Python error", "Traceback", "Segmentation fault", "QObject::")
HANDOVER_SECONDS = 5.0


def _visible_windows(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^RLS Companion$"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return out.stdout.split()


def _focus(env: dict[str, str]) -> str:
    out = subprocess.run(
        ["xdotool", "getwindowfocus"], env=env, capture_output=True, text=True, timeout=10
    )
    return out.stdout.strip()


def _look_away(env: dict[str, str], window: str) -> None:
    """Take the keyboard focus from the window, then rest the pointer on it.

    With no window manager, X grants a focus request only if its timestamp is
    newer than the last change of focus; the pointer's motion gives the app
    such a timestamp, as any real use would. It does not move the focus.
    """
    focus_nothing(env["DISPLAY"])
    subprocess.run(
        ["xdotool", "mousemove", "--window", window, "200", "200"], env=env, check=True, timeout=10
    )
    assert wait_for(lambda: _focus(env) != window, timeout=10)


def _launch(command: list[str], env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*command, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _window(env: dict[str, str]) -> str:
    found: list[str] = []

    def one() -> bool:
        found[:] = _visible_windows(env)
        return len(found) == 1

    assert wait_for(one, timeout=30), found
    return found[0]


def _second(command: list[str], env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run a second launch to its end; its duration and what it said on stderr."""
    began = time.monotonic()
    second = subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=30)
    took = time.monotonic() - began
    assert second.returncode == 0, second.stderr
    assert second.stdout == ""
    return took, second.stderr


def _stop(app: subprocess.Popen[bytes]) -> str:
    if app.poll() is None:
        app.send_signal(signal.SIGTERM)
    try:
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, err.decode()
    text = err.decode()
    for word in FATAL_WORDS:
        assert word not in text
    return text


def test_a_second_launch_raises_the_first_window_and_exits_0(
    command: list[str], app_env: dict[str, str]
) -> None:
    first = _launch(command, app_env)
    try:
        window = _window(app_env)
        _look_away(app_env, window)

        took, err = _second(command, app_env)
        assert err == ""
        assert took < HANDOVER_SECONDS
        assert first.poll() is None
        # Still one window, and it has the keyboard focus now.
        assert wait_for(lambda: _focus(app_env) == window, timeout=10)
        assert _visible_windows(app_env) == [window]
        assert history(command, app_env) == []  # only shown: nothing started
    finally:
        assert _stop(first) == ""


def test_a_second_launch_with_start_starts_tonights_session_once(
    command: list[str], app_env: dict[str, str]
) -> None:
    speech(command, app_env, None)  # launches and windows only
    first = _launch(command, app_env)
    try:
        window = _window(app_env)
        took, err = _second(command, app_env, "--start", "--minutes", "7")
        assert err == "" and took < HANDOVER_SECONDS
        assert wait_for(lambda: len(history(command, app_env)) == 1, timeout=20)
        [session] = history(command, app_env)
        assert session["kind"] == "bedtime"
        assert session["planned_seconds"] == 7 * 60
        assert session["ended_at"] is None  # running in the first instance

        # While it runs, another --start only brings the window forward.
        _look_away(app_env, window)
        _took, err = _second(command, app_env, "--start")
        assert err == ""
        assert wait_for(lambda: _focus(app_env) == window, timeout=10)
        assert [s["id"] for s in history(command, app_env)] == [session["id"]]
        assert first.poll() is None
    finally:
        _stop(first)
    [record] = history(command, app_env)
    assert record["interrupted"] is True  # SIGTERM mid-session, as ever


def test_a_socket_left_by_a_killed_instance_does_not_stop_the_next(
    command: list[str], app_env: dict[str, str]
) -> None:
    speech(command, app_env, None)  # launches and windows only
    runtime = Path(app_env["XDG_RUNTIME_DIR"])
    before = set(runtime.glob("rls-companion-*"))
    crashed = subprocess.Popen(
        command, env=app_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _window(app_env)
    crashed.kill()
    crashed.wait(timeout=10)
    stale = set(runtime.glob("rls-companion-*")) - before
    assert len(stale) == 1, "the killed instance should have left its socket behind"
    assert wait_for(lambda: not _visible_windows(app_env), timeout=10)

    first = _launch(command, app_env)
    try:
        _window(app_env)
        took, err = _second(command, app_env, "--start", "--minutes", "5")
        assert err == "" and took < HANDOVER_SECONDS
        assert wait_for(lambda: len(history(command, app_env)) == 1, timeout=20)
        assert first.poll() is None
    finally:
        assert _stop(first) == ""
    assert not any(path.exists() for path in stale), "a clean exit removes the socket"


def test_different_data_folders_are_different_instances(
    tmp_path: Path, command: list[str], app_env: dict[str, str]
) -> None:
    other_env = {**app_env, "RLS_COMPANION_DATA_DIR": str(tmp_path / "other")}
    first = _launch(command, app_env)
    other = _launch(command, other_env)
    try:
        assert wait_for(lambda: len(_visible_windows(app_env)) == 2, timeout=30)
        assert first.poll() is None and other.poll() is None
    finally:
        assert _stop(other) == ""
        assert _stop(first) == ""


def test_closing_the_window_quits_when_no_reminder_is_kept(
    command: list[str], app_env: dict[str, str]
) -> None:
    first = _launch(command, app_env)
    try:
        window = _window(app_env)
        close_window(app_env["DISPLAY"], int(window))
        _out, err = first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0
    assert err.decode() == ""


@pytest.fixture
def tray_host(app_env: dict[str, str]) -> Iterator[None]:
    """A system tray on the test display (trayer speaks the XEmbed tray protocol)."""
    trayer = shutil.which("trayer")
    if trayer is None:
        pytest.fail("trayer is not installed; run 'make test' (it installs the system packages)")
    proc = subprocess.Popen(
        [trayer, "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "60"],
        env=app_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def docked() -> bool:
        out = subprocess.run(
            ["xdotool", "search", "--class", "trayer"], env=app_env, capture_output=True
        )
        return bool(out.stdout.split())

    assert wait_for(docked, timeout=10)
    yield
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.usefixtures("tray_host")
def test_with_a_tray_and_a_reminder_closing_keeps_the_app_and_a_launch_brings_it_back(
    command: list[str], app_env: dict[str, str]
) -> None:
    assert cli(command, app_env, "config", "set", "reminder.enabled", "true").returncode == 0
    first = _launch(command, app_env)
    try:
        window = _window(app_env)
        close_window(app_env["DISPLAY"], int(window))
        assert wait_for(lambda: not _visible_windows(app_env), timeout=10)
        # Still there, in the tray, for tonight's reminder.
        assert not wait_for(lambda: first.poll() is not None, timeout=2)

        took, err = _second(command, app_env)
        assert err == "" and took < HANDOVER_SECONDS
        # Closing let go of the native window: it comes back as a new one.
        again = _window(app_env)
        assert wait_for(lambda: _focus(app_env) == again, timeout=10)

        # Quit (Ctrl+Q) quits, tray or not.
        subprocess.run(["xdotool", "key", "ctrl+q"], env=app_env, check=True, timeout=10)
        _out, err_bytes = first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0
    assert err_bytes.decode() == ""
