"""The main window: Tonight, the running session, History, Settings and the
morning check-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rls_companion.context import Context
from rls_companion.core.clock import Clock
from rls_companion.core.session import Kind, RunState
from rls_companion.storage import urge_progress
from rls_companion.ui import theme as themes
from rls_companion.ui.shell.evenings import Evenings
from rls_companion.ui.shell.notice_bar import NoticeBar
from rls_companion.ui.tonight.view import StartView

if TYPE_CHECKING:
    from rls_companion.core.diary import DiaryEntry
    from rls_companion.ui.checkin.confirmation import Confirmation
    from rls_companion.ui.checkin.view import CheckinView
    from rls_companion.ui.history.view import HistoryView
    from rls_companion.ui.session.controller import SessionController
    from rls_companion.ui.session.guide import GuideController
    from rls_companion.ui.session.urge_controller import UrgeController
    from rls_companion.ui.session.view import SessionView
    from rls_companion.ui.settings.view import SettingsView
    from rls_companion.ui.shell.report_dialog import ReportDialog
    from rls_companion.ui.shell.sleep_inhibitor import SleepInhibitor
    from rls_companion.ui.tonight.welcome import WelcomeView

# History is built and read ahead this long after the window first shows, and
# after a session (once its sound has faded): quiet moments, so that opening
# History later only has to arrange and paint it.
PREPARE_HISTORY_AFTER_SHOW_MS = 300
PREPARE_HISTORY_AFTER_SESSION_MS = 1500
NAV_PAGES = ("Tonight", "History", "Settings")


class MainWindow(QMainWindow):
    setting_changed = Signal(str)  # a key changed in Settings

    def __init__(self, context: Context, clock: Clock, show_welcome: bool = False) -> None:
        super().__init__()
        self.context = context
        self.clock = clock
        self.setWindowTitle("RLS Companion")
        self.setMinimumSize(640, 480)
        self.resize(1000, 700)
        appearance = context.settings.typed.appearance
        self.theme = themes.resolve(appearance.theme)
        # Styled before any page exists, so no widget is polished twice.
        self._style_application()

        # A window closed during a session closes again once the sound has faded.
        self._close_after_fade = QTimer(self)
        self._close_after_fade.setSingleShot(True)
        self._close_after_fade.timeout.connect(self.close)

        self.start_view = StartView()
        # The session's page and its controllers (sound, speech, the orb) are
        # built just after the window's first paint, or sooner when a session
        # starts; History, Settings and the welcome page when first needed:
        # the window opens on Tonight sooner, and their modules load later.
        self._session: _SessionParts | None = None
        self._history_view: HistoryView | None = None
        self._settings_view: SettingsView | None = None
        self._welcome_view: WelcomeView | None = None
        self._checkin_view: CheckinView | None = None
        self._confirmation: Confirmation | None = None
        # Where the check-in goes back to when it is saved or skipped.
        self._before_checkin: QWidget = self.start_view
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_view)

        self.nav = QWidget()
        nav_layout = QHBoxLayout(self.nav)
        nav_layout.setContentsMargins(36, 14, 36, 0)
        nav_layout.addStretch(1)
        self.nav_group = QButtonGroup(self)
        self.nav_buttons: dict[str, QPushButton] = {}
        for name in NAV_PAGES:
            button = QPushButton(name, self.nav)
            button.setProperty("role", "nav")
            button.setCheckable(True)
            button.setAccessibleName(f"Show {name}")
            button.clicked.connect(lambda _=False, n=name: self.show_page(self._nav_page(n)))
            self.nav_group.addButton(button)
            nav_layout.addWidget(button)
            self.nav_buttons[name] = button

        central = self.central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        self.notice_bar = NoticeBar(central)
        notice_row = QHBoxLayout()
        notice_row.setContentsMargins(36, 12, 36, 0)
        notice_row.addWidget(self.notice_bar)
        layout.addLayout(notice_row)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.start_view.start_requested.connect(self.start_chosen_session)
        self.start_view.kind_changed.connect(
            lambda: self.start_view.show_kind(self.context.settings.typed)
        )
        # The evening log on Tonight and on the end card, kept as it is saved.
        self.evenings = Evenings(context, clock, self)
        self.start_view.evening_saved.connect(self.evenings.save)
        self.evenings.saved.connect(lambda _log: self._refresh_history())
        self.prepare_history = QTimer(self)
        self.prepare_history.setSingleShot(True)
        self.prepare_history.timeout.connect(self._prepare_history)
        self._shown_once = False
        self._painted_once = False

        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.space.activated.connect(self._space)
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape.activated.connect(self._escape)
        self.fullscreen = QShortcut(QKeySequence(Qt.Key.Key_F11), self)
        self.fullscreen.activated.connect(self.toggle_fullscreen)
        self.quit = QShortcut(QKeySequence(QKeySequence.StandardKey.Quit), self)
        self.quit.activated.connect(self.close)
        self.skip = QShortcut(QKeySequence(Qt.Key.Key_S), self)
        self.skip.activated.connect(lambda: self.controller.skip_stage())
        self.urge_key = QShortcut(QKeySequence(Qt.Key.Key_U), self)
        self.urge_key.activated.connect(lambda: self.urges.mark())
        self.next_key = QShortcut(QKeySequence(Qt.Key.Key_N), self)
        self.next_key.activated.connect(lambda: self.guide.skip_part())
        self.move_key = QShortcut(QKeySequence(Qt.Key.Key_M), self)
        self.move_key.activated.connect(lambda: self.urges.move_now())
        self.lights_key = QShortcut(QKeySequence(Qt.Key.Key_L), self)
        self.lights_key.activated.connect(lambda: self.session_view.lights_out())
        self.rating_keys = []
        for digit in range(10):
            key = QShortcut(QKeySequence(str(digit)), self)
            key.activated.connect(lambda d=digit: self._digit(d))
            self.rating_keys.append(key)

        self.show_page(self.welcome_view if show_welcome else self.start_view)
        notices = list(context.notices)
        settings = context.settings
        if settings.problems:
            kept = (
                f" A copy of the old file was kept as {settings.backup.name}."
                if (settings.backup)
                else ""
            )
            notices.append(
                f"Some settings could not be used and were reset to their defaults.{kept}"
            )
        self.notice_bar.show_notices(notices)

    # -- the session's parts ------------------------------------------------
    def _session_parts(self) -> _SessionParts:
        if self._session is None:
            self._session = self._build_session_parts()
        return self._session

    def _build_session_parts(self) -> _SessionParts:
        from rls_companion.ui.session.controller import FADE_OUT_MS, SessionController
        from rls_companion.ui.session.guide import GuideController
        from rls_companion.ui.session.urge_controller import UrgeController
        from rls_companion.ui.session.view import SessionView
        from rls_companion.ui.shell.sleep_inhibitor import SleepInhibitor

        self._close_after_fade.setInterval(FADE_OUT_MS)
        controller = SessionController(self.context, self.clock, self)
        urges = UrgeController(controller, self._urge_target, self)
        guide = GuideController(controller, self)
        view = SessionView(
            controller,
            urges,
            guide,
            self.theme,
            self.context.settings.typed.appearance.reduced_motion,
        )
        # While a session plays, the computer is asked not to suspend on idle.
        keep_awake = SleepInhibitor(self)
        self.pages.addWidget(view)
        view.back_requested.connect(lambda: self.show_page(self.start_view))
        view.evening_saved.connect(self.evenings.save)
        controller.ended.connect(lambda _end: self._refresh_history())
        controller.ended.connect(lambda _end: self.evenings.show_after_session(view))
        controller.started.connect(self._follow_session_for_sleep)
        controller.changed.connect(self._follow_session_for_sleep)
        controller.ended.connect(lambda _end: keep_awake.release())
        self.installEventFilter(view)
        return _SessionParts(controller, urges, guide, view, keep_awake)

    @property
    def controller(self) -> SessionController:
        return self._session_parts().controller

    @property
    def urges(self) -> UrgeController:
        return self._session_parts().urges

    @property
    def guide(self) -> GuideController:
        return self._session_parts().guide

    @property
    def session_view(self) -> SessionView:
        return self._session_parts().view

    @property
    def keep_awake(self) -> SleepInhibitor:
        return self._session_parts().keep_awake

    @property
    def session_active(self) -> bool:
        """A session is running or paused (False before the session's parts exist)."""
        return self._session is not None and self._session.controller.active

    def _showing_session(self) -> bool:
        return self._session is not None and self.pages.currentWidget() is self._session.view

    def close_down(self) -> None:
        """Before the window goes: save a running session (its last write is
        tried once, briefly), let the computer sleep again, stop the speech."""
        if self._session is not None:
            self._session.controller.interrupt()
            self._session.keep_awake.release()
            self._session.guide.close()

    # -- pages -----------------------------------------------------------
    @property
    def history_view(self) -> HistoryView:
        if self._history_view is None:
            from rls_companion.ui.history.view import HistoryView

            view = HistoryView(self.context, self.clock, self.theme)
            view.start_requested.connect(self.start_session)
            view.diary_requested.connect(self.show_checkin)
            view.report_requested.connect(self.open_report)
            self.pages.addWidget(view)
            self._history_view = view
        return self._history_view

    @property
    def settings_view(self) -> SettingsView:
        if self._settings_view is None:
            from rls_companion.ui.settings.view import SettingsView

            view = SettingsView(self.context.settings, self.theme, self.clock)
            view.changed.connect(self._setting_changed)
            self.pages.addWidget(view)
            self._settings_view = view
        return self._settings_view

    @property
    def welcome_view(self) -> WelcomeView:
        if self._welcome_view is None:
            from rls_companion.ui.tonight.welcome import WelcomeView

            view = WelcomeView()
            view.first_session.connect(lambda minutes: self.start_session(Kind.BEDTIME, minutes))
            view.dismissed.connect(lambda: self.show_page(self.start_view))
            self.pages.addWidget(view)
            self._welcome_view = view
        return self._welcome_view

    @property
    def checkin_view(self) -> CheckinView:
        if self._checkin_view is None:
            from rls_companion.ui.checkin.view import CheckinView

            view = CheckinView(self.context, self.clock, self.theme)
            view.saved.connect(self._checkin_saved)
            view.skipped.connect(self._leave_checkin)
            self.pages.addWidget(view)
            self._checkin_view = view
        return self._checkin_view

    def _nav_page(self, name: str) -> QWidget:
        if name == "History":
            return self.history_view
        if name == "Settings":
            return self.settings_view
        return self.start_view

    # -- navigation ------------------------------------------------------
    def show_page(self, page: QWidget) -> None:
        if page is self.start_view:
            self.start_view.refresh(self.context.settings.typed, self.clock.now())
            self.evenings.show_on(self.start_view, self.evenings.tonight())
        if page is self._history_view:
            self._refresh_history()
        self.pages.setCurrentWidget(page)
        in_session = self._session is not None and page is self._session.view
        welcome = page is self._welcome_view
        checkin = page is self._checkin_view
        self.nav.setVisible(not in_session and not welcome and not checkin)
        for name in NAV_PAGES:
            if self.pages.currentWidget() is self._built(name):
                self.nav_buttons[name].setChecked(True)
        self.space.setEnabled(page is self.start_view or in_session or welcome)
        for key in (self.urge_key, self.move_key, self.skip, self.next_key, self.lights_key):
            key.setEnabled(in_session)
        for key in self.rating_keys:
            key.setEnabled(in_session or page is self.start_view)
        if page is self.start_view:
            self.start_view.start_button.setFocus()

    # -- the morning check-in ----------------------------------------------
    def show_checkin(self, night: date | None = None) -> bool:
        """Show the check-in for `night` (None: last night); saving or leaving it
        goes back to the page shown before. Not while a session runs (False)."""
        if self.session_active:
            return False
        view = self.checkin_view
        current = self.pages.currentWidget()
        if current is not None and current is not view:
            self._before_checkin = current
        view.load(night)
        self.show_page(view)
        view.focus_first()
        return True

    def offer_checkin(self) -> bool:
        """Offer last night's check-in if it is due (see `core.diary.night_to_offer`),
        and remember the offer so it is made once. True when it was shown."""
        from rls_companion.ui.checkin import offer

        night = offer.night_due(self.context, self.clock.now())
        if night is None or self.session_active:
            return False
        offer.record_offered(self.context.paths.checkin_offered, night)
        return self.show_checkin(night)

    def note_checkin_offered(self) -> None:
        """Count last night as offered without showing it: on the very first
        launch there is nothing to ask about yet."""
        from rls_companion.core.diary import last_night
        from rls_companion.ui.checkin import offer

        rules = self.context.settings.typed.streak.rules()
        offer.record_offered(
            self.context.paths.checkin_offered, last_night(self.clock.now(), rules)
        )

    def _checkin_saved(self, entry: DiaryEntry) -> None:
        from rls_companion.ui.checkin.view import night_words

        self._leave_checkin()
        self._refresh_history()
        words = night_words(entry.night, self.clock.now().date())
        self.confirmation.say(f"Check-in saved for the night of {words}.")

    def _leave_checkin(self) -> None:
        back = self._before_checkin
        if self._session is not None and back is self._session.view and not self.session_active:
            back = self.start_view
        self._before_checkin = self.start_view
        self.show_page(back)

    @property
    def confirmation(self) -> Confirmation:
        if self._confirmation is None:
            from rls_companion.ui.checkin.confirmation import Confirmation

            self._confirmation = Confirmation(self.central, self.theme)
        return self._confirmation

    def start_session(
        self,
        kind: Kind = Kind.BEDTIME,
        minutes: float | None = None,
        rating_before: int | None = None,
    ) -> None:
        self.context.settings.refresh()
        self.show_page(self.session_view)
        self.evenings.session_started(rating_before)
        self.controller.start(kind, minutes, rating_before)

    def start_chosen_session(self) -> None:
        """Begin what the start screen shows, and remember the choice."""
        kind = self.start_view.kind
        if self.context.settings.typed.session.kind is not kind:
            self.context.settings.set("session.kind", kind.value)
        self.start_session(kind, rating_before=self.start_view.rating.value())

    def open_report(self) -> None:
        """ "Report for my clinician…": the dialog, then a word in History."""
        from rls_companion.ui.shell.report_dialog import ReportDialog

        dialog = ReportDialog(self.context, self.clock.now(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._report_saved(dialog))
        dialog.open()  # window-modal, and the event loop goes on
        self.report_dialog = dialog

    def _report_saved(self, dialog: ReportDialog) -> None:
        if dialog.saved_to is not None and self._history_view is not None:
            self._history_view.status.setText(f"Saved the report to {dialog.saved_to.name}")

    def _follow_session_for_sleep(self) -> None:
        snapshot = self.controller.snapshot()
        if snapshot is not None and snapshot.state is RunState.RUNNING:
            self.keep_awake.hold("A bedtime session is playing")
        else:
            self.keep_awake.release()

    def _built(self, name: str) -> QWidget | None:
        """The page a navigation button shows, if it was built."""
        return {
            "Tonight": self.start_view,
            "History": self._history_view,
            "Settings": self._settings_view,
        }[name]

    def _refresh_history(self) -> None:
        if self._history_view is not None:
            self._history_view.refresh()
        self.prepare_history.start(PREPARE_HISTORY_AFTER_SESSION_MS)

    def _prepare_history(self) -> None:
        if not self.session_active:  # never while a session animates
            self.history_view.prepare()

    # -- keys --------------------------------------------------------------
    def _space(self) -> None:
        if self.pages.currentWidget() is self.start_view:
            self.start_chosen_session()
        elif self._welcome_view is not None and self.pages.currentWidget() is self._welcome_view:
            self._welcome_view.begin_button.click()
        elif self.session_active:
            self.controller.toggle_pause()

    def _escape(self) -> None:
        if self.session_active:
            self.controller.stop()
        elif self._checkin_view is not None and self.pages.currentWidget() is self._checkin_view:
            self._checkin_view.skip()
        elif self.isFullScreen():
            self.showNormal()
        elif self.pages.currentWidget() is not self.start_view:
            self.show_page(self.start_view)

    def _digit(self, digit: int) -> None:
        """Digits give a 0–9 rating: the urge's strength, before or after a session."""
        page = self.pages.currentWidget()
        if self._session is not None and self._session.urges.active:
            self.urges.rate(digit)
        elif page is self.start_view:
            self.start_view.rating.set_value(digit)
        elif self._showing_session() and self.session_view.showing_end_card:
            self.session_view.after_rating.set_value(digit)
            self.controller.rate_after(digit)

    def _urge_target(self) -> int:
        return urge_progress.current_target(
            self.context.db, self.context.settings.typed, self.clock.now()
        )

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    # -- look ----------------------------------------------------------------
    def _setting_changed(self, key: str) -> None:
        if key.startswith("appearance."):
            self.apply_theme()
        self.setting_changed.emit(key)

    def apply_theme(self) -> None:
        appearance = self.context.settings.typed.appearance
        self.theme = themes.resolve(appearance.theme)
        self._style_application()
        if self._session is not None:
            self._session.view.set_theme(self.theme, appearance.reduced_motion)
        if self._history_view is not None:
            self._history_view.set_theme(self.theme)
        if self._checkin_view is not None:
            self._checkin_view.set_theme(self.theme)
        if self._confirmation is not None:
            self._confirmation.set_theme(self.theme)
        if self._settings_view is not None:
            self._settings_view.set_theme(self.theme)

    def _style_application(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setPalette(themes.palette(self.theme))
            app.setStyleSheet(themes.style_sheet(self.theme))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.prepare_history.start(PREPARE_HISTORY_AFTER_SHOW_MS)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted_once:
            # Once the first picture is on screen, the session's page is built
            # (a session then starts without that wait).
            self._painted_once = True
            QTimer.singleShot(0, self, self._session_parts)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session_active:
            # Save the session, then close once the sound has faded: never cut a tone.
            self.controller.stop()
            event.ignore()
            self._close_after_fade.start()
            return
        super().closeEvent(event)


@dataclass(frozen=True)
class _SessionParts:
    controller: SessionController
    urges: UrgeController
    guide: GuideController
    view: SessionView
    keep_awake: SleepInhibitor
