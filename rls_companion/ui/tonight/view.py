"""Tonight: one obvious way to begin.

The evening log waits below the rating, closed, for whoever wants it; the
page scrolls only when it is open on a small window.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rls_companion.core import breathing
from rls_companion.core.config import Settings
from rls_companion.core.evening import DEFAULT_RULES, EveningLog
from rls_companion.core.session import Kind, kind_name
from rls_companion.core.streaks import StreakRules
from rls_companion.core.wording import WELLNESS_LINE
from rls_companion.ui.widgets.evening_log import (
    EveningLogDisclosure,
    bring_into_view,
    stacked_question,
)
from rls_companion.ui.widgets.rating_row import RatingRow
from rls_companion.ui.widgets.rows import centred_row


def greeting(now: datetime) -> str:
    hour = now.hour
    if 5 <= hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    if 18 <= hour < 22:
        return "Good evening"
    return "Tonight"


KIND_DESCRIPTIONS = {
    Kind.BEDTIME: "Breathing, a body scan, resting with the sensations, then sleep.",
    Kind.BREATHING: "Just the paced breath, then a gentle fade.",
    Kind.RESETTLE: "For waking in the night: a dark screen, led by sound.",
    Kind.STRETCH: "Gentle stretches for the calves, thighs and hips, spoken and captioned.",
}
BEGIN_WORDS = {
    Kind.BEDTIME: "Begin tonight's session",
    Kind.BREATHING: "Begin quick breathing",
    Kind.RESETTLE: "Begin re-settling",
    Kind.STRETCH: "Begin the stretches",
}


def session_summary(settings: Settings, kind: Kind = Kind.BEDTIME) -> str:
    if kind is Kind.STRETCH:
        return (
            f"About {settings.session.minutes(kind):g} minutes"
            " · each stretch held for a slow count of twenty"
        )
    minutes = f"{settings.session.minutes(kind):g} minutes"
    pattern = settings.breathing.pattern
    label = (
        breathing.PRESETS[pattern].label.split(" (")[0]
        if pattern in breathing.PRESETS
        else "Custom"
    )
    pace = f"{settings.breathing.breaths_per_minute:g} breaths a minute"
    return f"{minutes} · {label} breathing · {pace}"


class StartView(QWidget):
    start_requested = Signal()
    kind_changed = Signal()
    evening_saved = Signal(object)  # an EveningLog, checked, for the caller to keep

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        page = QWidget(self)
        self.title = QLabel("Tonight", page)
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lead = QLabel(
            "Lie back, let the screen stay dim, and follow the breath.\n"
            "You can close your eyes: the sound rises as you breathe in "
            "and falls as you breathe out.",
            page,
        )
        lead.setProperty("role", "subtitle")
        lead.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lead.setWordWrap(True)
        self.kind_buttons = QButtonGroup(self)
        kinds = QHBoxLayout()
        kinds.setSpacing(8)
        kinds.addStretch(1)
        for kind, description in KIND_DESCRIPTIONS.items():
            label = kind_name(kind)
            button = QPushButton(label, page)
            button.setProperty("role", "nav")
            button.setCheckable(True)
            button.setToolTip(description)
            button.setAccessibleName(f"{label}: {description}")
            self.kind_buttons.addButton(button, list(Kind).index(kind))
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.kind_buttons.idClicked.connect(lambda _id: self.kind_changed.emit())
        self.kind_description = QLabel("", page)
        self.kind_description.setProperty("role", "fine")
        self.kind_description.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rating = RatingRow("Leg sensations right now, 0–10 (optional):", page)
        rating_row = centred_row(self.rating)
        # The question above the chips: the row then fits the smallest window.
        rating_question = stacked_question(self.rating, page)
        self.evening = EveningLogDisclosure(page)
        # The log keeps the rating given here, the one the session starts with.
        self.evening.form.rating_source = self.rating.value
        self.evening.saved.connect(self.evening_saved)
        self.evening.expanded_changed.connect(self._evening_expanded)
        self.start_button = QPushButton("Begin tonight's session", page)
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Begin tonight's session (Space)")
        self.start_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.start_button.clicked.connect(self.start_requested)
        self.summary = QLabel("", page)
        self.summary.setProperty("role", "muted")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Space to begin", page)
        hint.setProperty("role", "fine")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        wellness = QLabel(WELLNESS_LINE, page)
        wellness.setProperty("role", "fine")
        wellness.setAlignment(Qt.AlignmentFlag.AlignCenter)
        wellness.setWordWrap(True)

        row = centred_row(self.start_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addStretch(3)
        layout.addWidget(self.title)
        layout.addSpacing(14)
        layout.addWidget(lead)
        layout.addSpacing(28)
        layout.addLayout(kinds)
        layout.addWidget(self.kind_description)
        layout.addSpacing(22)
        layout.addLayout(row)
        layout.addSpacing(18)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addSpacing(26)
        layout.addWidget(rating_question)
        layout.addSpacing(6)
        layout.addLayout(rating_row)
        layout.addSpacing(10)
        layout.addWidget(self.evening)
        layout.addStretch(4)
        layout.addWidget(wellness)

        # Where the top of the view may fall when the evening log opens.
        self._landings = (self.title, self.start_button, self.summary, rating_question)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)

    @property
    def kind(self) -> Kind:
        return list(Kind)[max(self.kind_buttons.checkedId(), 0)]

    def refresh(self, settings: Settings, now: datetime) -> None:
        """Show the remembered choice; the rating starts empty each time."""
        self.title.setText(greeting(now))
        remembered = settings.session.kind
        button = self.kind_buttons.button(list(Kind).index(remembered))
        if button is not None:
            button.setChecked(True)
        self.rating.clear()
        self.evening.set_expanded(False)
        self.show_kind(settings)

    def show_kind(self, settings: Settings) -> None:
        kind = self.kind
        self.summary.setText(session_summary(settings, kind))
        self.start_button.setText(BEGIN_WORDS[kind])
        self.start_button.setAccessibleName(f"{BEGIN_WORDS[kind]} (Space)")
        self.kind_description.setText(KIND_DESCRIPTIONS[kind])

    def show_evening(
        self,
        night: date,
        log: EveningLog | None,
        labels: tuple[str, ...],
        rating: int | None = None,
        tz: tzinfo | None = None,
        rules: StreakRules = DEFAULT_RULES,
    ) -> None:
        """Fill the evening log with `night`'s kept log (None: empty) and
        `labels` on offer. The rating row's value, when given, is the bedtime
        rating saved with it; otherwise `rating`, otherwise the log's own."""
        self.evening.load(night, log, labels, rating, tz, rules)

    def _evening_expanded(self, expanded: bool) -> None:
        if expanded:  # once the page has grown: bring the form into view
            QTimer.singleShot(0, self, self._scroll_to_evening)

    def _scroll_to_evening(self) -> None:
        bring_into_view(self.scroller, self.evening, self._landings)
