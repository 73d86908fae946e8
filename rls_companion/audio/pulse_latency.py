"""How long the sound server holds this process's sound before it is heard.

Qt Multimedia says how much it has queued itself, but not what it has
already handed to PulseAudio, and that is most of the way to the ear: asked
for 200 ms, PulseAudio was measured holding about 130 ms (so every cue
rang 70 ms early); asked for 400 ms, about 220. The server knows: for each playback stream it
reports the sound in the stream's buffer and in the output's, the figures
`pactl list sink-inputs` prints. `ServerLatency` asks for them, through a
small libpulse client of its own (loaded with ctypes; libpulse is already in
the process whenever Qt plays through PulseAudio, or PipeWire's PulseAudio
server), for this process's streams, and keeps their mean over the last
`WINDOW_SECONDS`: a single reading swings by the size of the server's
requests.

Asking never blocks: the answer arrives on libpulse's own thread and is
kept for the next pull. Where there is no libpulse or no PulseAudio server,
it has nothing to say (`mean` stays None) and the caller falls back on
the latency it asked for.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import time
from collections import deque

log = logging.getLogger(__name__)

WINDOW_SECONDS = 10.0
PROCESS_ID_PROPERTY = b"application.process.id"
PA_CONTEXT_READY = 4
PA_CONTEXT_FAILED = 5
PA_CONTEXT_TERMINATED = 6
PA_CONTEXT_NOAUTOSPAWN = 1
CHANNELS_MAX = 32


class _SampleSpec(ctypes.Structure):
    _fields_ = [("format", ctypes.c_int), ("rate", ctypes.c_uint32), ("channels", ctypes.c_uint8)]


class _ChannelMap(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint8), ("map", ctypes.c_int * CHANNELS_MAX)]


class _Volume(ctypes.Structure):
    _fields_ = [("channels", ctypes.c_uint8), ("values", ctypes.c_uint32 * CHANNELS_MAX)]


class _SinkInputInfo(ctypes.Structure):
    """libpulse's pa_sink_input_info, as far as the figures wanted (pulse/introspect.h)."""

    _fields_ = [
        ("index", ctypes.c_uint32),
        ("name", ctypes.c_char_p),
        ("owner_module", ctypes.c_uint32),
        ("client", ctypes.c_uint32),
        ("sink", ctypes.c_uint32),
        ("sample_spec", _SampleSpec),
        ("channel_map", _ChannelMap),
        ("volume", _Volume),
        ("buffer_usec", ctypes.c_uint64),
        ("sink_usec", ctypes.c_uint64),
        ("resample_method", ctypes.c_char_p),
        ("driver", ctypes.c_char_p),
        ("mute", ctypes.c_int),
        ("proplist", ctypes.c_void_p),
    ]


_INFO_CALLBACK = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.POINTER(_SinkInputInfo), ctypes.c_int, ctypes.c_void_p
)


def _load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("pulse") or "libpulse.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    p, i = ctypes.c_void_p, ctypes.c_int
    signatures: dict[str, tuple[object, list[object]]] = {
        "pa_threaded_mainloop_new": (p, []),
        "pa_threaded_mainloop_get_api": (p, [p]),
        "pa_threaded_mainloop_start": (i, [p]),
        "pa_threaded_mainloop_stop": (None, [p]),
        "pa_threaded_mainloop_free": (None, [p]),
        "pa_threaded_mainloop_lock": (None, [p]),
        "pa_threaded_mainloop_unlock": (None, [p]),
        "pa_context_new": (p, [p, ctypes.c_char_p]),
        "pa_context_connect": (i, [p, ctypes.c_char_p, i, p]),
        "pa_context_disconnect": (None, [p]),
        "pa_context_unref": (None, [p]),
        "pa_context_get_state": (i, [p]),
        "pa_context_get_sink_input_info_list": (p, [p, _INFO_CALLBACK, p]),
        "pa_operation_unref": (None, [p]),
        "pa_proplist_gets": (ctypes.c_char_p, [p, ctypes.c_char_p]),
    }
    try:
        for function, (result, arguments) in signatures.items():
            entry = getattr(lib, function)
            entry.restype = result
            entry.argtypes = arguments
    except AttributeError:
        return None
    return lib


class ServerLatency:
    """The sound server's hold on this process's playback, in seconds, averaged."""

    def __init__(self, pid: int | None = None) -> None:
        self._pid = str(os.getpid() if pid is None else pid).encode()
        self._lib: ctypes.CDLL | None = None
        self._loop: int | None = None
        self._context: int | None = None
        self._readings: deque[tuple[float, float]] = deque()
        self._lock = threading.Lock()
        # This round's streams (index, seconds), while the answer arrives.
        self._pending: list[tuple[int, float]] = []
        # Kept referenced: libpulse calls it from its own thread.
        self._callback = _INFO_CALLBACK(self._on_info)
        self.rounds = 0  # questions answered, for tests

    def open(self) -> bool:
        """Connect to the sound server (without starting one). False if it cannot."""
        lib = _load()
        if lib is None:
            return False
        loop = lib.pa_threaded_mainloop_new()
        if not loop:
            return False
        context = lib.pa_context_new(lib.pa_threaded_mainloop_get_api(loop), b"rls-companion")
        if not context:
            lib.pa_threaded_mainloop_free(loop)
            return False
        self._lib, self._loop, self._context = lib, loop, context
        if lib.pa_context_connect(context, None, PA_CONTEXT_NOAUTOSPAWN, None) < 0:
            self.close()
            return False
        if lib.pa_threaded_mainloop_start(loop) < 0:
            self.close()
            return False
        return True

    def ask(self) -> bool:
        """Ask for the figures of this process's streams; the answer comes
        later. False when not asked (not connected yet, or not at all)."""
        lib, loop, context = self._lib, self._loop, self._context
        if lib is None or loop is None or context is None:
            return False
        lib.pa_threaded_mainloop_lock(loop)
        try:
            if lib.pa_context_get_state(context) != PA_CONTEXT_READY:
                return False
            operation = lib.pa_context_get_sink_input_info_list(context, self._callback, None)
            if not operation:
                return False
            lib.pa_operation_unref(operation)
            return True
        finally:
            lib.pa_threaded_mainloop_unlock(loop)

    @property
    def failed(self) -> bool:
        """The connection to the server failed or ended (or was never made)."""
        lib, loop, context = self._lib, self._loop, self._context
        if lib is None or loop is None or context is None:
            return True
        lib.pa_threaded_mainloop_lock(loop)
        try:
            state = lib.pa_context_get_state(context)
        finally:
            lib.pa_threaded_mainloop_unlock(loop)
        return state in (PA_CONTEXT_FAILED, PA_CONTEXT_TERMINATED)

    def newest(self) -> tuple[float, float] | None:
        """The newest reading: when it came (time.monotonic()) and its seconds."""
        with self._lock:
            return self._readings[-1] if self._readings else None

    def mean(self, since: float = 0.0) -> float | None:
        """The mean of the readings of the last WINDOW_SECONDS taken at or after
        `since` (a time.monotonic() time); None while there is none."""
        with self._lock:
            values = [value for at, value in self._readings if at >= since]
        return sum(values) / len(values) if values else None

    def close(self) -> None:
        lib, loop, context = self._lib, self._loop, self._context
        self._lib = self._loop = self._context = None
        if lib is None:
            return
        if loop is not None:
            lib.pa_threaded_mainloop_stop(loop)  # no callback runs after this
        if context is not None:
            lib.pa_context_disconnect(context)
            lib.pa_context_unref(context)
        if loop is not None:
            lib.pa_threaded_mainloop_free(loop)

    # -- on libpulse's thread -------------------------------------------------
    def _on_info(
        self,
        _context: int | None,
        info: ctypes._Pointer[_SinkInputInfo],
        eol: int,
        _userdata: int | None,
    ) -> None:
        if eol:  # the list is complete (or failed: eol < 0)
            found, self._pending = self._pending, []
            if eol > 0 and found:
                # A restart can leave the old stream draining briefly: the newest counts.
                self._keep(max(found)[1])
            self.rounds += 1
            return
        entry = info.contents
        lib = self._lib
        if lib is None or not entry.proplist:
            return
        if lib.pa_proplist_gets(entry.proplist, PROCESS_ID_PROPERTY) == self._pid:
            self._pending.append((entry.index, (entry.buffer_usec + entry.sink_usec) / 1e6))

    def _keep(self, seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            self._readings.append((now, seconds))
            while self._readings and now - self._readings[0][0] > WINDOW_SECONDS:
                self._readings.popleft()
