"""Painting the breathing orb and the words around it.

Everything drawn is computed from the session clock at paint time; the frame
timer only asks for repaints, so a late frame simply shows the right moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPen, QRadialGradient

from rls_companion.core.breathing import PHASE_WORDS, BreathState, Phase
from rls_companion.ui.theme import Theme


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


def countdown_text(breath: BreathState) -> str:
    return str(max(math.ceil(breath.segment_remaining - 1e-6), 1))


def clock_text(seconds: float) -> str:
    whole = max(math.ceil(seconds), 0)
    return f"{whole // 60}:{whole % 60:02d}"


def paint_frame(p: QPainter, rect: QRectF, theme: Theme, frame: Frame) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(rect, theme.color("background"))
    fade = frame.fade
    center = QPointF(rect.center().x(), rect.top() + rect.height() * 0.38)
    r_max = min(rect.width(), rect.height()) * 0.26
    level = frame.breath.level
    if frame.reduced_motion:
        radius = r_max * 0.78
        glow = 0.35 + 0.65 * level
    else:
        radius = r_max * (0.52 + 0.48 * level)
        glow = 0.55 + 0.45 * level
    _paint_orb(p, center, radius, theme, fade * glow)
    if frame.urge_progress is not None:
        _paint_urge_ring(p, center, r_max * 1.06, theme, frame.urge_progress)

    word = "Paused" if frame.paused else PHASE_WORDS[frame.breath.phase]
    text_alpha = 0.35 + 0.65 * fade
    big = QFont(p.font())
    big.setPixelSize(max(int(rect.height() * 0.05), 22))
    big.setWeight(QFont.Weight.Light)
    p.setFont(big)
    p.setPen(theme.color("text", text_alpha))
    words_top = center.y() + r_max + rect.height() * 0.04
    line = big.pixelSize() * 1.6
    p.drawText(
        QRectF(rect.left(), words_top, rect.width(), line), Qt.AlignmentFlag.AlignCenter, word
    )
    small = QFont(p.font())
    small.setPixelSize(max(int(rect.height() * 0.028), 15))
    small.setWeight(QFont.Weight.Normal)
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
    _paint_urge_lines(p, rect, words_top + line + sub_line, small, theme, frame.urge_lines)

    margin = max(rect.width() * 0.04, 24.0)
    p.setPen(theme.color("muted", text_alpha))
    top = QRectF(
        rect.left() + margin,
        rect.top() + margin * 0.6,
        rect.width() - 2 * margin,
        small.pixelSize() * 2.0,
    )
    p.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, frame.stage_title)
    p.drawText(
        top,
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        f"{clock_text(frame.remaining_seconds)} left",
    )
    _paint_progress(p, rect, margin, theme, frame.progress, text_alpha)


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


def _reduced_hint(phase: Phase) -> str:
    return {Phase.INHALE: "slowly fill", Phase.EXHALE: "slowly empty"}.get(phase, "rest")


def _paint_orb(p: QPainter, center: QPointF, radius: float, theme: Theme, strength: float) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    halo = QRadialGradient(center, radius * 1.7)
    halo.setColorAt(0.0, theme.color("orb_glow", 0.55 * strength))
    halo.setColorAt(0.55, theme.color("orb_glow", 0.18 * strength))
    halo.setColorAt(1.0, theme.color("orb_glow", 0.0))
    p.setBrush(halo)
    p.drawEllipse(center, radius * 1.7, radius * 1.7)
    body = QRadialGradient(QPointF(center.x(), center.y() - radius * 0.25), radius * 1.1)
    body.setColorAt(0.0, theme.color("orb", 0.78 * strength))
    body.setColorAt(0.7, theme.color("orb", 0.42 * strength))
    body.setColorAt(1.0, theme.color("orb", 0.0))
    p.setBrush(body)
    p.drawEllipse(center, radius, radius)


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
