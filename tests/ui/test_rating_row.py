"""The 0–10 rating row: one chip per value of the rating scale."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from rls_companion.core.records import RATING_MAX, RATING_MIN
from rls_companion.ui.widgets.rating_row import RatingRow


def test_one_chip_for_every_rating_and_none_chosen_at_first(qtbot: QtBot) -> None:
    row = RatingRow("Leg sensations right now:")
    qtbot.addWidget(row)
    chips = row.buttons.buttons()
    assert [chip.text() for chip in chips] == [str(v) for v in range(RATING_MIN, RATING_MAX + 1)]
    assert [chip.text() for chip in chips] == [str(v) for v in range(11)]
    assert chips[-1].accessibleName() == "Leg sensations right now: 10 of 10"
    assert row.value() is None


def test_a_tap_rates_and_clear_forgets(qtbot: QtBot) -> None:
    row = RatingRow("How strong?")
    qtbot.addWidget(row)
    with qtbot.waitSignal(row.rated) as rated:
        row.buttons.button(RATING_MAX).click()
    assert rated.args == [RATING_MAX]
    assert row.value() == RATING_MAX
    row.set_value(RATING_MIN)
    assert row.value() == RATING_MIN
    row.clear()
    assert row.value() is None
