"""The urge controls: a one-tap 0–10 strength and "Move now", shown in place
of the session buttons while an urge episode runs (so nothing else moves)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from rls_companion.core.records import RATING_MAX, RATING_MIN, Outcome
from rls_companion.ui.session.urge_controller import UrgeController
from rls_companion.ui.widgets.rating_row import RatingRow


def ending_words(outcome: str, held: float) -> str:
    seconds = f"{held:.0f} second{'s' if round(held) != 1 else ''}"
    if outcome == Outcome.HELD:
        return f"You stayed with it for {seconds}. Move whenever you like."
    return f"You sat with it for {seconds} and chose to move. That is always fine."


class UrgeControls(QWidget):
    def __init__(self, urges: UrgeController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.urges = urges
        self.setAccessibleName("Urge timer controls")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.rating = RatingRow(f"How strong, {RATING_MIN}–{RATING_MAX}?", self)
        self.rating.rated.connect(urges.rate)
        layout.addWidget(self.rating)
        layout.addSpacing(18)
        self.move_button = QPushButton("Move now  (M)", self)
        self.move_button.setProperty("role", "quiet")
        self.move_button.setAccessibleName("Move now (M)")
        self.move_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.move_button.clicked.connect(urges.move_now)
        layout.addWidget(self.move_button)
        urges.started.connect(self.rating.clear)
        urges.changed.connect(self._show_rating)

    def _show_rating(self) -> None:
        episode = self.urges.episode
        if episode is not None:
            self.rating.set_value(episode.intensity)
