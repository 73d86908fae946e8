"""The app's icon in the window, the task bar and the tray.

One SVG drawn for the app is the source of every size (see
`rls_companion.resources.ICON`); Qt renders it sharp at whatever size a panel
asks for, so no pre-rendered pictures are needed at run time.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

from rls_companion.resources import ICON, file_path


def app_icon() -> QIcon:
    return QIcon(str(file_path(*ICON)))
