"""Keeping the computer from idle suspend, against real D-Bus daemons.

Each test starts private `dbus-daemon`s (one standing in for the session bus,
one for the system bus) and stand-in services in a subprocess: this file run
as a script (see `stand_in` at the bottom). A stand-in is written with QtDBus
like the app, with the real services' method signatures, and prints one line
for everything that happens to it ("inhibit 1 :1.3 ...", "release 1",
"gone 1" when the caller left the bus without releasing), which the tests read
and which `busctl`/`gdbus` can see on the bus.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QProcess
from pytestqt.qtbot import QtBot

from rls_companion.ui.shell import sleep_inhibitor
from rls_companion.ui.shell.sleep_inhibitor import (
    NO_ANSWER,
    NO_BUS,
    Buses,
    Mechanism,
    SleepInhibitor,
    availability,
    describe,
)

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-daemon") is None or shutil.which("busctl") is None,
    reason="needs dbus-daemon and busctl (Debian: dbus-daemon, systemd)",
)

PM_SERVICE = "org.freedesktop.PowerManagement"
PM_PATH = "/org/freedesktop/PowerManagement/Inhibit"
PM_INTERFACE = "org.freedesktop.PowerManagement.Inhibit"
NOWHERE = "unix:path=/nonexistent/rls-companion-test-bus"
WAIT_MS = 5000


class Bus:
    """A private dbus-daemon, stopped by `stop`."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        # The daemon prints its address once it listens: a read, not a sleep.
        self.address = self.process.stdout.readline().strip()
        assert self.address.startswith("unix:"), self.address

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


class Process:
    """A Python subprocess whose output lines are collected as they come."""

    def __init__(self, qtbot: QtBot, args: list[str], env: dict[str, str]) -> None:
        self.qtbot = qtbot
        self.lines: list[str] = []
        self._partial = ""
        self.stopped = False
        self.process = QProcess()
        environment = self.process.processEnvironment()
        for key, value in env.items():
            environment.insert(key, value)
        self.process.setProcessEnvironment(environment)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.start(sys.executable, args)

    def _read(self) -> None:
        text = self._partial + bytes(self.process.readAllStandardOutput().data()).decode()
        *complete, self._partial = text.split("\n")
        self.lines.extend(complete)

    def wait_for(self, line: str) -> None:
        self.qtbot.waitUntil(lambda: line in self.lines, timeout=WAIT_MS)

    def events(self, kind: str) -> list[str]:
        """The lines of `kind` printed so far. A stand-in prints before it
        replies, so whatever a finished call caused is in the pipe already."""
        self.process.waitForReadyRead(0)
        self._read()
        return [line for line in self.lines if line.split()[0] == kind]

    def kill(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.process.state() is not QProcess.ProcessState.NotRunning:
            self.process.kill()
            self.process.waitForFinished(WAIT_MS)
        self.process.readyReadStandardOutput.disconnect(self._read)
        self.process.deleteLater()


class Desk:
    """Two private buses and the stand-ins started on them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.session = Bus()
        self.system = Bus()
        self.processes: list[Process] = []

    @property
    def buses(self) -> Buses:
        return Buses(session=self.session.address, system=self.system.address)

    def env(self) -> dict[str, str]:
        return {
            "DBUS_SESSION_BUS_ADDRESS": self.session.address,
            "DBUS_SYSTEM_BUS_ADDRESS": self.system.address,
            "QT_QPA_PLATFORM": "offscreen",
        }

    def stand_in(self, *roles: str) -> Process:
        """Stand-ins for `roles` ("logind" on the system bus; "portal",
        "power-manager" on the session bus), ready once this returns."""
        stand = Process(self.qtbot, [__file__, *roles], self.env())
        self.processes.append(stand)
        stand.wait_for("ready")
        return stand

    def client(self) -> Process:
        """Another process that holds the inhibition and waits to be killed."""
        code = (
            "from PySide6.QtCore import QCoreApplication\n"
            "from rls_companion.ui.shell.sleep_inhibitor import SleepInhibitor\n"
            "app = QCoreApplication([])\n"
            "inhibitor = SleepInhibitor()\n"
            "print('held' if inhibitor.hold('a session') else 'not held', flush=True)\n"
            "app.exec()\n"
        )
        client = Process(self.qtbot, ["-c", code], self.env())
        self.processes.append(client)
        return client

    def call(self, *args: str) -> str:
        """`busctl --user call` against the private session bus."""
        return subprocess.run(
            ["busctl", f"--address={self.session.address}", "call", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()

    def stop(self) -> None:
        try:
            for process in self.processes:
                process.kill()
        finally:
            self.session.stop()
            self.system.stop()


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[Desk]:
    desk = Desk(qtbot)
    yield desk
    desk.stop()


@pytest.fixture
def inhibitor(desk: Desk) -> Iterator[SleepInhibitor]:
    held = SleepInhibitor(buses=desk.buses)
    yield held
    held.release()


def _has_inhibit(desk: Desk) -> str:
    return desk.call(PM_SERVICE, PM_PATH, PM_INTERFACE, "HasInhibit")


# -- the power manager (KDE, Xfce) ------------------------------------------------
def test_the_power_manager_inhibits_while_held_and_not_after(
    desk: Desk, inhibitor: SleepInhibitor
) -> None:
    stand = desk.stand_in("power-manager")
    assert _has_inhibit(desk) == "b false"
    assert inhibitor.hold("A session is playing") is True
    assert inhibitor.mechanisms == (Mechanism.POWER_MANAGER,)
    # Seen on the bus by another program while held.
    assert _has_inhibit(desk) == "b true"
    [inhibit] = stand.events("inhibit")
    assert inhibit.split(maxsplit=3)[3] == "app='RLS Companion' reason='A session is playing'"
    inhibitor.release()
    assert inhibitor.held is False
    assert _has_inhibit(desk) == "b false"
    # Released by UnInhibit with the cookie it was given (1, the first), not
    # only by leaving the bus.
    assert stand.events("release") == ["release 1"]


def test_holding_twice_inhibits_once_and_releasing_twice_is_harmless(
    desk: Desk, inhibitor: SleepInhibitor
) -> None:
    stand = desk.stand_in("power-manager")
    assert inhibitor.hold("first") and inhibitor.hold("second")
    assert len(stand.events("inhibit")) == 1
    inhibitor.release()
    inhibitor.release()
    assert stand.events("release") == ["release 1"]
    assert inhibitor.hold("again") is True
    assert [line.split()[:2] for line in stand.events("inhibit")] == [
        ["inhibit", "1"],
        ["inhibit", "2"],
    ]


def test_a_process_that_dies_holding_leaves_no_inhibition(qtbot: QtBot, desk: Desk) -> None:
    stand = desk.stand_in("power-manager")
    client = desk.client()
    client.wait_for("held")
    assert _has_inhibit(desk) == "b true"
    client.kill()  # SIGKILL: no release, the connection just closes
    stand.wait_for("gone 1")
    assert stand.events("release") == []
    assert _has_inhibit(desk) == "b false"


# -- the desktop portal -------------------------------------------------------------
def test_the_portal_is_preferred_asks_for_suspend_only_and_is_closed(
    desk: Desk, inhibitor: SleepInhibitor
) -> None:
    stand = desk.stand_in("portal", "power-manager")
    assert inhibitor.hold("A session is playing") is True
    assert inhibitor.mechanisms == (Mechanism.PORTAL,)
    [inhibit] = stand.events("inhibit")
    # flags 4 is "suspend" alone: not 8 ("idle"), which would keep the screen on.
    assert inhibit.split(maxsplit=3)[3] == "window='' flags=4 reason='A session is playing'"
    request = "/org/freedesktop/portal/desktop/request/1"
    tree = subprocess.run(
        [
            "busctl",
            f"--address={desk.session.address}",
            "tree",
            "--list",
            "org.freedesktop.portal.Desktop",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.split()
    assert request in tree
    assert _has_inhibit(desk) == "b false"  # one desktop lock, not two
    inhibitor.release()
    assert stand.events("release") == ["release 1"]


# -- logind ---------------------------------------------------------------------------
def test_logind_is_asked_to_block_sleep_and_the_descriptor_is_closed(
    desk: Desk, inhibitor: SleepInhibitor
) -> None:
    stand = desk.stand_in("logind", "portal")
    assert inhibitor.hold("A session is playing") is True
    assert inhibitor.mechanisms == (Mechanism.LOGIND, Mechanism.PORTAL)
    logind = [line for line in stand.events("inhibit") if "what=" in line]
    assert [line.split(maxsplit=3)[3] for line in logind] == [
        "what='sleep' who='RLS Companion' why='A session is playing' mode='block'"
    ]
    inhibitor.release()
    # The stand-in sees the end of its pipe only when every copy of the
    # descriptor is closed.
    stand.wait_for("release 1")
    stand.wait_for("release 2")


# -- no services, no bus ----------------------------------------------------------------
def test_a_bus_with_no_service_holds_nothing_until_asked_afresh(
    desk: Desk, inhibitor: SleepInhibitor
) -> None:
    assert inhibitor.hold("A session") is False
    assert inhibitor.held is False
    assert describe(desk.buses) == NO_ANSWER
    stand = desk.stand_in("power-manager")
    # Within the same session a refused hold is not tried again (every pause
    # and stage change may ask)...
    assert inhibitor.hold("A session") is False
    assert stand.events("inhibit") == []
    # ...the next session asks afresh.
    inhibitor.release()
    assert inhibitor.hold("The next session") is True
    assert len(stand.events("inhibit")) == 1


def test_with_no_bus_at_all_hold_is_false_and_says_so_once(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sleep_inhibitor, "_told_unavailable", False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", NOWHERE)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", NOWHERE)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    inhibitor = SleepInhibitor()
    with caplog.at_level(logging.DEBUG, logger=sleep_inhibitor.__name__):
        assert inhibitor.hold("A session") is False
        assert inhibitor.hold("A session") is False
        inhibitor.release()
    said = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [(r.levelno, r.getMessage()) for r in said] == [
        (
            logging.INFO,
            "keep awake: no D-Bus session or system bus; "
            "the computer may suspend on idle during a session",
        )
    ]
    assert describe() == NO_BUS


def test_describe_names_what_hold_would_use(desk: Desk) -> None:
    desk.stand_in("logind", "portal", "power-manager")
    found = availability(desk.buses)
    assert found.mechanisms == (Mechanism.LOGIND, Mechanism.PORTAL)
    assert found.text == "logind and the desktop portal"


def test_describe_takes_no_lock(desk: Desk) -> None:
    stand = desk.stand_in("power-manager")
    assert describe(desk.buses) == "the power manager"
    assert stand.events("inhibit") == []


# -- the stand-in services -------------------------------------------------------------------
def stand_in(roles: list[str]) -> None:  # pragma: no cover - runs in a subprocess
    """Stand-ins for logind, the portal and the power manager, with their
    real signatures; every call and every caller that leaves is printed."""
    from PySide6.QtCore import (
        ClassInfo,
        Property,
        QCoreApplication,
        QObject,
        QSocketNotifier,
        Slot,
    )
    from PySide6.QtDBus import (
        QDBusConnection,
        QDBusMessage,
        QDBusObjectPath,
        QDBusServiceWatcher,
        QDBusUnixFileDescriptor,
    )

    app = QCoreApplication([])
    everything = QDBusConnection.RegisterOption.ExportAllContents
    numbers = iter(range(1, 1000))
    live: dict[int, tuple[str, str]] = {}  # inhibition -> the role, the caller's unique name

    def say(text: str) -> None:
        print(text, flush=True)

    def taken(role: str, sender: str, detail: str, bus: QDBusConnection) -> int:
        number = next(numbers)
        live[number] = (role, sender)
        watcher = QDBusServiceWatcher(
            sender, bus, QDBusServiceWatcher.WatchModeFlag.WatchForUnregistration, app
        )

        def gone() -> None:
            if live.pop(number, None) is not None:
                say(f"gone {number}")

        watcher.serviceUnregistered.connect(gone)
        say(f"inhibit {number} {sender} {detail}")
        return number

    def released(number: int) -> None:
        if live.pop(number, None) is not None:
            say(f"release {number}")

    session = QDBusConnection.connectToBus(os.environ["DBUS_SESSION_BUS_ADDRESS"], "stand-in")
    system = QDBusConnection.connectToBus(os.environ["DBUS_SYSTEM_BUS_ADDRESS"], "stand-in-sys")
    kept: list[QObject] = []

    @ClassInfo({"D-Bus Interface": "org.freedesktop.PowerManagement.Inhibit"})
    class PowerManager(QObject):
        @Slot(str, str, QDBusMessage, result="uint")
        def Inhibit(self, app_name: str, reason: str, message: QDBusMessage) -> int:
            return taken(
                "power-manager", message.service(), f"app={app_name!r} reason={reason!r}", session
            )

        @Slot("uint")
        def UnInhibit(self, cookie: int) -> None:
            released(cookie)

        @Slot(result=bool)
        def HasInhibit(self) -> bool:
            return any(role == "power-manager" for role, _sender in live.values())

    @ClassInfo({"D-Bus Interface": "org.freedesktop.portal.Request"})
    class Request(QObject):
        def __init__(self, number: int) -> None:
            super().__init__(app)
            self.number = number

        @Slot()
        def Close(self) -> None:
            released(self.number)
            session.unregisterObject(f"/org/freedesktop/portal/desktop/request/{self.number}")

    @ClassInfo({"D-Bus Interface": "org.freedesktop.portal.Inhibit"})
    class Portal(QObject):
        def _version(self) -> int:
            return 3

        version = Property(int, _version)

        @Slot(str, "uint", "QVariantMap", QDBusMessage, result="QDBusObjectPath")
        def Inhibit(
            self, window: str, flags: int, options: dict[str, object], message: QDBusMessage
        ) -> QDBusObjectPath:
            detail = f"window={window!r} flags={flags} reason={options.get('reason')!r}"
            number = taken("portal", message.service(), detail, session)
            path = f"/org/freedesktop/portal/desktop/request/{number}"
            request = Request(number)
            kept.append(request)
            session.registerObject(path, request, QDBusConnection.RegisterOption.ExportAllSlots)
            return QDBusObjectPath(path)

    @ClassInfo({"D-Bus Interface": "org.freedesktop.login1.Manager"})
    class Login(QObject):
        def _blocked(self) -> str:
            return "sleep" if any(role == "logind" for role, _sender in live.values()) else ""

        BlockInhibited = Property(str, _blocked)

        @Slot(str, str, str, str, QDBusMessage, result="QDBusUnixFileDescriptor")
        def Inhibit(
            self, what: str, who: str, why: str, mode: str, message: QDBusMessage
        ) -> QDBusUnixFileDescriptor:
            detail = f"what={what!r} who={who!r} why={why!r} mode={mode!r}"
            number = taken("logind", message.service(), detail, system)
            ours, theirs = os.pipe()
            notifier = QSocketNotifier(ours, QSocketNotifier.Type.Read, app)
            kept.append(notifier)

            def closed() -> None:  # every copy of the other end is closed
                notifier.setEnabled(False)
                released(number)

            notifier.activated.connect(closed)
            descriptor = QDBusUnixFileDescriptor(theirs)  # a copy goes with the reply
            os.close(theirs)
            return descriptor

    services = {
        "power-manager": (session, PM_SERVICE, PM_PATH, PowerManager),
        "portal": (
            session,
            "org.freedesktop.portal.Desktop",
            "/org/freedesktop/portal/desktop",
            Portal,
        ),
        "logind": (system, "org.freedesktop.login1", "/org/freedesktop/login1", Login),
    }
    for role in roles:
        bus, name, path, kind = services[role]
        service = kind(app)
        kept.append(service)
        assert bus.registerObject(path, service, everything), role
        assert bus.registerService(name), role
    say("ready")
    app.exec()


if __name__ == "__main__":
    stand_in(sys.argv[1:])
