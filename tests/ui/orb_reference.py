"""The orb's painting as it was before the cached orb image: a reference.

`test_orb_paint_equality` paints the same frames with this and with
`rls_companion.ui.session.orb.paint_frame` and compares the pictures. The
geometry (where the orb sits and how large it is) is shared, so only the way
of painting is compared.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPen, QRadialGradient

from rls_companion.core.breathing import PHASE_WORDS, Phase
from rls_companion.ui.session.orb import (
    HALO_SCALE,
    RING_SCALE,
    Frame,
    clock_text,
    countdown_text,
    orb_geometry,
)
from rls_companion.ui.theme import Theme


def paint_frame(p: QPainter, rect: QRectF, theme: Theme, frame: Frame) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(rect, theme.color("background"))
    fade = frame.fade
    orb = orb_geometry(rect, frame)
    center, r_max = orb.center, orb.r_max
    paint_orb(p, center, orb.radius, theme, orb.strength)
    if frame.urge_progress is not None:
        _paint_urge_ring(p, center, r_max * RING_SCALE, theme, frame.urge_progress)

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
    below = words_top + line + sub_line
    if frame.urge_lines:
        _paint_urge_lines(p, rect, below, small, theme, frame.urge_lines)
    elif frame.caption:
        _paint_caption(p, rect, below, small, theme, frame.caption, text_alpha)

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


def paint_orb(p: QPainter, center: QPointF, radius: float, theme: Theme, strength: float) -> None:
    """One soft radial gradient: a warm body whose edge melts into a glow.

    A single gradient keeps each frame cheap (it is the most expensive thing
    painted), with the focal point a little above centre for depth.
    """
    reach = radius * HALO_SCALE
    edge = 1.0 / HALO_SCALE
    focal = QPointF(center.x(), center.y() - radius * 0.25)
    gradient = QRadialGradient(center, reach, focal)
    gradient.setColorAt(0.0, theme.color("orb", 0.8 * strength))
    gradient.setColorAt(edge * 0.65, theme.color("orb", 0.55 * strength))
    gradient.setColorAt(edge, theme.color("orb_glow", 0.32 * strength))
    gradient.setColorAt(1.0, theme.color("orb_glow", 0.0))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(gradient)
    p.drawEllipse(center, reach, reach)


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
