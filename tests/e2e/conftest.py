"""Real surroundings for end-to-end tests: an X server and a sound server.

Xvfb gives the app a real display; PulseAudio with a null sink gives Qt
Multimedia a real output device whose monitor the tests record, and a
private ~/.asoundrc routes ALSA (simpleaudio) to the same server. All of it
runs in private folders and is stopped when the tests end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import wait_for

SINK = "rls_test"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed; run 'make test' (it installs the system packages)")
    return path


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    xvfb = _need("Xvfb")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


@dataclass(frozen=True)
class Pulse:
    runtime_dir: Path
    sink: str

    @property
    def monitor(self) -> str:
        return f"{self.sink}.monitor"

    def env(self) -> dict[str, str]:
        return {"XDG_RUNTIME_DIR": str(self.runtime_dir), "PULSE_SINK": self.sink}

    def pactl(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}
        done = subprocess.run(
            ["pactl", *args],
            env={**env, **self.env()},
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return done.stdout


@contextmanager
def pulse_server(runtime: Path, sink: str) -> Iterator[Pulse]:
    """A private PulseAudio server whose only output is the null sink `sink`."""
    daemon = _need("pulseaudio")
    pactl = _need("pactl")
    runtime.chmod(0o700)
    env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}
    env.update({"XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)})
    proc = subprocess.Popen(
        [
            daemon,
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            "--disallow-exit",
            f"--load=module-null-sink sink_name={sink} rate=44100",
            "--load=module-native-protocol-unix",
            "--log-target=stderr",
            "--log-level=error",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def ready() -> bool:
        return subprocess.run([pactl, "info"], env=env, capture_output=True).returncode == 0

    if not wait_for(ready, timeout=20):
        proc.kill()
        pytest.fail(
            f"PulseAudio did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    try:
        subprocess.run([pactl, "set-default-sink", sink], env=env, check=True)
        yield Pulse(runtime, sink)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pulse]:
    with pulse_server(tmp_path_factory.mktemp("pulse-runtime"), SINK) as server:
        yield server


@pytest.fixture
def command() -> list[str]:
    """The installed rls-companion command, as a user would run it."""
    script = Path(sys.executable).with_name("rls-companion")
    assert script.exists(), "the package is not installed in this environment"
    return [str(script)]


# ALSA's default output goes to PulseAudio (the libasound2-plugins plugin), so
# simpleaudio plays into the same server as Qt; written to the test's own home.
ASOUNDRC = "pcm.!default {\n    type pulse\n}\nctl.!default {\n    type pulse\n}\n"


@pytest.fixture
def alsa_to_pulse() -> Path:
    home = Path(os.environ["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    rc = home / ".asoundrc"
    rc.write_text(ASOUNDRC)
    return rc


@pytest.fixture
def app_env(data_dir: Path, display: str, pulse: Pulse, alsa_to_pulse: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PULSE_SERVER")}
    env.update(pulse.env())
    env.update(
        {"DISPLAY": display, "RLS_COMPANION_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "xcb"}
    )
    return env
