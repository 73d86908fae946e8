"""Painting the breathing orb and the words around it.

Everything drawn is computed from the session clock at paint time; the frame
timer only asks for repaints, so a late frame simply shows the right moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPen

from rls_companion.core.breathing import PHASE_WORDS, BreathState, Phase
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.orb_sprite import (
    HALO_SCALE,
    RING_SCALE,
    OrbGeometry,
    OrbSprite,
    breathing_orb,
    paint_orb,
)

__all__ = [
    "HALO_SCALE",
    "RING_SCALE",
    "Frame",
    "OrbGeometry",
    "OrbSprite",
    "breathing_orb",
    "clock_text",
    "countdown_text",
    "frame_keys",
    "orb_geometry",
    "paint_frame",
    "paint_orb",
]


@dataclass(frozen=True)
class Frame:
    """What one painted frame shows."""

    breath: BreathState
    fade: float  # 0 dark .. 1 full
    stage_title: str
    remaining_seconds: float
    progress: float  # 0..1 through the session
    paused: bool
    reduced_motion: bool
    urge_progress: float | None = None  # 0..1 towards the urge target, while one runs
    urge_lines: tuple[str, ...] = ()  # prompt, count and safety line of an urge episode
    caption: str = ""  # the guidance being spoken (shown when no urge runs)


def countdown_text(breath: BreathState) -> str:
    return str(max(math.ceil(breath.segment_remaining - 1e-6), 1))


def clock_text(seconds: float) -> str:
    whole = max(math.ceil(seconds), 0)
    return f"{whole // 60}:{whole % 60:02d}"


# The orb's edge is a soft gradient: a step this small in its size cannot be seen.
RADIUS_STEP = 2.5


def orb_geometry(rect: QRectF, frame: Frame) -> OrbGeometry:
    center = QPointF(rect.center().x(), rect.top() + rect.height() * 0.38)
    r_max = min(rect.width(), rect.height()) * 0.26
    return breathing_orb(center, r_max, frame.breath.level, frame.reduced_motion, frame.fade)


def frame_keys(rect: QRectF, frame: Frame) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What a frame shows, quantised to what the eye can tell apart.

    The first key covers the orb and ring (repainted alone), the second the
    words and the progress line (a full repaint). Two frames with equal keys
    look the same, so no repaint is needed between them.
    """
    orb = orb_geometry(rect, frame)
    ring = None
    if frame.urge_progress is not None:
        ring = round(frame.urge_progress * 2 * math.pi * orb.r_max * RING_SCALE / 2)
    orb_key = (round(orb.radius / RADIUS_STEP), round(orb.strength * 40), ring)
    text_key = (
        frame.paused,
        PHASE_WORDS[frame.breath.phase],
        countdown_text(frame.breath),
        frame.stage_title,
        clock_text(frame.remaining_seconds),
        round(frame.progress * rect.width() / 3),
        frame.urge_lines,
        frame.caption,
        round(frame.fade * 32),
    )
    return orb_key, text_key


def paint_frame(
    p: QPainter,
    rect: QRectF,
    theme: Theme,
    frame: Frame,
    sprite: OrbSprite | None = None,
    region: QRectF | None = None,
) -> None:
    """Paint `frame` into `rect`; `sprite` keeps the orb's image between frames.

    `region` is what needs painting (None: all of it). Words wholly outside
    it are not laid out at all: the painter would clip them away anyway, and
    laying out text is most of the cost of a small repaint.
    """

    def needed(area: QRectF) -> bool:
        return region is None or region.intersects(area)

    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(rect, theme.color("background"))
    fade = frame.fade
    orb = orb_geometry(rect, frame)
    center, r_max = orb.center, orb.r_max
    (sprite or OrbSprite()).draw(p, orb, theme)
    if frame.urge_progress is not None:
        _paint_urge_ring(p, center, r_max * RING_SCALE, theme, frame.urge_progress)

    text_alpha = 0.35 + 0.65 * fade
    small_px = max(int(rect.height() * 0.028), 15)
    words_top = center.y() + r_max + rect.height() * 0.04
    if needed(QRectF(rect.left(), words_top, rect.width(), rect.bottom() - words_top)):
        _paint_words(p, rect, words_top, small_px, theme, frame, text_alpha)

    margin = max(rect.width() * 0.04, 24.0)
    top = QRectF(
        rect.left() + margin,
        rect.top() + margin * 0.6,
        rect.width() - 2 * margin,
        small_px * 2.0,
    )
    if needed(top):
        p.setFont(_sized_font(p, small_px, QFont.Weight.Normal))
        p.setPen(theme.color("muted", text_alpha))
        flags = Qt.AlignmentFlag.AlignVCenter
        p.drawText(top, Qt.AlignmentFlag.AlignLeft | flags, frame.stage_title)
        remaining = f"{clock_text(frame.remaining_seconds)} left"
        p.drawText(top, Qt.AlignmentFlag.AlignRight | flags, remaining)
    if needed(QRectF(rect.left(), rect.bottom() - PROGRESS_REACH, rect.width(), PROGRESS_REACH)):
        _paint_progress(p, rect, margin, theme, frame.progress, text_alpha)


def _sized_font(p: QPainter, pixel_size: int, weight: QFont.Weight) -> QFont:
    """The painter's font at `pixel_size` and `weight`."""
    font = QFont(p.font())
    font.setPixelSize(pixel_size)
    font.setWeight(weight)
    return font


def _paint_words(
    p: QPainter,
    rect: QRectF,
    words_top: float,
    small_px: int,
    theme: Theme,
    frame: Frame,
    text_alpha: float,
) -> None:
    """Under the orb: the phase word, the count (or hint), then the urge lines or caption."""
    word = "Paused" if frame.paused else PHASE_WORDS[frame.breath.phase]
    big = _sized_font(p, max(int(rect.height() * 0.05), 22), QFont.Weight.Light)
    p.setFont(big)
    p.setPen(theme.color("text", text_alpha))
    line = big.pixelSize() * 1.6
    p.drawText(
        QRectF(rect.left(), words_top, rect.width(), line), Qt.AlignmentFlag.AlignCenter, word
    )
    small = _sized_font(p, small_px, QFont.Weight.Normal)
    p.setFont(small)
    p.setPen(theme.color("muted", text_alpha))
    sub = "Space to continue" if frame.paused else countdown_text(frame.breath)
    if frame.reduced_motion and not frame.paused:
        sub = f"{_reduced_hint(frame.breath.phase)} · {sub}"
    sub_line = small.pixelSize() * 1.8
    p.drawText(
        QRectF(rect.left(), words_top + line, rect.width(), sub_line),
        Qt.AlignmentFlag.AlignCenter,
        sub,
    )
    below = words_top + line + sub_line
    if frame.urge_lines:
        _paint_urge_lines(p, rect, below, small, theme, frame.urge_lines)
    elif frame.caption:
        _paint_caption(p, rect, below, small, theme, frame.caption, text_alpha)


def _paint_urge_lines(
    p: QPainter, rect: QRectF, top: float, font: QFont, theme: Theme, lines: tuple[str, ...]
) -> None:
    """The urge prompt (largest), then the count and the safety line."""
    y = top
    for i, text in enumerate(lines):
        line_font = QFont(font)
        if i == 0:
            line_font.setPixelSize(round(font.pixelSize() * 1.15))
        p.setFont(line_font)
        p.setPen(theme.color("text" if i == 0 else "muted", 0.9 if i == 0 else 0.8))
        height = line_font.pixelSize() * 1.5
        p.drawText(QRectF(rect.left(), y, rect.width(), height), Qt.AlignmentFlag.AlignCenter, text)
        y += height


def _paint_caption(
    p: QPainter, rect: QRectF, top: float, font: QFont, theme: Theme, text: str, alpha: float
) -> None:
    """Guidance words, wrapped to a comfortable measure under the orb."""
    caption_font = QFont(font)
    caption_font.setPixelSize(round(font.pixelSize() * 1.15))
    p.setFont(caption_font)
    p.setPen(theme.color("text", 0.85 * alpha))
    width = min(rect.width() * 0.8, caption_font.pixelSize() * 34.0)
    box = QRectF(rect.center().x() - width / 2, top, width, rect.bottom() - top - 14)
    p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, text)


def _reduced_hint(phase: Phase) -> str:
    return {Phase.INHALE: "slowly fill", Phase.EXHALE: "slowly empty"}.get(phase, "rest")


def _paint_urge_ring(
    p: QPainter, center: QPointF, radius: float, theme: Theme, progress: float
) -> None:
    """A calm arc that fills clockwise from the top towards the urge target."""
    box = QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius)
    pen = QPen(theme.color("faint", 0.7), 3.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(pen)
    p.drawEllipse(box)
    pen.setColor(theme.color("accent", 0.9))
    pen.setWidthF(4.0)
    p.setPen(pen)
    p.drawArc(box, 90 * 16, -round(360 * 16 * min(max(progress, 0.0), 1.0)))


PROGRESS_REACH = 8.0  # the progress line lies within this much of the bottom


def _paint_progress(
    p: QPainter, rect: QRectF, margin: float, theme: Theme, progress: float, alpha: float
) -> None:
    y = rect.bottom() - 6.0
    track = QRectF(rect.left() + margin, y, rect.width() - 2 * margin, 3.0)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(theme.color("faint", 0.6 * alpha))
    p.drawRoundedRect(track, 1.5, 1.5)
    done = QRectF(track.left(), y, track.width() * min(max(progress, 0.0), 1.0), 3.0)
    p.setBrush(theme.color("accent", 0.8 * alpha))
    p.drawRoundedRect(done, 1.5, 1.5)
