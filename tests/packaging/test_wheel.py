"""The built wheel carries everything the app reads at run time, and the app
finds it there, also when the package is imported from a zip file."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from built_wheel import REPO, wheel_names

import rls_companion
from rls_companion import doctor

ASSETS = REPO / "rls_companion" / "assets"


def _needed() -> set[str]:
    """Every file the app reads (as the doctor lists them) and every file in
    the source's assets folder, as wheel member names."""
    declared = {
        "rls_companion/assets/" + "/".join(parts)
        for parts in doctor.guidance_files() + doctor.image_files()
    }
    shipped = {
        "rls_companion/" + path.relative_to(ASSETS.parent).as_posix()
        for path in ASSETS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    return declared | shipped


def _missing(names: set[str]) -> list[str]:
    return sorted(_needed() - names)


def test_the_checklist_names_every_script_and_image() -> None:
    needed = _needed()
    guidance = {n for n in needed if n.startswith("rls_companion/assets/guidance/")}
    images = {n for n in needed if n.endswith(".svg")}
    assert {n.rsplit("/", 1)[1] for n in guidance} >= {
        "body_scan.json",
        "somatic_awareness.json",
        "wind_down.json",
    }
    assert {n.rsplit("/", 1)[1] for n in images} >= {
        "chevron-night.svg",
        "chevron-dark.svg",
        "chevron-light.svg",
        "io.github.rlscompanion.RLSCompanion.svg",
    }
    # The check below really notices a file left out of the wheel.
    for name in sorted(guidance | images):
        assert _missing(needed - {name}) == [name]


def test_the_wheel_carries_every_file_the_app_reads(wheel: Path) -> None:
    names = wheel_names(wheel)
    assert _missing(names) == []
    assert "rls_companion/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "assets/", "packaging/", "bench/"))]


def test_the_wheel_carries_the_licence_and_its_spdx_expression(wheel: Path) -> None:
    names = wheel_names(wheel)
    version = rls_companion.__version__
    info = f"rls_companion-{version}.dist-info"
    licence = f"{info}/licenses/LICENSE"
    assert licence in names
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(licence).decode()
        metadata = archive.read(f"{info}/METADATA").decode()
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "License-Expression: GPL-3.0-or-later" in metadata.splitlines()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    # Essentials and Addons only: the PySide6 meta-package would pull QtWebEngine.
    assert not [line for line in requires if line.startswith("Requires-Dist: PySide6 ")]
    assert any(line.startswith("Requires-Dist: PySide6-Addons") for line in requires)


def test_a_zipped_install_finds_its_scripts_and_images(wheel: Path, tmp_path: Path) -> None:
    # A wheel is a zip archive Python can import from, as zipapp and some
    # bundlers do: the scripts are read and the images extracted from it.
    code = (
        "import rls_companion, sys\n"
        "from rls_companion import doctor\n"
        "from rls_companion.ui import theme\n"
        "from PySide6.QtGui import QImage\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "print(rls_companion.__file__)\n"
        "for f in doctor.app_file_findings():\n"
        "    print(f.verdict, f.subject)\n"
        "path = theme.chevron(theme.THEMES['night'])\n"
        "print(path.is_file(), QImage(str(path)).width())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(wheel), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(str(wheel))  # imported from the zip, not the checkout
    findings = lines[1:-1]
    assert len(findings) == len(doctor.guidance_files()) + len(doctor.image_files())
    assert all(line.startswith("OK ") for line in findings), findings
    assert lines[-1] == "True 12"


def test_the_doctor_names_what_a_broken_install_lost(wheel: Path, tmp_path: Path) -> None:
    # A package that lost one script and has a damaged image, as a faulty
    # repackaging would leave it: the doctor says which, and exits 1.
    broken = tmp_path / "broken.whl"
    lost = "rls_companion/assets/guidance/body_scan.json"
    damaged = "rls_companion/assets/ui/chevron-night.svg"
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if item.filename == damaged:
                target.writestr(item, b"<svg")
            elif item.filename != lost:
                target.writestr(item, source.read(item))
    env = {**os.environ, "PYTHONPATH": str(broken), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "rls_companion", "doctor", "--data-dir", str(tmp_path / "data")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    problems = [line.split()[1:3] for line in done.stdout.splitlines() if "PROBLEM" in line]
    assert problems == [["guidance", "body_scan:"], ["image", "ui/chevron-night.svg:"]]
    assert "body_scan.json: cannot read guidance script" in done.stdout
    assert "ui/chevron-night.svg: is not an image Qt can read" in done.stdout
