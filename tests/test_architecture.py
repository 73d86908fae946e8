"""The core decides everything without Qt; storage needs no Qt either."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rls_companion"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_storage_never_import_qt() -> None:
    offenders = []
    for folder in ("core", "storage"):
        for path in (PACKAGE / folder).rglob("*.py"):
            for name in _imports(path):
                if name.startswith(
                    ("PySide6", "shiboken6", "rls_companion.ui", "rls_companion.audio")
                ):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
    assert len(list((PACKAGE / "core").glob("*.py"))) >= 8  # the scan really saw the core


def test_importing_core_storage_and_cli_loads_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, rls_companion.core, rls_companion.storage\n"
        "for pkg in (rls_companion.core, rls_companion.storage):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(pkg.__name__ + '.' + m.name)\n"
        "import rls_companion.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
