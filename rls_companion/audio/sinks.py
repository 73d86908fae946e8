"""Where the synthesized sound goes.

A sink pulls mono float32 blocks from a source callback. The Qt Multimedia
sink streams to the system's default output; the null sink plays nothing and
is what a session falls back to when no device exists or the device fails, so
sound problems never stop a session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from rls_companion.core.rate import SAMPLE_RATE

if TYPE_CHECKING:  # numpy is loaded only once a session makes sound
    from rls_companion.core.sound import Block

Source = Callable[[int, float], "Block"]
"""Called with (frames wanted, seconds of audio already queued ahead)."""


class Sink(Protocol):
    name: str
    sample_rate: int

    def start(self, source: Source) -> None: ...

    def stop(self) -> None: ...


class NullSink:
    """Plays nothing; the session runs silently."""

    name = "none"
    sample_rate = SAMPLE_RATE

    def start(self, source: Source) -> None:
        pass

    def stop(self) -> None:
        pass
