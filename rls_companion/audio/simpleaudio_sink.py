"""Streaming output through simpleaudio (the optional `simpleaudio` extra).

simpleaudio plays whole buffers, and every `play_buffer` call opens the
device afresh. Chaining short buffers leaves a hole between them: measured
through ALSA's PulseAudio plugin, 60-70 ms of silence between 0.25-0.5 s
blocks when the next block is started as soon as the previous one is done
(`wait_done`), and on an idle PulseAudio sink a new stream also loses its
first 10-20 ms. Starting the next buffer early does not help: stream start-up
varies by tens of milliseconds (the first by 100 ms), so overlapping buffers
double up, cut each other's starts, or still leave a hole.

What does work: simpleaudio never copies the buffer it is given; its playback
thread reads the caller's memory as it goes (simpleaudio 1.0.4, all three
platforms). So the sink hands it one long buffer (a segment of
`segment_seconds`, anonymous memory) and a background thread renders the
session into it a little ahead of playback, a fifth of a second at a time (so
it wakes about five times a second): no seams at all within a segment.
Memory already played is handed back to the system as it goes, so a long
segment costs a few seconds of memory, not its length.

Between segments (every ten minutes by default) the device is reopened: the
old segment ends with a 20 ms fade, the new one starts with 40 ms of silence
and a 20 ms fade in. The hole cannot be avoided, but it is a soft dip (about
60 ms below -50 dBFS between the fades, measured), never a click.
A device that fails is reopened at once; if that fails too, the session goes
on silently, the window says so, and the device is tried again every few
seconds, so sound comes back when an output does.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import mmap
import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer

from rls_companion.audio.sinks import Source
from rls_companion.core.rate import SAMPLE_RATE
from rls_companion.core.sound import raised_cosine

log = logging.getLogger(__name__)

BYTES_PER_SAMPLE = 2  # int16: what every ALSA device takes
SEGMENT_SECONDS = 600.0
LEAD_SECONDS = 0.5  # rendered ahead of playback: rides out a busy moment
# Rendered at a time: the thread wakes about five times a second (the breath
# changes slowly; a short block would only mean more wake-ups on a battery).
BLOCK_SECONDS = 0.2
BLOCK_FRAMES = round(BLOCK_SECONDS * SAMPLE_RATE)
# A new stream on an idle PulseAudio sink loses its first 10-20 ms (measured):
# a segment starts with this much silence.
LEAD_IN_SECONDS = 0.04
FADE_SECONDS = 0.02  # at either side of a hole between segments
# simpleaudio's thread reads up to about 0.2 s ahead of what is heard (its
# 100 ms device buffer plus one write): memory further ahead may still change.
READ_AHEAD_SECONDS = 0.25
RELEASE_BEHIND_SECONDS = 5.0  # played memory older than this goes back to the system
STALL_SECONDS = 2.0  # a segment still "playing" this long after its end is stuck
RETRY_WINDOW_SECONDS = 10.0  # a second failure within this long means the device is gone
RETRY_SECONDS = 5.0  # while silent, the device is tried again this often
PROBE_SECONDS = 0.05
SILENT_LEVEL = 2  # int16 steps: anything this quiet may stop without a fade
# Playback trails the clock estimate by the device's latency, and more after
# the sound server moved the stream (measured 0.3-0.4 s once; on another day
# stopping 0.5 s after the fade's place cut the session's fade-out at -35 dBFS
# in 5 of 6 runs, and 1.0 s in none of 3): a fade is heard by this long after
# its place in the buffer comes up. Only a stop with sound still sounding waits.
OUTPUT_LATENCY_SECONDS = 1.0
# After a stop, simpleaudio's own thread drains the device, then takes the
# GIL to let go of the buffer: a process that quits before then leaves that
# thread calling into a Python that is shutting down. A stop waits this long
# at most for it to finish.
RELEASE_SECONDS = 2.0
# Stopping waits for the fade to be heard and for simpleaudio to let go.
JOIN_SECONDS = OUTPUT_LATENCY_SECONDS + RELEASE_SECONDS + 1.0
WATCH_MS = 1000  # how often the GUI thread looks for news from the rendering thread


class SimpleaudioProblem(Exception):
    """simpleaudio is missing or cannot play; the message is for the user."""


def load() -> ModuleType:
    """The simpleaudio module, or SimpleaudioProblem saying why not."""
    try:
        import simpleaudio
    except ImportError:
        raise SimpleaudioProblem(
            "the simpleaudio package is not installed "
            "(install rls-companion with the 'simpleaudio' extra)"
        ) from None
    _quiet_alsa()
    module: ModuleType = simpleaudio
    return module


def _plain(error: Exception) -> str:
    """simpleaudio's 'Error opening PCM device. -- CODE: -2 -- MSG: ...' in a few words."""
    text = str(error)
    reason = text.rsplit("MSG:", 1)[-1].strip() if "MSG:" in text else text
    return f"ALSA could not open its default output ({reason or 'no reason given'})"


def play(module: ModuleType, data: Any, rate: int = SAMPLE_RATE) -> Any:
    """Start playing int16 mono `data`; SimpleaudioProblem if the device will not open."""
    try:
        return module.play_buffer(data, 1, BYTES_PER_SAMPLE, rate)
    except Exception as error:  # simpleaudio raises its own SimpleaudioError
        raise SimpleaudioProblem(_plain(error)) from error


def stop_playing(player: Any) -> None:
    """Stop `player` and wait until simpleaudio's thread has let go of its
    buffer (at most RELEASE_SECONDS)."""
    player.stop()
    deadline = time.monotonic() + RELEASE_SECONDS
    pause = threading.Event()
    while player.is_playing() and time.monotonic() < deadline:
        pause.wait(0.005)
    if player.is_playing():
        log.warning("audio: simpleaudio did not let go of a stopped stream in time")


def probe(seconds: float = PROBE_SECONDS, wait: bool = True) -> None:
    """Play a moment of silence through ALSA's default output.

    Raises SimpleaudioProblem when the module is missing or the device will
    not open; with `wait`, also when playback does not finish in time.
    """
    module = load()
    silence = bytes(round(seconds * SAMPLE_RATE) * BYTES_PER_SAMPLE)
    playing = play(module, silence)
    if not wait:
        return
    deadline = time.monotonic() + seconds + STALL_SECONDS
    pause = threading.Event()
    while playing.is_playing():
        if time.monotonic() > deadline:
            playing.stop()
            raise SimpleaudioProblem("ALSA opened its default output but it did not play")
        pause.wait(0.005)


_ALSA_HANDLER: Any = None


def _quiet_alsa() -> None:
    """Send ALSA's error chatter (printed straight to the terminal) to the log."""
    global _ALSA_HANDLER
    if _ALSA_HANDLER is not None:
        return
    try:
        alsa = ctypes.CDLL(ctypes.util.find_library("asound") or "libasound.so.2")
    except OSError:
        _ALSA_HANDLER = False
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )

    def handler(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
        log.debug("alsa: %s (%s:%d, error %d)", function.decode(errors="replace"), file, line, err)

    _ALSA_HANDLER = handler_type(handler)
    alsa.snd_lib_error_set_handler(_ALSA_HANDLER)


Int16 = npt.NDArray[np.int16]


class _Segment:
    """One long buffer that simpleaudio plays while it is being filled."""

    def __init__(self, frames: int, rate: int) -> None:
        self.frames = frames
        self.rate = rate
        self.memory = mmap.mmap(-1, frames * BYTES_PER_SAMPLE)
        self.samples: Int16 = np.frombuffer(self.memory, dtype="<i2")
        self.lead_in = round(LEAD_IN_SECONDS * rate)
        self.written = self.lead_in  # the lead-in is already silence
        self.fade_in_at: int | None = None  # where the sound fades in, if it does
        self.released = 0
        self.started: float | None = None
        self.player: Any = None

    def start(self, module: ModuleType) -> None:
        self.player = play(module, self.memory, self.rate)
        self.started = time.monotonic()

    def played(self) -> float:
        """Frames heard so far, by the monotonic clock (0 before it starts)."""
        if self.started is None:
            return 0.0
        return (time.monotonic() - self.started) * self.rate

    @property
    def end_time(self) -> float:
        assert self.started is not None
        return self.started + self.frames / self.rate

    def release_behind(self, played: float) -> None:
        """Give memory that has been played back to the system."""
        if not hasattr(mmap, "MADV_DONTNEED"):
            return
        behind = int(played - RELEASE_BEHIND_SECONDS * self.rate) * BYTES_PER_SAMPLE
        upto = behind - behind % mmap.PAGESIZE
        if upto - self.released >= 256 * mmap.PAGESIZE:
            self.memory.madvise(mmap.MADV_DONTNEED, self.released, upto - self.released)
            self.released = upto


class SimpleaudioSink(QObject):
    """Streams the session through simpleaudio, rendered on a background thread.

    The source is called from that thread; the caller makes it safe to call
    there (the session controller holds a lock around the mixer).
    """

    name = "simpleaudio"
    sample_rate = SAMPLE_RATE

    def __init__(
        self,
        parent: QObject | None,
        on_failure: Callable[[str], None],
        segment_seconds: float = SEGMENT_SECONDS,
    ) -> None:
        super().__init__(parent)
        self._module = load()
        self._on_failure = on_failure
        self._segment_frames = round(segment_seconds * SAMPLE_RATE)
        if self._segment_frames * BYTES_PER_SAMPLE >= 2**31:
            raise ValueError("simpleaudio plays at most 2 GB at a time")
        if segment_seconds < LEAD_IN_SECONDS + LEAD_SECONDS + 2 * FADE_SECONDS:
            raise ValueError(f"a segment of {segment_seconds} s is too short to stream")
        self._lead_frames = round(LEAD_SECONDS * SAMPLE_RATE)
        self._fade_frames = round(FADE_SECONDS * SAMPLE_RATE)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._source: Source | None = None
        self.problem: str | None = None  # the latest failure, for the window
        self._reported: str | None = None
        self.lost = False  # silent, trying the device again now and then
        self.segments = 0  # opened so far
        self.underruns = 0  # times rendering fell behind playback
        # The thread cannot call into Qt; a slow timer passes its news on
        # (once a second is soon enough for a notice, and wakes the GUI
        # thread no more often than that).
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._watch.timeout.connect(self._check)

    # -- called on the GUI thread ----------------------------------------
    def start(self, source: Source) -> None:
        self._source = source
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="simpleaudio-sink", daemon=True)
        self._thread.start()
        self._watch.start()
        # Quitting mid-session must not cut the sound off: the thread would
        # die with the process in the middle of a note.
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        log.info("audio: streaming through simpleaudio (ALSA default output)")

    def stop(self) -> None:
        self._watch.stop()
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=JOIN_SECONDS)
            if thread.is_alive():
                log.warning("audio: the simpleaudio thread did not stop in time")

    def _check(self) -> None:
        problem = self.problem
        if problem is not None and problem != self._reported:
            self._reported = problem
            log.warning("audio: simpleaudio output failed (%s)", problem)
            self._on_failure(f"The sound output stopped working ({problem}).")

    # -- the rendering thread ----------------------------------------------
    def _run(self) -> None:
        try:
            self._stream()
        except Exception as error:
            log.exception("audio: rendering failed")
            self.problem = f"rendering failed: {error}"

    def _stream(self) -> None:
        failures: list[float] = []
        fade_in = False  # the very first segment starts from the session's own silence
        ended_at: float | None = None
        while not self._stopping.is_set():
            try:
                segment = self._open(fade_in, ended_at)
            except SimpleaudioProblem as problem:
                # Silent until a device opens again; the window is told once.
                self.problem = str(problem)
                self.lost = True
                fade_in, ended_at = True, None
                self._stopping.wait(RETRY_SECONDS)
                continue
            if self.lost:
                log.info("audio: simpleaudio output works again")
                self.lost = False
            finished = self._fill(segment)
            if finished is None:  # stopping
                return
            ended_at = time.monotonic()
            fade_in = True
            if finished:
                continue
            failures = [t for t in failures if ended_at - t < RETRY_WINDOW_SECONDS]
            failures.append(ended_at)
            log.warning("audio: the simpleaudio stream ended early; reopening the device")
            if len(failures) > 1:
                self.problem = "the output device went away"
                self.lost = True
                ended_at = None
                self._stopping.wait(RETRY_SECONDS)

    def _render(self, segment: _Segment, frames: int) -> None:
        assert self._source is not None
        lead = (segment.written - segment.played()) / segment.rate
        block = np.asarray(self._source(frames, lead), dtype=np.float64)
        start = segment.written
        fade_in_at = segment.fade_in_at
        if fade_in_at is not None and start < fade_in_at + self._fade_frames:
            ramp = raised_cosine(self._fade_frames, rising=True)
            lo = max(fade_in_at, start)
            hi = min(fade_in_at + self._fade_frames, start + frames)
            block[: lo - start] = 0.0
            block[lo - start : hi - start] *= ramp[lo - fade_in_at : hi - fade_in_at]
        fade_out_at = segment.frames - self._fade_frames
        if start + frames > fade_out_at:
            ramp = raised_cosine(self._fade_frames, rising=False)
            lo = max(fade_out_at, start)
            block[lo - start :] *= ramp[lo - fade_out_at : start + frames - fade_out_at]
        np.clip(block, -1.0, 1.0, out=block)
        block *= 32767.0
        segment.samples[start : start + frames] = np.rint(block)
        segment.written += frames

    def _open(self, fade_in: bool, ended_at: float | None) -> _Segment:
        segment = _Segment(self._segment_frames, SAMPLE_RATE)
        if fade_in:
            segment.fade_in_at = segment.lead_in
        if ended_at is not None and self._source is not None:
            # The session moved on while the device was reopened (and the
            # new segment starts with silence): skip that much of the sound,
            # so it stays in step without being sped up.
            hole = time.monotonic() - ended_at + LEAD_IN_SECONDS
            skip = min(round(hole * SAMPLE_RATE), SAMPLE_RATE)
            if skip > 0:
                self._source(skip, 0.0)
        # simpleaudio starts reading at once: fill the lead before it plays.
        while segment.written < segment.lead_in + self._lead_frames:
            self._render(segment, min(BLOCK_FRAMES, segment.frames - segment.written))
        segment.start(self._module)
        self.segments += 1
        return segment

    def _fill(self, segment: _Segment) -> bool | None:
        """Keep the segment filled ahead of playback until it ends.

        True when it played to its end, False when it ended early (the
        device went away), None when the sink is stopping.
        """
        rate = segment.rate
        while segment.written < segment.frames:
            if self._stopping.is_set():
                self._wind_down(segment)
                return None
            if not segment.player.is_playing():
                return False
            played = segment.played()
            if segment.written < played + READ_AHEAD_SECONDS * rate:
                # Fell behind: what was not written in time is heard as a
                # dropout. Jump ahead and fade back in rather than click again.
                self.underruns += 1
                log.warning("audio: rendering fell behind playback (%d)", self.underruns)
                segment.written = min(int(played + self._lead_frames), segment.frames)
                segment.fade_in_at = segment.written
                continue
            if segment.written < played + self._lead_frames:
                frames = min(BLOCK_FRAMES, segment.frames - segment.written)
                self._render(segment, frames)
                segment.release_behind(played)
                continue
            ahead = (segment.written - played - self._lead_frames) / rate
            self._stopping.wait(max(ahead, 0.005))
        # Everything is written: wait for the segment to play out.
        while segment.player.is_playing():
            remaining = segment.end_time - time.monotonic()
            if self._stopping.is_set():
                self._wind_down(segment)
                return None
            if remaining < -STALL_SECONDS:
                stop_playing(segment.player)
                return False
            self._stopping.wait(max(remaining - 0.02, 0.002) if remaining > 0.05 else 0.002)
        return time.monotonic() >= segment.end_time - READ_AHEAD_SECONDS

    def _wind_down(self, segment: _Segment) -> None:
        """Stop without a click: fade out what simpleaudio has not read yet,
        let the fade play, then stop the stream (stopping drops what the
        device still holds, measured through PulseAudio)."""
        rate = segment.rate
        played = segment.played()
        safe = min(int(played + READ_AHEAD_SECONDS * rate), segment.written)
        # Playback can trail the clock estimate (a stream the sound server
        # moved to another output paused meanwhile), so the last second
        # counts as still to be heard.
        recent = segment.samples[max(int(played - rate), 0) : segment.written]
        if len(recent) and int(np.max(np.abs(recent.astype(np.int32)))) > SILENT_LEVEL:
            end = min(safe + self._fade_frames, segment.written)
            fading = segment.samples[safe:end].astype(np.float64)
            fading *= raised_cosine(self._fade_frames, rising=False)[: end - safe]
            segment.samples[safe:end] = np.rint(fading)
            segment.samples[end : segment.written] = 0
            assert segment.started is not None
            heard = segment.started + end / rate + OUTPUT_LATENCY_SECONDS
            pause = threading.Event()
            while time.monotonic() < heard and segment.player.is_playing():
                pause.wait(0.01)
        stop_playing(segment.player)
