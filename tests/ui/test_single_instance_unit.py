"""The single-instance protocol, its socket name, and recovery from a crash's leftovers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rls_companion import single_instance
from rls_companion.single_instance import (
    Handover,
    InstanceServer,
    ProtocolError,
    Request,
    claim,
    decode,
    hand_over,
    server_name,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="local sockets are files on Unix")


# --- the protocol -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "line"),
    [
        (Request(), b"show\n"),
        (Request(start=True), b"start\n"),
        (Request(start=True, minutes=25.0), b"start:25\n"),
        (Request(start=True, minutes=7.5), b"start:7.5\n"),
        (Request(activation_token="kwin-123_abc"), b"show token=kwin-123_abc\n"),
        (Request(start=True, minutes=20, activation_token="t"), b"start:20 token=t\n"),
    ],
)
def test_requests_are_one_short_line_and_read_back_the_same(request_: Request, line: bytes) -> None:
    assert request_.encode() == line
    assert decode(line.rstrip(b"\n")) == request_


@pytest.mark.parametrize(
    "line",
    [
        b"",
        b"open",
        b"SHOW",
        b"start:",
        b"start:abc",
        b"start:0.5",
        b"start:61",
        b"start:nan",
        b"start:inf",
        b"show please",
        b"show token=",
        b"show token=a b",
        b"show\ttoken=x",
        b"\xff\xfe",
        b"show\x00",
    ],
)
def test_anything_else_is_refused(line: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode(line)


# --- the name -------------------------------------------------------------------------------------


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder with a short path (socket paths are limited)."""
    folder = Path(tempfile.mkdtemp(prefix="rls-rt-"))
    folder.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_name_is_per_data_folder_and_hides_the_path(runtime: Path, tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    (tmp_path / "link").symlink_to(one)
    name = server_name(one)
    assert Path(name).parent == runtime
    assert server_name(tmp_path / "link") == name
    assert server_name(tmp_path / "one" / ".." / "one") == name
    assert server_name(tmp_path / "two") != name
    assert str(tmp_path) not in name and "one" not in Path(name).name
    assert str(os.getuid()) in Path(name).name


def test_without_a_private_runtime_folder_the_name_is_bare(
    runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.chmod(0o755)  # others could read it: not private
    assert "/" not in server_name(tmp_path)
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert "/" not in server_name(tmp_path)
    deep = runtime / ("x" * 120)
    deep.mkdir(mode=0o700)
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    assert "/" not in server_name(tmp_path)  # too long for a socket path


# --- the running instance's end -------------------------------------------------------------------


def _exchange(path: str, payload: bytes, answers: list[bytes]) -> threading.Thread:
    """A later launch, played by a plain socket in a thread: send, read to EOF."""

    def run() -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect(path)
            client.sendall(payload)
            received = b""
            while chunk := client.recv(256):
                received += chunk
            answers.append(received)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def server(qtbot: QtBot, runtime: Path, tmp_path: Path) -> Iterator[InstanceServer]:
    instance = InstanceServer(server_name(tmp_path / "data"))
    assert instance.listen()
    yield instance
    instance.close()
    instance.deleteLater()


def test_the_server_answers_ok_and_passes_the_request_on(
    qtbot: QtBot, server: InstanceServer
) -> None:
    answers: list[bytes] = []
    with qtbot.waitSignal(server.received, timeout=5000) as got:
        thread = _exchange(server.name, b"start:25\n", answers)
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    thread.join(timeout=5)
    assert got.args == [Request(start=True, minutes=25.0)]
    assert answers == [b"ok\n"]


def test_a_bad_message_is_answered_with_an_error_and_goes_no_further(
    qtbot: QtBot, server: InstanceServer
) -> None:
    answers: list[bytes] = []
    received: list[object] = []
    server.received.connect(received.append)
    thread = _exchange(server.name, b"format\n", answers)
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    thread.join(timeout=5)
    assert answers[0].startswith(b"error: unknown command")
    assert received == []


def test_a_silent_connection_is_dropped(
    qtbot: QtBot, server: InstanceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(single_instance, "IDLE_CONNECTION_MS", 100)
    answers: list[bytes] = []
    thread = _exchange(server.name, b"sho", answers)
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    thread.join(timeout=5)
    assert answers == [b""]


# --- a later launch's end -------------------------------------------------------------------------


FAKE_INSTANCE = """
import socket, sys
path, reply = sys.argv[1], sys.argv[2].encode()
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
listener.listen(1)
print("ready", flush=True)
connection, _ = listener.accept()
data = b""
while b"\\n" not in data and (chunk := connection.recv(256)):
    data += chunk
print(data.decode(), end="", flush=True)
if reply != b"-":
    connection.sendall(reply + b"\\n")
sys.stdin.read()
"""


class FakeInstance:
    """A running instance in another process (a blocking Qt call in this one would hold
    up a thread here): answers `reply` to one request, or nothing when it is None."""

    def __init__(self, path: str, reply: str | None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", FAKE_INSTANCE, path, "-" if reply is None else reply],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline() == "ready\n"

    def close(self) -> list[str]:
        """Stop it; what it heard."""
        heard, _ = self.proc.communicate("", timeout=10)
        return heard.splitlines(keepends=True)


def test_handing_over_to_a_running_instance(runtime: Path, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    fake = FakeInstance(name, "ok")
    try:
        assert hand_over(name, Request(start=True, minutes=30)) is Handover.DONE
    finally:
        heard = fake.close()
    assert heard == ["start:30\n"]


def test_an_instance_that_refuses(runtime: Path, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    fake = FakeInstance(name, "error: no")
    try:
        assert hand_over(name, Request()) is Handover.REFUSED
    finally:
        fake.close()


def test_an_instance_that_does_not_answer(runtime: Path, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    fake = FakeInstance(name, None)
    try:
        began = time.monotonic()
        assert hand_over(name, Request(), answer_timeout_ms=300) is Handover.NO_ANSWER
        assert time.monotonic() - began < 5
    finally:
        heard = fake.close()
    assert heard == ["show\n"]


def test_nobody_there(runtime: Path, tmp_path: Path) -> None:
    began = time.monotonic()
    assert hand_over(server_name(tmp_path), Request()) is Handover.NOBODY
    assert time.monotonic() - began < 2


def test_claim_hands_over_when_an_instance_is_running(runtime: Path, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    fake = FakeInstance(name, "ok")
    try:
        outcome = claim(name, Request(start=True))
    finally:
        heard = fake.close()
    assert outcome.server is None and outcome.handover is Handover.DONE
    assert heard == ["start\n"]


def test_claim_replaces_the_socket_a_crashed_instance_left(
    qtbot: QtBot, runtime: Path, tmp_path: Path
) -> None:
    name = server_name(tmp_path)
    # A crash leaves the socket file, with nobody listening on it.
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(name)
    leftover.close()
    assert Path(name).exists()
    assert hand_over(name, Request()) is Handover.NOBODY

    outcome = claim(name, Request())
    assert outcome.server is not None and outcome.handover is Handover.NOBODY
    try:
        assert outcome.server.server.isListening()
        answers: list[bytes] = []
        with qtbot.waitSignal(outcome.server.received, timeout=5000):
            thread = _exchange(name, b"show\n", answers)
        qtbot.waitUntil(lambda: bool(answers), timeout=5000)
        thread.join(timeout=5)
        assert answers == [b"ok\n"]
        assert Path(name).stat().st_mode & 0o077 == 0  # the user's alone
    finally:
        outcome.server.close()
        outcome.server.deleteLater()
    assert not Path(name).exists()


def test_claim_makes_the_first_instance_when_there_is_none(
    qtbot: QtBot, runtime: Path, tmp_path: Path
) -> None:
    name = server_name(tmp_path)
    outcome = claim(name, Request())
    assert outcome.server is not None
    try:
        assert outcome.server.server.isListening()
        assert outcome.server.server.fullServerName() == name
    finally:
        outcome.server.close()
        outcome.server.deleteLater()


# --- the lock inside the data folder --------------------------------------------------------------


LOCK_HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
os.write(fd, (sys.argv[2] + "\\n" + str(os.getpid()) + "\\n").encode())
print("ready", flush=True)
sys.stdin.read()
"""


class LockHolder:
    """Another process running on the data folder: holds its lock, which names `socket`."""

    def __init__(self, lock_file: Path, socket: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(lock_file), socket],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline() == "ready\n"

    def close(self) -> None:
        self.proc.communicate("", timeout=10)


def test_a_launch_from_another_environment_hands_over_to_the_folder_holder(
    runtime: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    # The running instance listens where its own runtime folder put it; this
    # launch's environment gives another name, which nobody listens on.
    theirs = str(tmp_path / "their-socket")
    fake = FakeInstance(theirs, "ok")
    holder = LockHolder(tmp_path / "instance.lock", theirs)
    try:
        claimed = claim(
            server_name(tmp_path / "data"),
            Request(start=True),
            lock_file=tmp_path / "instance.lock",
        )
    finally:
        holder.close()
        heard = fake.close()
    assert (claimed.server, claimed.handover) == (None, Handover.DONE)
    assert heard == ["start\n"]


def test_a_held_folder_whose_instance_cannot_be_reached_opens_no_second_window(
    runtime: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    holder = LockHolder(tmp_path / "instance.lock", str(tmp_path / "nobody-listens"))
    try:
        claimed = claim(server_name(tmp_path), Request(), lock_file=tmp_path / "instance.lock")
    finally:
        holder.close()
    assert (claimed.server, claimed.handover) == (None, Handover.NO_ANSWER)


def test_the_first_instance_holds_the_lock_and_names_its_socket(
    runtime: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    lock_file = tmp_path / "instance.lock"
    name = server_name(tmp_path)
    claimed = claim(name, Request(), lock_file=lock_file)
    try:
        assert claimed.server is not None and claimed.lock is not None
        assert lock_file.read_text() == f"{name}\n{os.getpid()}\n"
        assert oct(lock_file.stat().st_mode & 0o777) == "0o600"
        assert not single_instance.FolderLock(lock_file).acquire("x")
    finally:
        claimed.lock.release()  # type: ignore[union-attr]
        claimed.server.close()  # type: ignore[union-attr]
        claimed.server.deleteLater()  # type: ignore[union-attr]
    again = single_instance.FolderLock(lock_file)
    assert again.acquire("next")
    again.release()


def test_the_very_first_launch_makes_the_folder_for_its_lock(
    runtime: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    lock_file = tmp_path / "not made yet" / "data" / "instance.lock"
    claimed = claim(server_name(tmp_path), Request(), lock_file=lock_file)
    try:
        assert claimed.server is not None and claimed.lock is not None
        assert oct(lock_file.parent.stat().st_mode & 0o777) == "0o700"
    finally:
        claimed.lock.release()  # type: ignore[union-attr]
        claimed.server.close()  # type: ignore[union-attr]
        claimed.server.deleteLater()  # type: ignore[union-attr]
