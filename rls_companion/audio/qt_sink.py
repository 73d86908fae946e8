"""Streaming output through Qt Multimedia (part of PySide6; no compiler needed).

Qt pulls bytes from a QIODevice whenever its buffer has room; our device
renders exactly that many frames on demand. Qt's buffer holds
`BUFFER_SECONDS`, and the sound server about `PULSE_LATENCY_MS` more (see
below): about half a second in all, enough to ride out a busy moment
without a dropout. The mixer is told the lead of both (what Qt has queued plus the
latency asked of the server), so cues still land on time.

The stream lives on the sink's own thread (a QThread with its own event
loop): the QAudioSink, the device it pulls from and the timer that watches
them are made, run and closed there, so Qt's pulls, and the source callback
they call, run on that thread. Painting the window, or anything else that
keeps the GUI thread busy, no longer stops the pulls (tests/audio keeps the
GUI thread busy for 1.5 s: Qt's buffer stays full). The caller makes the
source safe to call there (the session controller holds a lock around the
mixer). Rendering is Python, so it still needs the interpreter lock: a GUI
thread that ran Python without pause would hold it up, but one that paints
and then waits for events leaves it ample time (measured: no hole under load).

Qt 6.10 and later hand the sound to PulseAudio through a buffer of only
about 17 ms, which libpulse's own thread refills from Qt's buffer. With every
core busy that thread is sometimes later than that and the output underruns:
holes of 6-93 ms in a two-minute session with two spinning processes per core
(tests/e2e/test_audio_under_load_e2e.py), whichever thread Qt pulled on.
libpulse reads a latency request from the environment (PULSE_LATENCY_MSEC)
when a stream connects, so the sink asks for `PULSE_LATENCY_MS` there unless
the user asked for a latency already; the same session then has no hole.
Earlier Qt asks the server for a buffer of `BUFFER_SECONDS` itself.

What the server then holds is not what was asked (about 130 ms of 200, 220
of 400, measured), and Qt cannot say. So the sink asks the server itself
(`pulse_latency.ServerLatency`) and tells the mixer Qt's queue plus the
server's mean hold. An output that was idle may hold far more at first, so
a new stream plays silence until the server's hold has settled (at most
`SETTLE_LIMIT_SECONDS`), and the very first sound is placed right; then it
fades in. (The mixer only steers slowly towards a changed lead: told a
wrong one at first, the first cues rang up to 0.1 s off.)

When the output goes away mid-session (a USB headset unplugged, the sound
server's sink removed) Qt often says nothing: measured with PulseAudio, the
QAudioSink stays active without error and simply stops pulling, and the list
of outputs is not updated when the last one goes (when another is left,
PulseAudio moves the stream there and it plays on). So the sink watches its
own pulls: none for `STALL_SECONDS`, or none soon after its output left the
list, means the output is gone. It then reopens the
default output once; if that does not play either, the session goes on
silently (the window says so) until Qt reports a new output, which the sink
then plays on. Every restart fades in, so it never clicks. Changes to the
list of outputs are watched on the GUI thread (a QMediaDevices made there;
with PulseAudio its signal also reaches other threads, but that is not
promised) and passed on to the sink's thread, which reads the list itself.
A lost output is reported to the window on the GUI thread.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QIODevice,
    QObject,
    QThread,
    QTimer,
    Signal,
    Slot,
    qVersion,
)
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from rls_companion.audio.audio_only import use_audio_only
from rls_companion.audio.pulse_latency import ServerLatency
from rls_companion.audio.sinks import Source
from rls_companion.core.rate import SAMPLE_RATE
from rls_companion.core.sound import raised_cosine

log = logging.getLogger(__name__)

BUFFER_SECONDS = 0.3
# Asked of PulseAudio for the server's side of the stream (Qt 6.10 and later
# ask for 17 ms, too little on a busy machine; see above). Each request of
# the server for sound wakes libpulse's thread and then the sink's; a longer
# latency means fewer, larger requests (measured over a session on a null
# sink: 200 ms, about 38 wake-ups a second between the two threads; 400 ms,
# about 18; 500 ms, about 15). What the server holds of it is measured, not
# assumed (see above), so cues land on their breath whatever it holds.
PULSE_LATENCY_MS = 500
# A new stream's hold settles before its sound starts: an output that was
# idle may first hold far more than asked (a PulseAudio null sink held 1.7 s,
# then drained to its usual 0.3-0.45 s over about two seconds). The hold
# counts as settled once a reading at least SETTLE_SECONDS after the stream
# opened is within SETTLE_MARGIN_SECONDS of the latency asked for; only
# readings from then on are counted.
SETTLE_SECONDS = 0.3
SETTLE_MARGIN_SECONDS = 0.1
# Not settled by then (or no answer from the server): the sound starts
# anyway, with the readings from then on (or, without any, the latency asked).
SETTLE_LIMIT_SECONDS = 2.5
ASK_EARLY_MS = 100  # how often the server is asked while a stream settles
ASK_EVERY_CHECKS = 2  # then every this many checks (each wakes libpulse's thread 3 times)
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
# stop() waits this long for the sink's thread to close the stream and end
# (it takes a millisecond or so; one pull in progress at most adds another).
STOP_WAIT_MS = 2000

# Threads that did not end within STOP_WAIT_MS: kept, so that a QThread still
# running is never destroyed (Qt aborts the process if it is).
_stragglers: list[QThread] = []


class _PullDevice(QIODevice):
    def __init__(
        self,
        source: Source,
        rate: int,
        int16: bool,
        lead: Callable[[], float],
        ready: Callable[[], bool],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._rate = rate
        self._int16 = int16
        self._bytes_per_frame = 2 if int16 else 4
        self._lead = lead
        self._ready = ready
        self._started = False  # the source has been asked for sound
        self.frames_rendered = 0
        self._fade = np.zeros(0)  # gains still to apply to the start of the stream

    def fade_in(self, silent: int, frames: int) -> None:
        """Begin with `silent` frames of silence, then fade in over `frames`
        (for a restart mid-stream: a new stream loses its first moments)."""
        self._fade = np.concatenate((np.zeros(silent), raised_cosine(frames)))

    def readData(self, maxlen: int) -> bytes:
        frames = min(maxlen // self._bytes_per_frame, MAX_PULL_FRAMES)
        if frames <= 0:
            return b""
        self.frames_rendered += frames
        if not self._started:
            if not self._ready():
                return bytes(frames * self._bytes_per_frame)  # silence, in either format
            self._started = True
            if not len(self._fade):
                self._fade = raised_cosine(round(RESTART_FADE_SECONDS * self._rate))
        block = self._source(frames, self._lead())
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


class _Status:
    """What the sink's thread tells the GUI thread (plain values: read at any time)."""

    def __init__(self) -> None:
        self.lost = False  # silent, waiting for an output to appear
        self.restarts = 0


def _server_latency_seconds() -> float:
    """Ask PulseAudio for a server-side buffer of PULSE_LATENCY_MS; the
    latency asked for, in seconds (0 where Qt's own buffer is the server's).

    The request is an environment variable of the whole process (libpulse
    reads it for every stream, ALSA's PulseAudio plugin too). It is set on
    the GUI thread before the sink's thread starts: changing the environment
    while another thread reads it is not safe.
    """
    major, minor = (int(part) for part in qVersion().split(".")[:2])
    if (major, minor) < (6, 10):
        return 0.0  # Qt asks the server for a buffer of BUFFER_SECONDS itself
    asked = os.environ.setdefault("PULSE_LATENCY_MSEC", str(PULSE_LATENCY_MS))
    try:
        return max(int(asked), 0) / 1000.0
    except ValueError:
        return 0.0


def _default_device() -> QAudioDevice | None:
    use_audio_only()
    device = QMediaDevices.defaultAudioOutput()
    return None if device.isNull() else device


class _Stream(QObject):
    """The output stream and its watch. Made, used and closed on the sink's thread."""

    failed = Signal(str)

    def __init__(
        self, device: QAudioDevice, source: Source, rate: int, latency: float, status: _Status
    ) -> None:
        super().__init__()
        self._device_info = device
        self._source = source
        self._rate = rate
        self._latency = latency  # held by the sound server, beyond Qt's buffer
        self._status = status
        self._format = _format_for(device)
        self._sink: QAudioSink | None = None
        self._device: _PullDevice | None = None
        self._pulled = 0  # frames pulled at the last check
        self._progress_at = 0.0  # when a check last found new pulls
        self._checked_at = 0.0
        self._retried = False  # reopened once since it last played
        self._checks = 0
        self._server = ServerLatency()
        self._opened_at = 0.0
        self._settled = False  # the server's hold of the newest stream is known (or given up)
        self._counted_from = 0.0  # readings of the server's hold from then on are counted
        self._ask_early = QTimer(self)
        self._ask_early.setInterval(ASK_EARLY_MS)
        self._ask_early.timeout.connect(self._settle)
        # QAudioSink.stateChanged carries an enum PySide6 cannot convert, so
        # the sink's health is checked on a slow timer instead.
        self._watch = QTimer(self)
        self._watch.setInterval(CHECK_MS)
        self._watch.timeout.connect(self._check)

    def begin(self) -> None:
        if self._latency > 0.0 and not self._server.open():
            log.info("audio: cannot ask the sound server what it holds; assuming it is as asked")
        self._open(self._device_info, fade_in=False)
        self._watch.start()

    def end(self) -> None:
        self._watch.stop()
        self._ask_early.stop()
        self._close()
        self._server.close()

    def _server_seconds(self) -> float | None:
        """What the server holds of the newest stream, once it has settled."""
        return self._server.mean(since=self._counted_from) if self._settled else None

    def _lead_seconds(self) -> float:
        sink = self._sink
        if sink is None:
            return 0.0
        queued = max(sink.bufferSize() - sink.bytesFree(), 0)
        held = self._server_seconds()
        return queued / (self._format.bytesPerFrame() * self._rate) + (
            self._latency if held is None else held
        )

    def _ready(self) -> bool:
        """Whether the newest stream may start its sound: the server's hold is
        known, or there is none to know, or it did not answer in time."""
        if not self._settled:
            self._settle()
        return self._settled

    def _settle(self) -> None:
        now = time.monotonic()
        newest = self._server.newest()
        if self._latency == 0.0:
            self._settled = True
        elif (
            newest is not None
            and newest[0] >= self._opened_at + SETTLE_SECONDS
            and newest[1] <= self._latency + SETTLE_MARGIN_SECONDS
        ):
            self._settled, self._counted_from = True, newest[0]
        elif now - self._opened_at >= SETTLE_LIMIT_SECONDS:
            self._settled, self._counted_from = True, newest[0] if newest is not None else now
            log.info("audio: the sound server's hold did not settle in time: sound starts anyway")
        else:
            self._server.ask()
        if self._settled:
            self._ask_early.stop()

    def _open(self, device: QAudioDevice, fade_in: bool) -> None:
        self._device_info = device
        self._format = _format_for(device)
        int16 = self._format.sampleFormat() == QAudioFormat.SampleFormat.Int16
        self._device = _PullDevice(
            self._source, self._rate, int16, self._lead_seconds, self._ready, self
        )
        if fade_in:
            self._device.fade_in(
                round(RESTART_SILENCE_SECONDS * self._rate),
                round(RESTART_FADE_SECONDS * self._rate),
            )
        self._device.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(device, self._format, self)
        self._sink.setBufferSize(int(BUFFER_SECONDS * self._rate) * self._format.bytesPerFrame())
        self._pulled = 0
        self._progress_at = self._checked_at = self._opened_at = time.monotonic()
        self._settled = False
        self._server.ask()
        self._ask_early.start()
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
        self._checks += 1
        if self._checks % ASK_EVERY_CHECKS == 0:
            self._server.ask()
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

    @Slot()
    def outputs_changed(self) -> None:
        if self._status.lost:
            device = _default_device()
            if device is not None:
                log.info("audio: an output appeared (%s): sound resumes", device.description())
                self._status.lost = False
                self._retried = True
                self._status.restarts += 1
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
        device = _default_device()
        if device is not None and not self._retried:
            self._retried = True
            self._status.restarts += 1
            self._open(device, fade_in=True)
            return
        self._status.lost = True
        self.failed.emit(f"The sound output went away ({reason}).")

    def _close(self) -> None:
        sink, device = self._sink, self._device
        self._sink = self._device = None
        if sink is not None:
            sink.stop()
            sink.deleteLater()
        if device is not None:
            device.close()
            device.deleteLater()


def _format_for(device: QAudioDevice) -> QAudioFormat:
    fmt = QAudioFormat()
    fmt.setSampleRate(SAMPLE_RATE)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Float)
    if not device.isFormatSupported(fmt):
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return fmt


class _StreamThread(QThread):
    """The sink's own thread: its event loop runs the stream from start to close."""

    outputs_changed = Signal()  # emitted on the GUI thread, handled on this one
    failed = Signal(str)  # emitted on this thread, handled on the GUI thread

    def __init__(
        self, device: QAudioDevice, source: Source, rate: int, latency: float, status: _Status
    ) -> None:
        super().__init__()
        self.setObjectName("qt-audio-sink")
        self._device = device
        self._source = source
        self._rate = rate
        self._latency = latency
        self._status = status

    def run(self) -> None:
        stream = _Stream(self._device, self._source, self._rate, self._latency, self._status)
        self.outputs_changed.connect(stream.outputs_changed)
        stream.failed.connect(self.failed)
        try:
            stream.begin()
            self.exec()
        finally:
            stream.end()
            # Deleted here, before the thread ends (QThread deletes what is
            # left to delete on its way out), never from another thread.
            stream.deleteLater()


class QtSink(QObject):
    """Streams the session through Qt Multimedia, from the sink's own thread.

    `on_failure` is called on the thread that made the sink (the GUI thread).
    """

    name = "qt"

    def __init__(
        self, device: QAudioDevice, parent: QObject, on_failure: Callable[[str], None]
    ) -> None:
        super().__init__(parent)
        self._device_info = device
        self._on_failure = on_failure
        self.sample_rate = SAMPLE_RATE
        self._latency = _server_latency_seconds()
        self._status = _Status()
        self._thread: _StreamThread | None = None
        use_audio_only()
        self._outputs = QMediaDevices(self)
        self._outputs.audioOutputsChanged.connect(self._outputs_changed)
        # Quitting mid-session must end the thread: Qt aborts the process
        # when a QThread that is still running is destroyed.
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def lost(self) -> bool:
        """Silent, waiting for an output to appear."""
        return self._status.lost

    @property
    def restarts(self) -> int:
        """Times the stream was reopened (after a loss, or when an output appeared)."""
        return self._status.restarts

    @staticmethod
    def default_device() -> QAudioDevice | None:
        return _default_device()

    def start(self, source: Source) -> None:
        self.stop()
        thread = _StreamThread(
            self._device_info, source, self.sample_rate, self._latency, self._status
        )
        thread.failed.connect(self._failed)
        self._thread = thread
        thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.quit()
            if not thread.wait(QDeadlineTimer(STOP_WAIT_MS)):
                log.warning("audio: the Qt sink's thread did not stop in time")
                _stragglers.append(thread)
        self._status.lost = False

    def _outputs_changed(self) -> None:
        thread = self._thread
        if thread is not None:
            thread.outputs_changed.emit()

    def _failed(self, message: str) -> None:
        if self._thread is not None:  # not once stopped
            self._on_failure(message)
