"""Settings persisted as JSON in the config folder.

Loading never fails: an unreadable file or a bad value falls back to defaults
key by key, the broken file is kept beside it as a backup, and each problem is
logged so the user can find out what happened.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from rls_companion.core import settings as schema
from rls_companion.core.config import Settings
from rls_companion.paths import write_private

log = logging.getLogger(__name__)

# Every setting together takes about 2 KB; a file far beyond that is not ours
# to read (it is refused like a damaged one, and kept).
MAX_FILE_BYTES = 64 * 1024


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, schema.Value] = schema.defaults()
        self.problems: list[str] = []
        self.backup: Path | None = None
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(_read(self.path))
            if not isinstance(data, dict):
                raise ValueError("the file does not hold a JSON object")
            flat = _flatten(data)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            self.problems.append(f"{self.path.name} could not be read ({error}); using defaults")
        else:
            self.values, self.problems = schema.merge_valid(flat)
        if self.problems:
            self._keep_backup()
            for problem in self.problems:
                log.warning("settings: %s", problem)

    def _keep_backup(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.bad-{stamp}")
        try:
            kept = self._same_backup()
            if kept is not None:  # the same bad file was kept before: once is enough
                self.backup = kept
                return
            write_private(backup, self.path.read_bytes())
        except OSError as error:
            log.warning("settings: could not keep a backup of the bad file: %s", error)
            return
        self.backup = backup

    def _same_backup(self) -> Path | None:
        size = self.path.stat().st_size
        candidates = sorted(self.path.parent.glob(f"{self.path.name}.bad-*"), reverse=True)
        same_size = [p for p in candidates if p.stat().st_size == size]
        if not same_size:
            return None
        current = self.path.read_bytes()
        return next((p for p in same_size if p.read_bytes() == current), None)

    @property
    def typed(self) -> Settings:
        """The current values as typed sections (`typed.breathing.pattern`, ...)."""
        return Settings.from_values(self.values)

    def get(self, key: str) -> schema.Value:
        schema.spec_for(key)
        return self.values[key]

    def refresh(self) -> None:
        """Pick up changes made meanwhile by another program (e.g. `config set`).

        Quiet: an unreadable file keeps the values already in use; the problem
        was reported (and the file backed up) when it was first read.
        """
        try:
            data = json.loads(_read(self.path))
        except (OSError, UnicodeDecodeError, ValueError):
            return
        if isinstance(data, dict):
            self.values, _ = schema.merge_valid(_flatten(data))

    def set(self, key: str, value: Any) -> schema.Value:
        """Validate and store one value; raises SettingError and changes nothing.

        The file is read again first, so a value changed meanwhile by another
        program is kept rather than overwritten with an older one.
        """
        checked = schema.validate(key, value)
        self.refresh()
        self.values[key] = checked
        self.save()
        return checked

    def set_many(self, values: Mapping[str, Any]) -> None:
        """Validate every value, then store them all in one write (or none)."""
        checked = {key: schema.validate(key, value) for key, value in values.items()}
        self.refresh()
        self.values.update(checked)
        self.save()

    def set_text(self, key: str, text: str) -> schema.Value:
        return self.set(key, schema.parse(key, text))

    def save(self) -> None:
        nested: dict[str, dict[str, Any]] = {}
        for key, value in self.values.items():
            section, name = key.split(".", 1)
            nested.setdefault(section, {})[name] = value
        text = json.dumps(nested, indent=2, sort_keys=True) + "\n"
        write_private(self.path, text.encode("utf-8"))


def _read(path: Path) -> str:
    """The file's text, or ValueError for a file too large to be settings."""
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"it is larger than {MAX_FILE_BYTES // 1024} KiB")
    return data.decode("utf-8")


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for section, body in data.items():
        if isinstance(body, dict):
            for name, value in body.items():
                flat[f"{section}.{name}"] = value
        else:
            flat[section] = body
    return flat
