"""The Guidance section: every script of each guided stage with its length,
switched on or off, and marked as a favourite or not.

It edits `guidance.off` and `guidance.favourites` (script names joined by
commas), through the same validation as `config set`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QPushButton, QWidget

from rls_companion.core import guidance
from rls_companion.core.rotation import join_names, split_names
from rls_companion.core.session import STAGE_TITLES

log = logging.getLogger(__name__)

FAVOURITE = "★ Favourite"
NOT_FAVOURITE = "☆ Favourite"


def length_text(seconds: float) -> str:
    """About how long a script takes, to the half minute ("about 4½ minutes")."""
    halves = max(round(seconds / 30), 1)
    whole, half = divmod(halves, 2)
    if whole == 0:
        return "about ½ minute"
    number = f"{whole}½" if half else f"{whole}"
    return f"about {number} minute{'' if number == '1' else 's'}"


class GuidanceList(QWidget):
    def __init__(
        self,
        values: Callable[[str], object],
        apply: Callable[[str, str], bool],
        parent: QWidget | None = None,
    ) -> None:
        """`values(key)` reads a setting; `apply(key, text)` stores one and
        says whether it was accepted."""
        super().__init__(parent)
        self._values = values
        self._apply = apply
        self.switches: dict[str, QCheckBox] = {}
        self.favourites: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        row = 0
        for stage, names in guidance.LIBRARY.items():
            heading = QLabel(STAGE_TITLES[stage], self)
            heading.setProperty("role", "muted")
            grid.addWidget(heading, row, 0, 1, 3)
            row += 1
            for name in names:
                script = self._load(name)
                title = script.title if script else name
                length = (
                    length_text(guidance.natural_seconds(script)) if script else "cannot be read"
                )
                switch = QCheckBox(title, self)
                switch.setAccessibleName(f"Use the script “{title}”")
                switch.toggled.connect(lambda _on: self._store_off())
                size = QLabel(length, self)
                size.setProperty("role", "fine")
                star = QPushButton(NOT_FAVOURITE, self)
                star.setCheckable(True)
                star.setProperty("role", "link")
                star.setAccessibleName(f"Mark “{title}” as a favourite")
                star.toggled.connect(lambda _on: self._store_favourites())
                grid.addWidget(switch, row, 0)
                grid.addWidget(size, row, 1, Qt.AlignmentFlag.AlignRight)
                grid.addWidget(star, row, 2)
                self.switches[name] = switch
                self.favourites[name] = star
                row += 1
        self.load()

    @staticmethod
    def _load(name: str) -> guidance.Script | None:
        try:
            return guidance.load_named(name)
        except ValueError as problem:
            log.warning("guidance list: %s", problem)
            return None

    def load(self) -> None:
        """Show the settings as they are now."""
        off = split_names(str(self._values("guidance.off")))
        favourites = split_names(str(self._values("guidance.favourites")))
        for name, switch in self.switches.items():
            switch.blockSignals(True)
            switch.setChecked(name not in off)
            switch.blockSignals(False)
        for name, star in self.favourites.items():
            star.blockSignals(True)
            star.setChecked(name in favourites)
            star.setText(FAVOURITE if name in favourites else NOT_FAVOURITE)
            star.setEnabled(name not in off)
            star.blockSignals(False)

    def _store_off(self) -> None:
        off = [name for name, switch in self.switches.items() if not switch.isChecked()]
        self._apply("guidance.off", join_names(off))
        self.load()

    def _store_favourites(self) -> None:
        chosen = [name for name, star in self.favourites.items() if star.isChecked()]
        self._apply("guidance.favourites", join_names(chosen))
        self.load()
