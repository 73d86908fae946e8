"""The guidance voice as samples, from the system's libespeak-ng (through ctypes).

A speech engine that plays by itself is mixed by the sound server: it can clip
on top of the session's sound and ignores the session's fade. Here espeak only
synthesizes, into memory, and the session mixes the voice itself, at a level
it chooses, under the same fade as everything else.

The library keeps global state, so a process has one engine (`load`), and
every call into it is serialized by a lock; call it from a worker thread,
never the GUI thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is loaded when there is something to say
    import numpy as np
    import numpy.typing as npt

ENGINE_NAME = "espeak-ng"  # as Settings and doctor name this engine
NOT_INSTALLED = "libespeak-ng is not installed"

# From espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2  # like RETRIEVAL, but espeak_Synth returns when all is done
_INITIALIZE_DONT_EXIT = 0x8000  # report missing data instead of calling exit()
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0
_EE_INTERNAL_ERROR = -1
_EE_NOT_FOUND = 2
_RATE = 1
_VOLUME = 2
RATE_MINIMUM = 80
RATE_MAXIMUM = 450
_FULL_VOLUME = 100  # espeak's normal level; above it espeak compresses and distorts

_LIBRARY_NAMES = ("libespeak-ng.so.1", "libespeak-ng.1.dylib", "libespeak-ng.dll")


class EspeakProblem(Exception):
    """Why the voice cannot be had, in words for the person using the app."""


@dataclass(frozen=True)
class EspeakVoice:
    name: str  # as espeak lists it, e.g. "English (America)"
    identifier: str  # what selects it, e.g. "gmw/en-US"
    locale: str  # Qt style, from the voice's first language: "en_US", "en", "es_419"


class _Voice(ctypes.Structure):
    """espeak_VOICE, as espeak_ListVoices returns it."""

    _fields_ = (
        ("name", ctypes.c_char_p),
        # Pairs of (priority byte, NUL-terminated language), ended by an empty one.
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


# int SynthCallback(short *wav, int numsamples, espeak_EVENT *events); the events are
# not read, so they stay an opaque pointer.
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

# Every call into the library, from any Espeak, goes through this lock: the
# library's state (voice, rate, callback, the voice list) is global.
_engine_lock = threading.Lock()
_instance_lock = threading.Lock()
_instance: Espeak | None = None


def qt_locale(language: str) -> str:
    """A Qt-style locale name for an espeak language: "en-us" -> "en_US",
    "en-gb-x-rp" -> "en_GB", "es-419" -> "es_419", "cmn-latn-pinyin" -> "cmn"."""
    parts = language.replace("_", "-").split("-")
    name = parts[0].lower()
    for part in parts[1:]:
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            return f"{name}_{part.upper()}"
        if len(part) != 4 or not part.isalpha():  # a script (Latn) may come first
            break
    return name


def _first_language(address: int | None) -> str:
    if not address or ctypes.string_at(address, 1) == b"\0":
        return ""
    return ctypes.string_at(address + 1).decode("utf-8", "replace")


def _text(value: bytes | None) -> str:
    return (value or b"").decode("utf-8", "replace")


class Espeak:
    """The process's espeak-ng engine; get it from `load`."""

    def __init__(self, library: ctypes.CDLL, sample_rate: int) -> None:
        self._lib = library
        self.sample_rate = sample_rate
        self._chunks: list[bytes] = []
        self._closed = False
        # Referenced for the life of the instance: espeak keeps only the C pointer.
        self._callback = _SynthCallback(self._collect)
        library.espeak_SetSynthCallback(self._callback)

    def _collect(
        self, wav: ctypes._Pointer[ctypes.c_short] | None, count: int, _events: int | None
    ) -> int:
        # A NULL buffer ends the utterance; a buffer may also be empty.
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * ctypes.sizeof(ctypes.c_short)))
        return 0  # 0 continues, 1 aborts

    def _check_open(self) -> None:
        if self._closed:
            raise EspeakProblem("the espeak-ng voice was closed")

    def voices(self) -> list[EspeakVoice]:
        """espeak's voices, mbrola ones left out (they need separate voice
        data and fail without it), and those naming no language."""
        with _engine_lock:
            self._check_open()
            table = self._lib.espeak_ListVoices(None)
            found: list[EspeakVoice] = []
            index = 0
            while table and table[index]:
                entry = table[index].contents
                index += 1
                identifier = _text(entry.identifier)
                locale = qt_locale(_first_language(entry.languages))
                if not identifier or identifier.startswith("mb/") or not locale:
                    continue
                name = _text(entry.name).replace("_", " ").strip() or identifier
                found.append(EspeakVoice(name=name, identifier=identifier, locale=locale))
            return found

    def synthesize(
        self, text: str, voice: EspeakVoice, words_per_minute: int
    ) -> npt.NDArray[np.float32]:
        """The whole utterance as mono float32 in [-1, 1] at `sample_rate`,
        silence at either end included."""
        import numpy as np

        if not text.strip():
            return np.zeros(0, dtype=np.float32)
        encoded = text.replace("\0", " ").encode("utf-8")
        rate = min(max(int(words_per_minute), RATE_MINIMUM), RATE_MAXIMUM)
        with _engine_lock:
            self._check_open()
            lib = self._lib
            status = lib.espeak_SetVoiceByName(voice.identifier.encode("utf-8"))
            if status == _EE_NOT_FOUND:
                raise EspeakProblem(f"espeak-ng has no voice {voice.name!r}")
            if status != _EE_OK:
                raise EspeakProblem(f"espeak-ng could not switch to the voice {voice.name!r}")
            # After the voice: choosing a voice may reset them.
            lib.espeak_SetParameter(_RATE, rate, 0)
            lib.espeak_SetParameter(_VOLUME, _FULL_VOLUME, 0)
            # Set again each time in case another Espeak was made (only `load`
            # should make one): the callback is as global as the rest.
            lib.espeak_SetSynthCallback(self._callback)
            self._chunks = []
            try:
                status = lib.espeak_Synth(
                    encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
                )
                pcm = b"".join(self._chunks)
            finally:
                self._chunks = []
        if status != _EE_OK:
            raise EspeakProblem("espeak-ng could not speak the text")
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
        samples *= 1.0 / 32768.0
        return samples

    def close(self) -> None:
        """Shut the library down; `load` afterwards starts it afresh."""
        global _instance
        with _instance_lock, _engine_lock:
            if self._closed:
                return
            self._closed = True
            self._lib.espeak_Terminate()
            if _instance is self:
                _instance = None


def _open_library() -> ctypes.CDLL:
    names = [ctypes.util.find_library("espeak-ng"), *_LIBRARY_NAMES]
    for name in names:
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    raise EspeakProblem(NOT_INSTALLED)


def _declare(lib: ctypes.CDLL) -> None:
    c_int, c_uint = ctypes.c_int, ctypes.c_uint
    c_char_p, c_void_p = ctypes.c_char_p, ctypes.c_void_p
    lib.espeak_Initialize.argtypes = (c_int, c_int, c_char_p, c_int)
    lib.espeak_Initialize.restype = c_int
    lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_ListVoices.argtypes = (c_void_p,)
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    lib.espeak_SetVoiceByName.argtypes = (c_char_p,)
    lib.espeak_SetVoiceByName.restype = c_int
    lib.espeak_SetParameter.argtypes = (c_int, c_int, c_int)
    lib.espeak_SetParameter.restype = c_int
    lib.espeak_Synth.argtypes = (
        c_char_p,  # text
        ctypes.c_size_t,  # size, in bytes with the terminating NUL
        c_uint,  # position
        c_int,  # position type
        c_uint,  # end position, 0 for none
        c_uint,  # flags
        ctypes.POINTER(c_uint),  # unique identifier out, may be NULL
        c_void_p,  # user data
    )
    lib.espeak_Synth.restype = c_int
    lib.espeak_Terminate.argtypes = ()
    lib.espeak_Terminate.restype = c_int


def load() -> Espeak:
    """The process's engine, started on first use. Raises EspeakProblem when
    libespeak-ng is missing or cannot start."""
    global _instance
    with _instance_lock:
        if _instance is not None:
            return _instance
        lib = _open_library()
        try:
            _declare(lib)
        except AttributeError as missing:
            raise EspeakProblem("the installed libespeak-ng is too old or incomplete") from missing
        with _engine_lock:
            rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_DONT_EXIT)
            if rate <= 0:
                lib.espeak_Terminate()  # frees what it set up; the next load tries again
                if rate == _EE_INTERNAL_ERROR:
                    raise EspeakProblem("libespeak-ng could not start")
                # With DONT_EXIT, missing data comes back as a rate of 0.
                raise EspeakProblem("libespeak-ng could not find its speech data (espeak-ng-data)")
            _instance = Espeak(lib, rate)
        return _instance
