"""The running session: the orb canvas, quiet controls and the end card.

Repaints are requested only while something on screen changes: during the
moving parts of the breath and the fades a frame timer runs; during holds the
view wakes once per countdown second; while paused, finished, hidden or
minimized it does not repaint at all. With the lights out (see `lights_out`)
the window is black and nothing is painted while the sound goes on.
"""

from __future__ import annotations

from datetime import date, tzinfo
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rls_companion.core.evening import DEFAULT_RULES, EveningLog
from rls_companion.core.records import SessionState
from rls_companion.core.session import KIND_TITLES, Kind
from rls_companion.core.streaks import StreakRules
from rls_companion.core.urge import SAFETY_LINE
from rls_companion.ui.session.controller import SessionController, SessionEnd
from rls_companion.ui.session.guide import GuideController
from rls_companion.ui.session.lights_out import LightsOut
from rls_companion.ui.session.orb import (
    Frame,
    OrbSprite,
    clock_text,
    frame_keys,
    orb_geometry,
    paint_frame,
)
from rls_companion.ui.session.urge_controller import UrgeController
from rls_companion.ui.session.urge_panel import UrgeControls, ending_words
from rls_companion.ui.theme import Theme
from rls_companion.ui.widgets.evening_log import (
    EveningLogDisclosure,
    bring_into_view,
    stacked_question,
)
from rls_companion.ui.widgets.rating_row import RatingRow
from rls_companion.ui.widgets.rows import centred_row

FRAME_MS = 33
MAX_LOOKAHEAD_FRAMES = 30  # wake at least once a second while running
URGE_AFTERGLOW_SECONDS = 6.0
# The re-settle session is led by sound: the screen stays close to dark.
RESETTLE_DIM = 0.25
# The pages of the view: the session, its end card, and nothing (lights out).
RUNNING_PAGE, END_PAGE, DARK_PAGE = 0, 1, 2


class PaintedKeys(NamedTuple):
    """What was last painted, as `frame_keys` tells frames apart."""

    orb: tuple[object, ...]  # the orb and the urge ring
    text: tuple[object, ...]  # the words and the progress line


def covers(region: QRegion, rect: QRect) -> bool:
    """Whether `region` holds all of `rect` (QRegion.contains only says they overlap)."""
    return QRegion(rect).subtracted(region).isEmpty()


class OrbCanvas(QWidget):
    def __init__(self, view: SessionView) -> None:
        super().__init__(view)
        self._view = view
        self.frames_painted = 0
        self.sprite = OrbSprite()
        # Every paint covers its whole area: nothing behind it needs painting first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName("Breathing guide")
        self.setMinimumSize(320, 260)

    def paintEvent(self, event: QPaintEvent) -> None:
        frame = self._view.current_frame()
        if frame is None:
            return
        painter = QPainter(self)
        region = QRectF(event.region().boundingRect())
        paint_frame(painter, QRectF(self.rect()), self._view.theme, frame, self.sprite, region)
        painter.end()
        self.frames_painted += 1
        self._view.after_paint(frame, event.region())


class SessionView(QWidget):
    back_requested = Signal()
    evening_saved = Signal(object)  # an EveningLog from the end card, for the caller to keep

    def __init__(
        self,
        controller: SessionController,
        urges: UrgeController,
        guide: GuideController,
        theme: Theme,
        reduced_motion: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.urges = urges
        self.guide = guide
        self.theme = theme
        self.reduced_motion = reduced_motion
        self._phase_name = ""
        self._painted_keys: PaintedKeys | None = None
        self._painted_radius = 0.0  # of the orb last painted
        self.lights_out_cover: LightsOut | None = None  # made when first needed
        self._lit_page = RUNNING_PAGE  # the page shown when the lights are on
        self._wake_timer = QTimer(self)
        self._wake_timer.setSingleShot(True)
        self._wake_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._wake_timer.timeout.connect(self._request_frame)

        self.canvas = OrbCanvas(self)
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setAccessibleName("Pause or resume the session (Space)")
        self.skip_button = QPushButton("Skip stage", self)
        self.skip_button.setAccessibleName("Skip to the next stage")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setAccessibleName("Stop the session (Escape)")
        self.urge_button = QPushButton("Urge to move  (U)", self)
        self.urge_button.setAccessibleName("Mark an urge to move and start the urge timer (U)")
        self.urge_button.clicked.connect(lambda: urges.mark())
        self.lights_button = QPushButton("Lights out", self)
        self.lights_button.setAccessibleName("Turn the screen black while the session goes on (L)")
        self.lights_button.clicked.connect(self.lights_out)
        buttons = (
            self.urge_button,
            self.lights_button,
            self.pause_button,
            self.skip_button,
            self.stop_button,
        )
        for button in buttons:
            button.setProperty("role", "quiet")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.pause_button.clicked.connect(controller.toggle_pause)
        self.skip_button.clicked.connect(controller.skip_stage)
        self.stop_button.clicked.connect(controller.stop)
        self.notice_label = QLabel("", self)
        self.notice_label.setProperty("role", "notice")
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice_label.hide()
        keys = (
            "Space pause",
            "U urge",
            "N next part",
            "L lights out",
            "Esc stop",
            "F11 full screen",
        )
        # Each key and its word stay on one line when the hint wraps.
        hint = QLabel(" · ".join(key.replace(" ", "\u00a0") for key in keys), self)
        hint.setProperty("role", "fine")
        hint.setWordWrap(True)  # two short lines rather than crowding the buttons

        session_row = QWidget(self)
        controls = QHBoxLayout(session_row)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(12)
        controls.addWidget(hint)
        controls.addStretch(1)
        controls.addWidget(self.urge_button)
        controls.addWidget(self.lights_button)
        controls.addWidget(self.pause_button)
        controls.addWidget(self.skip_button)
        controls.addWidget(self.stop_button)
        self.urge_controls = UrgeControls(urges, self)
        urge_row = QWidget(self)
        urge_layout = QHBoxLayout(urge_row)
        urge_layout.setContentsMargins(0, 0, 0, 0)
        urge_layout.addStretch(1)
        urge_layout.addWidget(self.urge_controls)
        urge_layout.addStretch(1)
        # The urge controls take the place of the session buttons, so the
        # picture never jumps when an urge starts or ends.
        self.bottom = QStackedWidget(self)
        self.bottom.setContentsMargins(32, 8, 32, 20)
        self.bottom.addWidget(session_row)
        self.bottom.addWidget(urge_row)
        self.bottom.setFixedHeight(78)
        urges.started.connect(self._show_urge_controls)
        urges.ended.connect(lambda _o, _h: self.bottom.setCurrentIndex(0))
        running = QWidget(self)
        running_layout = QVBoxLayout(running)
        running_layout.setContentsMargins(0, 0, 0, 0)
        running_layout.setSpacing(0)
        running_layout.addWidget(self.canvas, 1)
        running_layout.addWidget(self.notice_label)
        running_layout.addWidget(self.bottom)

        self.end_card = self._build_end_card()
        self._pages = QStackedLayout(self)
        self._pages.addWidget(running)
        self._pages.addWidget(self.end_card)
        self._pages.addWidget(QWidget(self))  # under the lights-out cover

        controller.started.connect(self._on_started)
        controller.changed.connect(self._on_changed)
        controller.ended.connect(self._on_ended)
        controller.notice.connect(self._show_notice)
        guide.notice.connect(self._show_notice)
        guide.caption_changed.connect(lambda _text: self.canvas.update())

    def _build_end_card(self) -> QWidget:
        # The end card scrolls only when the evening log is open on a small window.
        card = QWidget(self)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addStretch(2)
        self.end_title = QLabel("Rest well", card)
        self.end_title.setProperty("role", "title")
        self.end_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.end_detail = QLabel("", card)
        self.end_detail.setProperty("role", "subtitle")
        self.end_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        back = QPushButton("Back to Tonight", card)
        back.setProperty("role", "quiet")
        back.setAccessibleName("Back to the start screen")
        back.clicked.connect(self.back_requested)
        row = centred_row(back)
        self.after_rating = RatingRow("Leg sensations now, 0–10 (optional):", card)
        self.after_rating.rated.connect(self.controller.rate_after)
        rating_row = centred_row(self.after_rating)
        rating_question = self._rating_question = stacked_question(self.after_rating, card)
        self.evening = EveningLogDisclosure(card)
        self.evening.saved.connect(self.evening_saved)
        self.evening.expanded_changed.connect(self._evening_expanded)
        layout.addWidget(self.end_title)
        layout.addSpacing(12)
        layout.addWidget(self.end_detail)
        layout.addSpacing(28)
        layout.addWidget(rating_question)
        layout.addSpacing(6)
        layout.addLayout(rating_row)
        layout.addSpacing(10)
        layout.addWidget(self.evening)
        layout.addSpacing(18)
        layout.addLayout(row)
        layout.addStretch(3)
        self.end_scroller = QScrollArea(self)
        self.end_scroller.setWidgetResizable(True)
        self.end_scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.end_scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.end_scroller.setWidget(card)
        return self.end_scroller

    def show_evening(
        self,
        night: date,
        log: EveningLog | None,
        labels: tuple[str, ...],
        rating: int | None = None,
        tz: tzinfo | None = None,
        rules: StreakRules = DEFAULT_RULES,
    ) -> None:
        """Fill the end card's evening log with `night`'s kept log (None:
        empty) and `labels` on offer; `rating` is the session's rating before,
        the bedtime rating saved with it (None keeps the log's own)."""
        self.evening.load(night, log, labels, rating, tz, rules)

    def _evening_expanded(self, expanded: bool) -> None:
        if expanded:  # once the card has grown: bring the form into view
            QTimer.singleShot(0, self, self._scroll_to_evening)

    def _scroll_to_evening(self) -> None:
        landings = (self.end_title, self.end_detail, self._rating_question)
        bring_into_view(self.end_scroller, self.evening, landings)

    # -- what to draw ----------------------------------------------------
    def current_frame(self, ahead: float = 0.0) -> Frame | None:
        """The frame to show now, or `ahead` seconds from now if nothing is pressed."""
        moment = self.controller.snapshot(ahead)
        if moment is None:
            return None
        now = moment.now
        episode = self.urges.episode
        dim = RESETTLE_DIM if moment.kind is Kind.RESETTLE else 1.0
        return Frame(
            breath=moment.breath,
            fade=moment.fade * dim,
            stage_title=moment.stage_title,
            remaining_seconds=moment.remaining_seconds,
            progress=moment.progress,
            paused=moment.paused,
            reduced_motion=self.reduced_motion,
            urge_progress=episode.progress(now) if episode is not None else None,
            urge_lines=self.urge_lines(now),
            caption=self.guide.caption,
        )

    def _show_urge_controls(self) -> None:
        self.bottom.setCurrentIndex(1)
        self.urge_controls.move_button.setFocus()

    def urge_lines(self, now: float | None = None) -> tuple[str, ...]:
        """What the urge timer says on screen: the prompt and count while it
        runs, a kind word for a few seconds after, and always the safety line."""
        if now is None:
            moment = self.controller.snapshot()
            if moment is None:  # no session yet: no urge either
                return ()
            now = moment.now
        episode = self.urges.episode
        if episode is not None:
            count = f"{int(episode.elapsed(now))} s  ·  towards {episode.target_seconds} s"
            return (episode.prompt(now), count, SAFETY_LINE)
        result = self.urges.last_result
        if result is not None and now - result.at < URGE_AFTERGLOW_SECONDS:
            return (ending_words(result.outcome, result.held_seconds), SAFETY_LINE)
        return ()

    def after_paint(self, frame: Frame, region: QRegion) -> None:
        """Remember what is on screen and decide when it next needs to change.

        A paint may cover only part of the canvas (an orb step, or the window
        system exposing a corner): only what it covered is taken as shown.
        """
        rect = QRectF(self.canvas.rect())
        full = covers(region, self.canvas.rect())
        orb = orb_geometry(rect, frame)
        wiped = orb.change_from(self._painted_radius, frame.urge_progress is not None)
        if full or covers(region, wiped.toAlignedRect()):
            self._painted_radius = orb.radius
        else:  # parts of a larger orb may still show
            self._painted_radius = max(self._painted_radius, orb.radius)
        name = f"{frame.breath.phase.value}"
        if name != self._phase_name:
            self._phase_name = name
            self.canvas.setAccessibleDescription(
                "Paused" if frame.paused else frame.breath.phase.value.replace("_", " ")
            )
        orb_key, text_key = frame_keys(rect, frame)
        if not full and self._painted_keys is not None:
            text_key = self._painted_keys.text  # the words were not repainted
        self._painted_keys = PaintedKeys(orb_key, text_key)
        self._schedule()

    def _visible_on_screen(self) -> bool:
        """Whether the orb can be seen: not while the window is minimized,
        hidden or covered (the window system then asks for a paint when it
        shows again, and the frames start from there) or the lights are out."""
        window = self.window()
        handle = window.windowHandle()
        if handle is not None and not handle.isExposed():
            return False
        return self.canvas.isVisible() and not window.isMinimized()

    def _schedule(self) -> None:
        """Wake when the picture will first look different: the orb has moved
        a pixel and a half, a word or number changed, or a fade stepped.

        A slow breath needs far fewer frames than the display rate; holds and
        pauses need none at all.
        """
        moment = self.controller.snapshot()
        running = moment is not None and moment.running
        if not running or not self._visible_on_screen() or self._painted_keys is None:
            self._wake_timer.stop()
            return
        rect = QRectF(self.canvas.rect())
        steps = 1
        while steps < MAX_LOOKAHEAD_FRAMES:
            future = self.current_frame(steps * FRAME_MS / 1000)
            if future is None or frame_keys(rect, future) != self._painted_keys:
                break
            steps += 1
        self._wake_timer.start(steps * FRAME_MS)

    def _request_frame(self) -> None:
        frame = self.current_frame()
        if frame is None or self._painted_keys is None:
            self.canvas.update()
            return
        rect = QRectF(self.canvas.rect())
        orb_key, text_key = frame_keys(rect, frame)
        if text_key != self._painted_keys.text:
            self.canvas.update()
        elif orb_key != self._painted_keys.orb:
            orb = orb_geometry(rect, frame)
            ring = frame.urge_progress is not None
            self.canvas.update(orb.change_from(self._painted_radius, ring).toAlignedRect())
        else:
            self._schedule()

    def wake(self) -> None:
        """The window came back into view: paint the present moment."""
        if self._pages.currentIndex() == RUNNING_PAGE:
            self.canvas.update()

    # -- lights out ------------------------------------------------------
    @property
    def dark(self) -> bool:
        return self.lights_out_cover is not None and self.lights_out_cover.active

    def lights_out(self) -> None:
        """Turn the whole window black while the session goes on (L, or the
        button); any key or a move of the mouse brings the picture back."""
        if not self.controller.active or self.dark:
            return
        if self.lights_out_cover is None:
            self.lights_out_cover = LightsOut(self.window())
            self.lights_out_cover.restored.connect(self._lights_back)
        self._wake_timer.stop()
        self._pages.setCurrentIndex(DARK_PAGE)  # nothing under the cover paints
        self.lights_out_cover.cover()

    def _lights_back(self) -> None:
        self._pages.setCurrentIndex(self._lit_page)
        self._painted_keys = None
        self.canvas.update()

    def _show_page(self, index: int) -> None:
        self._lit_page = index
        if not self.dark:
            self._pages.setCurrentIndex(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.WindowStateChange):
            self.wake()
        return False

    # -- reactions -------------------------------------------------------
    def _on_started(self) -> None:
        # Notices are cleared when a session ends, not here: the guide and
        # the sound may already have spoken up for this one.
        self._show_page(RUNNING_PAGE)
        self.urge_button.setVisible(self.urges.enabled)
        self.pause_button.setText("Pause")
        self.canvas.update()
        # The re-settle session is led by sound: it starts dark.
        moment = self.controller.snapshot()
        resettle = moment is not None and moment.kind is Kind.RESETTLE
        if resettle or self.controller.context.settings.typed.appearance.lights_out:
            self.lights_out()

    def _on_changed(self) -> None:
        moment = self.controller.snapshot()
        paused = moment is not None and moment.paused
        self.pause_button.setText("Resume" if paused else "Pause")
        self.canvas.update()

    @property
    def showing_end_card(self) -> bool:
        return self._lit_page == END_PAGE

    def _on_ended(self, end: SessionEnd) -> None:
        self._wake_timer.stop()
        self.notice_label.hide()
        self.notice_label.clear()
        self.after_rating.clear()
        self.evening.set_expanded(False)
        practised = clock_text(end.practice_seconds)
        if end.state is SessionState.COMPLETED:
            self.end_title.setText("Rest well")
            detail = f"{KIND_TITLES[end.kind]} complete · {practised} practised"
        else:
            self.end_title.setText("Session saved")
            detail = f"Stopped after {practised}. Every minute counts."
        self.end_detail.setText(detail)
        self._show_page(END_PAGE)

    def _show_notice(self, message: str) -> None:
        lines = [line for line in self.notice_label.text().split("\n") if line]
        if self.notice_label.isHidden():
            lines = []
        if message not in lines:
            lines.append(message)
        self.notice_label.setText("\n".join(lines))
        self.notice_label.show()

    def set_theme(self, theme: Theme, reduced_motion: bool) -> None:
        self.theme = theme
        self.reduced_motion = reduced_motion
        self.canvas.update()
