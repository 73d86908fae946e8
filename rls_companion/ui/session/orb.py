"""Painting the breathing orb and the words around it.

Everything drawn is computed from the session clock at paint time; the frame
timer only asks for repaints, so a late frame simply shows the right moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QRadialGradient

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
    caption: str = ""  # the guidance being spoken (shown when no urge runs)


def countdown_text(breath: BreathState) -> str:
    return str(max(math.ceil(breath.segment_remaining - 1e-6), 1))


def clock_text(seconds: float) -> str:
    whole = max(math.ceil(seconds), 0)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True)
class OrbGeometry:
    center: QPointF
    r_max: float
    radius: float
    strength: float  # brightness 0..1, fades included

    def change_from(self, radius: float, ring: bool) -> QRectF:
        """What moving from an orb of `radius` to this one repaints: the larger
        of the two halos (and the urge ring, if one is drawn), not the largest
        the orb can grow, so a small orb costs a small repaint."""
        reach = max(self.radius, radius) * HALO_SCALE
        if ring:
            reach = max(reach, self.r_max * RING_SCALE)
        reach += 4.0  # antialiased edges and the ring's pen
        return QRectF(self.center.x() - reach, self.center.y() - reach, 2 * reach, 2 * reach)


HALO_SCALE = 1.35
# The orb's edge is a soft gradient: a step this small in its size cannot be seen.
RADIUS_STEP = 2.5
RING_SCALE = 1.06


def orb_geometry(rect: QRectF, frame: Frame) -> OrbGeometry:
    center = QPointF(rect.center().x(), rect.top() + rect.height() * 0.38)
    r_max = min(rect.width(), rect.height()) * 0.26
    return breathing_orb(center, r_max, frame.breath.level, frame.reduced_motion, frame.fade)


def breathing_orb(
    center: QPointF, r_max: float, level: float, reduced_motion: bool, fade: float = 1.0
) -> OrbGeometry:
    """The orb for a lung level (0 empty, 1 full): it grows and brightens
    with the breath, or with reduced motion only brightens."""
    if reduced_motion:
        return OrbGeometry(center, r_max, r_max * 0.78, fade * (0.35 + 0.65 * level))
    return OrbGeometry(center, r_max, r_max * (0.52 + 0.48 * level), fade * (0.55 + 0.45 * level))


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


class OrbSprite:
    """The orb's gradient, painted once at its largest and then drawn scaled.

    A radial gradient is the costliest thing on screen: filling it anew for
    every frame kept a core busy. Scaling the orb about its centre scales its
    gradient exactly (the focal point included), and fading it scales every
    colour's alpha alike, so one image painted at full size and strength,
    drawn smaller and fainter, shows what the gradient itself would. The
    raster engine scales an opaque copy quickly and lays an unscaled image
    down translucent quickly, but is slow at both at once: so the orb is
    scaled into a scratch image first (at the same sub-pixel offset), then
    laid down at whole device pixels with its strength. The gradient is
    painted again only when the size, the theme or the pixel ratio changes,
    and the scaled copy only when the orb's size or sub-pixel place does
    (with reduced motion it never moves: only its strength changes).
    """

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._image = QImage()
        self._scratch = QImage()
        self._scaled: tuple[float, float, float] | None = None  # what the scratch holds
        self.renders = 0  # how often the gradient was painted, for tests
        self.scalings = 0  # how often the scratch was filled, for tests

    def image(self, theme: Theme, r_max: float, ratio: float) -> QImage:
        """The orb at radius `r_max` (device pixels: `r_max` times `ratio`)."""
        key = (theme.orb, theme.orb_glow, r_max, ratio)
        if key != self._key:
            side = math.ceil(2 * r_max * HALO_SCALE * ratio) + 2
            image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(QColor(0, 0, 0, 0))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            _paint_orb(painter, QPointF(side / 2, side / 2), r_max * ratio, theme, 1.0)
            painter.end()
            self._key, self._image = key, image
            self._scratch = QImage(side + 2, side + 2, QImage.Format.Format_ARGB32_Premultiplied)
            self._scratch.setDevicePixelRatio(ratio)
            self._scaled = None
            self.renders += 1
        return self._image

    def draw(self, p: QPainter, orb: OrbGeometry, theme: Theme) -> None:
        device = p.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        image = self.image(theme, orb.r_max, ratio)
        half = image.width() / 2 * (orb.radius / orb.r_max)  # device pixels
        left = orb.center.x() * ratio - half
        top = orb.center.y() * ratio - half
        x, y = math.floor(left), math.floor(top)
        used = min(math.ceil(2 * half) + 2, self._scratch.width())
        scaled = (half, left - x, top - y)
        if scaled != self._scaled:
            self._scale_into_scratch(image, scaled, used, ratio)
        p.save()
        p.setOpacity(min(max(orb.strength, 0.0), 1.0))
        p.drawImage(QPointF(x / ratio, y / ratio), self._scratch, QRectF(0, 0, used, used))
        p.restore()

    def _scale_into_scratch(
        self, image: QImage, scaled: tuple[float, float, float], used: int, ratio: float
    ) -> None:
        """The orb `half` device pixels across its middle, at a sub-pixel offset."""
        half, dx, dy = scaled
        scratch = QPainter(self._scratch)
        scratch.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        scratch.fillRect(QRectF(0, 0, used / ratio, used / ratio), QColor(0, 0, 0, 0))
        scratch.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        target = QRectF(dx / ratio, dy / ratio, 2 * half / ratio, 2 * half / ratio)
        scratch.drawImage(target, image, QRectF(image.rect()))
        scratch.end()
        self._scaled = scaled
        self.scalings += 1


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


def _paint_orb(p: QPainter, center: QPointF, radius: float, theme: Theme, strength: float) -> None:
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
