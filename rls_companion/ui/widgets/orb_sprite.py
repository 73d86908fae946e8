"""The breathing orb itself: its size and brightness for a lung level, and
its soft gradient, painted once and then drawn scaled.

Shared by the session's picture (ui.session.orb) and the Settings preview.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QRadialGradient

from rls_companion.ui.theme import Theme


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
RING_SCALE = 1.06


def breathing_orb(
    center: QPointF, r_max: float, level: float, reduced_motion: bool, fade: float = 1.0
) -> OrbGeometry:
    """The orb for a lung level (0 empty, 1 full): it grows and brightens
    with the breath, or with reduced motion only brightens."""
    if reduced_motion:
        return OrbGeometry(center, r_max, r_max * 0.78, fade * (0.35 + 0.65 * level))
    return OrbGeometry(center, r_max, r_max * (0.52 + 0.48 * level), fade * (0.55 + 0.45 * level))


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
            paint_orb(painter, QPointF(side / 2, side / 2), r_max * ratio, theme, 1.0)
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
