"""Choosing a sink from the `audio.backend` setting.

`auto` uses Qt Multimedia; when it can play the
session goes on silently and the window says so once, quietly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from rls_companion.audio.sinks import NullSink, Sink

log = logging.getLogger(__name__)


@dataclass
class Choice:
    sink: Sink
    notice: str | None = None


def choose_sink(backend: str, parent: QObject, on_failure: Callable[[str], None]) -> Choice:
    if backend == "none":
        return Choice(NullSink())
    if backend in ("auto", "qt"):
        from rls_companion.audio.qt_sink import QtSink

        device = QtSink.default_device()
        if device is not None:
            return Choice(QtSink(device, parent, on_failure))
        if backend == "qt":
            return Choice(NullSink(), "No sound output was found; the session runs silently.")
    if backend == "simpleaudio":
        return Choice(
            NullSink(),
            "Sound through simpleaudio is not available in this version; "
            "the session runs silently. Choose 'auto' in Settings.",
        )
    return Choice(NullSink(), "No sound output was found; the session runs silently.")
