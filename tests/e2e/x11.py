"""What a window manager would do, for an X server that has none.

Closing a window the way a title bar's close button does (WM_DELETE_WINDOW;
`xdotool windowclose` destroys the window instead, behind the app's back) and
moving the keyboard focus away, so a test can see the app take it back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from contextlib import contextmanager

CLIENT_MESSAGE = 33
REVERT_TO_PARENT = 2
CURRENT_TIME = 0


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _Event(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def _xlib() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11")
    assert name, "libX11 is not installed"
    lib = ctypes.cdll.LoadLibrary(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_Event),
    ]
    lib.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


@contextmanager
def _display(name: str) -> Iterator[tuple[ctypes.CDLL, int]]:
    lib = _xlib()
    display = lib.XOpenDisplay(name.encode())
    assert display, f"cannot open X display {name}"
    try:
        yield lib, display
    finally:
        lib.XSync(display, 0)
        lib.XCloseDisplay(display)


def close_window(display_name: str, window: int) -> None:
    """Ask the window to close, as a window manager's close button does."""
    with _display(display_name) as (lib, display):
        event = _Event()
        event.xclient.type = CLIENT_MESSAGE
        event.xclient.window = window
        event.xclient.message_type = lib.XInternAtom(display, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = lib.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
        lib.XSendEvent(display, window, 0, 0, ctypes.byref(event))


def focus_nothing(display_name: str) -> None:
    """Give the keyboard focus back to the root window."""
    with _display(display_name) as (lib, display):
        root = lib.XDefaultRootWindow(display)
        lib.XSetInputFocus(display, root, REVERT_TO_PARENT, CURRENT_TIME)
