"""Where the app keeps its files.

`--data-dir DIR` or RLS_COMPANION_DATA_DIR put everything (database, settings,
logs) under one folder; otherwise the platform's usual places are used.
Folders are created only when something is written, with user-only access.
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "rls-companion"
ENV_DATA_DIR = "RLS_COMPANION_DATA_DIR"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def settings(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "rls-companion.log"

    @property
    def welcomed_marker(self) -> Path:
        """Present once the first-run welcome has been shown."""
        return self.data_dir / "welcomed"

    @property
    def checkin_offered(self) -> Path:
        """The last night the morning check-in was offered for (YYYY-MM-DD), so
        it is offered once."""
        return self.data_dir / "checkin-offered"

    @property
    def instance_lock(self) -> Path:
        """Held by the running window; names where it listens for later launches."""
        return self.data_dir / "instance.lock"

    @property
    def run_dir(self) -> Path:
        """Lock files of sessions that are running right now."""
        return self.data_dir / "running"


def resolve(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    chosen = data_dir or os.environ.get(ENV_DATA_DIR)
    if chosen:
        root = Path(chosen).expanduser().absolute()
        return Paths(root, root, root / "logs")
    import platformdirs

    return Paths(
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        # Closed to others; a folder the user made stricter (0500) stays so.
        os.chmod(path, mode & 0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Atomically replace `path` with `data`, readable by the user only."""
    ensure_private_dir(path.parent)
    replace_private(path, data)


def write_user_file(path: Path, data: bytes) -> None:
    """Write a file the user named (an export, a report) the way they meant it.

    A symbolic link is followed and its target replaced, so the link stays a
    link; a device or a pipe (`-o /dev/stdout`) is written into, never
    replaced by a regular file; anything else is replaced atomically (mode
    0600). Errors name the user's path, not a temporary file.
    """
    import stat

    target = path.resolve() if path.is_symlink() else path
    try:
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            with target.open("wb") as stream:
                stream.write(data)
            return
        replace_private(target, data)
    except OSError as error:
        if error.filename == str(path):
            raise
        raise OSError(error.errno, error.strerror or str(error), str(path)) from error


def replace_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Atomically replace `path` with `data` (mode 0600) in a folder the user chose.

    Unlike `write_private` it leaves the folder alone: exporting to ~/Documents
    must not change who can read ~/Documents. Files meant for others to read
    (a menu entry the desktop shell reads) pass their own `mode`.
    """
    import tempfile  # only when writing: keeps the command line's start-up short

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode != 0o600:  # mkstemp made it 0600
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
