"""`rls-companion desktop install` / `uninstall`: the menu entry of a pip install.

Everything runs in a temporary XDG data folder; an unrelated file beside ours
shows that only our files are touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from desktop_entry import DesktopEntry
from PySide6.QtGui import QImage

from rls_companion import cli, desktop
from rls_companion.resources import APP_ID, asset, icon_svg

COMMAND = "/opt/rls-companion/bin/rls-companion"


def _expected(data_home: Path) -> list[Path]:
    icons = data_home / "icons" / "hicolor"
    return [
        data_home / "applications" / f"{APP_ID}.desktop",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
        *(icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png" for n in desktop.ICON_SIZES),
        data_home / "metainfo" / f"{APP_ID}.metainfo.xml",
    ]


def _files(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _exec_argv(value: str) -> list[str]:
    """An Exec value as a launcher reads it (desktop entry spec, "The Exec key"):
    string escapes first, then the quoting rules, then `%%` is `%`."""
    text = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t"}.get(m[1], m[1]), value)
    words: list[str] = []
    word: str | None = None
    quoted = False
    chars = iter(text)
    for char in chars:
        if quoted and char == "\\":
            char = next(chars)
            assert char in '"`$\\', f"{char!r} must not be escaped in a quoted argument"
        elif char == '"':
            quoted = not quoted
            word = word or ""
            continue
        elif char == " " and not quoted:
            if word is not None:
                words.append(word)
            word = None
            continue
        word = (word or "") + char
    assert not quoted
    if word is not None:
        words.append(word)
    return [w.replace("%%", "%") for w in words]


def test_install_writes_the_entry_icons_and_metainfo(tmp_path: Path) -> None:
    home = tmp_path / "share"
    written = desktop.install(home, COMMAND)
    assert written == _expected(home)
    assert sorted(_files(home)) == sorted(written)  # nothing else, no temporary files

    entry = DesktopEntry(written[0].read_text(encoding="utf-8"))
    packaged = DesktopEntry(asset("desktop", desktop.DESKTOP_FILE).read_text(encoding="utf-8"))
    assert entry["Desktop Entry"]["Exec"] == COMMAND
    assert entry["Desktop Entry"]["TryExec"] == COMMAND
    assert entry["Desktop Action start"]["Exec"] == f"{COMMAND} --start"
    for section in packaged.sections():  # everything else as shipped
        for key, value in packaged[section].items():
            if key not in ("Exec", "TryExec"):
                assert entry[section][key] == value

    assert written[1].read_bytes() == icon_svg().read_bytes()
    for size, png in zip(desktop.ICON_SIZES, written[2:-1], strict=True):
        image = QImage(str(png))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255
    assert written[-1].read_bytes() == asset("desktop", desktop.METAINFO_FILE).read_bytes()
    assert {path.stat().st_mode & 0o777 for path in written} == {0o644}


def test_a_command_path_with_spaces_and_symbols_is_quoted_for_launchers(tmp_path: Path) -> None:
    command = "/home/Ana María/my $tools/100%/back\\slash/rls-companion"
    [entry_file, *_] = desktop.install(tmp_path / "share", command)
    entry = DesktopEntry(entry_file.read_text(encoding="utf-8"))
    assert _exec_argv(entry["Desktop Entry"]["Exec"]) == [command]
    assert _exec_argv(entry["Desktop Action start"]["Exec"]) == [command, "--start"]
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.fail("desktop-file-validate is not installed; run 'make test'")
    done = subprocess.run([validator, str(entry_file)], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")


def test_installing_twice_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "share"
    desktop.install(home, COMMAND)
    before = _files(home)
    stamps = {path: path.stat().st_mtime_ns for path in before}
    assert desktop.install(home, COMMAND) == _expected(home)
    assert _files(home) == before
    assert {path: path.stat().st_mtime_ns for path in before} == stamps  # not even rewritten


def test_installing_again_replaces_an_older_entry(tmp_path: Path) -> None:
    home = tmp_path / "share"
    entry_file = desktop.install(home, "/old/place/rls-companion")[0]
    desktop.install(home, COMMAND)
    assert f"Exec={COMMAND}\n" in entry_file.read_text(encoding="utf-8")
    assert "/old/place" not in entry_file.read_text(encoding="utf-8")
    assert sorted(_files(home)) == sorted(_expected(home))


def _block_the_48px_folder(home: Path) -> Path:
    """A file where the 48 px icon folder must go: writing there fails as a
    full or read-only disk would, whoever runs the test."""
    blocker = home / "icons" / "hicolor" / "48x48"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    if blocker.is_dir():
        shutil.rmtree(blocker)
    blocker.write_text("not a folder")
    return blocker / "apps" / f"{APP_ID}.png"


def test_a_first_install_that_fails_leaves_nothing_and_names_the_file(tmp_path: Path) -> None:
    home = tmp_path / "share"
    failing = _block_the_48px_folder(home)
    with pytest.raises(OSError) as raised:
        desktop.install(home, COMMAND)
    assert raised.value.filename == str(failing)
    assert list(_files(home)) == [home / "icons" / "hicolor" / "48x48"]  # only the blocker


def test_a_failed_update_keeps_the_working_entry(tmp_path: Path) -> None:
    home = tmp_path / "share"
    entry_file = desktop.install(home, "/old/place/rls-companion")[0]
    _block_the_48px_folder(home)
    with pytest.raises(OSError):
        desktop.install(home, COMMAND)
    # The entry is written last: the old one still starts the old program.
    assert "Exec=/old/place/rls-companion\n" in entry_file.read_text(encoding="utf-8")


def test_the_command_must_be_an_absolute_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="absolute path"):
        desktop.install(tmp_path / "share", "rls-companion")
    assert not (tmp_path / "share").exists()


def test_uninstall_removes_exactly_our_files(tmp_path: Path) -> None:
    home = tmp_path / "share"
    desktop.install(home, COMMAND)
    others = [
        home / "applications" / "org.example.Other.desktop",
        home / "icons" / "hicolor" / "48x48" / "apps" / "org.example.Other.png",
        home / "icons" / "hicolor" / "scalable" / "apps" / "org.example.Other.svg",
        home / "metainfo" / "org.example.Other.metainfo.xml",
    ]
    for other in others:
        other.write_bytes(b"someone else's")

    assert desktop.uninstall(home) == _expected(home)
    assert sorted(_files(home)) == sorted(others)
    assert all(other.read_bytes() == b"someone else's" for other in others)
    assert (home / "icons" / "hicolor" / "512x512" / "apps").is_dir()  # shared folders stay

    assert desktop.uninstall(home) == []  # a second time: nothing left to remove
    assert sorted(_files(home)) == sorted(others)


def test_no_cache_file_is_created_where_there_was_none(tmp_path: Path) -> None:
    home = tmp_path / "share"
    desktop.install(home, COMMAND)
    desktop.uninstall(home)
    assert _files(home) == {}


def test_an_existing_icon_cache_is_brought_up_to_date(tmp_path: Path) -> None:
    tool = shutil.which("gtk-update-icon-cache")
    if tool is None:
        pytest.fail("gtk-update-icon-cache is not installed; run 'make test'")
    icons = tmp_path / "share" / "icons" / "hicolor"
    (icons / "48x48" / "apps").mkdir(parents=True)
    (icons / "48x48" / "apps" / "org.example.Other.png").write_bytes(desktop.render_icon_png(48))
    subprocess.run([tool, "-q", "-f", "-t", str(icons)], check=True)
    cache = icons / "icon-theme.cache"
    assert APP_ID.encode() not in cache.read_bytes()

    desktop.install(tmp_path / "share", COMMAND)
    assert APP_ID.encode() in cache.read_bytes()
    desktop.uninstall(tmp_path / "share")
    assert APP_ID.encode() not in cache.read_bytes()


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """An installed `rls-companion` console script, as pip would leave it."""
    path = tmp_path / "bin" / "rls-companion"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_command_line_installs_for_the_program_that_runs(
    program: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [str(program), "desktop", "install"])
    home = Path(os.environ["XDG_DATA_HOME"])

    assert cli.main(["desktop", "install"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:-2] == [str(path) for path in _expected(home)]
    assert out[-1] == "to remove it again: rls-companion desktop uninstall"
    entry = (home / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={program}\n" in entry


def test_run_as_a_module_the_menu_starts_the_script_beside_the_interpreter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [str(Path(cli.__file__).with_name("__main__.py"))])
    home = Path(os.environ["XDG_DATA_HOME"])
    assert cli.main(["desktop", "install"]) == 0
    capsys.readouterr()
    script = Path(sys.executable).with_name("rls-companion")
    entry = (home / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={os.path.abspath(script)}\n" in entry


def test_the_path_is_the_last_resort_for_finding_the_program(
    program: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "argv", ["/somewhere/rls_companion/__main__.py"])
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python" / "bin" / "python3"))
    monkeypatch.setenv("PATH", str(program.parent))
    assert desktop.running_command() == str(program)

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.main(["desktop", "install"]) == 1
    assert capsys.readouterr().err == (
        "rls-companion: cannot tell where the rls-companion program is installed; "
        "run 'desktop install' through the rls-companion command itself\n"
    )
    assert not Path(os.environ["XDG_DATA_HOME"]).exists()  # nothing was written


@pytest.fixture
def command() -> Path:
    """The installed rls-companion command, as a user would run it."""
    script = Path(sys.executable).with_name("rls-companion")
    assert script.exists(), "the package is not installed in this environment"
    return script


def test_the_installed_command_adds_and_removes_the_menu_entry(
    command: Path, tmp_path: Path, data_dir: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    home = tmp_path / "xdg-data"

    done = subprocess.run(
        [str(command), "desktop", "install"], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "added RLS Companion to the application menu (12 files)" in done.stdout
    assert sorted(_files(home)) == sorted(_expected(home))
    entry = DesktopEntry((home / "applications" / f"{APP_ID}.desktop").read_text("utf-8"))
    assert entry["Desktop Entry"]["Exec"] == str(command)
    assert entry["Desktop Action start"]["Exec"] == f"{command} --start"
    png = QImage(str(home / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"))
    assert (png.width(), png.height()) == (256, 256)
    assert not data_dir.exists()  # the history and settings were not opened

    done = subprocess.run(
        [str(command), "desktop", "uninstall"], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "removed RLS Companion from the application menu (12 files)" in done.stdout
    assert _files(home) == {}


def test_without_xdg_data_home_the_entry_goes_to_the_home_folder(
    command: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    env["HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [str(command), "desktop", "install"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    home = tmp_path / "home" / ".local" / "share"
    assert sorted(_files(tmp_path / "home")) == sorted(_expected(home))
