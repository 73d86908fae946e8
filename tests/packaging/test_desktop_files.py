"""The menu entry, the AppStream metainfo, the screenshots and the icon.

They are what a desktop and an app store show of the app, checked with the
same validators distributions run (desktop-file-utils and appstream).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from desktop_entry import DesktopEntry
from PySide6.QtGui import QColor, QImage

from rls_companion import __version__
from rls_companion.desktop import DESKTOP_FILE, ICON_SIZES, METAINFO_FILE, render_icon_png
from rls_companion.resources import APP_ID, asset, icon_svg

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "rls_companion" / "assets" / "desktop"
LINUX = ROOT / "packaging" / "linux"
SCREENSHOT_URL = "https://raw.githubusercontent.com/rlscompanion/rls-companion/main/"
# What QtSvg renders faithfully (SVG Tiny 1.2): no filters, masks, CSS or text.
SVG_ELEMENTS = {"svg", "title", "defs", "radialGradient", "linearGradient", "stop"} | {
    "g",
    "rect",
    "circle",
    "ellipse",
    "path",
    "polygon",
}
# appstreamcli issues that are allowed through, by (severity, tag, what it names).
# `<developer>` is the element AppStream 1.0 asks for; the 0.16 validator of
# Debian 12 does not know it yet and says so as information.
ALLOWED_INFO = {("I", "unknown-tag", "developer")}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run 'make test' (it installs the system packages)")
    return path


def _entry() -> DesktopEntry:
    return DesktopEntry((PACKAGED / DESKTOP_FILE).read_text(encoding="utf-8"))


def _metainfo() -> ET.Element:
    return ET.parse(PACKAGED / METAINFO_FILE).getroot()


def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    done = subprocess.run(
        [_tool("desktop-file-validate"), str(PACKAGED / DESKTOP_FILE)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_desktop_entry_starts_the_app_and_tonights_session() -> None:
    entry = _entry()
    main = entry["Desktop Entry"]
    assert main["Exec"] == "rls-companion"
    assert main["TryExec"] == "rls-companion"
    assert main["Icon"] == APP_ID
    assert main["Terminal"] == "false"
    # Qt names the X11 window class after the application name the app sets.
    assert main["StartupWMClass"] == "rls-companion"
    assert {"breathing", "sleep", "restless legs", "RLS"} <= set(main["Keywords"].split(";"))
    assert main["Actions"] == "start;"
    action = entry["Desktop Action start"]
    assert action["Name"] == "Start tonight's session"
    assert action["Exec"] == "rls-companion --start"


def test_appstream_metainfo_passes_appstreamcli_validate() -> None:
    """Errors and warnings fail; pedantic hints (such as the capital letters of
    our reverse-DNS id) pass, and so does information only where listed above."""
    done = subprocess.run(
        [
            _tool("appstreamcli"),
            "validate",
            "--no-net",
            "--pedantic",
            str(PACKAGED / METAINFO_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Validation was successful" in done.stdout, done.stdout
    issues = re.findall(r"^([EWIP]): \S+: (\S+)(?: (.*))?$", done.stdout, re.MULTILINE)
    blocking = [
        (severity, tag, subject)
        for severity, tag, subject in issues
        if severity in "EWI" and (severity, tag, subject.strip()) not in ALLOWED_INFO
    ]
    assert blocking == [], done.stdout
    assert done.returncode == 0, done.stdout


def test_the_metainfo_describes_this_app_and_this_version() -> None:
    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP_FILE == f"{APP_ID}.desktop"
    assert [b.text for b in root.iterfind("provides/binary")] == ["rls-companion"]
    releases = root.findall("releases/release")
    newest = releases[0]
    assert newest.get("version") == __version__
    assert newest.get("date") == max(r.get("date", "") for r in releases)
    description = root.find("description")
    assert description is not None
    assert "Not a medical device" in ET.tostring(description, encoding="unicode")


def test_packaging_links_to_the_packaged_files() -> None:
    for name in (DESKTOP_FILE, METAINFO_FILE):
        link = LINUX / name
        assert link.is_symlink()
        target = Path(link.readlink())
        assert not target.is_absolute()
        assert link.resolve() == (PACKAGED / name).resolve()
        assert link.read_bytes() == asset("desktop", name).read_bytes()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_every_screenshot_in_the_metainfo_is_a_png_in_the_repository() -> None:
    images = _metainfo().findall("screenshots/screenshot/image")
    assert len(images) == 3
    for image in images:
        url = image.text or ""
        assert url.startswith(SCREENSHOT_URL)
        path = ROOT / url.removeprefix(SCREENSHOT_URL)
        assert path.parent == ROOT / "assets" / "screenshots"
        data = path.read_bytes()
        size = _png_size(data)
        assert size == (int(image.get("width", 0)), int(image.get("height", 0))) == (1280, 800)
        assert 20_000 < len(data) < 1_000_000  # a real picture, small enough to download


def test_the_icon_is_plain_svg_that_qt_renders() -> None:
    root = ET.fromstring(icon_svg().read_bytes())
    names = {element.tag.rpartition("}")[2] for element in root.iter()}
    assert names <= SVG_ELEMENTS
    assert root.get("viewBox") == "0 0 512 512"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_the_icon_renders_at_every_size(size: int) -> None:
    image = QImage.fromData(render_icon_png(size), "PNG")
    assert (image.width(), image.height()) == (size, size)
    middle = image.pixelColor(size // 2, size // 2)
    # The orb: opaque and warm (amber, no blue) in the middle.
    assert middle.alpha() == 255
    assert middle.red() > middle.green() > middle.blue()
    assert middle.lightness() > 110
    last = size - 1
    for x, y in ((0, 0), (last, 0), (0, last), (last, last)):
        assert image.pixelColor(x, y).alpha() == 0  # outside the rounded square
    # Inside the square's corners: the dark warm night, opaque.
    inset = max(2, size // 6)
    for x, y in ((inset, last - inset), (last - inset, last - inset), (inset, inset)):
        night: QColor = image.pixelColor(x, y)
        assert night.alpha() == 255
        assert night.lightness() < 60
        assert night.red() >= night.blue()
