"""The simpleaudio sink against a stand-in for the simpleaudio module.

The stand-in keeps the buffer it is given (as simpleaudio does, without a
copy) and "plays" it at the sample rate by the clock, so the tests see what
the sink wrote where, how segments join, and what happens when the device
fails, without a sound server. Real playback is measured end to end in
tests/e2e.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from rls_companion.audio import simpleaudio_sink as sa_sink
from rls_companion.audio.output import choose_sink
from rls_companion.audio.sinks import NullSink
from rls_companion.core.outputs import Backend

RATE = sa_sink.SAMPLE_RATE


class FakeError(Exception):
    pass


# After a stop, simpleaudio's thread drains the device before it lets go of
# the buffer (and only then does is_playing() turn False).
DRAIN_SECONDS = 0.15


class FakePlay:
    def __init__(self, device: FakeDevice, buffer: Any) -> None:
        self.device = device
        self.view = memoryview(buffer)  # holds the caller's memory, like simpleaudio
        self.frames = len(self.view) // 2
        self.started = time.monotonic()
        self.stopped_at: float | None = None
        self.dies_at: float | None = None

    @property
    def stopped(self) -> bool:
        return self.stopped_at is not None

    def is_playing(self) -> bool:
        now = time.monotonic()
        if self.stopped_at is not None:
            return now < self.stopped_at + DRAIN_SECONDS
        if self.dies_at is not None and now >= self.dies_at:
            return False
        return now < self.started + self.frames / RATE

    def stop(self) -> None:
        if self.stopped_at is None:
            self.stopped_at = time.monotonic()

    def samples(self) -> npt.NDArray[np.int16]:
        return np.frombuffer(self.view, dtype="<i2").copy()


class FakeDevice:
    """What the stand-in module plays into; tests make it fail on demand."""

    def __init__(self) -> None:
        self.plays: list[FakePlay] = []
        self.opens_fail = False
        self.lock = threading.Lock()

    def play_buffer(self, buffer: Any, channels: int, width: int, rate: int) -> FakePlay:
        assert (channels, width, rate) == (1, 2, RATE)
        if self.opens_fail:
            raise FakeError("Error opening PCM device. -- CODE: -2 -- MSG: No such device")
        play = FakePlay(self, buffer)
        with self.lock:
            self.plays.append(play)
        return play


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch) -> FakeDevice:
    fake = FakeDevice()
    module = types.ModuleType("simpleaudio")
    module.play_buffer = fake.play_buffer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "simpleaudio", module)
    monkeypatch.setattr(sa_sink, "RETRY_SECONDS", 0.2)
    return fake


class Ramp:
    """A source whose every sample says where it is in the stream (mid-level)."""

    def __init__(self) -> None:
        self.frames = 0
        self.leads: list[float] = []
        self.sizes: list[int] = []  # frames asked for, call by call

    def __call__(self, frames: int, lead: float) -> npt.NDArray[np.float32]:
        self.leads.append(lead)
        self.sizes.append(frames)
        block = np.full(frames, 0.25, dtype=np.float32)
        self.frames += frames
        return block


@pytest.fixture
def parent() -> Iterator[QObject]:
    owner = QObject()
    yield owner
    owner.deleteLater()


def _start(
    parent: QObject, failures: list[str], segment_seconds: float = sa_sink.SEGMENT_SECONDS
) -> tuple[sa_sink.SimpleaudioSink, Ramp]:
    sink = sa_sink.SimpleaudioSink(parent, failures.append, segment_seconds=segment_seconds)
    source = Ramp()
    sink.start(source)
    return sink, source


def test_one_buffer_is_filled_ahead_of_playback_without_seams(
    qtbot: QtBot, device: FakeDevice, parent: QObject
) -> None:
    failures: list[str] = []
    sink, source = _start(parent, failures)
    try:
        qtbot.waitUntil(lambda: source.frames > int(1.2 * RATE), timeout=5000)
        [play] = device.plays
        samples = play.samples()
        heard = int((time.monotonic() - play.started) * RATE)
        lead_in = round(sa_sink.LEAD_IN_SECONDS * RATE)
        level = round(0.25 * 32767)
        # Silence first (a new stream loses its first moments), then the
        # sound, unbroken, from well before what is heard to the lead ahead.
        assert not samples[:lead_in].any()
        assert (samples[lead_in : heard + int(0.3 * RATE)] == level).all()
        # Rendering keeps about LEAD_SECONDS ahead of playback, never far more.
        assert max(source.leads) <= sa_sink.LEAD_SECONDS + 0.1
        assert len(device.plays) == 1 and sink.segments == 1
    finally:
        sink.stop()
    assert play.stopped
    assert failures == []


def test_the_thread_renders_a_fifth_of_a_second_at_a_time(
    qtbot: QtBot, device: FakeDevice, parent: QObject
) -> None:
    """Few wake-ups: one block per wake, each 0.2 s long (about five a second)."""
    failures: list[str] = []
    sink, source = _start(parent, failures)
    try:
        qtbot.waitUntil(lambda: source.frames > int(1.5 * RATE), timeout=5000)
    finally:
        sink.stop()
    # 0.2 s at 44 100 frames a second is 8820 frames: the opening lead
    # (0.04 s of silence, then 0.5 s) takes three such blocks, and every
    # block after it is one more.
    assert set(source.sizes) == {8820}
    assert len(source.sizes) == source.frames // 8820
    assert failures == []


def test_segments_join_with_a_fade_out_silence_and_a_fade_in(
    qtbot: QtBot, device: FakeDevice, parent: QObject
) -> None:
    failures: list[str] = []
    sink, _source = _start(parent, failures, segment_seconds=0.6)
    try:
        qtbot.waitUntil(lambda: len(device.plays) >= 3, timeout=5000)
    finally:
        sink.stop()
    first, second = device.plays[0].samples(), device.plays[1].samples()
    fade = round(sa_sink.FADE_SECONDS * RATE)
    lead_in = round(sa_sink.LEAD_IN_SECONDS * RATE)
    level = round(0.25 * 32767)
    # The first segment ends by fading to silence...
    assert first[-1] == 0 or abs(int(first[-1])) < 0.01 * level
    assert (np.abs(np.diff(first[-fade - 1 :].astype(int))) < 0.2 * level).all()
    assert first[-fade - 2] == level
    # ...the next one opens with silence and fades in: no step anywhere.
    assert not second[:lead_in].any()
    opening = second[lead_in : lead_in + fade + 1].astype(int)
    assert (np.diff(opening) >= 0).all() and opening[0] < 0.01 * level
    assert second[lead_in + fade + 1] == level
    assert failures == []


def test_a_device_that_will_not_open_means_silence_a_notice_and_retries(
    qtbot: QtBot, device: FakeDevice, parent: QObject
) -> None:
    device.opens_fail = True
    failures: list[str] = []
    sink, _source = _start(parent, failures)
    try:
        qtbot.waitUntil(lambda: len(failures) == 1, timeout=3000)
        assert "ALSA could not open its default output (No such device)" in failures[0]
        assert sink.lost
        device.opens_fail = False  # the output comes back
        qtbot.waitUntil(lambda: len(device.plays) == 1 and not sink.lost, timeout=3000)
    finally:
        sink.stop()
    assert len(failures) == 1  # told once


def test_a_stream_that_dies_is_reopened_once_then_reported(
    qtbot: QtBot, device: FakeDevice, parent: QObject
) -> None:
    failures: list[str] = []
    sink, _source = _start(parent, failures)
    try:
        qtbot.waitUntil(lambda: len(device.plays) == 1, timeout=3000)
        device.plays[0].dies_at = time.monotonic()
        # A single failure reopens the device at once, quietly.
        qtbot.waitUntil(lambda: len(device.plays) == 2, timeout=3000)
        assert failures == []
        device.plays[1].dies_at = time.monotonic()
        # A second one soon after means the device is gone: the window is told.
        qtbot.waitUntil(lambda: len(failures) == 1, timeout=3000)
        assert "went away" in failures[0]
    finally:
        sink.stop()


def test_stop_ends_the_thread_and_the_stream(
    qtbot: QtBot, device: FakeDevice, parent: QObject
) -> None:
    sink, source = _start(parent, [])
    qtbot.waitUntil(lambda: len(device.plays) == 1, timeout=3000)
    thread = sink._thread
    assert thread is not None
    sink.stop()
    assert not thread.is_alive()
    assert device.plays[0].stopped
    # simpleaudio has let go of the buffer: the process may now quit safely.
    assert not device.plays[0].is_playing()
    rendered = source.frames
    qtbot.wait(100)
    assert source.frames == rendered  # nothing renders after stop


def test_without_the_module_the_backend_is_silent_and_says_why(
    monkeypatch: pytest.MonkeyPatch, parent: QObject
) -> None:
    monkeypatch.setitem(sys.modules, "simpleaudio", None)  # import fails
    with pytest.raises(sa_sink.SimpleaudioProblem, match="'simpleaudio' extra"):
        sa_sink.load()
    choice = choose_sink(Backend.SIMPLEAUDIO, parent, lambda message: None)
    assert isinstance(choice.sink, NullSink)
    assert choice.notice is not None and "simpleaudio" in choice.notice
    assert "not installed" in choice.notice


def test_auto_falls_back_to_simpleaudio_when_qt_has_no_output(
    device: FakeDevice, parent: QObject
) -> None:
    # The tests' Qt sees no sound server, so `auto` goes on to simpleaudio.
    choice = choose_sink(Backend.AUTO, parent, lambda message: None)
    assert isinstance(choice.sink, sa_sink.SimpleaudioSink)
    assert choice.notice is None
    assert len(device.plays) == 1  # the device was tried before it was chosen
