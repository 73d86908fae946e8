"""`rls-companion report`: a real history in, a PDF out, read back with poppler.

The fixture is 14 nights (3–16 November 2026, Berlin winter time) written
into a real database; every figure expected below is worked out by hand from
the tables here, never by the code under test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from rls_companion import cli
from rls_companion.core.diary import DiaryEntry, LegsDisturbed
from rls_companion.core.evening import EveningLog, Place
from rls_companion.core.records import Outcome, SessionRecord, SessionState, UrgeRecord
from rls_companion.core.session import Kind
from rls_companion.storage import diary, sessions
from rls_companion.storage.db import open_database

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo, pdftoppm)"
)

BERLIN = timezone(timedelta(hours=1))
FIRST = date(2026, 11, 3)
LAST = date(2026, 11, 16)
PERIOD = ["--from", "2026-11-03", "--to", "2026-11-16"]

# Night index: (minutes to sleep, awakenings, minutes awake, quality, legs).
# Every night: into bed and trying to sleep 23:00, final waking 06:30, out of
# bed 06:40. Time in bed 460 min; 450 min from trying to sleep to waking, so
# total sleep = 450 - minutes to sleep - minutes awake. Nights 4 and 9 have no
# check-in.
DIARY = {
    0: (20, 1, 10, 4, "none"),
    1: (30, 2, 30, 3, "a_little"),
    2: (15, 0, 0, 5, "none"),
    3: (45, 3, 45, 2, "a_lot"),
    5: (10, 1, 5, 4, "none"),
    6: (25, 2, 20, 3, "a_little"),
    7: (60, 4, 60, 1, "a_lot"),
    8: (20, 1, 10, 4, "none"),
    10: (15, 1, 15, 4, "none"),
    11: (35, 2, 25, 3, "a_little"),
    12: (5, 0, 0, 5, "none"),
    13: (30, 2, 30, 3, "a_lot"),
}
# Night index: (start "HH:MM" or None for "none today", triggers). Nights 2,
# 5, 9 and 12 have no evening log. 00:30 is the morning after.
EVENING: dict[int, tuple[str | None, tuple[str, ...]]] = {
    0: ("20:30", ("caffeine_after_noon",)),
    1: ("21:15", ()),
    3: ("19:45", ("alcohol", "long_sit")),
    4: ("20:00", ()),
    6: ("20:45", ()),
    7: ("19:30", ("hot bath", "alcohol")),
    8: (None, ()),
    10: ("20:15", ()),
    11: ("21:00", ("caffeine_after_noon",)),
    13: ("00:30", ()),
}
# Night index: (practice seconds, rating before, rating after, urges as
# (outcome, intensity)). Each session starts at 22:00.
SESSIONS: dict[int, tuple[int, int | None, int | None, list[tuple[str, int]]]] = {
    0: (1200, 6, 3, [("held", 4), ("held", 3), ("moved", 5)]),
    1: (1200, 7, 4, []),
    2: (1200, None, None, []),
    3: (1200, 8, 5, [("held", 6), ("moved", 5)]),
    5: (1200, None, None, [("held", 3), ("held", 2)]),
    6: (240, 5, 5, []),
    8: (1200, None, None, [("held", 2)]),
    10: (1200, 4, 2, [("held", 1), ("held", 1), ("held", 2)]),
    12: (1200, 6, None, []),
}


def _at(night: date, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    day = night if hours >= 12 else night + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=BERLIN)


def _night(index: int) -> date:
    return FIRST + timedelta(days=index)


def diary_entries(in_bed: str = "23:00") -> list[DiaryEntry]:
    return [
        DiaryEntry(
            night=_night(i),
            in_bed_at=_at(_night(i), in_bed),
            tried_to_sleep_at=_at(_night(i), "23:00"),
            minutes_to_sleep=m,
            awakenings=a,
            minutes_awake=w,
            final_waking_at=_at(_night(i), "06:30"),
            out_of_bed_at=_at(_night(i), "06:40"),
            quality=q,
            legs_disturbed=LegsDisturbed(legs),
        )
        for i, (m, a, w, q, legs) in DIARY.items()
    ]


def evening_logs(starts: dict[int, str | None] | None = None) -> list[EveningLog]:
    logs = []
    for i, (start, triggers) in EVENING.items():
        start = (starts or {}).get(i, start)
        logs.append(
            EveningLog(
                night=_night(i),
                symptoms_started_at=None if start is None else _at(_night(i), start),
                none_today=start is None,
                symptom_places=frozenset() if start is None else frozenset({Place.LEGS}),
                triggers=tuple(sorted(triggers)),
            )
        )
    # The 28 nights before the period: sensations from 21:00 every evening.
    for back in range(1, 29):
        night = FIRST - timedelta(days=back)
        logs.append(EveningLog(night=night, symptoms_started_at=_at(night, "21:00")))
    return logs


def session_records() -> list[SessionRecord]:
    records = []
    for i, (seconds, before, after, urges) in SESSIONS.items():
        start = _at(_night(i), "22:00")
        records.append(
            SessionRecord(
                id=f"night-{i}",
                started_at=start,
                ended_at=start + timedelta(seconds=seconds),
                kind=Kind.BEDTIME,
                planned_seconds=1200,
                practice_seconds=float(seconds),
                state=SessionState.COMPLETED,
                rating_before=before,
                rating_after=after,
                urges=tuple(
                    UrgeRecord(start + timedelta(minutes=k + 1), 15, 15.0, Outcome(o), n)
                    for k, (o, n) in enumerate(urges)
                ),
            )
        )
    return records


def seed(
    data_dir: Path,
    entries: list[DiaryEntry] | None = None,
    logs: list[EveningLog] | None = None,
) -> None:
    db = open_database(data_dir / "history.sqlite3").connection
    for entry in diary_entries() if entries is None else entries:
        diary.save_diary(db, entry)
    for log in evening_logs() if logs is None else logs:
        diary.save_evening(db, log)
    for record in session_records():
        sessions.insert_session(db, record)
    db.commit()
    db.close()


@pytest.fixture
def painting(qapp: QApplication) -> Iterator[None]:
    """Tests in this process share one Qt application (pytest-qt's)."""
    yield


@pytest.fixture
def locale_en_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")


def _report(tmp_path: Path, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "report.pdf"
    assert cli.main(["report", *PERIOD, "-o", str(out), *extra]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out, " ".join(text.split())  # one line: wrapping never splits a figure


def _pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+(.+?) pts", info.stdout, re.M).group(1)  # type: ignore[union-attr]
    return pages, size


def test_the_figures_on_page_one_are_the_fixture_worked_out_by_hand(
    data_dir: Path,
    tmp_path: Path,
    painting: None,
    locale_en_gb: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(data_dir)
    out, text = _report(tmp_path, "--name", "Alex Example")
    # 13 of 14 nights have a check-in or a log (all but night 9).
    assert capsys.readouterr().out == (
        f"wrote report for 2026-11-03–2026-11-16 (13 nights logged) to {out}\n"
    )
    assert "For Alex Example" in text
    assert "Nights of Tue 3 Nov 2026 to Mon 16 Nov 2026 (14 nights)" in text
    assert "13 of 14 (12 morning check-ins, 10 evening logs)" in text
    # Totals asleep: 420 390 435 360 435 405 330 420 420 390 445 390 = 4840,
    # / 12 = 403.3 min = 6 h 43 min; shortest 330 (5 h 30), longest 445 (7 h 25).
    assert "mean 6 h 43 min, range 5 h 30 min – 7 h 25 min" in text
    # Efficiency = total / 460: mean 403.33 / 460 = 87.7% -> 88%; 330/460 =
    # 71.7% -> 72%; 445/460 = 96.7% -> 97%.
    assert "mean 88%, range 72–97%" in text
    # Minutes to fall asleep: 310 / 12 = 25.8 -> 26; range 5–60.
    assert "mean 26 min, range 5–60 min" in text
    # Awakenings: 19 / 12 = 1.58; range 0–4.
    assert "mean 1.6, range 0–4" in text
    # Quality: 41 / 12 = 3.42 -> "fair"; range 1–5.
    assert "mean 3.4 (fair), range 1–5" in text
    # Legs: a little on nights 1, 6, 11; a lot on 3, 7, 13.
    assert "6 of 12 nights (3 a lot)" in text
    # Starts (minutes after midnight): 1230 1275 1185 1200 1245 1170 1215 1260
    # and 1470 (00:30); sorted, the 5th of 9 is 1230 = 20:30. Night 8: none.
    assert "20:30 (median of 9 nights); none on 1 night" in text
    # The 14 nights before: 21:00 every night; 20:30 is 30 min earlier.
    assert "Compared with the 14 nights before" in text
    assert "30 min earlier (then 21:00)" in text
    # Rated both times: 6→3, 7→4, 8→5, 5→5, 4→2: 30/5 = 6.0 and 19/5 = 3.8.
    assert "mean 6.0 before a session, 3.8 after (5 sessions rated both times)" in text
    # Practice: 8 × 1200 s + 240 s = 9840 s = 164 min; night 6 (4 min) is
    # under the 5-minute minimum, so 8 nights practised; 9 sessions.
    assert "8 of 14 nights practised, 164 min in all (9 sessions)" in text
    # Target: 15 s; night 0 qualifies (2 of 3 held, none above 5), night 3
    # does not (1 of 2), then nights 5, 8, 10 qualify: three in a row -> 25 s.
    assert "Urge target now 25 s" in text
    # Urges: 3 + 2 + 2 + 1 + 3 = 11, held 2 + 1 + 2 + 1 + 3 = 9; 81.8% -> 82%.
    assert "9 of 11 (82%)" in text
    # No rule applies: 5 of 12 nights below 85%, legs only, never 2 h earlier.
    assert "Things to discuss" not in text
    assert "clinician" in text  # the wellness line
    assert (
        "For relaxation and sleep habits. Not a medical device; it does not diagnose or "
        "treat RLS. Do not change medicines without your clinician."
    ) in text
    assert text.count("Generated by RLS Companion 0.1.0 from the person's own entries.") == 2
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


def test_page_two_lists_every_night_with_its_trigger_letters(
    data_dir: Path, tmp_path: Path, painting: None, locale_en_gb: None
) -> None:
    seed(data_dir)
    out, _ = _report(tmp_path)
    page_two = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "2", str(out), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = page_two.splitlines()
    # Letters in the order of the default list, then own labels: A caffeine
    # after noon, B alcohol, C long sit, D hot bath.
    assert re.search(r"Fri 6 Nov\s.*\sB ?C$", page_two, re.M)  # night 3: alcohol, long sit
    assert re.search(r"Tue 10 Nov\s.*\sB ?D$", page_two, re.M)  # night 7: alcohol, hot bath
    assert re.search(r"Sat 14 Nov\s.*\sA$", page_two, re.M)  # night 11: caffeine
    flat = " ".join(page_two.split())
    assert "A Caffeine after noon" in flat and "D hot bath" in flat
    for index in range(14):
        night = _night(index)
        label = f"{night:%a} {night.day} {night:%b}"
        assert sum(1 for line in lines if label in line) >= 1, label
    assert "Sleep efficiency" in flat and "When sensations began" in flat
    assert "usual before: 21:00" in flat


@pytest.mark.parametrize(
    ("lang", "size"),
    [("en_GB.UTF-8", "595 x 842"), ("de_DE.UTF-8", "595 x 842"), ("en_US.UTF-8", "612 x 792")],
)
def test_two_pages_on_the_paper_of_the_territory(
    data_dir: Path,
    tmp_path: Path,
    painting: None,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    size: str,
) -> None:
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("LC_ALL", lang)
    seed(data_dir)
    out, _ = _report(tmp_path)
    assert _pages(out) == (2, size)


def test_the_discuss_box_for_sensations_in_the_arms(
    data_dir: Path, tmp_path: Path, painting: None, locale_en_gb: None
) -> None:
    logs = evening_logs()
    logs[0] = replace(logs[0], symptom_places=frozenset({Place.LEGS, Place.ARMS}))
    seed(data_dir, logs=logs)
    _, text = _report(tmp_path)
    assert "Things to discuss" in text
    assert "Sensations in the arms were logged on 1 night." in text
    assert "You may want to talk this over with a clinician." in text
    assert "Sleep efficiency was below" not in text and "earlier than before" not in text


def test_the_discuss_box_for_low_sleep_efficiency(
    data_dir: Path, tmp_path: Path, painting: None, locale_en_gb: None
) -> None:
    # Into bed at 22:20: 500 min in bed; 85% is 425 min, and the totals
    # 420 390 360 405 330 420 420 390 390 are below it: 9 of 12 nights.
    seed(data_dir, entries=diary_entries(in_bed="22:20"))
    _, text = _report(tmp_path)
    assert "Things to discuss" in text
    assert "Sleep efficiency was below 85% on 9 of the 12 nights with a morning check-in." in text
    assert "arms" not in text


def test_the_discuss_box_for_sensations_starting_earlier(
    data_dir: Path, tmp_path: Path, painting: None, locale_en_gb: None
) -> None:
    # The last 7 nights that say when (or that none came): 4 6 7 8 10 11 13.
    # From 18:00 on nights 4 6 7 10 11: 3 h before the 21:00 of the 28
    # nights before; night 8 had none and night 13 began at 00:30.
    earlier = {4: "18:00", 6: "18:00", 7: "18:00", 10: "18:00", 11: "18:00"}
    seed(data_dir, logs=evening_logs(earlier))
    _, text = _report(tmp_path)
    assert "Things to discuss" in text
    assert "Sensations began about 3 hours earlier than before on 5 of the last 7 days." in text


def test_pages_render_with_nothing_in_the_margins(
    data_dir: Path, tmp_path: Path, painting: None, locale_en_gb: None
) -> None:
    logs = evening_logs()
    logs[0] = replace(logs[0], symptom_places=frozenset({Place.ARMS}))
    seed(data_dir, logs=logs)
    out, _ = _report(tmp_path)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-gray", "-png", str(out), str(tmp_path / "page")], check=True
    )
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == 2
    for png in pngs:
        image = QImage(str(png))
        width, height = image.width(), image.height()
        # A4 at 60 dpi: 496 × 702 pixels; the margin is 50 pt = 41 px.
        assert (width, height) == (496, 702)
        edge = 30  # pixels from each edge that must be white
        dark_inside = 0
        for y in range(0, height, 2):
            for x in range(0, width, 2):
                grey = image.pixelColor(x, y).value()
                near_edge = x < edge or y < edge or x >= width - edge or y >= height - edge
                if near_edge:
                    assert grey == 255, f"{png.name}: ink at ({x}, {y})"
                elif grey < 128:
                    dark_inside += 1
        assert dark_inside > 500, f"{png.name} looks blank"


def test_bad_input_is_one_line_and_writes_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    for args, message in (
        (["--from", "2026-11-16", "--to", "2026-11-03"], "--from 2026-11-16 is after --to"),
        (["--from", "2026-13-01"], "--from: '2026-13-01' is not a date (YYYY-MM-DD)"),
        (["--to", "yesterday"], "--to: 'yesterday' is not a date (YYYY-MM-DD)"),
    ):
        assert cli.main(["report", *args, "-o", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.count("\n") == 1 and message in captured.err
    assert not out.exists()


def test_csv_to_stdout_has_a_row_for_every_night(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(data_dir)
    assert cli.main(["report", *PERIOD, "--format", "csv", "-o", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 15  # the header and 14 nights
    assert lines[0].startswith("night,in_bed_at,tried_to_sleep_at,")
    # Night 9 (12 Nov): nothing logged, no session.
    assert lines[10] == "2026-11-12," + "," * 19 + "0.0,0"
    # Night 0: 460 min in bed, 420 asleep, 91.3%, from 20:30 (1230), 20 min, 1 session.
    assert lines[1].endswith(",460,420,91.3,1230,20.0,1")


def test_the_command_needs_no_display_and_says_nothing_on_stderr(
    data_dir: Path, tmp_path: Path
) -> None:
    seed(data_dir)
    out = tmp_path / "report.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["LANG"] = "en_US.UTF-8"
    done = subprocess.run(
        [sys.executable, "-m", "rls_companion", "report", *PERIOD, "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("wrote report for 2026-11-03–2026-11-16 (13 nights logged)")
    assert _pages(out) == (2, "612 x 792")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
