"""Text put into CSV cells, made safe for spreadsheets.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula, so an id or a note such as
`=HYPERLINK(...)` would run when the file is opened. Such text is written
with a leading apostrophe, which spreadsheets show as plain text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """`text` as it goes into a CSV cell."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
