"""Qt Multimedia for sound output only, without a media backend.

The first use of Qt Multimedia loads a media backend: a plugin for players,
recorders, cameras and video. On Linux the PySide6 wheels ship one, built on
FFmpeg, and loading it maps FFmpeg, Qt Quick, QML and OpenSSL into the
process and probes for hardware video decoders: 12.8 MiB of resident memory
for a QAudioSink playing through PulseAudio (58.2 against 45.4 MiB,
measured). The app needs none of it. QMediaDevices and QAudioSink run on Qt
Multimedia's own audio code (PulseAudio on Linux), which Qt keeps using when
no backend loads.

So Qt Multimedia is first used while Qt's plugin search path is empty: Qt
then settles on its built-in fallback for the whole process, and says so in
a warning, which is expected here and dropped. The search path is put back
at once, for every other plugin (speech engines, image formats). Where Qt
Multimedia was already in use, this changes nothing.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, qInstallMessageHandler
from PySide6.QtMultimedia import QMediaDevices

FALLBACK_NOTICE = "No QtMultimedia backends found"

_done = False


def use_audio_only() -> None:
    """Settle Qt Multimedia on sound devices only; call before its first use."""
    global _done
    if _done:
        return
    _done = True
    previous: Any = None

    def drop_notice(kind: Any, context: Any, message: str) -> None:
        if message.startswith(FALLBACK_NOTICE):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(drop_notice)
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        QMediaDevices.defaultAudioOutput()  # builds Qt Multimedia's backend, here the fallback
    finally:
        QCoreApplication.setLibraryPaths(paths)
        qInstallMessageHandler(previous)
