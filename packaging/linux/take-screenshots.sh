#!/usr/bin/env bash
# Take the screenshots that app stores show (AppStream metainfo) from the real
# app, with a few made-up weeks of history, at 1280 × 800:
#
#   packaging/linux/take-screenshots.sh
#
# writes assets/screenshots/tonight.png, session.png and history.png. It runs
# the app from the repository's .venv (make venv) on a private X server at
# 22:40 today (faketime moves only the wall clock; the monotonic clock that
# paces the breath is left alone), so it needs Xvfb, xdotool, ImageMagick and
# faketime. Nothing outside a temporary folder is touched but those three files.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
evening="$(date +%F) 22:40:00"
app=$root/.venv/bin/rls-companion
python=$root/.venv/bin/python
out=$root/assets/screenshots
width=1280
height=800

missing="install xvfb, xdotool, imagemagick and faketime (Debian package names)"
for tool in Xvfb xdotool import convert; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "take-screenshots: $tool not found; $missing" >&2
        exit 1
    fi
done
# The library itself, not the faketime command: that one forks, and the app's
# process id is needed to find its window and to stop it.
libfaketime=$(compgen -G "/usr/lib*/faketime/libfaketime.so.1" ||
    compgen -G "/usr/lib/*/faketime/libfaketime.so.1" || true)
libfaketime=${libfaketime%%$'\n'*}
if [[ -z $libfaketime ]]; then
    echo "take-screenshots: libfaketime not found; $missing" >&2
    exit 1
fi
if [[ ! -x $app ]]; then
    echo "take-screenshots: $app not found (run make venv first)" >&2
    exit 1
fi

work=$(mktemp -d)
xvfb_pid=""
app_pid=""
stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    if [[ -n $app_pid ]]; then stop "$app_pid"; fi
    if [[ -n $xvfb_pid ]]; then stop "$xvfb_pid"; fi
    rm -rf "$work"
}
trap cleanup EXIT

log() {
    echo "take-screenshots: $*"
}

# wait_until SECONDS WHAT COMMAND...: poll COMMAND until it succeeds.
wait_until() {
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        if ((SECONDS >= deadline)); then
            echo "take-screenshots: timed out waiting for $what" >&2
            [[ -s $work/app.log ]] && tail -n 20 "$work/app.log" >&2
            return 1
        fi
        sleep 0.1
    done
}

# A private X server; it writes its display number when it is ready.
Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp -noreset \
    3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
wait_until 20 "Xvfb" test -s "$work/display"
export DISPLAY=":$(head -n 1 "$work/display")"
unset WAYLAND_DISPLAY

# Everything the app keeps goes to a temporary data folder.
data=$work/data
run() {
    QT_QPA_PLATFORM=xcb "$app" --data-dir "$data" "$@"
}

# A made-up but plausible few weeks: a bedtime session most nights, a quick
# breathing session now and then, one night off, one night stopped after a
# few minutes, a re-settle at 3 a.m.; urges mostly held while the target
# slowly grows, and leg ratings that ease off over the weeks.
"$python" - "$work/history.json" "$evening" <<'PY'
import json
import random
import sys
import uuid
from datetime import datetime, time, timedelta

rng = random.Random(20261120)
today = datetime.fromisoformat(sys.argv[2]).date()
NIGHTS = 24
OFF, CUT_SHORT, QUICK, RESETTLE = 13, 7, (18, 4), 9


def instant(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="seconds")


def sample_id(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "rls-companion-sample/" + "/".join(map(str, parts))))


sessions = []
target, calm_nights = 15, 0
for nights_ago in range(NIGHTS, 0, -1):
    if nights_ago == OFF:
        continue
    night = today - timedelta(days=nights_ago)
    kind, planned = ("breathing", 300) if nights_ago in QUICK else ("bedtime", 1200)
    start = datetime.combine(night, time(22, 5)) + timedelta(minutes=rng.randrange(0, 70))
    completed = nights_ago != CUT_SHORT
    practice = (planned - rng.randrange(0, 20) if kind == "bedtime" else planned) if completed else 215
    eased = (NIGHTS - nights_ago) / NIGHTS
    before = max(2, min(9, round(7.5 - 3 * eased + rng.uniform(-1, 1))))
    after = max(0, before - rng.randrange(2, 5))
    urges = []
    count = rng.randrange(1, 4) if kind == "bedtime" and completed else 0
    for at in sorted(rng.sample(range(practice // 4, practice - 60), count)):
        held = rng.random() < 0.8
        urges.append(
            {
                "at": instant(start + timedelta(seconds=at)),
                "target_seconds": target,
                "held_seconds": float(target + rng.randrange(0, 4)) if held else float(rng.randrange(5, target)),
                "outcome": "held" if held else "moved",
                "intensity": rng.randrange(3, 6),
            }
        )
    calm_nights = calm_nights + 1 if urges and all(u["outcome"] == "held" for u in urges) else 0
    if calm_nights == 3:
        target, calm_nights = target + 10, 0
    sessions.append(
        {
            "id": sample_id(night),
            "started_at": instant(start),
            "ended_at": instant(start + timedelta(seconds=practice + 15)),
            "kind": kind,
            "planned_seconds": planned,
            "practice_seconds": practice,
            "completed": completed,
            "interrupted": False,
            "breathing": {"pattern": "resonance", "breaths_per_minute": 6.0},
            "rating_before": before,
            "rating_after": after if completed else None,
            "urges": urges,
        }
    )
    if nights_ago == RESETTLE:
        woke = datetime.combine(night + timedelta(days=1), time(3, 10))
        sessions.append(
            {
                "id": sample_id(night, "resettle"),
                "started_at": instant(woke),
                "ended_at": instant(woke + timedelta(seconds=610)),
                "kind": "resettle",
                "planned_seconds": 600,
                "practice_seconds": 600,
                "completed": True,
                "urges": [],
            }
        )
document = {"format": "rls-companion-history", "version": 1, "sessions": sessions}
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(document, out, indent=1)
PY
run import "$work/history.json"
# Silent and without speech: no notice about a missing sound device or voice
# in the pictures. The welcome page has been seen (its marker is there).
run config set audio.backend none >/dev/null
run config set speech.enabled false >/dev/null
: >"$data/welcomed"

# capture FILE: the whole screen, which the window fills.
capture() {
    import -window root "$1"
}

# settled FILE: two captures a moment apart are the same picture; the later
# one is in FILE.
settled() {
    capture "$work/a.png"
    sleep 0.3
    capture "$1"
    cmp -s <(convert "$work/a.png" rgb:-) <(convert "$1" rgb:-)
}

# left FILE NEW: the screen has settled on a picture (in NEW) other than FILE.
left() {
    settled "$2" && ! cmp -s <(convert "$1" rgb:-) <(convert "$2" rgb:-)
}

window_of() {
    xdotool search --onlyvisible --pid "$1" --name '^RLS Companion$' 2>/dev/null | head -n 1
}

has_window() {
    [[ -n $(window_of "$app_pid") ]]
}

fills_screen() {
    local geometry
    geometry=$(xdotool getwindowgeometry --shell "$1")
    [[ $geometry == *"X=0"*"Y=0"*"WIDTH=$width"*"HEIGHT=$height"* ]]
}

# launch ARGS...: start the app, wait for its window and make it fill the screen.
launch() {
    # Started directly (not through `run`), so that $! is the app itself.
    LD_PRELOAD=$libfaketime FAKETIME="@$evening" FAKETIME_DONT_FAKE_MONOTONIC=1 \
        QT_QPA_PLATFORM=xcb "$app" --data-dir "$data" "$@" >"$work/app.log" 2>&1 &
    app_pid=$!
    wait_until 30 "the window" has_window
    local window
    window=$(window_of "$app_pid")
    xdotool windowmove "$window" 0 0 windowsize "$window" "$width" "$height"
    wait_until 10 "the window to fill the screen" fills_screen "$window"
    xdotool windowfocus --sync "$window"
    # The pointer rests in a corner, away from anything that shows a hover.
    xdotool mousemove "$((width - 1))" "$((height - 1))"
}

quit_app() {
    kill -TERM "$app_pid"
    wait "$app_pid" || true
    app_pid=""
}

# nav_item INDEX IMAGE: the middle of the INDEX-th (from 0) page name in the
# bar at the top of the window, found in the picture itself.
nav_item() {
    "$python" - "$1" "$2" <<'PY'
import sys

from PySide6.QtGui import QColor, QImage

index, path = int(sys.argv[1]), sys.argv[2]
image = QImage(path)
background = QColor(image.pixel(image.width() // 2, 4))


def ink(x: int, y: int) -> bool:
    c = QColor(image.pixel(x, y))
    return abs(c.red() - background.red()) + abs(c.green() - background.green()) > 60


top, bottom = 4, 70
columns = [x for x in range(image.width()) if any(ink(x, y) for y in range(top, bottom))]
groups: list[list[int]] = []
for x in columns:
    if groups and x - groups[-1][-1] <= 12:
        groups[-1].append(x)
    else:
        groups.append([x])
if len(groups) != 3:
    sys.exit(f"expected the three page names at the top, found {len(groups)} shapes")
xs = groups[index]
ys = [y for y in range(top, bottom) for x in xs if ink(x, y)]
print((xs[0] + xs[-1]) // 2, (min(ys) + max(ys)) // 2)
PY
}

# fullest_orb FILE: capture the screen until the breathing orb has passed its
# fullest (the end of a breath in), and keep that picture in FILE.
fullest_orb() {
    "$python" - "$1" "$work" <<'PY'
import shutil
import subprocess
import sys
import time

from PySide6.QtGui import QImage

out, work = sys.argv[1], sys.argv[2]
FADE_IN_S = 4.0  # the session's picture fades in over its first seconds
TIMEOUT_S = 40.0


def brightness(path: str) -> int:
    """The light of the orb: summed over the middle of the canvas, above the words."""
    image = QImage(path)
    return sum(
        image.pixelColor(x, y).lightness()
        for x in range(380, 900, 4)
        for y in range(40, 470, 4)
    )


began = time.monotonic()
lights: list[int] = []
shot = 0
while time.monotonic() - began < TIMEOUT_S:
    path = f"{work}/orb-{shot % 4}.png"
    subprocess.run(["import", "-window", "root", path], check=True)
    if time.monotonic() - began < FADE_IN_S:
        continue
    lights.append(brightness(path))
    shot += 1
    # A peak: brighter than the picture before it and than the two after it.
    if len(lights) >= 4 and lights[-4] < lights[-3] > lights[-2] > lights[-1]:
        shutil.copyfile(f"{work}/orb-{(shot - 3) % 4}.png", out)
        sys.exit(0)
sys.exit("the orb never grew and shrank")
PY
}

mkdir -p "$out"

log "Tonight and History"
launch
wait_until 20 "Tonight to be drawn" settled "$work/tonight.png"
read -r x y < <(nav_item 1 "$work/tonight.png")
xdotool mousemove "$x" "$y" click 1 mousemove "$((width - 1))" "$((height - 1))"
wait_until 20 "History to be drawn" left "$work/tonight.png" "$work/history.png"
quit_app

log "a session"
launch --start --minutes 5
# Straight to the body scan, whose first words are on screen at once; the
# picture is taken when the orb is at its fullest, after the fade-in.
xdotool key s
fullest_orb "$work/session.png"
quit_app

cp "$work/tonight.png" "$out/tonight.png"
cp "$work/history.png" "$out/history.png"
cp "$work/session.png" "$out/session.png"
log "wrote $out/tonight.png, history.png and session.png"
