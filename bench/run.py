"""Performance figures of RLS Companion, each beside its budget and its peers.

Run with `make bench` (or `python bench/run.py` inside the virtual
environment). The script starts its own X server (Xvfb) and sound server
(PulseAudio with a null sink, in a private runtime folder), keeps every file
in a temporary folder, drives the installed `rls-companion` command from the
outside (no hooks in the app) and prints:

1. side by side, one process at a time, over seconds 10-40 after its window
   showed: CPU (% of one core: utime+stime of all threads and children from
   /proc/PID/stat), wake-ups (voluntary context switches per second summed
   over /proc/PID/task/*/status) and peak memory (VmHWM), for the app's
   default bedtime session with sound, with reduced motion, with the window
   minimized, in lights-out (when the app has that setting), without sound
   (informational), and for three small PySide6 programs in bench/peers: an
   empty window (the floor), a naive 60 fps radial-gradient orb and a 25 fps
   breathing dialog; with the ratios of each run to the orb and to the empty
   window, and verdicts against the budgets;
2. start-up to a visible window, the app against the empty window (median of
   7 runs each, alternated, detected with `xdotool search --onlyvisible`);
3. peak memory (VmHWM) after a minute of the default session against the
   empty window's (`--long`: after 10 minutes); `--memory` also prints where
   the app's memory sits after that minute, from /proc/PID/smaps;
4. drift of phase boundaries detected at random frame times over 8 simulated
   hours, against exact rational boundaries;
5. onset of the breath tone's turning points, recorded from the null sink's
   monitor during a default session of its own (the recorder asks the sink
   for a 10 ms latency, which would make every stream wake far more often
   than on a laptop where nothing records, so the CPU and wake-up figures
   come from a session without it), against the schedule anchored on the
   session's stored start;
6. CPU on the idle Tonight screen.

Every window has the app's default size, so all put the same number of
pixels on screen. The exit status is 0 only when every budgeted figure was
measured and is within its budget; a figure that could not be measured counts
as a failure (lights-out is skipped with a note while the app has no such
setting). About 7 minutes; `--long` adds 9.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from types import FrameType
from typing import Any

import memory_map  # bench/memory_map.py (the script's folder is first on sys.path)
import numpy as np
import numpy.typing as npt
from windows import brightest_level, minimize, press, window_id  # bench/windows.py

from rls_companion.core import settings as schema
from rls_companion.core.breathing import PRESETS, BreathPlan, build_cycle
from rls_companion.core.config import Settings
from rls_companion.core.session import Kind, build_timeline
from rls_companion.core.sound import HIGH_HZ, LOW_HZ

FloatArray = npt.NDArray[np.float64]

RATE = 44100
SINK = "rls_bench"
SCREEN = "1280x800x24"
APP_TITLE = "^RLS Companion$"
EMPTY_TITLE = "rls-bench-empty-window"
CLK_TCK = os.sysconf("SC_CLK_TCK")

PEERS = Path(__file__).resolve().parent / "peers"
ORB_TITLE = "rls-bench-naive-orb"
DIALOG_TITLE = "rls-bench-breathing-dialog"
LIGHTS_OUT = "appearance.lights_out"

STARTUP_RATIO_BUDGET = 1.6
CPU_SESSION_BUDGET = 2.0  # % of one core, default session with sound
CPU_REDUCED_BUDGET = 1.0  # reduced motion, with sound
CPU_HIDDEN_BUDGET = 0.7  # minimized or lights-out, with sound
ORB_RATIO_BUDGET = 0.3  # default session's CPU against the naive orb's
WAKEUPS_SESSION_BUDGET = 50.0  # voluntary context switches per second, all threads
WAKEUPS_LIGHTS_OUT_BUDGET = 20.0
CPU_IDLE_BUDGET = 0.5
MEMORY_RATIO_BUDGET = 1.6
DRIFT_BUDGET_MS = 0.001
ONSET_BUDGET_MS = 30.0

WINDOW_FIRST = 10.0  # seconds after the window shows
WINDOW_LAST = 40.0
LATENCY_AT_SECONDS = 8.0
MINIMIZE_AFTER_SECONDS = 5.0
LIGHTS_OUT_CHECK_SECONDS = 8.0
BLACK_LEVEL = 8  # brightest grey level (of 255) of a picture taken as black
ONSET_RECORD_SECONDS = 63.0
IDLE_SETTLE_SECONDS = 3.0
IDLE_WINDOW_SECONDS = 10.0
MEMORY_SECONDS = 60.0
LONG_MEMORY_SECONDS = 600.0
DRIFT_HOURS = 8.0
DRIFT_BPM = 6.0


# -- results -------------------------------------------------------------


@dataclass
class Figure:
    name: str
    measured: str
    budget: str
    passed: bool | None  # None: could not be measured
    informational: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "NOT MEASURED"
        return "PASS" if self.passed else "FAIL"


def unmeasured(name: str, budget: str, why: str, informational: bool = False) -> Figure:
    lines = [line.strip() for line in why.strip().splitlines() if line.strip()] or ["?"]
    short = lines[0] if len(lines[0]) <= 48 else lines[0][:45] + "..."
    figure = Figure(name, f"not measured: {short}", budget, None, informational)
    if len(lines) > 1 or short != lines[0]:
        figure.notes.append("not measured: " + " | ".join(lines)[-600:])
    return figure


def print_table(figures: Sequence[Figure]) -> None:
    headers = ("figure", "measured", "budget", "result")
    rows = [
        (f.name + (" (info)" if f.informational else ""), f.measured, f.budget, f.verdict)
        for f in figures
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(line)
    for f in figures:
        for note in f.notes:
            print(f"  {f.name}: {note}")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- processes -----------------------------------------------------------


def which(tool: str) -> str | None:
    return shutil.which(tool)


def stop(proc: subprocess.Popen[bytes] | None, grace: float = 15.0) -> None:
    """Ask a process to end (SIGTERM), then kill it if it does not."""
    if proc is None or proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=5)


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class Surroundings:
    """A private X server, a private sound server and a temporary folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="rls-bench-"))
        self.display: str | None = None
        self.display_error = ""
        self.pulse_dir: Path | None = None
        self.pulse_error = ""
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._pulse: subprocess.Popen[bytes] | None = None
        command = Path(sys.executable).with_name("rls-companion")
        found = str(command) if command.exists() else which("rls-companion")
        self.command: list[str] = [found] if found else []

    # X server
    def start_display(self) -> None:
        xvfb = which("Xvfb")
        if xvfb is None:
            self.display_error = "Xvfb is not installed"
            return
        if which("xdotool") is None:
            self.display_error = "xdotool is not installed"
            return
        read_fd, write_fd = os.pipe()
        self._xvfb = subprocess.Popen(
            [
                xvfb,
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                SCREEN,
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
            stop(self._xvfb)
            self._xvfb = None
            self.display_error = "Xvfb did not start"
            return
        self.display = f":{number}"

    # sound server
    def start_pulse(self) -> None:
        daemon, pactl = which("pulseaudio"), which("pactl")
        if daemon is None or pactl is None or which("parec") is None:
            self.pulse_error = "PulseAudio (pulseaudio, pactl, parec) is not installed"
            return
        runtime = self.root / "pulse-runtime"
        runtime.mkdir(mode=0o700)
        env = self._base_env()
        env.update({"XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)})
        with open(self.root / "pulse.log", "wb") as errors:
            self._pulse = subprocess.Popen(
                [
                    daemon,
                    "--daemonize=no",
                    "--exit-idle-time=-1",
                    "-n",
                    "--disallow-exit",
                    f"--load=module-null-sink sink_name={SINK} rate={RATE}",
                    "--load=module-native-protocol-unix auth-anonymous=1",
                    "--log-target=stderr",
                    "--log-level=error",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )

        def ready() -> bool:
            if self._pulse is not None and self._pulse.poll() is not None:
                return True
            return subprocess.run([pactl, "info"], env=env, capture_output=True).returncode == 0

        if not wait_until(ready, timeout=20, interval=0.1) or self._pulse.poll() is not None:
            stop(self._pulse)
            self._pulse = None
            text = (self.root / "pulse.log").read_text(errors="replace").strip()
            self.pulse_error = f"PulseAudio did not start ({text.splitlines()[-1:] or '?'})"
            return
        subprocess.run([pactl, "set-default-sink", SINK], env=env, check=True)
        self.pulse_dir = runtime

    def _base_env(self) -> dict[str, str]:
        # A user's installed package has its bytecode cached (pip compiles it
        # when it installs a wheel; an editable install caches it on its first
        # run): a shell that forbids writing bytecode would have every launch
        # here compile the app anew (about 90 ms of each start-up, measured).
        drop = (
            "QT_QPA_PLATFORM",
            "PULSE_SERVER",
            "PULSE_SINK",
            "WAYLAND_DISPLAY",
            "DISPLAY",
            "PYTHONDONTWRITEBYTECODE",
        )
        return {k: v for k, v in os.environ.items() if k not in drop}

    def pulse_env(self) -> dict[str, str]:
        env = self._base_env()
        if self.pulse_dir is not None:
            env.update({"XDG_RUNTIME_DIR": str(self.pulse_dir), "PULSE_SINK": SINK})
        return env

    def app_env(self, data_dir: Path) -> dict[str, str]:
        env = self.pulse_env()
        if self.pulse_dir is None:
            # No sound server of ours: keep the app away from any other one.
            runtime = self.root / "no-pulse-runtime"
            runtime.mkdir(mode=0o700, exist_ok=True)
            env["XDG_RUNTIME_DIR"] = str(runtime)
        env.update(
            {
                "DISPLAY": self.display or "",
                "QT_QPA_PLATFORM": "xcb",
                "RLS_COMPANION_DATA_DIR": str(data_dir),
            }
        )
        return env

    def data_dir(self, name: str) -> Path:
        path = self.root / "data" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        for proc in LAUNCHED:
            stop(proc)
        stop(self._pulse)
        stop(self._xvfb)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def surroundings() -> Iterator[Surroundings]:
    env = Surroundings()
    try:
        env.start_display()
        env.start_pulse()
        yield env
    finally:
        env.close()


LAUNCHED: list[subprocess.Popen[bytes]] = []  # every window process, ended on clean-up


class App:
    """One run of a window process under the bench's X server."""

    def __init__(self, argv: list[str], env: dict[str, str], log_dir: Path, name: str) -> None:
        self.out_path = log_dir / f"{name}.out"
        self.err_path = log_dir / f"{name}.err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.launched = time.monotonic()
            self.proc: subprocess.Popen[bytes] = subprocess.Popen(
                argv, env=env, stdout=out, stderr=err
            )
        LAUNCHED.append(self.proc)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        stop(self.proc)

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    def fatal(self) -> str | None:
        text = self.stderr()
        for word in ("Fatal Python error", "Traceback", "Segmentation fault"):
            if word in text:
                return word
        return None


def wait_visible(app: App, title: str, display: str, timeout: float = 30.0) -> float | None:
    """Seconds from launch until a window named `title` is viewable, or None."""
    env = {**os.environ, "DISPLAY": display}
    deadline = app.launched + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", title],
            env=env,
            capture_output=True,
            text=True,
        )
        if found.returncode == 0 and found.stdout.strip():
            seen = time.monotonic() - app.launched
            window = found.stdout.split()[0]
            if which("xwininfo") is None:
                return seen
            info = subprocess.run(
                ["xwininfo", "-id", window], env=env, capture_output=True, text=True
            ).stdout
            if "Map State: IsViewable" in info:
                return seen
        if not app.alive():
            return None
        time.sleep(0.005)
    return None


def cpu_ticks(pid: int) -> int:
    """utime+stime of a process, its reaped children and its live descendants."""
    total = 0
    parents: dict[int, int] = {}
    own: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state): ppid=4, utime=14, stime=15, cutime=16, cstime=17
        child = int(entry.name)
        parents[child] = int(fields[1])
        own[child] = int(fields[11]) + int(fields[12])
        if child == pid:
            total += int(fields[13]) + int(fields[14])
    family = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return total + sum(own.get(member, 0) for member in family)


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc status")


def cpu_percent(pid: int, seconds: float) -> float:
    ticks, start = cpu_ticks(pid), time.monotonic()
    time.sleep(seconds)
    ticks2, end = cpu_ticks(pid), time.monotonic()
    return (ticks2 - ticks) / CLK_TCK / (end - start) * 100.0


def sink_inputs(env: Surroundings) -> str:
    if env.pulse_dir is None:
        return ""
    return subprocess.run(
        ["pactl", "list", "sink-inputs"], env=env.pulse_env(), capture_output=True, text=True
    ).stdout


def stream_latencies(env: Surroundings) -> str:
    text = sink_inputs(env)
    found = re.findall(r"(Buffer Latency|Sink Latency): ([0-9.]+) usec", text)
    return ", ".join(f"{name.lower()} {float(value) / 1000.0:.1f} ms" for name, value in found)


# -- 1. start-up ---------------------------------------------------------


@dataclass
class Baseline:
    startup_ms: list[float] = field(default_factory=list)
    painted_ms: list[float] = field(default_factory=list)
    hwm_kib: list[int] = field(default_factory=list)


def measure_startup(env: Surroundings, runs: int) -> tuple[list[Figure], Baseline]:
    name = "start-up to visible window, app / empty"
    budget = f"<= {STARTUP_RATIO_BUDGET:.2f}x"
    baseline = Baseline()
    if env.display is None:
        return [unmeasured(name, budget, env.display_error)], baseline
    if not env.command:
        return [unmeasured(name, budget, "rls-companion is not installed")], baseline
    script = PEERS / "empty_window.py"
    data = env.data_dir("startup")
    app_env = env.app_env(data)
    logs = env.root / "logs"
    logs.mkdir(exist_ok=True)
    app_ms: list[float] = []
    problems: list[str] = []
    for run in range(runs + 1):  # run 0 warms the caches and creates the data files
        app = App(env.command, app_env, logs, f"startup-app-{run}")
        seen = wait_visible(app, APP_TITLE, env.display)
        app.stop()
        if seen is None:
            problems.append(f"app run {run}: no window ({app.stderr().strip()[-200:]})")
        elif run:
            app_ms.append(seen * 1000.0)
        empty = App(
            [sys.executable, str(script), repr(time.monotonic()), "10"],
            app_env,
            logs,
            f"startup-empty-{run}",
        )
        # The empty window reads its launch time from argv; re-base on Popen.
        seen = wait_visible(empty, EMPTY_TITLE, env.display)
        if seen is None:
            problems.append(f"empty run {run}: no window ({empty.stderr().strip()[-200:]})")
        elif run:
            time.sleep(1.0)
            baseline.hwm_kib.append(vm_hwm_kib(empty.pid))
            baseline.startup_ms.append(seen * 1000.0)
            painted = empty.stdout().strip()
            if painted:
                baseline.painted_ms.append(float(painted))
        empty.stop()
    if len(app_ms) < 3 or len(baseline.startup_ms) < 3:
        return [unmeasured(name, budget, "\n".join(["too few runs", *problems]))], baseline
    app_median = statistics.median(app_ms)
    empty_median = statistics.median(baseline.startup_ms)
    ratio = app_median / empty_median
    figure = Figure(
        name,
        f"{ratio:.2f}x ({app_median:.0f} / {empty_median:.0f} ms)",
        budget,
        ratio <= STARTUP_RATIO_BUDGET,
    )
    figure.notes.append(
        f"median of {runs} runs each after one warm-up; app runs (ms): "
        + ", ".join(f"{v:.0f}" for v in app_ms)
        + "; empty-window runs (ms): "
        + ", ".join(f"{v:.0f}" for v in baseline.startup_ms)
    )
    fastest_app, fastest_empty = min(app_ms), min(baseline.startup_ms)
    figure.notes.append(
        f"fastest runs: {fastest_app:.0f} / {fastest_empty:.0f} ms = "
        f"{fastest_app / fastest_empty:.2f}x (less disturbed by other work on the machine)"
    )
    figure.notes.extend(f"failed run: {problem}" for problem in problems)
    if baseline.painted_ms:
        figure.notes.append(
            "the empty window's own first paint (launch to paintEvent, ms): "
            + ", ".join(f"{v:.0f}" for v in baseline.painted_ms)
            + " (the rest is the outside detection delay)"
        )
    return [figure], baseline


# -- 2./3. CPU, wake-ups and memory, side by side ------------------------


def start_session_app(
    env: Surroundings, data: Path, name: str, args: list[str]
) -> tuple[App, float | None]:
    logs = env.root / "logs"
    logs.mkdir(exist_ok=True)
    app = App([*env.command, *args], env.app_env(data), logs, name)
    assert env.display is not None
    return app, wait_visible(app, APP_TITLE, env.display)


def voluntary_switches(pid: int) -> dict[int, int]:
    """Voluntary context switches of each live thread of a process (by thread id)."""
    counts: dict[int, int] = {}
    with suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                text = (task / "status").read_text()
            except OSError:
                continue  # the thread ended meanwhile
            for line in text.splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    counts[int(task.name)] = int(line.split()[1])
                    break
    return counts


@dataclass
class Usage:
    """What a process used over a stretch of its run."""

    cpu: float  # % of one core
    wakeups: float  # voluntary context switches per second, all threads
    hwm_kib: int  # peak resident memory so far (VmHWM)
    threads: int  # threads alive at the end
    threads_gone: int  # threads that ended during the stretch (their switches are lost)


def sleep_until(moment: float) -> None:
    time.sleep(max(moment - time.monotonic(), 0.0))


def usage_between(pid: int, origin: float, first: float, last: float) -> Usage:
    """CPU, wake-ups and peak memory of `pid` over seconds [first, last] after `origin`."""
    sleep_until(origin + first)
    began, ticks, switches = time.monotonic(), cpu_ticks(pid), voluntary_switches(pid)
    sleep_until(origin + last)
    ended, ticks_after, switches_after = time.monotonic(), cpu_ticks(pid), voluntary_switches(pid)
    seconds = ended - began
    woke = sum(count - switches.get(tid, 0) for tid, count in switches_after.items())
    return Usage(
        cpu=(ticks_after - ticks) / CLK_TCK / seconds * 100.0,
        wakeups=woke / seconds,
        hwm_kib=vm_hwm_kib(pid),
        threads=len(switches_after),
        threads_gone=len(set(switches) - set(switches_after)),
    )


@dataclass
class Run:
    """One process measured over seconds WINDOW_FIRST-WINDOW_LAST of its run."""

    key: str
    label: str
    usage: Usage | None = None
    why: str = ""  # why it was not measured
    notes: list[str] = field(default_factory=list)
    cpu_budget: float | None = None  # % of one core
    wakeup_budget: float | None = None  # per second
    orb_ratio_budget: float | None = None  # CPU against the naive orb's


def start_window(env: Surroundings, argv: list[str], data: Path, name: str) -> App:
    """Launch a window process under the bench's X and sound servers."""
    logs = env.root / "logs"
    logs.mkdir(exist_ok=True)
    return App(argv, env.app_env(data), logs, name)


def configure(env: Surroundings, data: Path, key: str, value: str) -> str:
    """Set one of the app's settings through its CLI; returns an error or ''."""
    done = subprocess.run(
        [*env.command, "config", "set", key, value],
        env=env.app_env(data),
        capture_output=True,
        text=True,
    )
    return "" if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


def has_setting(env: Surroundings, key: str) -> bool:
    found = subprocess.run(
        [*env.command, "config", "get", key],
        env=env.app_env(env.data_dir("probe")),
        capture_output=True,
        text=True,
    )
    return found.returncode == 0


def measure_run(
    env: Surroundings,
    run: Run,
    argv: list[str],
    title: str,
    data: Path,
    before_window: Callable[[App, str], None] | None = None,
) -> Run:
    """Start a window, optionally act on it before the measuring window, measure it, end it."""
    if env.display is None:
        run.why = env.display_error
        return run
    app = start_window(env, argv, data, run.key)
    try:
        seen = wait_visible(app, title, env.display)
        window = window_id(title, env.display) if seen is not None else None
        if seen is None or window is None:
            run.why = f"no window ({app.stderr().strip()[-200:]})"
            return run
        origin = app.launched + seen
        if before_window is not None:
            before_window(app, window)
        run.usage = usage_between(app.pid, origin, WINDOW_FIRST, WINDOW_LAST)
        if not app.alive():
            run.usage = None
            run.why = f"it exited early ({app.fatal() or app.stderr().strip()[-200:]})"
    except Exception as error:
        run.usage = None
        run.why = f"{type(error).__name__}: {error}"
    finally:
        app.stop()
    fatal = app.fatal()
    if fatal:
        run.notes.append(f"stderr mentions {fatal!r}")
    return run


def app_run(env: Surroundings, run: Run, settings: dict[str, str], **kwargs: Any) -> Run:
    """A default bedtime session of the app (with sound), with some settings changed."""
    if not env.command:
        run.why = "rls-companion is not installed"
        return run
    data = env.data_dir(run.key)
    for key, value in settings.items():
        error = configure(env, data, key, value)
        if error:
            run.why = f"config set {key} {value}: {error}"
            return run
    if env.pulse_dir is None:
        run.notes.append(f"no sound server ({env.pulse_error}): measured without sound")
    return measure_run(env, run, [*env.command, "--start"], APP_TITLE, data, **kwargs)


PEER_SCRIPTS = {
    "empty": ("empty_window.py", EMPTY_TITLE),
    "orb": ("naive_orb.py", ORB_TITLE),
    "dialog": ("breathing_dialog.py", DIALOG_TITLE),
}


def peer_run(env: Surroundings, key: str, label: str) -> Run:
    """One of the small PySide6 programs in bench/peers, measured like the app."""
    script, title = PEER_SCRIPTS[key]
    argv = [sys.executable, str(PEERS / script)]
    if key == "empty":
        argv.append(repr(time.monotonic()))
    argv.append(str(WINDOW_LAST + 30.0))  # each quits on its own if the bench cannot end it
    return measure_run(env, Run(key, label), argv, title, env.data_dir(key))


def measure_minimized(env: Surroundings) -> Run:
    run = Run(
        "minimized",
        "app, window minimized",
        cpu_budget=CPU_HIDDEN_BUDGET,
    )

    def minimize_it(app: App, window: str) -> None:
        assert env.display is not None
        sleep_until(app.launched + MINIMIZE_AFTER_SECONDS)
        run.notes.append(
            f"minimized about {MINIMIZE_AFTER_SECONDS:.0f} s after launch: "
            + minimize(window, env.display)
        )

    return app_run(env, run, {}, before_window=minimize_it)


def measure_lights_out(env: Surroundings) -> Run:
    run = Run(
        "lights-out",
        "app, lights-out",
        cpu_budget=CPU_HIDDEN_BUDGET,
        wakeup_budget=WAKEUPS_LIGHTS_OUT_BUDGET,
    )
    if not env.command:
        run.why = "rls-companion is not installed"
        return run
    if not has_setting(env, LIGHTS_OUT):
        run.why = f"skipped: the app has no setting {LIGHTS_OUT} yet"
        return run

    def check_black(app: App, window: str) -> None:
        assert env.display is not None
        sleep_until(app.launched + LIGHTS_OUT_CHECK_SECONDS)
        level = brightest_level(window, env.display)
        if level is not None and level > BLACK_LEVEL:
            run.notes.append(f"the window was not black (level {level}): pressed L")
            press(window, env.display, "l")
            time.sleep(0.5)
            level = brightest_level(window, env.display)
        shown = "unreadable" if level is None else f"brightest grey level {level} of 255"
        run.notes.append(
            f"{LIGHTS_OUT} true; picture {LIGHTS_OUT_CHECK_SECONDS:.0f} s after launch: {shown}"
        )

    return app_run(env, run, {LIGHTS_OUT: "true"}, before_window=check_black)


@dataclass
class Recorder:
    """parec recording the null sink's monitor, with the file's growth watched."""

    path: Path
    launched: float
    proc: subprocess.Popen[bytes]
    watcher: SizeWatcher

    @classmethod
    def start(cls, env: Surroundings) -> Recorder:
        path = env.root / "monitor.raw"
        launched = time.monotonic()
        proc = subprocess.Popen(
            [
                "parec",
                "-d",
                f"{SINK}.monitor",
                "--format=s16le",
                "--channels=1",
                f"--rate={RATE}",
                "--latency-msec=10",
                "--raw",
                str(path),
            ],
            env=env.pulse_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return cls(path, launched, proc, SizeWatcher(path))

    def recording(self) -> bool:
        return wait_until(lambda: self.path.exists() and self.path.stat().st_size > 0, 10)

    def close(self) -> None:
        stop(self.proc)
        self.watcher.close()


@dataclass
class DefaultSession:
    run: Run
    figures: list[Figure]
    breakdown: dict[str, memory_map.Group] | None = None
    breakdown_hwm_kib: int = 0


def measure_default(
    env: Surroundings, baseline: Baseline, long: bool, drift: DriftJob
) -> DefaultSession:
    """The default bedtime session with sound: CPU and wake-ups over seconds
    10-40, the memory map at one minute, peak memory after one minute (or ten
    with `--long`). The drift simulation runs in another process once the CPU
    window is over.

    Nothing records the sound meanwhile: a recorder on the null sink's
    monitor asks the sink for a short latency (10 ms here, for exact capture
    times), and the sink then asks every stream for sound that often, which
    no laptop does when nobody records its output. The tone onset is
    measured in a session of its own (`measure_onset`).
    """
    run = Run(
        "default",
        "app, default session with sound",
        cpu_budget=CPU_SESSION_BUDGET,
        wakeup_budget=WAKEUPS_SESSION_BUDGET,
        orb_ratio_budget=ORB_RATIO_BUDGET,
    )
    memory_seconds = LONG_MEMORY_SECONDS if long else MEMORY_SECONDS
    mem_name = f"peak memory after {memory_seconds / 60:.0f} min of session, app / empty"
    mem_budget = f"<= {MEMORY_RATIO_BUDGET:.2f}x"
    result = DefaultSession(run, [])
    why = env.display_error or ("" if env.command else "rls-companion is not installed")
    if why:
        run.why = why
        result.figures = [unmeasured(mem_name, mem_budget, why)]
        return result
    data = env.data_dir("default")
    app = start_window(env, [*env.command, "--start"], data, "default")
    hwm: int | None = None
    latencies = ""
    streaming = False
    try:
        assert env.display is not None
        seen = wait_visible(app, APP_TITLE, env.display)
        if seen is None:
            raise RuntimeError(f"no window ({app.stderr().strip()[-200:]})")
        origin = app.launched + seen
        sleep_until(origin + LATENCY_AT_SECONDS)
        latencies = stream_latencies(env)
        streaming = "Sink Input" in sink_inputs(env)
        run.usage = usage_between(app.pid, origin, WINDOW_FIRST, WINDOW_LAST)
        drift.start()
        sleep_until(origin + MEMORY_SECONDS)
        if not app.alive():
            raise RuntimeError(f"the app exited early ({app.fatal() or app.stderr()[-200:]})")
        result.breakdown = memory_map.read(app.pid)
        result.breakdown_hwm_kib = vm_hwm_kib(app.pid)
        sleep_until(origin + memory_seconds)
        if not app.alive():
            raise RuntimeError(f"the app exited early ({app.fatal() or app.stderr()[-200:]})")
        hwm = vm_hwm_kib(app.pid)
    except Exception as error:
        run.why = run.why or f"{type(error).__name__}: {error}"
    finally:
        app.stop()
    fatal = app.fatal()
    if fatal:
        run.notes.append(f"the app's stderr mentions {fatal!r}")
    run.notes.append(
        f"audio stream in PulseAudio: {'yes' if streaming else 'NO'}"
        + (f" ({latencies} at {LATENCY_AT_SECONDS:.0f} s)" if latencies else "")
    )
    if env.pulse_dir is None:
        run.notes.append(f"no sound server ({env.pulse_error}): measured without sound")
        run.cpu_budget = run.wakeup_budget = run.orb_ratio_budget = None
    # peak memory against the empty window
    if hwm is None:
        result.figures.append(unmeasured(mem_name, mem_budget, run.why or "not read"))
    elif not baseline.hwm_kib:
        result.figures.append(unmeasured(mem_name, mem_budget, "no empty-window baseline"))
    else:
        empty = statistics.median(baseline.hwm_kib)
        ratio = hwm / empty
        memory = Figure(
            mem_name,
            f"{ratio:.2f}x ({hwm / 1024:.1f} / {empty / 1024:.1f} MiB)",
            mem_budget,
            ratio <= MEMORY_RATIO_BUDGET,
        )
        memory.notes.append(
            "VmHWM of the app in the default session with sound; empty window: median VmHWM "
            "one second after it showed (start-up runs)"
        )
        result.figures.append(memory)
    return result


def measure_onset(env: Surroundings) -> Figure:
    """The breath tone's turning points, recorded from the null sink's monitor
    from before a default session starts until ONSET_RECORD_SECONDS into it."""
    name = "breath-tone turning points vs schedule"
    budget = f"<= {ONSET_BUDGET_MS:.0f} ms"
    why = env.display_error or ("" if env.command else "rls-companion is not installed")
    if why or env.pulse_dir is None:
        return unmeasured(name, budget, why or env.pulse_error)
    recorder = Recorder.start(env)
    app: App | None = None
    try:
        if not recorder.recording():
            return unmeasured(name, budget, "parec recorded nothing")
        time.sleep(0.5)
        data = env.data_dir("onset")
        app = start_window(env, [*env.command, "--start"], data, "onset")
        assert env.display is not None
        seen = wait_visible(app, APP_TITLE, env.display)
        if seen is None:
            return unmeasured(name, budget, f"no window ({app.stderr().strip()[-200:]})")
        origin = app.launched + seen
        start = wait_for_session(data)
        sleep_until(origin + LATENCY_AT_SECONDS)
        latencies = stream_latencies(env)
        sleep_until(origin + ONSET_RECORD_SECONDS)
        recorder.close()
        if start is None:
            return unmeasured(name, budget, "the session was not recorded in the history")
        return onset_figure(name, budget, recorder, start, latencies)
    finally:
        if app is not None:
            app.stop()
        recorder.close()


def wait_for_session(data: Path) -> float | None:
    """The session's start on the monotonic clock, once it is in the history database."""
    started: list[float] = []

    def session_started() -> bool:
        value = session_start_monotonic(data)
        if value is not None:
            started.append(value)
        return value is not None

    return started[-1] if wait_until(session_started, 8.0, 0.2) else None


def measure_silent_session(env: Surroundings) -> Run:
    run = Run("silent", "app, audio.backend none (no sound)")
    return app_run(env, run, {"audio.backend": "none"})


def measure_idle(env: Surroundings) -> Figure:
    name = "CPU, idle on the Tonight screen"
    budget = f"<= {CPU_IDLE_BUDGET:.1f}% of a core"
    why = env.display_error or ("" if env.command else "rls-companion is not installed")
    if why:
        return unmeasured(name, budget, why)
    app, seen = start_session_app(env, env.data_dir("idle"), "idle", [])
    try:
        if seen is None:
            return unmeasured(name, budget, "no window")
        time.sleep(IDLE_SETTLE_SECONDS)
        cpu = cpu_percent(app.pid, IDLE_WINDOW_SECONDS)
    finally:
        app.stop()
    figure = Figure(name, f"{cpu:.2f}% of a core", budget, cpu <= CPU_IDLE_BUDGET)
    figure.notes.append(
        f"{IDLE_WINDOW_SECONDS:.0f} s window after {IDLE_SETTLE_SECONDS:.0f} s settling"
    )
    return figure


def verdict_word(passed: bool | None) -> str:
    return "NOT MEASURED" if passed is None else ("PASS" if passed else "FAIL")


def ratio(ours: float, theirs: float, floor: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs >= floor else "-"


def verdict(run: Run, orb: Run | None) -> tuple[str, bool | None]:
    """The run's budgets as text, and whether they all hold (None: not measured)."""
    parts: list[str] = []
    held: list[bool] = []
    usage = run.usage
    if run.cpu_budget is not None:
        parts.append(f"CPU <= {run.cpu_budget:g}%")
        if usage is not None:
            held.append(usage.cpu <= run.cpu_budget)
    if run.orb_ratio_budget is not None:
        parts.append(f"<= {run.orb_ratio_budget:g}x orb")
        if usage is not None and orb is not None and orb.usage is not None:
            held.append(usage.cpu <= run.orb_ratio_budget * orb.usage.cpu)
        elif usage is not None:
            held.append(False)
    if run.wakeup_budget is not None:
        parts.append(f"wake-ups <= {run.wakeup_budget:g}/s")
        if usage is not None:
            held.append(usage.wakeups <= run.wakeup_budget)
    if not parts:
        return "(info)", None
    if usage is None:
        return ", ".join(parts), None
    return ", ".join(parts), all(held)


def run_figures(run: Run, orb: Run | None) -> list[Figure]:
    """One figure for each budget of a run: CPU (with its ratio to the orb), wake-ups."""
    figures: list[Figure] = []
    usage = run.usage
    orb_cpu = orb.usage.cpu if orb is not None and orb.usage is not None else None
    if run.cpu_budget is not None or run.orb_ratio_budget is not None:
        parts = [f"<= {run.cpu_budget:g}% of a core"] if run.cpu_budget is not None else []
        if run.orb_ratio_budget is not None:
            parts.append(f"<= {run.orb_ratio_budget:g}x orb")
        name = f"CPU, {run.label}"
        if usage is None:
            figures.append(unmeasured(name, " and ".join(parts), run.why))
        else:
            held = run.cpu_budget is None or usage.cpu <= run.cpu_budget
            measured = f"{usage.cpu:.2f}% of a core"
            if run.orb_ratio_budget is not None:
                if orb_cpu is None or orb_cpu <= 0:
                    held = False
                    measured += " (orb not measured)"
                else:
                    held = held and usage.cpu <= run.orb_ratio_budget * orb_cpu
                    measured += f" ({usage.cpu / orb_cpu:.2f}x orb)"
            figures.append(Figure(name, measured, " and ".join(parts), held))
    if run.wakeup_budget is not None:
        name = f"wake-ups, {run.label}"
        budget = f"<= {run.wakeup_budget:g}/s"
        if usage is None:
            figures.append(unmeasured(name, budget, run.why))
        else:
            figures.append(
                Figure(name, f"{usage.wakeups:.0f}/s", budget, usage.wakeups <= run.wakeup_budget)
            )
    if run.why.startswith("skipped"):
        for figure in figures:
            figure.informational = True
    return figures


def side_by_side(runs: Sequence[Run]) -> tuple[list[str], list[Figure]]:
    """The table of the runs with their ratios, and one figure per budgeted run."""
    by_key = {run.key: run for run in runs}
    orb, empty = by_key.get("orb"), by_key.get("empty")
    headers = (
        "run",
        "CPU %",
        "/orb",
        "/empty",
        "wake/s",
        "/orb",
        "/empty",
        "peak MiB",
        "/orb",
        "/empty",
        "budget",
        "result",
    )
    rows: list[tuple[str, ...]] = []
    figures: list[Figure] = []
    for run in runs:
        budget, passed = verdict(run, orb)
        result = "-" if budget == "(info)" else verdict_word(passed)
        if run.usage is None:
            if run.why.startswith("skipped"):
                result = "SKIPPED"
            rows.append((run.label, "not measured (see below)", *[""] * 8, budget, result))
        else:
            u = run.usage
            o = orb.usage if orb is not None else None
            e = empty.usage if empty is not None else None
            rows.append(
                (
                    run.label,
                    f"{u.cpu:.2f}",
                    ratio(u.cpu, o.cpu, 0.05) if o else "-",
                    ratio(u.cpu, e.cpu, 0.05) if e else "-",
                    f"{u.wakeups:.0f}",
                    ratio(u.wakeups, o.wakeups, 0.5) if o else "-",
                    ratio(u.wakeups, e.wakeups, 0.5) if e else "-",
                    f"{u.hwm_kib / 1024:.0f}",
                    ratio(u.hwm_kib, o.hwm_kib, 1) if o else "-",
                    ratio(u.hwm_kib, e.hwm_kib, 1) if e else "-",
                    budget,
                    result,
                )
            )
        figures.extend(run_figures(run, orb))
    if not rows:
        return [], figures
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    rule = "  ".join("-" * w for w in widths)
    lines = [
        f"side by side, seconds {WINDOW_FIRST:.0f}-{WINDOW_LAST:.0f} after each window showed "
        "(CPU: % of one core, all threads and children; wake/s: voluntary context switches",
        "per second summed over all threads; peak: VmHWM at the end; /orb, /empty: this run "
        "against the naive orb and the empty window, '-' where that one is about zero)",
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
        rule,
    ]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(rule)
    for run in runs:
        lines.extend(f"  {run.label}: {note}" for note in run.notes)
        if run.usage is not None and run.usage.threads_gone:
            lines.append(
                f"  {run.label}: {run.usage.threads_gone} thread(s) ended during the window "
                "(their switches are not counted)"
            )
        if run.usage is None:
            lines.append(f"  {run.label}: not measured: {run.why[-600:]}")
    return lines, figures


# -- 4. phase boundaries -------------------------------------------------


def _exact_starts(name: str, bpm: float) -> tuple[Fraction, list[Fraction]]:
    """Cycle length and segment start offsets of a preset, as exact fractions."""
    parts = PRESETS[name].parts
    cycle = Fraction(60) / Fraction(bpm)
    total = sum(Fraction(part[1]) for part in parts)
    starts: list[Fraction] = []
    at = Fraction(0)
    for part in parts:
        starts.append(at)
        at += cycle * Fraction(part[1]) / total
    return cycle, starts


@dataclass
class Drift:
    frame_seconds: float  # worst distance of a boundary outside its detecting frames
    switch_seconds: float  # worst distance of where the state flips from the exact boundary
    boundaries: int
    frames: int


def _seq(plan: BreathPlan, t: float, count: int) -> int:
    state = plan.state_at(t)
    return state.breath_index * count + state.segment_index


def _switch_point(plan: BreathPlan, q: int, near: float, count: int) -> float:
    """The earliest float time at which the state shows segment number `q` or later."""
    step = 5e-7
    low, high = near - step, near + step
    while _seq(plan, low, count) >= q and step < 1.0:
        step *= 2.0
        low = near - step
    while _seq(plan, high, count) < q and step < 1.0:
        step *= 2.0
        high = near + step
    while True:
        middle = (low + high) / 2.0
        if middle in (low, high):
            return high
        if _seq(plan, middle, count) >= q:
            high = middle
        else:
            low = middle


def drift_of_preset(name: str, seed: int) -> Drift:
    """Boundary drift of one preset against exact rational boundaries.

    Frames come at random times (jittered 20-60 ms display frames with 1 %
    stalls of 0.1-2 s) for DRIFT_HOURS; the breath state is read at each
    frame as the view does. Every boundary crossed between two frames must
    lie in (previous frame, this frame]: the distance outside that interval
    is drift. Random frames rarely fall close to a boundary, so the exact
    flip time of the state is also found for every boundary by bisection on
    floats: its distance from the exact boundary is the float error.
    """
    plan = BreathPlan(build_cycle(name, DRIFT_BPM))
    cycle, starts = _exact_starts(name, DRIFT_BPM)
    count = len(starts)
    rng = np.random.default_rng(seed)
    horizon = DRIFT_HOURS * 3600.0
    frames = int(horizon / 0.03)  # more than enough: frames average about 43 ms
    gaps = rng.uniform(1.0 / 60.0, 1.0 / 20.0, frames)
    stalls = rng.random(frames) < 0.01
    gaps[stalls] = rng.uniform(0.1, 2.0, int(stalls.sum()))
    times = np.cumsum(gaps)
    times = times[times <= horizon]
    worst = Fraction(0)
    checked = 0
    previous_t = 0.0
    previous_seq = 0
    for t in times.tolist():
        seq = _seq(plan, t, count)
        if seq < previous_seq:
            return Drift(float("inf"), float("inf"), checked, len(times))
        for q in range(previous_seq + 1, seq + 1):
            exact = (q // count) * cycle + starts[q % count]
            worst = max(worst, Fraction(previous_t) - exact, exact - Fraction(t))
            checked += 1
        previous_t, previous_seq = t, seq
    switch = Fraction(0)
    for q in range(1, previous_seq + 1):
        exact = (q // count) * cycle + starts[q % count]
        flip = _switch_point(plan, q, float(exact), count)
        switch = max(switch, abs(Fraction(flip) - exact))
    return Drift(float(worst), float(switch), checked, len(times))


def drift_figure() -> tuple[float, str]:
    """Worst boundary drift in ms over every preset, and a one-line detail."""
    worst = 0.0
    details: list[str] = []
    for seed, name in enumerate(PRESETS):
        drift = drift_of_preset(name, seed)
        worst = max(worst, drift.frame_seconds, drift.switch_seconds)
        details.append(
            f"{name}: frames {drift.frame_seconds * 1000.0:.3g} ms, "
            f"float {drift.switch_seconds * 1000.0:.2g} ms "
            f"({drift.boundaries} boundaries, {drift.frames} frames)"
        )
    return worst * 1000.0, "; ".join(details)


class DriftJob:
    """The drift simulation in a separate process, started when nothing is timed."""

    name = f"phase-boundary drift, {DRIFT_HOURS:.0f} h at {DRIFT_BPM:g}/min, all presets"
    budget = f"<= {DRIFT_BUDGET_MS:g} ms"

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        if self._proc is None:
            self._proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--drift-only"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

    def figure(self) -> Figure:
        self.start()
        assert self._proc is not None
        out, err = self._proc.communicate(timeout=900)
        try:
            result = json.loads(out)
            worst_ms, detail = float(result["worst_ms"]), str(result["detail"])
        except (ValueError, KeyError, TypeError):
            return unmeasured(self.name, self.budget, f"simulation failed: {err.strip()[-300:]}")
        figure = Figure(self.name, f"{worst_ms:.3g} ms", self.budget, worst_ms <= DRIFT_BUDGET_MS)
        figure.notes.append(
            "worst of (exact rational boundary outside the frame interval that detected it) "
            "and (float flip time of the state vs exact boundary): " + detail
        )
        return figure

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()


# -- 5. audio cue onset --------------------------------------------------


class SizeWatcher:
    """Polls a growing file: (monotonic time, size) pairs, to anchor its samples."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                size = self.path.stat().st_size
            except OSError:
                size = -1
            if size > 0:
                self.samples.append((time.monotonic(), size))
            self._stop.wait(0.002)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def clock(self) -> RecordingClock:
        """When each moment of the recording was captured, on the monotonic clock.

        When the file holds n frames at time t, frame n-1 was captured at or
        before t, so frame 0 was captured no later than t - n/RATE. The lowest
        such bound in each stretch of the recording is its anchor. Anchors are
        kept per stretch, not for the whole file, because the sound server's
        sample clock need not run at exactly RATE frames per second.
        """
        if len(self.samples) < 100:
            raise RuntimeError("the recording did not grow")
        polls = np.array(self.samples, dtype=np.float64)
        at = polls[:, 1] // 2 / RATE
        bounds = polls[:, 0] - at
        edges = np.arange(0.0, float(at.max()) + ANCHOR_STRETCH, ANCHOR_STRETCH)
        centres: list[float] = []
        anchors: list[float] = []
        for low, high in itertools.pairwise(edges):
            inside = (at >= low) & (at < high)
            if inside.sum() >= 20:
                centres.append(float(at[inside].mean()))
                anchors.append(float(bounds[inside].min()))
        if len(anchors) < 3:
            raise RuntimeError("the recording grew too irregularly to be anchored")
        return RecordingClock(np.array(centres), np.array(anchors))


ANCHOR_STRETCH = 2.0  # seconds of recording per anchor


@dataclass(frozen=True)
class RecordingClock:
    centres: FloatArray  # recording seconds
    anchors: FloatArray  # monotonic capture time of recording second 0, as seen there

    def capture(self, recording_seconds: FloatArray) -> FloatArray:
        return recording_seconds + np.interp(recording_seconds, self.centres, self.anchors)

    def rate_ppm(self, start: float, end: float) -> tuple[float, float]:
        """Capture rate error (ppm, + means frames come faster than RATE) over
        recording seconds [start, end], and the worst anchor off that line (s)."""
        inside = (self.centres >= start) & (self.centres <= end)
        if inside.sum() < 3:
            return 0.0, 0.0
        slope, intercept = np.polyfit(self.centres[inside], self.anchors[inside], 1)
        line = slope * self.centres[inside] + intercept
        worst = float(np.max(np.abs(self.anchors[inside] - line)))
        return float(-slope * 1e6), worst


def session_start_monotonic(data: Path) -> float | None:
    db_path = data / "history.sqlite3"
    if not db_path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1.0)) as db:
            row = db.execute(
                "SELECT started_utc FROM sessions ORDER BY started_utc DESC"
            ).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    started = datetime.fromisoformat(row[0]).replace(tzinfo=UTC).timestamp()
    # Stored with milliseconds, truncated: the true start is 0-1 ms later.
    started += 0.0005
    offsets = []
    for _ in range(5):
        before = time.monotonic()
        wall = time.time()
        after = time.monotonic()
        offsets.append(wall - (before + after) / 2.0)
    return started - statistics.median(offsets)


def band_pitch(samples: FloatArray, block: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean frequency and amplitude of the fundamental per block (zero-phase).

    The fundamental (175-262 Hz) is isolated with a smooth FFT band-pass
    (120-330 Hz, below the second harmonic), turned into an analytic signal,
    and its unwrapped phase advance over each block gives the block's mean
    frequency. Returns (block centre times in s, Hz, amplitude).
    """
    size = 1 << (len(samples) - 1).bit_length()
    spectrum = np.fft.fft(samples, size)
    hz = np.fft.fftfreq(size, 1.0 / RATE)
    gain = np.zeros(size)
    inside = (hz > 100.0) & (hz < 350.0)
    f = hz[inside]
    gain[inside] = np.clip((f - 100.0) / 30.0, 0.0, 1.0) * np.clip((350.0 - f) / 30.0, 0.0, 1.0)
    gain[inside] = 0.5 - 0.5 * np.cos(np.pi * gain[inside])
    analytic = np.fft.ifft(spectrum * gain * 2.0)[: len(samples)]
    phase = np.unwrap(np.angle(analytic))
    blocks = len(samples) // block
    edges = np.arange(blocks + 1) * block
    edges[-1] = min(edges[-1], len(samples) - 1)
    freq = np.diff(phase[edges]) * RATE / (2.0 * np.pi * block)
    amplitude = np.abs(analytic[: blocks * block]).reshape(blocks, block).mean(axis=1)
    centres = (np.arange(blocks) + 0.5) * block / RATE
    return centres, freq, amplitude


class Model:
    """The breath tone's pitch as a function of session time (default settings)."""

    def __init__(self) -> None:
        self.plan = Settings.from_values(schema.defaults()).breathing.plan()
        self.timeline = build_timeline(Kind.BEDTIME, 1)
        cycle = self.plan.cycle_seconds
        self.cycle = cycle
        self._t = np.linspace(0.0, cycle, 20001)
        levels = np.array([self.plan.state_at(float(t)).level for t in self._t])
        self._hz = LOW_HZ + (HIGH_HZ - LOW_HZ) * levels

    def pitch(self, session_seconds: FloatArray) -> FloatArray:
        return np.interp(np.mod(session_seconds, self.cycle), self._t, self._hz)

    def turning_points(self, first: float, last: float) -> list[tuple[float, str]]:
        points: list[tuple[float, str]] = []
        for b in self.plan.boundaries_between(-1e-9, last):
            state = self.plan.state_at(b)
            if first <= b <= last and state.phase.value in ("inhale", "exhale"):
                points.append((b, "low" if state.phase.value == "inhale" else "high"))
        return points


def fit_delay(
    model: Model, times: FloatArray, hz: FloatArray, centre: float, half: float, step: float
) -> float:
    """Delay d (s) that best fits hz(t) = model(t - d), searched in centre +- half."""
    candidates = np.arange(centre - half, centre + half + step / 2, step)
    residual = np.array([float(np.sum((hz - model.pitch(times - d)) ** 2)) for d in candidates])
    i = int(np.argmin(residual))
    if 0 < i < len(candidates) - 1:
        a, b, c = residual[i - 1 : i + 2]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if denom > 0 else 0.0
        return float(candidates[i] + shift * step)
    return float(candidates[i])


def vertex(times: FloatArray, values: FloatArray, around: float, kind: str) -> float | None:
    """Parabola vertex of a track near `around` (minimum for 'low', maximum for 'high')."""
    near = np.abs(times - around) <= 1.0
    if near.sum() < 20:
        return None
    t, v = times[near], values[near]
    peak = t[int(np.argmin(v) if kind == "low" else np.argmax(v))]
    window = np.abs(times - peak) <= 0.5
    a, b, _ = np.polyfit(times[window] - peak, values[window], 2)
    if a == 0:
        return None
    return float(peak - b / (2 * a))


def smooth(values: FloatArray, width: int) -> FloatArray:
    kernel = np.ones(width) / width
    padded = np.pad(values, width // 2, mode="edge")
    return np.convolve(padded, kernel, mode="valid")[: len(values)]


def onset_figure(
    name: str, budget: str, recorder: Recorder, start: float, latencies: str
) -> Figure:
    """The onset figure from a finished recording of a session that began at `start`."""
    clock = recorder.watcher.clock()
    samples = np.fromfile(recorder.path, dtype="<i2").astype(np.float64) / 32768.0
    figure = analyse_onset(name, budget, samples, start, clock)
    first = float(clock.capture(np.zeros(1))[0])
    figure.notes.append(
        "recorded during a default session of its own; capture times from the recording's growth "
        f"(sample 0 captured {1000 * (first - recorder.launched):.0f} ms after parec was "
        "launched); session start from the history database (stored to the millisecond)"
    )
    if latencies:
        figure.notes.append(
            f"the app's PulseAudio stream at {LATENCY_AT_SECONDS:.0f} s: {latencies}"
        )
    return figure


def analyse_onset(
    name: str, budget: str, samples: FloatArray, start: float, clock: RecordingClock
) -> Figure:
    """Offsets of the pitch turning points from the schedule (positive: sound late).

    `start` is the session's start on the monotonic clock; `clock` turns
    recording seconds into monotonic capture times.
    """
    block = 441  # 10 ms
    times, hz, amplitude = band_pitch(samples, block)
    if float(np.max(amplitude, initial=0.0)) < 1e-3:
        return unmeasured(name, budget, "the recording is silent")
    model = Model()
    session = clock.capture(times) - start  # session seconds of each block
    audible = amplitude > 0.1 * float(np.max(amplitude))
    steady = audible & (session > 3.5) & (session < 57.0)
    if steady.sum() < 1000:
        return unmeasured(name, budget, "too little steady tone in the recording")
    coarse = fit_delay(model, session[steady], hz[steady], 0.0, 4.9, 0.005)
    overall = fit_delay(model, session[steady], hz[steady], coarse, 0.01, 0.0001)
    offsets: list[float] = []
    parabola: list[float] = []
    smoothed = smooth(hz, 9)
    expected_track = smooth(model.pitch(session), 9)
    for at, kind in model.turning_points(3.5, 57.0):
        local = steady & (np.abs(session - (at + overall)) <= 1.5)
        if local.sum() < 150:
            continue
        delay = fit_delay(model, session[local], hz[local], overall, 0.3, 0.0005)
        offsets.append(fit_delay(model, session[local], hz[local], delay, 0.001, 0.00002))
        # Cross-check: parabola vertex of the smoothed track, minus the same
        # fit on the scheduled pitch (which carries the same shape bias).
        measured_vertex = vertex(session[steady], smoothed[steady], at + offsets[-1], kind)
        expected_vertex = vertex(session[steady], expected_track[steady], at, kind)
        if measured_vertex is not None and expected_vertex is not None:
            parabola.append(measured_vertex - expected_vertex)
    if not offsets:
        return unmeasured(name, budget, "no turning point with enough tone")
    median_ms = statistics.median(offsets) * 1000.0
    figure = Figure(name, f"{abs(median_ms):.1f} ms", budget, abs(median_ms) <= ONSET_BUDGET_MS)
    figure.notes.append(
        f"sound {'late' if median_ms > 0 else 'early'} by {abs(median_ms):.1f} ms at the null "
        f"sink's monitor (median of {len(offsets)} turning points, local template fits; per "
        "point ms: " + ", ".join(f"{1000 * v:+.1f}" for v in offsets) + ")"
    )
    figure.notes.append(
        f"whole-track fit of the 10 s template: {1000 * overall:+.1f} ms"
        + (
            f"; parabola vertices: median {1000 * statistics.median(parabola):+.1f} ms"
            if parabola
            else ""
        )
    )
    first = float(np.min(times[steady]))
    last = float(np.max(times[steady]))
    ppm, worst = clock.rate_ppm(first, last)
    figure.notes.append(
        f"during the session the sound server delivered {ppm:+.0f} ppm frames against the "
        f"monotonic clock (anchored per {ANCHOR_STRETCH:g} s; worst anchor off a straight "
        f"line {1000 * worst:.1f} ms)"
    )
    if worst > 0.003:
        figure.notes.append("the recording's anchors scatter by > 3 ms: the figure is uncertain")
    return figure


# -- main ----------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _on_terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Performance figures against their budgets.")
    parser.add_argument(
        "--long", action="store_true", help="read peak memory after a 10-minute session"
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="print where the app's memory sits after a minute of a session",
    )
    parser.add_argument("--runs", type=int, default=7, help="start-up runs of each window")
    parser.add_argument("--drift-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drift_only:
        worst_ms, detail = drift_figure()
        print(json.dumps({"worst_ms": worst_ms, "detail": detail}))
        return 0
    signal.signal(signal.SIGTERM, _on_terminate)
    began = time.monotonic()
    load_before = load_average()
    figures: list[Figure] = []
    runs: list[Run] = []
    default_session: list[DefaultSession] = []
    drift = DriftJob()
    try:
        with surroundings() as env:
            sound = "ready" if env.pulse_dir else env.pulse_error
            log(f"X server {env.display or env.display_error}; sound server {sound}")
            baseline = Baseline()

            def startup() -> list[Figure]:
                nonlocal baseline
                found, baseline = measure_startup(env, args.runs)
                return found

            def default() -> list[Figure]:
                measured = measure_default(env, baseline, args.long, drift)
                default_session.append(measured)
                runs.append(measured.run)
                return measured.figures

            def add(run: Callable[[], Run]) -> Callable[[], list[Figure]]:
                def step() -> list[Figure]:
                    runs.append(run())
                    return []

                return step

            reduced = Run("reduced", "app, reduced motion", cpu_budget=CPU_REDUCED_BUDGET)
            steps: list[tuple[str, Callable[[], list[Figure]]]] = [
                ("start-up to visible window, app / empty", startup),
                ("default session with sound (CPU, wake-ups, memory)", default),
                ("breath-tone onset, recorded", lambda: [measure_onset(env)]),
                (
                    "reduced motion",
                    add(lambda: app_run(env, reduced, {"appearance.reduced_motion": "true"})),
                ),
                ("window minimized", add(lambda: measure_minimized(env))),
                ("lights-out", add(lambda: measure_lights_out(env))),
                ("no sound (audio.backend none)", add(lambda: measure_silent_session(env))),
                ("empty window", add(lambda: peer_run(env, "empty", "empty window"))),
                ("naive 60 fps orb", add(lambda: peer_run(env, "orb", "naive 60 fps orb"))),
                (
                    "25 fps breathing dialog",
                    add(lambda: peer_run(env, "dialog", "25 fps breathing dialog")),
                ),
                ("CPU, idle", lambda: [measure_idle(env)]),
                ("phase-boundary drift", lambda: [drift.figure()]),
            ]
            for name, step in steps:
                log(f"measuring: {name}")
                try:
                    figures.extend(step())
                except Exception as error:
                    figures.append(unmeasured(name, "-", f"{type(error).__name__}: {error}"))
    finally:
        drift.close()
    table, run_figures = side_by_side(runs)
    print()
    print("\n".join(table))
    figures = run_figures + figures
    print_table(figures)
    if args.memory:
        print()
        measured = default_session[0] if default_session else None
        if measured is not None and measured.breakdown is not None:
            title = (
                f"memory of the app after {MEMORY_SECONDS:.0f} s of the default session "
                f"(/proc/PID/smaps; VmHWM then {measured.breakdown_hwm_kib / 1024:.1f} MiB)"
            )
            print(memory_map.report(measured.breakdown, title))
        else:
            print("memory map: not read (the default session was not measured)")
    print(
        f"\nmachine: {os.cpu_count()} cores; load average {load_before} before, "
        f"{load_average()} after (other work on the machine skews wall times)"
    )
    counted = [f for f in figures if not f.informational]
    failed = [f for f in counted if f.passed is not True]
    print(
        f"\n{len(counted) - len(failed)} of {len(counted)} budgeted figures pass "
        f"(informational figures are not counted); {time.monotonic() - began:.0f} s"
    )
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
