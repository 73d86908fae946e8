"""Asking the computer not to suspend on idle while a session plays.

A 20–60 minute session has no keyboard or mouse activity, so a laptop on
battery reaches its idle-suspend timeout mid-session and the sound stops. While
a session runs, the app holds an inhibition that blocks *suspend only*: the
screen may still dim, blank and lock (lights-out is fine at night).

Two locks are taken where they exist, because each holds off a different actor:

- logind, on the system bus: `Inhibit("sleep", who, why, "block")` returns a
  file descriptor, and the lock lasts while it is open. "sleep" blocks suspend
  and hibernation. "idle" is not asked for: it would keep the session from ever
  counting as idle, which desktops also read before blanking the screen.
  logind lets a user's own suspend request pass that user's locks, so this
  holds off logind's `IdleAction` and other users, not the desktop's timer.
- the desktop, on the session bus: the XDG desktop portal's `Inhibit` with the
  suspend flag (GNOME, KDE and others behind it), or else
  `org.freedesktop.PowerManagement.Inhibit` (KDE, Xfce). This is what the
  desktop's own idle-suspend timer reads. `org.freedesktop.ScreenSaver` is
  deliberately not used: it keeps the screen on.

Every lock belongs to this process (its bus connections, its file
descriptor), so it goes when the app exits or crashes. Calls wait at most
`CALL_TIMEOUT_MS` each, so a hung service cannot hold the window up for long.
Where there is no D-Bus at all (a headless machine) `hold` returns False and
says so once, at info level.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, QObject, Qt
from PySide6.QtDBus import (
    QDBus,
    QDBusConnection,
    QDBusInterface,
    QDBusMessage,
    QDBusObjectPath,
    QDBusUnixFileDescriptor,
)

log = logging.getLogger(__name__)

APP_NAME = "RLS Companion"
CALL_TIMEOUT_MS = 1000
SYSTEM_BUS_SOCKET = Path("/run/dbus/system_bus_socket")

Target = tuple[str, str, str]  # service, object path, interface
LOGIND: Target = (
    "org.freedesktop.login1",
    "/org/freedesktop/login1",
    "org.freedesktop.login1.Manager",
)
LOGIND_WHAT = "sleep"  # suspend and hibernation; not "idle" (see above)
PORTAL: Target = (
    "org.freedesktop.portal.Desktop",
    "/org/freedesktop/portal/desktop",
    "org.freedesktop.portal.Inhibit",
)
PORTAL_REQUEST = "org.freedesktop.portal.Request"
PORTAL_SUSPEND = 4  # the portal's flags: 1 logout, 2 user switch, 4 suspend, 8 idle
POWER_MANAGER: Target = (
    "org.freedesktop.PowerManagement",
    "/org/freedesktop/PowerManagement/Inhibit",
    "org.freedesktop.PowerManagement.Inhibit",
)
PROPERTIES = "org.freedesktop.DBus.Properties"

NO_BUS = "no D-Bus session or system bus"
NO_ANSWER = "no logind, portal or power manager answered"

_connection_numbers = itertools.count(1)
_told_unavailable = False


class Mechanism(StrEnum):
    LOGIND = "logind"
    PORTAL = "the desktop portal"
    POWER_MANAGER = "the power manager"


@dataclass(frozen=True)
class Buses:
    """Where the buses are. Read from the environment when first needed, not
    through Qt's shared session bus (fixed once per process), so that a test or
    a sandbox can point the app at buses of its own."""

    session: str | None
    system: str | None

    @staticmethod
    def from_environment() -> Buses:
        session = os.environ.get("DBUS_SESSION_BUS_ADDRESS") or None
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if session is None and runtime and (Path(runtime) / "bus").exists():
            session = f"unix:path={Path(runtime) / 'bus'}"
        system = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or None
        if system is None and SYSTEM_BUS_SOCKET.exists():
            system = f"unix:path={SYSTEM_BUS_SOCKET}"
        return Buses(session, system)


@dataclass(frozen=True)
class Availability:
    """What `hold` would use on this computer, or why nothing."""

    mechanisms: tuple[Mechanism, ...]
    reason: str  # when there are none

    @property
    def text(self) -> str:
        if not self.mechanisms:
            return self.reason
        return " and ".join(self.mechanisms)


class SleepInhibitor(QObject):
    """Holds off idle suspend between `hold` and `release`; both may be
    called any number of times (a second `hold` inhibits nothing more)."""

    def __init__(self, parent: QObject | None = None, buses: Buses | None = None) -> None:
        super().__init__(parent)
        self._buses = buses
        self._system: QDBusConnection | None = None
        self._session: QDBusConnection | None = None
        self._logind_fd: int | None = None
        self._portal_request: str | None = None
        self._power_manager: QDBusInterface | None = None
        self._cookie: int | None = None
        self.mechanisms: tuple[Mechanism, ...] = ()
        # A hold that found nothing is not tried again until `release`: a
        # session's every pause and stage change may call `hold`.
        self._refused = False

    @property
    def held(self) -> bool:
        return bool(self.mechanisms)

    def hold(self, reason: str) -> bool:
        """Ask for idle suspend to be held off; True if some mechanism agreed."""
        if self.held or self._refused:
            return self.held
        buses = self._buses if self._buses is not None else Buses.from_environment()
        self._system = _connect(buses.system, "system")
        self._session = _connect(buses.session, "session")
        if self._system is None and self._session is None:
            self._refused = True
            _tell_once(NO_BUS)
            return False
        held: list[Mechanism] = []
        if self._system is not None:
            self._logind_fd = _logind_inhibit(self._system, reason)
            if self._logind_fd is not None:
                held.append(Mechanism.LOGIND)
        if self._session is not None:
            self._portal_request = _portal_inhibit(self._session, reason)
            if self._portal_request is not None:
                held.append(Mechanism.PORTAL)
            else:
                self._power_manager, self._cookie = _power_manager_inhibit(self._session, reason)
                if self._cookie is not None:
                    held.append(Mechanism.POWER_MANAGER)
        self.mechanisms = tuple(held)
        if not held:
            self._refused = True
            self._disconnect()
            _tell_once(NO_ANSWER)
            return False
        log.info("keeping the computer from idle suspend through %s", " and ".join(held))
        return True

    def release(self) -> None:
        """Let the computer suspend on idle again (nothing happens if not held)."""
        if self._logind_fd is not None:
            os.close(self._logind_fd)
            self._logind_fd = None
        if self._portal_request is not None and self._session is not None:
            _call(
                self._session,
                (PORTAL[0], self._portal_request, PORTAL_REQUEST),
                "Close",
            )
            self._portal_request = None
        if self._power_manager is not None and self._cookie is not None:
            QMetaObject.invokeMethod(
                self._power_manager,
                "UnInhibit",
                Qt.ConnectionType.DirectConnection,
                Q_ARG("uint", self._cookie),
            )
        self._power_manager = None
        self._cookie = None
        if self.mechanisms:
            log.info("idle suspend allowed again")
        self.mechanisms = ()
        self._refused = False
        self._disconnect()

    def _disconnect(self) -> None:
        # Leaving the bus also ends anything a service still ties to us.
        for connection in (self._system, self._session):
            if connection is not None:
                QDBusConnection.disconnectFromBus(connection.name())
        self._system = self._session = None


def availability(buses: Buses | None = None) -> Availability:
    """What `hold` would use here, found without taking any lock."""
    buses = buses if buses is not None else Buses.from_environment()
    with (
        _connected(buses.system, "system") as system,
        _connected(buses.session, "session") as session,
    ):
        if system is None and session is None:
            return Availability((), NO_BUS)
        found: list[Mechanism] = []
        if system is not None and _answers(system, LOGIND, "BlockInhibited"):
            found.append(Mechanism.LOGIND)
        if session is not None:
            if _answers(session, PORTAL, "version"):
                found.append(Mechanism.PORTAL)
            elif _ok(_call(session, POWER_MANAGER, "HasInhibit")):
                found.append(Mechanism.POWER_MANAGER)
        return Availability(tuple(found), NO_ANSWER)


def describe(buses: Buses | None = None) -> str:
    """For `doctor`: the mechanisms `hold` would use here, or why none."""
    return availability(buses).text


# -- the three mechanisms -------------------------------------------------------
def _logind_inhibit(system: QDBusConnection, reason: str) -> int | None:
    reply = _call(system, LOGIND, "Inhibit", LOGIND_WHAT, APP_NAME, reason, "block")
    if not _ok(reply):
        log.debug("keep awake: logind said %s", reply.errorMessage())
        return None
    [descriptor] = reply.arguments()
    if not isinstance(descriptor, QDBusUnixFileDescriptor) or not descriptor.isValid():
        return None
    # Our own copy (not inherited by child processes); Qt closes its own with the reply.
    return os.dup(descriptor.fileDescriptor())


def _portal_inhibit(session: QDBusConnection, reason: str) -> str | None:
    if not _answers(session, PORTAL, "version"):
        return None
    portal = _interface(session, PORTAL)
    handle: Any = QMetaObject.invokeMethod(
        portal,
        "Inhibit",
        Qt.ConnectionType.DirectConnection,
        Q_RETURN_ARG("QDBusObjectPath"),
        Q_ARG("QString", ""),  # no parent window: the whole app
        Q_ARG("uint", PORTAL_SUSPEND),  # the flags are a D-Bus uint32
        Q_ARG("QVariantMap", {"reason": reason}),
    )
    if portal.lastError().isValid() or not isinstance(handle, QDBusObjectPath):
        log.debug("keep awake: the portal said %s", portal.lastError().message())
        return None
    return handle.path() or None


def _power_manager_inhibit(
    session: QDBusConnection, reason: str
) -> tuple[QDBusInterface | None, int | None]:
    reply = _call(session, POWER_MANAGER, "Inhibit", APP_NAME, reason)
    if not _ok(reply):
        log.debug("keep awake: the power manager said %s", reply.errorMessage())
        return None, None
    [cookie] = reply.arguments()
    # UnInhibit takes a uint32, which only the introspected interface can send;
    # made now, while the service is known to answer.
    return _interface(session, POWER_MANAGER), int(cookie)


# -- D-Bus helpers ----------------------------------------------------------------
def _connect(address: str | None, kind: str) -> QDBusConnection | None:
    """A connection of our own to the bus at `address`, or None."""
    if not address:
        return None
    name = f"rls-companion-keep-awake-{kind}-{next(_connection_numbers)}"
    connection = QDBusConnection.connectToBus(address, name)
    if connection.isConnected():
        return connection
    log.debug("keep awake: no %s bus at %s", kind, address)
    QDBusConnection.disconnectFromBus(name)
    return None


@contextmanager
def _connected(address: str | None, kind: str) -> Iterator[QDBusConnection | None]:
    connection = _connect(address, kind)
    try:
        yield connection
    finally:
        if connection is not None:
            QDBusConnection.disconnectFromBus(connection.name())


def _call(connection: QDBusConnection, target: Target, method: str, *args: object) -> QDBusMessage:
    service, path, interface = target
    message = QDBusMessage.createMethodCall(service, path, interface, method)
    message.setArguments(list(args))
    return connection.call(message, QDBus.CallMode.Block, CALL_TIMEOUT_MS)


def _ok(reply: QDBusMessage) -> bool:
    return reply.type() is QDBusMessage.MessageType.ReplyMessage


def _answers(connection: QDBusConnection, target: Target, prop: str) -> bool:
    """Whether the service is there and offers the interface (starting it if
    the bus can), within the timeout: one of its properties answers."""
    service, path, interface = target
    return _ok(_call(connection, (service, path, PROPERTIES), "Get", interface, prop))


def _interface(connection: QDBusConnection, target: Target) -> QDBusInterface:
    interface = QDBusInterface(*target, connection)
    interface.setTimeout(CALL_TIMEOUT_MS)
    return interface


def _tell_once(reason: str) -> None:
    global _told_unavailable
    if not _told_unavailable:
        _told_unavailable = True
        log.info("keep awake: %s; the computer may suspend on idle during a session", reason)
