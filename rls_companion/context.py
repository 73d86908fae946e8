"""The app's open files: paths, settings and the history database.

Shared by the window and the command line so both see the same data, the same
validation and the same recovery of interrupted sessions.
"""

from __future__ import annotations

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


def setup_logging(paths: Paths, verbose: bool = False) -> None:
    """Log to a small rotating file in the log folder (user-only access)."""
    # Imported here: it pulls in sockets, which the quick commands never need.
    import logging.handlers

    ensure_private_dir(paths.log_dir)
    handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=512 * 1024, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    paths.log_file.chmod(0o600)
