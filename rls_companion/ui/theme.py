"""Colours and the style sheet.

The night palette is the default: near-black warm browns, beige text that is
never bright white, amber accents, no strong blue. Dark and light themes use
the same structure; "system" follows the desktop's light or dark preference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from rls_companion.resources import file_path


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    surface: str
    raised: str
    text: str
    muted: str
    faint: str
    accent: str
    accent_text: str
    orb: str
    orb_glow: str
    danger: str

    def color(self, name: str, alpha: float = 1.0) -> QColor:
        color = QColor(getattr(self, name))
        color.setAlphaF(max(0.0, min(alpha, 1.0)))
        return color


THEMES = {
    "night": Theme(
        "night",
        background="#0d0a08",
        surface="#17120e",
        raised="#221a14",
        text="#cdb9a2",
        muted="#8a7664",
        faint="#4a3d32",
        accent="#a8703f",
        accent_text="#140e09",
        orb="#c0814f",
        orb_glow="#5c3420",
        danger="#b0654f",
    ),
    "dark": Theme(
        "dark",
        background="#15161a",
        surface="#1e2024",
        raised="#282a2f",
        text="#e0dcd5",
        muted="#9b968e",
        faint="#4d4b48",
        accent="#c48d5c",
        accent_text="#17130f",
        orb="#d2996a",
        orb_glow="#6a4632",
        danger="#c9785f",
    ),
    "light": Theme(
        "light",
        background="#f3ede4",
        surface="#fbf7f1",
        raised="#ebe3d8",
        text="#3a312a",
        muted="#766a5f",
        faint="#cbbfb1",
        accent="#9c6337",
        accent_text="#fffaf3",
        orb="#d49b6b",
        orb_glow="#f0cfae",
        danger="#a5533c",
    ),
}


def resolve(name: str) -> Theme:
    if name == "system":
        hints = QGuiApplication.styleHints()
        dark = hints.colorScheme() != Qt.ColorScheme.Light
        return THEMES["dark" if dark else "light"]
    return THEMES.get(name, THEMES["night"])


def palette(theme: Theme) -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.background,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.surface,
        QPalette.ColorRole.AlternateBase: theme.raised,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.raised,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: theme.accent_text,
        QPalette.ColorRole.ToolTipBase: theme.raised,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Link: theme.accent,
    }
    for role, value in roles.items():
        pal.setColor(role, QColor(value))
    return pal


def chevron(theme: Theme) -> Path:
    """The drop-down arrow of choice fields, drawn in the theme's muted colour."""
    return file_path("ui", f"chevron-{theme.name}.svg")


def style_sheet(t: Theme) -> str:
    return f"""
    QWidget {{ background: {t.background}; color: {t.text}; font-size: 15px; }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: 34px; font-weight: 300; color: {t.text}; }}
    QLabel[role="subtitle"] {{ font-size: 17px; color: {t.muted}; }}
    QLabel[role="muted"] {{ color: {t.muted}; }}
    QLabel[role="fine"] {{ font-size: 13px; color: {t.muted}; }}
    QLabel[role="section"] {{ font-size: 13px; font-weight: 600; color: {t.muted};
        letter-spacing: 1px; padding-top: 14px; }}
    QLabel[role="error"] {{ color: {t.danger}; font-size: 13px; }}
    QLabel[role="notice"] {{ color: {t.muted}; font-size: 13px; }}
    QFrame[role="noticebar"] {{ background: {t.surface}; border: 1px solid {t.faint};
        border-radius: 12px; }}
    QFrame[role="noticebar"] QLabel {{ color: {t.text}; }}
    QPushButton {{ background: {t.raised}; color: {t.text}; border: 1px solid {t.faint};
        border-radius: 18px; padding: 8px 22px; min-height: 20px; }}
    QPushButton:hover {{ border-color: {t.muted}; }}
    QPushButton:focus {{ border-color: {t.accent}; }}
    QPushButton:pressed {{ background: {t.surface}; }}
    QPushButton[role="primary"] {{ background: {t.accent}; color: {t.accent_text};
        border: none; border-radius: 26px; padding: 16px 46px; font-size: 20px; }}
    QPushButton[role="primary"]:focus {{ border: 2px solid {t.text}; }}
    QPushButton[role="nav"] {{ background: transparent; border: none; border-radius: 0;
        color: {t.muted}; padding: 6px 12px; }}
    QPushButton[role="nav"]:checked {{ color: {t.text}; border-bottom: 2px solid {t.accent}; }}
    QPushButton[role="nav"]:focus {{ color: {t.text}; }}
    QPushButton[role="quiet"] {{ background: transparent; color: {t.muted};
        border: 1px solid {t.faint}; }}
    QPushButton[role="quiet"]:focus {{ color: {t.text}; border-color: {t.accent}; }}
    QPushButton[role="link"] {{ background: transparent; color: {t.muted}; border: none;
        border-radius: 6px; padding: 3px 6px; font-size: 13px; }}
    QPushButton[role="link"]:hover, QPushButton[role="link"]:focus {{ color: {t.text};
        text-decoration: underline; }}
    QPushButton[role="link"]:checked {{ color: {t.accent}; }}
    QPushButton[role="chip"] {{ background: {t.surface}; color: {t.muted};
        border: 1px solid {t.faint}; border-radius: 15px; padding: 0; min-width: 30px;
        max-width: 30px; min-height: 30px; max-height: 30px; font-size: 13px; }}
    QPushButton[role="chip"]:checked {{ background: {t.accent}; color: {t.accent_text};
        border-color: {t.accent}; }}
    QPushButton[role="chip"]:focus {{ border-color: {t.accent}; }}
    QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QTimeEdit {{ background: {t.surface};
        color: {t.text};
        border: 1px solid {t.faint}; border-radius: 8px; padding: 5px 10px; min-width: 150px; }}
    QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QTimeEdit:focus {{
        border-color: {t.accent}; }}
    QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 0; border: none; }}
    QComboBox::drop-down {{ border: none; background: transparent; width: 30px; }}
    QComboBox::down-arrow {{ image: url("{chevron(t)}"); width: 12px; height: 8px; }}
    QAbstractSpinBox QLineEdit {{ background: transparent; border: none; padding: 0;
        min-width: 0; }}
    QComboBox QAbstractItemView {{ background: {t.surface}; color: {t.text};
        selection-background-color: {t.raised}; selection-color: {t.text}; }}
    QCheckBox {{ spacing: 10px; background: transparent; }}
    QCheckBox::indicator {{ width: 18px; height: 18px; border-radius: 5px;
        border: 1px solid {t.muted}; background: {t.surface}; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent}; }}
    QScrollArea, QListWidget {{ border: none; background: {t.background}; }}
    QListWidget::item {{ padding: 12px 8px; border-bottom: 1px solid {t.surface}; }}
    QListWidget::item:selected {{ background: {t.surface}; color: {t.text}; }}
    QScrollBar:vertical {{ background: {t.background}; width: 10px; }}
    QScrollBar::handle:vertical {{ background: {t.faint}; border-radius: 5px; min-height: 30px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
    """
