"""Streaming output through Qt Multimedia (part of PySide6; no compiler needed).

Qt pulls bytes from a QIODevice whenever the device buffer has room; our
device renders exactly that many frames on demand. The buffer holds about half
a second, enough to ride out a busy moment without a dropout; the mixer
renders ahead by exactly what is queued, so cues still land on time.

When the output goes away mid-session (a USB headset unplugged, the sound
server's sink removed) Qt often says nothing: measured with PulseAudio, the
QAudioSink stays active without error and simply stops pulling, and the list
of outputs is not updated when the last one goes (when another is left,
PulseAudio moves the stream there and it plays on). So the sink watches its
own pulls: none for `STALL_SECONDS`, or none soon after its output left the
list, means the output is gone. It then reopens the
default output once; if that does not play either, the session goes on
silently (the window says so) until Qt reports a new output, which the sink
then plays on. Every restart fades in, so it never clicks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QIODevice, QObject, QTimer
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from rls_companion.audio.sinks import Source

log = logging.getLogger(__name__)

SAMPLE_RATE = 44100
BUFFER_SECONDS = 0.5
MAX_PULL_FRAMES = 4096
CHECK_MS = 1000
MOVE_GRACE_MS = 1500  # after an output is removed, this long to see if the stream moved
# Qt pulls about every 0.1 s, but a PulseAudio null sink has been seen to
# pause for a second; this long without a pull means the output is gone.
STALL_SECONDS = 3.0
# A new PulseAudio stream loses its first 10-20 ms (measured): a restart
# begins with this much silence, then fades in.
RESTART_SILENCE_SECONDS = 0.05
RESTART_FADE_SECONDS = 0.03


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
        self._fade = np.zeros(0)  # gains still to apply to the start of the stream

    def fade_in(self, silent: int, frames: int) -> None:
        """Begin with `silent` frames of silence, then fade in over `frames`
        (for a restart mid-stream: a new stream loses its first moments)."""
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, frames + 2)[1:-1])
        self._fade = np.concatenate((np.zeros(silent), ramp))

    def readData(self, maxlen: int) -> bytes:
        frames = min(maxlen // self._bytes_per_frame, MAX_PULL_FRAMES)
        if frames <= 0:
            return b""
        block = self._source(frames, self._lead())
        self.frames_rendered += frames
        if len(self._fade):
            count = min(len(self._fade), frames)
            block = block.copy()
            block[:count] *= self._fade[:count]
            self._fade = self._fade[count:]
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
        self.sample_rate = SAMPLE_RATE
        self._format = self._format_for(device)
        self._source: Source | None = None
        self._sink: QAudioSink | None = None
        self._device: _PullDevice | None = None
        self._pulled = 0  # frames pulled at the last check
        self._progress_at = 0.0  # when a check last found new pulls
        self._checked_at = 0.0
        self._retried = False  # reopened once since it last played
        self.lost = False  # silent, waiting for an output to appear
        self.restarts = 0
        # QAudioSink.stateChanged carries an enum PySide6 cannot convert, so
        # the sink's health is checked on a slow timer instead.
        self._watch = QTimer(self)
        self._watch.setInterval(CHECK_MS)
        self._watch.timeout.connect(self._check)
        self._outputs = QMediaDevices(self)
        self._outputs.audioOutputsChanged.connect(self._outputs_changed)

    @staticmethod
    def default_device() -> QAudioDevice | None:
        device = QMediaDevices.defaultAudioOutput()
        return None if device.isNull() else device

    @staticmethod
    def _format_for(device: QAudioDevice) -> QAudioFormat:
        fmt = QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Float)
        if not device.isFormatSupported(fmt):
            fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return fmt

    def _lead_seconds(self) -> float:
        sink = self._sink
        if sink is None:
            return 0.0
        queued = max(sink.bufferSize() - sink.bytesFree(), 0)
        return queued / (self._format.bytesPerFrame() * self.sample_rate)

    def start(self, source: Source) -> None:
        self._source = source
        self._open(self._device_info, fade_in=False)
        self._watch.start()

    def _open(self, device: QAudioDevice, fade_in: bool) -> None:
        assert self._source is not None
        self._device_info = device
        self._format = self._format_for(device)
        int16 = self._format.sampleFormat() == QAudioFormat.SampleFormat.Int16
        self._device = _PullDevice(self._source, self.sample_rate, int16, self._lead_seconds, self)
        if fade_in:
            self._device.fade_in(
                round(RESTART_SILENCE_SECONDS * self.sample_rate),
                round(RESTART_FADE_SECONDS * self.sample_rate),
            )
        self._device.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(device, self._format, self)
        self._sink.setBufferSize(
            int(BUFFER_SECONDS * self.sample_rate) * self._format.bytesPerFrame()
        )
        self._pulled = 0
        self._progress_at = self._checked_at = time.monotonic()
        self._sink.start(self._device)
        log.info(
            "audio: streaming to %s (%s)", device.description(), self._format.sampleFormat().name
        )

    def _check(self) -> None:
        sink, device = self._sink, self._device
        if sink is None or device is None:
            return
        error = sink.error()
        if error != QtAudio.Error.NoError:
            self._lose(f"it reported {error.name}")
            return
        now = time.monotonic()
        late = now - self._checked_at > 2 * CHECK_MS / 1000.0
        self._checked_at = now
        if device.frames_rendered != self._pulled or late:
            # New pulls; or this thread was busy, so Qt had no chance to pull.
            self._pulled = device.frames_rendered
            self._progress_at = now
            self._retried = self._retried and late
            return
        if now - self._progress_at >= STALL_SECONDS:
            self._lose("it stopped taking sound")

    def _outputs_changed(self) -> None:
        if self._source is None:
            return
        if self.lost:
            device = self.default_device()
            if device is not None:
                log.info("audio: an output appeared (%s): sound resumes", device.description())
                self.lost = False
                self._retried = True
                self.restarts += 1
                self._open(device, fade_in=True)
            return
        ids = {bytes(d.id().data()) for d in QMediaDevices.audioOutputs()}
        if self._device is not None and bytes(self._device_info.id().data()) not in ids:
            # The sound server may have moved the stream to another output
            # (PulseAudio does): then it goes on pulling and is left alone.
            stream = self._device
            pulled = stream.frames_rendered
            QTimer.singleShot(MOVE_GRACE_MS, self, lambda: self._after_removal(stream, pulled))

    def _after_removal(self, stream: _PullDevice, pulled: int) -> None:
        if stream is not self._device:
            return
        if stream.frames_rendered == pulled:
            self._lose("it was removed")
        else:
            log.info("audio: %s was removed; the stream plays on", self._device_info.description())

    def _lose(self, reason: str) -> None:
        log.warning("audio: lost %s: %s", self._device_info.description(), reason)
        self._close()
        device = self.default_device()
        if device is not None and not self._retried:
            self._retried = True
            self.restarts += 1
            self._open(device, fade_in=True)
            return
        self.lost = True
        self._on_failure(f"The sound output went away ({reason}).")

    def _close(self) -> None:
        sink, device = self._sink, self._device
        self._sink = self._device = None
        if sink is not None:
            sink.stop()
            sink.deleteLater()
        if device is not None:
            device.close()
            device.deleteLater()

    def stop(self) -> None:
        self._watch.stop()
        self._source = None
        self.lost = False
        self._close()
