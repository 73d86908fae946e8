"""A4 or Letter, by where the person is.

The paper size is a matter of the territory, not the language: Canadian
French prints on Letter, British English on A4. POSIX keeps it in its own
category (LC_PAPER), which LC_ALL overrides and LANG stands in for; without
any of them Qt's idea of the system locale decides. The territories are
those that print on Letter by CLDR's paper-size data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import QLocale
from PySide6.QtGui import QPageSize

LETTER_TERRITORIES = frozenset(
    {"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"}
)


def paper_locale(environ: Mapping[str, str] = os.environ) -> QLocale:
    """The locale whose territory decides the paper."""
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = environ.get(name, "")
        if value:
            tag = value.split(".")[0].split("@")[0]
            if tag in ("C", "POSIX"):
                break
            return QLocale(tag)
    return QLocale.system()


def page_size(locale: QLocale | None = None) -> QPageSize:
    """Letter where the territory prints on it, A4 everywhere else."""
    chosen = paper_locale() if locale is None else locale
    code = QLocale.territoryToCode(chosen.territory())
    letter = code in LETTER_TERRITORIES
    return QPageSize(QPageSize.PageSizeId.Letter if letter else QPageSize.PageSizeId.A4)
