"""The sound outputs a person can choose in Settings (`audio.backend`)."""

from __future__ import annotations

from enum import StrEnum


class Backend(StrEnum):
    AUTO = "auto"  # Qt Multimedia, else simpleaudio, else silence
    QT = "qt"
    SIMPLEAUDIO = "simpleaudio"
    NONE = "none"
