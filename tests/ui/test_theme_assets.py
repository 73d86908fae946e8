"""Images the style sheet draws with, one per theme, in that theme's colours."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from rls_companion.ui import theme as themes
from rls_companion.ui.theme import THEMES, Theme


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_choice_fields_have_a_chevron_in_the_muted_colour(qtbot: QtBot, theme: Theme) -> None:
    path = themes.chevron(theme)
    strokes = re.findall(r'stroke="(#[0-9a-f]{6})"', path.read_text())
    assert strokes == [theme.muted]
    image = QImage(str(path))
    assert (image.width(), image.height()) == (12, 8)  # Qt can read it
    assert f'image: url("{path}")' in themes.style_sheet(theme)
