"""One window per data folder: a second launch hands over to the first.

The first instance listens on a local socket whose name is made from the
user and the resolved data folder, so two users, or two test runs with their
own folders, never meet. A later launch connects, sends one line and waits
for one line back:

    show            bring the window to the front
    start           ... and start tonight's session unless one is running
    start:25        ... a 25-minute one

Each may be followed by a space and `token=<activation token>` (Wayland's
XDG_ACTIVATION_TOKEN), which lets the desktop raise the window for it. The
answer is `ok` or `error: <why>`.

A crashed instance leaves its socket file behind; nobody answers on it, so the
new instance removes it and listens in its place.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import stat
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QCryptographicHash, QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from rls_companion.core.session import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from rls_companion.paths import ensure_private_dir

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1024
# How long a new instance waits for the running one to answer. Generous: the
# running one may itself still be building its window.
ANSWER_TIMEOUT_MS = 8000
CONNECT_TIMEOUT_MS = 1000
# A connection that sends no complete line within this time is dropped.
IDLE_CONNECTION_MS = 5000
# Unix socket paths must fit in sockaddr_un (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100


class ProtocolError(ValueError):
    """A message that is not one line of the protocol."""


@dataclass(frozen=True)
class Request:
    start: bool = False
    minutes: float | None = None
    activation_token: str = ""

    def encode(self) -> bytes:
        if self.start:
            command = "start" if self.minutes is None else f"start:{self.minutes:g}"
        else:
            command = "show"
        if self.activation_token:
            command += f" token={self.activation_token}"
        return command.encode("utf-8") + b"\n"


def decode(line: bytes) -> Request:
    """One line of the protocol (without its newline) as a Request."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("not UTF-8") from None
    if not text.isprintable():
        raise ProtocolError("not one line of plain text")
    command, _, rest = text.partition(" ")
    token = ""
    if rest:
        name, _, token = rest.partition("=")
        if name != "token" or not token or " " in token:
            raise ProtocolError(f"unexpected {rest[:40]!r}")
    if command == "show":
        return Request(activation_token=token)
    verb, colon, amount = command.partition(":")
    if verb != "start":
        raise ProtocolError(f"unknown command {command[:40]!r}")
    if not colon:
        return Request(start=True, activation_token=token)
    try:
        minutes = float(amount)
    except ValueError:
        raise ProtocolError(f"{amount[:20]!r} is not a number of minutes") from None
    if not MIN_SESSION_MINUTES <= minutes <= MAX_SESSION_MINUTES:
        raise ProtocolError(f"{amount[:20]} minutes is out of range")
    return Request(start=True, minutes=minutes, activation_token=token)


def server_name(data_dir: Path) -> str:
    """The socket for this user and this data folder.

    A full path in the user's private runtime folder where there is one (no
    other user can take the name first); otherwise a bare name, which Qt puts
    in the temporary folder, made private with UserAccessOption.
    """
    digest = _sha256_hex(os.fsencode(data_dir.resolve()))[:16]
    name = f"rls-companion-{_user()}-{digest}"
    runtime = _private_runtime_dir()
    if runtime is not None and len(str(runtime / name)) <= MAX_SOCKET_PATH:
        return str(runtime / name)
    return name


def _sha256_hex(data: bytes) -> str:
    # Qt's own SHA-256: hashlib would load OpenSSL (3.3 MiB) for two names.
    digest = QCryptographicHash.hash(data, QCryptographicHash.Algorithm.Sha256)
    return bytes(digest.toHex().data()).decode("ascii")


def _user() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        return "user"
    return _sha256_hex(user.encode("utf-8"))[:8]


def _private_runtime_dir() -> Path | None:
    if sys.platform == "win32" or not hasattr(os, "getuid"):
        return None
    folder = os.environ.get("XDG_RUNTIME_DIR")
    if not folder:
        return None
    try:
        info = os.stat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return Path(folder)


class Handover(Enum):
    DONE = "done"  # the running instance took the request
    NOBODY = "nobody"  # no instance is listening (or only a stale socket is left)
    NO_ANSWER = "no answer"  # something is listening but did not answer in time
    REFUSED = "refused"  # the running instance answered with an error


def hand_over(
    name: str,
    request: Request,
    connect_timeout_ms: int = CONNECT_TIMEOUT_MS,
    answer_timeout_ms: int = ANSWER_TIMEOUT_MS,
) -> Handover:
    """Pass `request` to the instance listening on `name`, if there is one."""
    socket = QLocalSocket()
    try:
        socket.connectToServer(name)
        if not socket.waitForConnected(connect_timeout_ms):
            log.debug("no running instance on %s: %s", name, socket.errorString())
            return Handover.NOBODY
        socket.write(request.encode())
        while socket.bytesToWrite() > 0:
            if not socket.waitForBytesWritten(answer_timeout_ms):
                return Handover.NO_ANSWER
        answer = _read_line(socket, answer_timeout_ms)
        if answer is None:
            return Handover.NO_ANSWER
        if answer != b"ok":
            log.warning("the running instance refused %r: %r", request, answer)
            return Handover.REFUSED
        return Handover.DONE
    finally:
        socket.abort()


def _read_line(socket: QLocalSocket, timeout_ms: int) -> bytes | None:
    received = b""
    while b"\n" not in received and len(received) <= MAX_MESSAGE_BYTES:
        if not socket.bytesAvailable() and not socket.waitForReadyRead(timeout_ms):
            return None
        received += bytes(socket.readAll().data())
    line, newline, _ = received.partition(b"\n")
    return line if newline else None


class InstanceServer(QObject):
    """The first instance's end: answers later launches and passes on their requests."""

    received = Signal(object)  # Request

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        return self.server.listen(self.name)

    def in_use(self) -> bool:
        """Whether the last `listen` failed because the name is taken."""
        return self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            if socket is None:
                return
            _Connection(socket, self)


class _Connection(QObject):
    """One request from a later launch: read one line, answer, hang up."""

    def __init__(self, socket: QLocalSocket, server: InstanceServer) -> None:
        super().__init__(server)
        self.socket = socket
        socket.setParent(self)
        self.server = server
        self.buffer = b""
        self.done = False
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._finish)
        self.idle.start(IDLE_CONNECTION_MS)
        socket.readyRead.connect(self._read)
        socket.disconnected.connect(self._finish)
        self._read()

    def _read(self) -> None:
        if self.done:
            return
        self.buffer += bytes(self.socket.readAll().data())
        line, newline, _ = self.buffer.partition(b"\n")
        if not newline:
            if len(self.buffer) > MAX_MESSAGE_BYTES:
                self._answer(b"error: message too long")
            return
        try:
            request = decode(line)
        except ProtocolError as error:
            log.warning("ignored a message from another launch: %s", error)
            self._answer(f"error: {error}".encode())
            return
        self._answer(b"ok")
        self.server.received.emit(request)

    def _answer(self, answer: bytes) -> None:
        self.socket.write(answer + b"\n")
        self.socket.flush()
        self.socket.disconnectFromServer()
        self._finish()

    def _finish(self) -> None:
        if self.done:
            return
        self.done = True
        self.idle.stop()
        with contextlib.suppress(RuntimeError, TypeError):
            self.socket.disconnected.disconnect(self._finish)
        self.deleteLater()


class FolderLock:
    """A lock file inside the data folder, held while this instance runs.

    The socket name alone depends on the environment (`XDG_RUNTIME_DIR`), so
    two launches with different environments would each find no socket and
    open two windows on one history. The lock is on the folder itself: the
    kernel holds it for the running process (and drops it if the process
    dies), and the file names that process's socket, so a later launch knows
    where to hand over whatever its own environment says.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, socket_name: str) -> bool:
        """Take the lock and record `socket_name`; False when another process holds it."""
        import fcntl

        ensure_private_dir(self.path.parent)  # the very first launch has no folder yet
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        self.record(socket_name)
        return True

    def record(self, socket_name: str) -> None:
        """Write where this instance listens (a full path once it is known)."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, f"{socket_name}\n{os.getpid()}\n".encode(), 0)

    def holder_socket(self) -> str | None:
        """The socket name the holder recorded, if it can be read."""
        try:
            first = self.path.read_text(encoding="utf-8").split("\n", 1)[0]
        except (OSError, UnicodeDecodeError):
            return None
        return first or None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


@dataclass
class Claim:
    """The outcome of `claim`: either this process is the first (and has a
    server, listening or not), or a running instance took the request."""

    server: InstanceServer | None
    handover: Handover
    lock: FolderLock | None = None


def claim(
    name: str,
    request: Request,
    parent: QObject | None = None,
    lock_file: Path | None = None,
) -> Claim:
    """Become the instance for `name`, or hand `request` to the one that is.

    Connecting first makes the usual case (one already running) quick. When
    nobody answers, listening decides between two launches at once (only one
    can bind the name); a name that is taken yet unanswered is a stale socket
    from a crash, removed before listening again.
    """
    if lock_file is not None and sys.platform != "win32":
        lock = FolderLock(lock_file)
        try:
            free = lock.acquire(name)
        except OSError as error:  # a read-only folder: the socket alone decides
            log.warning("cannot take the data folder's lock %s: %s", lock_file, error)
            return _claim_socket(name, request, parent)
        if not free:
            # Another process runs on this folder: hand over on the socket it
            # recorded, and never open a second window on the same history.
            outcome = hand_over(lock.holder_socket() or name, request)
            return Claim(None, Handover.NO_ANSWER if outcome is Handover.NOBODY else outcome)
        claimed = _claim_socket(name, request, parent)
        if claimed.server is None:  # an instance from before the lock file existed
            lock.release()
        else:
            claimed.lock = lock
            lock.record(claimed.server.server.fullServerName() or name)
        return claimed
    return _claim_socket(name, request, parent)


def _claim_socket(name: str, request: Request, parent: QObject | None) -> Claim:
    first = hand_over(name, request)
    if first is not Handover.NOBODY:
        return Claim(None, first)
    server = InstanceServer(name, parent)
    if server.listen():
        return Claim(server, Handover.NOBODY)
    if server.in_use():
        again = hand_over(name, request)
        if again is not Handover.NOBODY:
            server.deleteLater()
            return Claim(None, again)
        log.info("removing the stale socket of an instance that is gone: %s", name)
        QLocalServer.removeServer(name)
        if server.listen():
            return Claim(server, Handover.NOBODY)
    log.warning(
        "cannot listen on %s (%s); later launches will open their own window",
        name,
        server.server.errorString(),
    )
    return Claim(server, Handover.NOBODY)
