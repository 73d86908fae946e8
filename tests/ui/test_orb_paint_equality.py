"""The orb drawn from its cached image looks as the gradient painted anew did.

Frames are taken from a real session on the fake clock (an inhale, the hold
after it, an exhale, the fade in and the fade out), and the same frames paused,
with an urge running, with a caption and with reduced motion; each is painted
by the reference (`orb_reference`, the painting as it was) and by the app's
`paint_frame`, in every theme, at device pixel ratio 1 and 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from fakes import FakeClock
from orb_reference import paint_frame as reference_paint
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from rls_companion.core.breathing import Phase
from rls_companion.ui.session.orb import Frame, OrbSprite, orb_geometry, paint_frame
from rls_companion.ui.shell.main_window import MainWindow
from rls_companion.ui.theme import THEMES, Theme

WIDTH, HEIGHT = 640, 480
MEAN_LEVELS = 2.0  # the most the pictures may differ, per channel, on average
CAPTION = "Let the weight of your legs sink into the bed."

Paint = Callable[[QPainter, QRectF, Theme, Frame], None]


def _picture(paint: Paint, theme: Theme, frame: Frame, ratio: int) -> np.ndarray:
    image = QImage(WIDTH * ratio, HEIGHT * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor(255, 0, 255))  # a colour neither painting leaves showing
    painter = QPainter(image)
    paint(painter, QRectF(0, 0, WIDTH, HEIGHT), theme, frame)
    painter.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).astype(int)


@pytest.fixture
def frames(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> dict[str, Frame]:
    """Moments of a 10-minute session breathing "box" (a 10 s breath: 2.5 s in,
    hold, out, hold), named by what they show."""
    window.context.settings.set("breathing.pattern", "box")
    window.start_session(minutes=10)
    view = window.session_view
    taken: dict[str, Frame] = {}

    def take(name: str, at: float) -> Frame:
        run = window.controller.run
        assert run is not None
        clock.advance(at - run.practice_seconds())
        frame = view.current_frame()
        assert frame is not None
        taken[name] = frame
        return frame

    take("fading in", 1.0)
    assert take("inhale", 61.5).breath.phase is Phase.INHALE  # 1.5 s into the breath
    assert take("hold", 63.5).breath.phase is Phase.HOLD_IN
    assert take("exhale", 66.2).breath.phase is Phase.EXHALE
    window.controller.toggle_pause()
    take("paused", 66.2)
    window.controller.toggle_pause()
    window.urges.mark()
    take("urge", 73.0)
    taken["caption"] = replace(taken["inhale"], caption=CAPTION)
    taken["reduced motion"] = replace(taken["exhale"], reduced_motion=True)
    take("fading out", 600 - 2.0)
    return taken


@pytest.mark.parametrize("ratio", [1, 2])
@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_the_cached_orb_looks_as_the_painted_gradient(
    frames: dict[str, Frame], theme: Theme, ratio: int
) -> None:
    names = {"fading in", "inhale", "hold", "exhale", "paused", "urge", "caption"}
    assert names | {"reduced motion", "fading out"} == set(frames)
    assert frames["urge"].urge_progress is not None and frames["urge"].urge_lines
    assert frames["paused"].paused
    assert frames["fading out"].fade < 0.5 and frames["fading in"].fade < 0.9
    sprite = OrbSprite()
    worst = []
    for name, frame in frames.items():
        old = _picture(reference_paint, theme, frame, ratio)
        new = _picture(lambda p, r, t, f: paint_frame(p, r, t, f, sprite), theme, frame, ratio)
        diff = np.abs(old - new)
        orb = orb_geometry(QRectF(0, 0, WIDTH, HEIGHT), frame)
        box = orb.change_from(orb.radius, ring=False).toAlignedRect()
        square = diff[
            box.top() * ratio : (box.bottom() + 1) * ratio,
            box.left() * ratio : (box.right() + 1) * ratio,
        ]
        whole_mean = diff.reshape(-1, 4).mean(axis=0).max()
        orb_mean = square.reshape(-1, 4).mean(axis=0).max()
        worst.append((name, round(float(orb_mean), 3), int(diff.max())))
        # Around the orb the background is left exactly as it was: on a light
        # theme a single level's step along a square's edge can be seen.
        corners = [(box.top(), box.left()), (box.bottom(), box.right())]
        for y, x in corners:
            assert (new[y * ratio + 1, x * ratio + 1] == old[y * ratio + 1, x * ratio + 1]).all()
        assert whole_mean <= MEAN_LEVELS, name
        assert orb_mean <= MEAN_LEVELS, name  # around the orb, where they could differ
    print(theme.name, ratio, worst)  # the figures, for `pytest -s`
    # All the moments of one theme at one size paint the gradient once.
    assert sprite.renders == 1


def test_a_still_orb_is_scaled_once_and_still_matches(frames: dict[str, Frame]) -> None:
    """With reduced motion the orb keeps its size and only its strength
    follows the breath: the scaled copy is made once, and every strength is
    still painted as the reference paints it."""
    theme = THEMES["night"]
    still = frames["reduced motion"]
    sprite = OrbSprite()
    strengths = set()
    for level in (0.0, 0.3, 0.6, 1.0):
        frame = replace(still, breath=replace(still.breath, level=level))
        strengths.add(round(orb_geometry(QRectF(0, 0, WIDTH, HEIGHT), frame).strength, 3))
        old = _picture(reference_paint, theme, frame, 1)
        new = _picture(lambda p, r, t, f: paint_frame(p, r, t, f, sprite), theme, frame, 1)
        assert np.abs(old - new).reshape(-1, 4).mean(axis=0).max() <= MEAN_LEVELS, level
    assert len(strengths) == 4  # four different pictures...
    assert sprite.scalings == 1  # ...from one scaled copy
    moving = replace(frames["inhale"], breath=replace(frames["inhale"].breath, level=0.2))
    _picture(lambda p, r, t, f: paint_frame(p, r, t, f, sprite), theme, moving, 1)
    assert sprite.scalings == 2  # a different size is scaled anew


@pytest.mark.parametrize("name", ["inhale", "reduced motion", "urge", "fading in"])
def test_a_repaint_of_the_orb_alone_paints_what_a_full_one_does_there(
    frames: dict[str, Frame], name: str
) -> None:
    """A repaint limited to the orb's square (as the view asks for between
    changes of the words) leaves the words out, yet every pixel inside the
    square is what a full repaint puts there; outside it nothing is touched."""
    theme = THEMES["night"]
    frame = frames[name]
    rect = QRectF(0, 0, WIDTH, HEIGHT)
    box = orb_geometry(rect, frame).change_from(0.0, frame.urge_progress is not None)
    box = QRectF(box.toAlignedRect())

    def clipped(p: QPainter, r: QRectF, t: Theme, f: Frame) -> None:
        p.setClipRect(box)
        paint_frame(p, r, t, f, OrbSprite(), region=box)

    full = _picture(paint_frame, theme, frame, 1)
    part = _picture(clipped, theme, frame, 1)
    top, left = int(box.top()), int(box.left())
    bottom, right = int(box.bottom()), int(box.right())
    assert (part[top:bottom, left:right] == full[top:bottom, left:right]).all()
    outside = np.ones(part.shape[:2], dtype=bool)
    outside[top:bottom, left:right] = False
    assert (part[outside] == [255, 0, 255, 255]).all()  # the fill colour, as bytes B, G, R, A


def test_the_comparison_sees_a_wrong_orb(frames: dict[str, Frame]) -> None:
    """A check on the check: an orb a tenth larger differs by more than the bound."""
    theme = THEMES["night"]
    frame = frames["inhale"]
    old = _picture(reference_paint, theme, frame, 1)
    larger = replace(frame, breath=replace(frame.breath, level=min(frame.breath.level + 0.2, 1)))
    new = _picture(paint_frame, theme, larger, 1)
    orb = orb_geometry(QRectF(0, 0, WIDTH, HEIGHT), larger)
    box = orb.change_from(orb.radius, ring=False).toAlignedRect()
    square = np.abs(old - new)[box.top() : box.bottom(), box.left() : box.right()]
    assert square.reshape(-1, 4).mean(axis=0).max() > MEAN_LEVELS
