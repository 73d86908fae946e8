"""Windows on the bench's X server, driven from outside the process that owns them.

There is usually no window manager on the bench's Xvfb, and iconifying is a
window manager's job: `xdotool windowminimize` only sends the ICCCM
WM_CHANGE_STATE request to the root window. When nothing acts on it, the
bench does what an ICCCM window manager does on that request (set the
window's WM_STATE to IconicState, then unmap it) through libX11, so that the
toolkit sees a minimized, unexposed window exactly as it would on a desktop.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import time

import numpy as np

ICONIC_STATE = 3
PROP_MODE_REPLACE = 0


def _env(display: str) -> dict[str, str]:
    return {**os.environ, "DISPLAY": display}


def window_id(title: str, display: str) -> str | None:
    """The first visible window whose name matches `title` (a regex), or None."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title],
        env=_env(display),
        capture_output=True,
        text=True,
    )
    words = found.stdout.split()
    return words[0] if found.returncode == 0 and words else None


def viewable(window: str, display: str) -> bool:
    info = subprocess.run(
        ["xwininfo", "-id", window], env=_env(display), capture_output=True, text=True
    ).stdout
    return "Map State: IsViewable" in info


def _iconify_as_window_manager(window: str, display: str) -> None:
    name = ctypes.util.find_library("X11")
    if name is None:
        raise RuntimeError("libX11 was not found")
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XChangeProperty.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    x11.XUnmapWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        raise RuntimeError(f"cannot open display {display}")
    try:
        wm_state = x11.XInternAtom(connection, b"WM_STATE", 0)
        # Format-32 property data is passed to Xlib as C longs: state, icon window.
        data = (ctypes.c_long * 2)(ICONIC_STATE, 0)
        x11.XChangeProperty(
            connection,
            int(window),
            wm_state,
            wm_state,
            32,
            PROP_MODE_REPLACE,
            ctypes.cast(data, ctypes.c_void_p),
            2,
        )
        x11.XUnmapWindow(connection, int(window))
        x11.XSync(connection, 0)
    finally:
        x11.XCloseDisplay(connection)


def minimize(window: str, display: str) -> str:
    """Minimize a window; returns how it was done (for the report)."""
    subprocess.run(["xdotool", "windowminimize", window], env=_env(display), check=True)
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        if not viewable(window, display):
            return "xdotool windowminimize (the window manager iconified it)"
        time.sleep(0.05)
    _iconify_as_window_manager(window, display)
    if viewable(window, display):
        raise RuntimeError("the window is still viewable after iconifying it")
    return (
        "xdotool windowminimize, then (no window manager on the X server) WM_STATE "
        "IconicState and an unmap, as a window manager does"
    )


def brightest_level(window: str, display: str) -> int | None:
    """The brightest grey level (0-255) in a window's picture, or None if it cannot be read."""
    shot = subprocess.run(
        ["import", "-window", window, "-colorspace", "gray", "-depth", "8", "gray:-"],
        env=_env(display),
        capture_output=True,
    )
    if shot.returncode != 0 or not shot.stdout:
        return None
    return int(np.frombuffer(shot.stdout, dtype=np.uint8).max())


def press(window: str, display: str, key: str) -> None:
    """Give a window the keyboard focus and type a key into it (XTEST, not a sent event)."""
    subprocess.run(["xdotool", "windowfocus", "--sync", window], env=_env(display), check=True)
    subprocess.run(["xdotool", "key", key], env=_env(display), check=True)
