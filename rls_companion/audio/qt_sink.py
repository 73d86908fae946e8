"""Streaming output through Qt Multimedia (part of PySide6; no compiler needed).

Qt pulls bytes from a QIODevice whenever the device buffer has room; our
device renders exactly that many frames on demand. The buffer holds about half
a second, enough to ride out a busy moment without a dropout; the mixer
renders ahead by exactly what is queued, so cues still land on time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QIODevice, QObject, QTimer
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from rls_companion.audio.sinks import Source

log = logging.getLogger(__name__)

BUFFER_SECONDS = 0.5
MAX_PULL_FRAMES = 4096


class _PullDevice(QIODevice):
    def __init__(
        self, source: Source, rate: int, int16: bool, lead: Callable[[], float], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._int16 = int16
        self._bytes_per_frame = 2 if int16 else 4
        self._lead = lead
        self.frames_rendered = 0

    def readData(self, maxlen: int) -> bytes:
        frames = min(maxlen // self._bytes_per_frame, MAX_PULL_FRAMES)
        if frames <= 0:
            return b""
        block = self._source(frames, self._lead())
        self.frames_rendered += frames
        if self._int16:
            return (np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        return block.astype("<f4").tobytes()

    def writeData(self, data: bytes | bytearray | memoryview, length: int, /) -> int:
        return -1

    def isSequential(self) -> bool:
        return True

    def bytesAvailable(self) -> int:
        return MAX_PULL_FRAMES * self._bytes_per_frame


class QtSink(QObject):
    name = "qt"

    def __init__(
        self, device: QAudioDevice, parent: QObject, on_failure: Callable[[str], None]
    ) -> None:
        super().__init__(parent)
        self._device_info = device
        self._on_failure = on_failure
        fmt = QAudioFormat()
        fmt.setSampleRate(44100)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Float)
        if not device.isFormatSupported(fmt):
            fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self.sample_rate = fmt.sampleRate()
        self._format = fmt
        self._sink: QAudioSink | None = None
        self._device: _PullDevice | None = None
        # QAudioSink.stateChanged carries an enum PySide6 cannot convert, so
        # the sink's health is checked on a slow timer instead.
        self._watch = QTimer(self)
        self._watch.setInterval(1000)
        self._watch.timeout.connect(self._check)

    @staticmethod
    def default_device() -> QAudioDevice | None:
        device = QMediaDevices.defaultAudioOutput()
        return None if device.isNull() else device

    def _lead_seconds(self) -> float:
        sink = self._sink
        if sink is None:
            return 0.0
        queued = max(sink.bufferSize() - sink.bytesFree(), 0)
        return queued / (self._format.bytesPerFrame() * self.sample_rate)

    def start(self, source: Source) -> None:
        int16 = self._format.sampleFormat() == QAudioFormat.SampleFormat.Int16
        self._device = _PullDevice(source, self.sample_rate, int16, self._lead_seconds, self)
        self._device.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(self._device_info, self._format, self)
        self._sink.setBufferSize(
            int(BUFFER_SECONDS * self.sample_rate) * self._format.bytesPerFrame()
        )
        self._watch.start()
        self._sink.start(self._device)
        log.info(
            "audio: streaming to %s (%s)",
            self._device_info.description(),
            self._format.sampleFormat().name,
        )

    def _check(self) -> None:
        sink = self._sink
        if sink is None:
            return
        error = sink.error()
        if error != QtAudio.Error.NoError:
            log.warning("audio: output failed (%s)", error.name)
            self.stop()
            self._on_failure(f"The sound output stopped working ({error.name}).")

    def stop(self) -> None:
        self._watch.stop()
        sink, device = self._sink, self._device
        self._sink = self._device = None
        if sink is not None:
            sink.stop()
            sink.deleteLater()
        if device is not None:
            device.close()
            device.deleteLater()
