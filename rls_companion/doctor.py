"""`rls-companion doctor`: what works on this computer, in plain words.

Each check prints one line: a verdict (OK, NOT AVAILABLE, PROBLEM), what was
checked, and why. Nothing is changed: the history is opened read-only, no
folder is created, and Qt runs without a window (a QCoreApplication), its
messages kept off the terminal. The exit status is 0 when every check ran,
whatever it found, and 1 only when the history database is unhealthy or the
app's own files (guidance scripts, images) are missing or broken.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from rls_companion import __version__
from rls_companion.audio import espeak
from rls_companion.context import Context
from rls_companion.core.outputs import Backend
from rls_companion.resources import ICON, asset
from rls_companion.storage.db import SCHEMA_VERSION

TEST_SPEECH_ENGINE = "mock"
QUIET_QT_RULES = (
    "qt.multimedia.symbolsresolver=false",
    "qt.multimedia.ffmpeg=false",
)


class Verdict(StrEnum):
    OK = "OK"
    NOT_AVAILABLE = "NOT AVAILABLE"
    PROBLEM = "PROBLEM"


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    subject: str
    detail: str
    unhealthy: bool = False  # the history cannot be trusted: doctor exits 1


def run(context: Context, out: TextIO | None = None) -> int:
    stream = out if out is not None else sys.stdout
    width = len(Verdict.NOT_AVAILABLE)
    settings = context.settings.typed
    sections: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("Sound", lambda: audio_findings(settings.audio.backend)),
        (
            "Speech",
            lambda: speech_findings(
                settings.speech.enabled, settings.speech.voice, settings.speech.engine
            ),
        ),
        ("Files", lambda: file_findings(context)),
        ("Power", lambda: [keep_awake_finding()]),
        ("App files", app_file_findings),
    ]
    print(f"RLS Companion {__version__}", file=stream)
    healthy = True
    with _qt_quietly():
        for title, check in sections:
            print(f"\n{title}", file=stream)
            for finding in check():
                print(
                    f"  {finding.verdict:<{width}}  {finding.subject}: {finding.detail}",
                    file=stream,
                )
                healthy = healthy and not finding.unhealthy
    return 0 if healthy else 1


# -- Qt without a window, and without chatter -----------------------------------
@contextlib.contextmanager
def _qt_quietly() -> Iterator[None]:
    """A windowless Qt application whose messages go nowhere."""
    rules = os.environ.get("QT_LOGGING_RULES", "")
    os.environ["QT_LOGGING_RULES"] = ";".join(filter(None, [rules, *QUIET_QT_RULES]))
    from PySide6.QtCore import QCoreApplication, QtMsgType, qInstallMessageHandler

    def swallow(kind: QtMsgType, context: object, message: str) -> None:
        pass

    previous = qInstallMessageHandler(swallow)
    app = QCoreApplication.instance()
    owned = app is None
    if owned:
        app = QCoreApplication(sys.argv[:1])
    try:
        yield
    finally:
        if owned and app is not None:
            app.shutdown()
        qInstallMessageHandler(previous)


# -- sound ------------------------------------------------------------------------
def audio_findings(backend: Backend) -> list[Finding]:
    qt = _qt_output()
    simple = _simpleaudio_output()
    working = {
        Backend.QT: qt.verdict is Verdict.OK,
        Backend.SIMPLEAUDIO: simple.verdict is Verdict.OK,
    }
    names = {Backend.QT: "Qt Multimedia", Backend.SIMPLEAUDIO: "simpleaudio"}
    if backend is Backend.NONE:
        choice = Finding(Verdict.OK, "audio.backend", "none: sound is switched off")
    else:
        # The order `auto` tries them in (see audio/output.py).
        candidates = [Backend.QT, Backend.SIMPLEAUDIO] if backend is Backend.AUTO else [backend]
        playing = next((c for c in candidates if working.get(c)), None)
        if playing is not None:
            choice = Finding(
                Verdict.OK, "audio.backend", f"{backend}: plays through {names[playing]}"
            )
        else:
            choice = Finding(
                Verdict.NOT_AVAILABLE,
                "audio.backend",
                f"{backend}: no output works, sessions run silently",
            )
    return [qt, simple, choice]


def _qt_output() -> Finding:
    subject = "Qt Multimedia"
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as error:
        return Finding(Verdict.NOT_AVAILABLE, subject, f"cannot be loaded ({error})")
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return Finding(
            Verdict.NOT_AVAILABLE, subject, "no output device (is a sound server running?)"
        )
    return Finding(Verdict.OK, subject, f"default output: {device.description()}")


def _simpleaudio_output() -> Finding:
    from rls_companion.audio import simpleaudio_sink

    subject = "simpleaudio"
    try:
        simpleaudio_sink.load()
    except simpleaudio_sink.SimpleaudioProblem as problem:
        return Finding(Verdict.NOT_AVAILABLE, subject, str(problem))
    try:
        simpleaudio_sink.probe(simpleaudio_sink.PROBE_SECONDS)
    except simpleaudio_sink.SimpleaudioProblem as problem:
        verdict = Verdict.NOT_AVAILABLE if "could not open" in str(problem) else Verdict.PROBLEM
        return Finding(verdict, subject, str(problem))
    ms = round(simpleaudio_sink.PROBE_SECONDS * 1000)
    return Finding(Verdict.OK, subject, f"played {ms} ms of silence through ALSA's default output")


# -- speech -----------------------------------------------------------------------
def speech_findings(enabled: bool, chosen_voice: str = "", wanted: str = "auto") -> list[Finding]:
    findings = [_mixed_finding(chosen_voice)]
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as error:
        return [
            *findings,
            Finding(Verdict.NOT_AVAILABLE, "speech", f"Qt TextToSpeech cannot be loaded ({error})"),
        ]
    names = [n for n in QTextToSpeech.availableEngines() if n != TEST_SPEECH_ENGINE]
    for name in names:
        engine = QTextToSpeech(name)
        try:
            voices = engine.availableVoices()
            if engine.state() == QTextToSpeech.State.Error:
                reason = engine.errorString() or "no reason given"
                findings.append(
                    Finding(Verdict.NOT_AVAILABLE, f"engine {name}", f"did not start ({reason})")
                )
            elif not voices:
                findings.append(
                    Finding(Verdict.NOT_AVAILABLE, f"engine {name}", "started but has no voices")
                )
            else:
                findings.append(_voice_finding(name, engine, chosen_voice))
        finally:
            engine.deleteLater()
    working = [f.subject.removeprefix("engine ") for f in findings if f.verdict is Verdict.OK]
    if not working and not names:
        findings.append(
            Finding(
                Verdict.NOT_AVAILABLE,
                "speech",
                "no speech engine is installed; guidance is shown as captions",
            )
        )
    if enabled and working:
        used = working[0] if wanted == "auto" else wanted
        mixed = used == espeak.ENGINE_NAME
        how = "mixed into the session's sound" if mixed else "speaks by itself"
        if used in working:
            findings.append(Finding(Verdict.OK, "speech.engine", f"{wanted}: {used} ({how})"))
        else:
            findings.append(
                Finding(Verdict.PROBLEM, "speech.engine", f"{wanted}: not working; captions only")
            )
    if not enabled:
        findings.append(
            Finding(Verdict.OK, "speech.enabled", "false: guidance is shown as captions")
        )
    elif not working:
        findings.append(
            Finding(
                Verdict.NOT_AVAILABLE, "speech.enabled", "true, but no engine works: captions only"
            )
        )
    return findings


def _mixed_finding(chosen_voice: str) -> Finding:
    from rls_companion.audio.speech import pick_espeak_voice

    subject = f"engine {espeak.ENGINE_NAME}"
    try:
        voice, choice = pick_espeak_voice(chosen_voice)
    except espeak.EspeakProblem as problem:
        return Finding(Verdict.NOT_AVAILABLE, subject, str(problem))
    if voice is None or choice.voice is None:
        return Finding(Verdict.NOT_AVAILABLE, subject, f"{choice.reason}: captions only")
    return Finding(
        Verdict.OK,
        subject,
        f"reads the guidance with {choice.voice.name!r} ({choice.voice.locale}): {choice.reason}",
    )


def _voice_finding(name: str, engine: object, chosen_voice: str) -> Finding:
    from rls_companion.audio.speech import pick_voice

    choice = pick_voice(engine, chosen_voice)
    if choice.voice is None:
        return Finding(Verdict.NOT_AVAILABLE, f"engine {name}", f"{choice.reason}: captions only")
    return Finding(
        Verdict.OK,
        f"engine {name}",
        f"reads the guidance with {choice.voice.name!r} ({choice.voice.locale}): {choice.reason}",
    )


# -- power ------------------------------------------------------------------------
def keep_awake_finding() -> Finding:
    """Whether a session can keep the computer from suspending on idle. Only
    asks the services whether they are there: no lock is taken."""
    from rls_companion.ui.shell import sleep_inhibitor

    found = sleep_inhibitor.availability()
    if not found.mechanisms:
        return Finding(
            Verdict.NOT_AVAILABLE,
            "keep awake",
            f"{found.text}; the computer may suspend on idle during a session",
        )
    return Finding(
        Verdict.OK,
        "keep awake",
        f"a session holds off idle suspend through {found.text}; the screen may still blank",
    )


# -- files ------------------------------------------------------------------------
def file_findings(context: Context) -> list[Finding]:
    paths = context.paths
    if paths.config_dir == paths.data_dir:
        folders = [_folder("data and config folder", paths.data_dir)]
    else:
        folders = [
            _folder("data folder", paths.data_dir),
            _folder("config folder", paths.config_dir),
        ]
    return [
        *folders,
        _folder("log folder", paths.log_dir),
        database_finding(paths.database),
        _settings_finding(context),
    ]


def _folder(subject: str, path: Path) -> Finding:
    if not path.exists():
        return Finding(Verdict.OK, subject, f"{path} (not created yet; made when first needed)")
    if not path.is_dir():
        return Finding(Verdict.PROBLEM, subject, f"{path} is not a folder")
    mode = stat.S_IMODE(path.stat().st_mode)
    if not os.access(path, os.W_OK | os.X_OK):
        return Finding(Verdict.PROBLEM, subject, f"{path} is not writable ({mode:04o})")
    if mode & 0o077:
        return Finding(
            Verdict.PROBLEM,
            subject,
            f"{path} can be read by other users ({mode:04o}); fix with: chmod 700 '{path}'",
        )
    return Finding(Verdict.OK, subject, f"{path} (exists, writable, {mode:04o})")


def database_finding(path: Path) -> Finding:
    subject = "database"
    if not path.exists():
        return Finding(Verdict.OK, subject, f"{path} (not created yet: no sessions)")
    try:
        # Read-only: the doctor never migrates, repairs or moves anything.
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as error:
        return Finding(Verdict.PROBLEM, subject, f"{path} cannot be opened ({error})", True)
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            return Finding(
                Verdict.PROBLEM,
                subject,
                f"{path} is from a newer version (schema {version}, this version knows "
                f"{SCHEMA_VERSION}); update the app",
                unhealthy=True,
            )
        check = str(db.execute("PRAGMA integrity_check").fetchone()[0])
        if check != "ok":
            return Finding(
                Verdict.PROBLEM, subject, f"{path} failed its integrity check ({check})", True
            )
        sessions = int(db.execute("SELECT count(*) FROM sessions").fetchone()[0]) if version else 0
    except sqlite3.Error as error:
        return Finding(Verdict.PROBLEM, subject, f"{path} cannot be read ({error})", True)
    finally:
        db.close()
    upgrade = (
        f", upgraded to {SCHEMA_VERSION} at the next start" if version < SCHEMA_VERSION else ""
    )
    mode = stat.S_IMODE(path.stat().st_mode)
    access = "" if not mode & 0o077 else f"; readable by other users ({mode:04o})"
    count = "1 session" if sessions == 1 else f"{sessions} sessions"
    return Finding(
        Verdict.OK if not access else Verdict.PROBLEM,
        subject,
        f"{path}: schema {version}{upgrade}, integrity ok, {count}{access}",
    )


def _settings_finding(context: Context) -> Finding:
    settings = context.settings
    path = settings.path
    if not path.exists():
        return Finding(Verdict.OK, "settings", f"{path} (not created yet: all defaults)")
    if settings.problems:
        kept = f"; the file was kept as {settings.backup.name}" if settings.backup else ""
        return Finding(Verdict.PROBLEM, "settings", f"{path}: {'; '.join(settings.problems)}{kept}")
    return Finding(Verdict.OK, "settings", f"{path} (valid)")


# -- the app's own files ------------------------------------------------------------
def app_file_findings() -> list[Finding]:
    """Every guidance script and image the app reads, loaded as the app loads
    it: a broken install (files left out of a package) shows here by name."""
    from rls_companion.core import guidance

    findings: list[Finding] = []
    for name in guidance.SHIPPED:
        subject = f"guidance {name}"
        try:
            script = guidance.load_named(name)
        except ValueError as problem:
            findings.append(Finding(Verdict.PROBLEM, subject, str(problem), unhealthy=True))
            continue
        minutes = guidance.natural_seconds(script) / 60
        findings.append(
            Finding(
                Verdict.OK,
                subject,
                f"{script.title!r}, {len(script.segments)} parts, about {minutes:.1f} min",
            )
        )
    findings.extend(_image_finding(parts) for parts in image_files())
    return findings


def guidance_files() -> list[tuple[str, str]]:
    from rls_companion.core.guidance import SHIPPED

    return [("guidance", f"{name}.json") for name in SHIPPED]


def image_files() -> list[tuple[str, str]]:
    from rls_companion.ui.theme import THEMES

    return [("ui", f"chevron-{name}.svg") for name in THEMES] + [ICON]


def _image_finding(parts: tuple[str, str]) -> Finding:
    from PySide6.QtGui import QImage

    subject = f"image {'/'.join(parts)}"
    try:
        data = asset(*parts).read_bytes()
    except OSError as error:
        return Finding(Verdict.PROBLEM, subject, f"cannot be read ({error})", unhealthy=True)
    image = QImage.fromData(data)
    if image.isNull():
        return Finding(Verdict.PROBLEM, subject, "is not an image Qt can read", unhealthy=True)
    return Finding(Verdict.OK, subject, f"{image.width()}×{image.height()}")
