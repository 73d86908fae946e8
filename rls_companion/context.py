"""The app's open files: paths, settings and the history database.

Shared by the window and the command line so both see the same data, the same
validation and the same recovery of interrupted sessions.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field

from rls_companion.paths import Paths, ensure_private_dir
from rls_companion.paths import resolve as resolve_paths
from rls_companion.storage.db import open_database
from rls_companion.storage.recorder import reap_orphans
from rls_companion.storage.settings_file import SettingsFile


@dataclass
class Context:
    paths: Paths
    settings: SettingsFile
    _db: sqlite3.Connection | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def db(self) -> sqlite3.Connection:
        """The history database, opened (and tidied) on first use."""
        if self._db is None:
            opened = open_database(self.paths.database)
            self.notices.extend(opened.notices)
            self._db = opened.connection
            reap_orphans(self._db, self.paths.run_dir)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def open_context(data_dir: str | None = None, log_to_file: bool = False) -> Context:
    paths = resolve_paths(data_dir)
    if log_to_file:
        setup_logging(paths)
    return Context(paths, SettingsFile(paths.settings))


MAX_LOG_BYTES = 512 * 1024
# A log line longer than this is cut: a huge value quoted in a message (a
# damaged settings file, say) must not fill the log on its own.
MAX_LOG_LINE = 2000


def setup_logging(paths: Paths, verbose: bool = False) -> None:
    """Log to a small rotating file in the log folder, readable by the user only
    (the rotated copies too)."""
    # Imported here: it pulls in sockets, which the quick commands never need.
    import logging.handlers

    class PrivateRotatingFile(logging.handlers.RotatingFileHandler):
        def _open(self):  # type: ignore[no-untyped-def]
            descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(descriptor, 0o600)
            return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)

    class ShortLines(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            line = super().format(record)
            if len(line) <= MAX_LOG_LINE:
                return line
            return f"{line[:MAX_LOG_LINE]}… ({len(line) - MAX_LOG_LINE} more characters)"

    ensure_private_dir(paths.log_dir)
    handler = PrivateRotatingFile(
        paths.log_file, maxBytes=MAX_LOG_BYTES, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(ShortLines("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
