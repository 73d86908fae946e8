"""Choosing a sink from the `audio.backend` setting.

`auto` tries Qt Multimedia first, then simpleaudio; `qt` and `simpleaudio`
use only that one. When the chosen output cannot play, the session goes on
silently and the window says so once, quietly, naming the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from rls_companion.audio.sinks import NullSink, Sink
from rls_companion.core.outputs import Backend

log = logging.getLogger(__name__)

NO_OUTPUT = "No sound output was found; the session runs silently."


@dataclass
class Choice:
    sink: Sink
    notice: str | None = None


def choose_sink(backend: Backend, parent: QObject, on_failure: Callable[[str], None]) -> Choice:
    if backend is Backend.NONE:
        return Choice(NullSink())
    if backend in (Backend.AUTO, Backend.QT):
        from rls_companion.audio.qt_sink import QtSink

        device = QtSink.default_device()
        if device is not None:
            return Choice(QtSink(device, parent, on_failure))
        if backend is Backend.QT:
            return Choice(NullSink(), NO_OUTPUT)
    if backend in (Backend.AUTO, Backend.SIMPLEAUDIO):
        from rls_companion.audio import simpleaudio_sink

        try:
            # Opening the device is the only reliable test that ALSA can play.
            simpleaudio_sink.probe(wait=False)
            return Choice(simpleaudio_sink.SimpleaudioSink(parent, on_failure))
        except simpleaudio_sink.SimpleaudioProblem as problem:
            log.info("audio: simpleaudio unavailable: %s", problem)
            if backend is Backend.SIMPLEAUDIO:
                return Choice(
                    NullSink(),
                    f"Sound through simpleaudio is not available: {problem}. "
                    "The session runs silently; 'auto' in Settings may find another output.",
                )
    return Choice(NullSink(), NO_OUTPUT)
