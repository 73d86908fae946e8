"""Ten years of nightly history: `stats --json` against its 0.5 s budget.

Run inside the virtual environment: `python bench/history_scale.py`.

The script writes a generated export (about 3,650 sessions and 40,000 urges
over ten years: most nights one session of 5-25 minutes, some nights none,
some nights a second, middle-of-the-night session; home and travel time
zones with daylight-saving changes in both hemispheres and a +05:45 offset),
imports it into a fresh data folder through the installed `rls-companion
import`, then times `rls-companion stats --json` as a whole process (median
of several runs) and checks that the command loads neither PySide6 nor
numpy. `--keep DIR` leaves the generated data folder in DIR so other figures
(such as the history screen's opening time) can be measured against it.

The exit status is 0 only when every checked figure is within its budget.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

STATS_BUDGET_SECONDS = 0.5
RUNS = 5
SESSIONS = 3_650
HOME = ZoneInfo("America/New_York")
MOVED_HOME = ZoneInfo("Europe/Berlin")
TRIPS = (
    ZoneInfo("Asia/Kathmandu"),  # +05:45, no daylight saving
    ZoneInfo("Australia/Sydney"),  # daylight saving in the other half of the year
    ZoneInfo("America/Los_Angeles"),
    ZoneInfo("Europe/London"),
)
PATTERNS = ("resonance", "extended_exhale", "box", "4-7-8", "cyclic_sigh", "custom")
FORBIDDEN_MODULES = ("PySide6", "numpy")


# -- the generated history -------------------------------------------------


@dataclass
class History:
    document: dict[str, Any]
    sessions: int
    urges: int
    nights: int
    first_night: date
    last_night: date


def zone_schedule(rng: random.Random, nights: int) -> list[ZoneInfo]:
    """The time zone of each night: home, a move abroad half way, and trips."""
    zones: list[ZoneInfo] = []
    night = 0
    while night < nights:
        home = HOME if night < nights // 2 else MOVED_HOME
        stay = rng.randint(40, 160)
        zones.extend([home] * stay)
        trip = rng.randint(3, 25)
        zones.extend([rng.choice(TRIPS)] * trip)
        night += stay + trip
    return zones[:nights]


def local(day: date, minutes_after_midnight: float, zone: ZoneInfo) -> datetime:
    """An aware local time; times in a daylight-saving gap move to a real instant."""
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes_after_midnight)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def stamp(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


def make_urges(
    rng: random.Random, start: datetime, practice: int, zone: ZoneInfo, target: int
) -> list[dict[str, Any]]:
    count = max(0, round(rng.gauss(11.0, 3.0)))
    offsets = sorted(rng.uniform(30.0, max(60.0, practice - 30.0)) for _ in range(count))
    urges = []
    for offset in offsets:
        intensity = rng.choice([None, *range(0, 11)])
        held = round(rng.uniform(0.0, target * 1.2), 1)
        outcome = "held" if held >= target else "moved"
        urges.append(
            {
                "at": stamp((start + timedelta(seconds=offset)).astimezone(zone)),
                "target_seconds": target,
                "held_seconds": float(target) if outcome == "held" else held,
                "outcome": outcome,
                "intensity": intensity,
            }
        )
    return urges


def make_session(
    rng: random.Random,
    start: datetime,
    zone: ZoneInfo,
    kind: str,
    planned_minutes: int,
    practice: int,
    target: int,
) -> dict[str, Any]:
    roll = rng.random()
    completed = roll < 0.8 and practice >= planned_minutes * 60
    interrupted = not completed and roll > 0.95
    pauses = rng.choice([0, 0, 0, rng.randint(10, 300)])
    ended = (start + timedelta(seconds=practice + pauses)).astimezone(zone)
    rated = rng.random() < 0.7
    before = rng.randint(2, 9) if rated else None
    pattern = rng.choice(PATTERNS)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "started_at": stamp(start),
        "ended_at": stamp(ended),
        "kind": kind,
        "planned_seconds": planned_minutes * 60,
        "practice_seconds": practice,
        "completed": completed,
        "interrupted": interrupted,
        "breathing": {
            "pattern": pattern,
            "breaths_per_minute": rng.choice([4.5, 5.0, 5.5, 6.0, 6.0, 6.0, 7.0, 8.0]),
        },
        "rating_before": before,
        "rating_after": max(0, before - rng.randint(0, 4)) if before is not None else None,
        "urges": make_urges(rng, start, practice, zone, target),
    }


def generate(seed: int, last_night: date, sessions: int = SESSIONS) -> History:
    """Nights going back from `last_night` until `sessions` sessions exist."""
    rng = random.Random(seed)
    estimated_nights = int(sessions * 1.05) + 30
    first_guess = last_night - timedelta(days=estimated_nights - 1)
    zones = zone_schedule(rng, estimated_nights)
    made: list[dict[str, Any]] = []
    night_index = estimated_nights - 1
    target = 15
    nights = 0
    while len(made) < sessions:
        day = first_guess + timedelta(days=night_index)
        zone = zones[night_index]
        night_index -= 1
        nights += 1
        roll = rng.random()
        if roll < 0.08:
            continue  # a night off
        minutes = rng.choice([10, 15, 20, 20, 20, 25])
        practice = rng.randint(5 * 60, 25 * 60)
        bedtime = local(day, rng.uniform(21.5 * 60, 24.75 * 60), zone)
        target = max(5, min(120, target + rng.choice([-10, 0, 0, 0, 10])))
        made.append(make_session(rng, bedtime, zone, "bedtime", minutes, practice, target))
        if roll > 0.92 and len(made) < sessions:
            resettle = local(day, rng.uniform(26 * 60, 29 * 60), zone)
            short = rng.randint(3 * 60, 12 * 60)
            made.append(make_session(rng, resettle, zone, "resettle", 10, short, target))
    made.sort(key=lambda s: datetime.fromisoformat(s["started_at"]))
    first_night = last_night - timedelta(days=nights - 1)
    document = {"format": "rls-companion-history", "version": 1, "sessions": made}
    urges = sum(len(s["urges"]) for s in made)
    return History(document, len(made), urges, nights, first_night, last_night)


# -- running the installed command -----------------------------------------


def command() -> Path:
    script = Path(sys.executable).with_name("rls-companion")
    if not script.exists():
        sys.exit("rls-companion is not installed next to this Python; run inside the venv")
    return script


def timed(args: Sequence[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.perf_counter()
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done


def loaded_forbidden(data_dir: Path) -> list[str]:
    """Top-level packages from FORBIDDEN_MODULES that `stats --json` imports."""
    args = ["-X", "importtime", "-m", "rls_companion", "--data-dir", str(data_dir)]
    done = subprocess.run(
        [sys.executable, *args, "stats", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = set()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        name = line.rsplit("|", 1)[-1].strip()
        top = name.split(".")[0]
        if top in FORBIDDEN_MODULES:
            found.add(top)
    return sorted(found)


@contextmanager
def data_folder(keep: Path | None) -> Iterator[Path]:
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="rls-history-scale-") as folder:
            yield Path(folder) / "data"
        return
    if keep.exists() and any(keep.iterdir()):
        sys.exit(f"--keep {keep}: the folder is not empty")
    yield keep


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="leave the data folder in DIR")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated history")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of stats --json")
    args = parser.parse_args(argv)

    script = command()
    history = generate(args.seed, date.today() - timedelta(days=1))
    with data_folder(args.keep) as data_dir, tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "history.json"
        export.write_text(json.dumps(history.document, indent=2) + "\n", encoding="utf-8")
        base = [str(script), "--data-dir", str(data_dir)]
        import_seconds, imported = timed([*base, "import", str(export)])
        runs = [timed([*base, "stats", "--json"]) for _ in range(args.runs)]
        stats_seconds = statistics.median(elapsed for elapsed, _ in runs)
        figures = json.loads(runs[-1][1].stdout)
        forbidden = loaded_forbidden(data_dir)
        size_mb = export.stat().st_size / 1e6

    years = history.nights / 365.25
    print(
        f"history: {history.sessions} sessions, {history.urges} urges over {history.nights} "
        f"nights ({years:.1f} years, {history.first_night} to {history.last_night}), "
        f"export {size_mb:.1f} MB"
    )
    print(f"import: {imported.stdout.strip()}")
    print(f"stats --json: {json.dumps(figures)}")
    print()
    stats_ok = stats_seconds <= STATS_BUDGET_SECONDS
    rows = [
        (
            f"stats --json, whole process (median of {args.runs})",
            f"{stats_seconds:.3f} s",
            f"<= {STATS_BUDGET_SECONDS:.1f} s",
            "PASS" if stats_ok else "FAIL",
        ),
        (
            "stats --json loads PySide6 or numpy",
            ", ".join(forbidden) or "neither",
            "neither",
            "PASS" if not forbidden else "FAIL",
        ),
        ("import, whole process", f"{import_seconds:.2f} s", "(information)", ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if args.keep is not None:
        print(f"\ndata folder kept in {args.keep}")
    return 0 if stats_ok and not forbidden else 1


if __name__ == "__main__":
    raise SystemExit(main())
