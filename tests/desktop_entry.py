"""Reading a desktop entry in tests."""

from __future__ import annotations

from configparser import ConfigParser


class DesktopEntry(ConfigParser):
    """A desktop entry read as INI: keys are case-sensitive, values are literal."""

    def __init__(self, text: str) -> None:
        super().__init__(interpolation=None, delimiters=("=",))
        self.read_string(text)

    def optionxform(self, optionstr: str) -> str:
        return optionstr
