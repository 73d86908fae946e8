"""Cost of the session's sound: one second of the full mix against its 5 ms budget.

Run inside the virtual environment: `python bench/mix_render.py`.

The mixer renders a bedtime session with every source on (breath tone, a
breathing pink bed at full level, phase chimes, an app chime every few
seconds, and ducking going down and back up), at volume 100, pulled exactly
as a sink pulls it. Blocks of 1024 frames (23 ms) are the hardest case shown,
smaller than any sink here asks for (the simpleaudio sink renders 2048 at a
time and Qt Multimedia asks for 4096 through PulseAudio), since each pull has
a fixed cost. Each run renders one second of audio; the figure is the median
over many runs in CPU time of the rendering thread (what the audio thread
really spends, whatever else the computer is doing), with the wall-clock
median beside it.

The exit status is 0 only when every median is within the budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence

from rls_companion.core.breathing import BreathPlan, build_cycle
from rls_companion.core.mixer import Moment, SessionMixer
from rls_companion.core.session import Kind, build_timeline
from rls_companion.core.sound import SAMPLE_RATE

BUDGET_MS = 5.0
RUNS = 300
WARM_UP_RUNS = 10
BLOCK_FRAMES = (1024, 2048, 4096)
START_SECONDS = 120.0  # well inside the session: no fade in or out


def full_mixer(ambient: str = "pink") -> SessionMixer:
    timeline = build_timeline(Kind.BEDTIME, 20)
    return SessionMixer(
        BreathPlan(build_cycle("resonance", 6.0)),
        timeline,
        volume=1.0,
        ambient=ambient,
        ambient_level=1.0,
        ambient_breathes=True,
        phase_chime=True,
        seed=1,
    )


def render_seconds(
    mixer: SessionMixer, runs: int, block: int, practice: float
) -> tuple[list[float], list[float], float]:
    """CPU and wall seconds to render each second of audio, and the practice time reached."""
    cpu: list[float] = []
    wall: list[float] = []
    for run in range(runs):
        if run % 4 == 0:
            mixer.schedule_chime(practice + 0.5)
        mixer.set_ducking(run % 6 in (1, 2))
        cpu_start, wall_start = time.thread_time(), time.perf_counter()
        done = 0
        while done < SAMPLE_RATE:
            frames = min(block, SAMPLE_RATE - done)
            mixer.pull(frames, Moment(practice, practice, True))
            practice += frames / SAMPLE_RATE
            done += frames
        cpu.append(time.thread_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return cpu, wall, practice


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="seconds of audio to render")
    parser.add_argument(
        "--block",
        type=int,
        action="append",
        help=f"frames per pull, as a sink asks (repeatable; default {BLOCK_FRAMES})",
    )
    parser.add_argument("--ambient", choices=("pink", "brown"), default="pink")
    args = parser.parse_args(argv)

    passed = True
    for block in args.block or BLOCK_FRAMES:
        mixer = full_mixer(args.ambient)
        _, _, practice = render_seconds(mixer, WARM_UP_RUNS, block, START_SECONDS)
        cpu, wall, _ = render_seconds(mixer, args.runs, block, practice)
        cpu_ms = statistics.median(cpu) * 1000.0
        wall_ms = statistics.median(wall) * 1000.0
        verdict = "PASS" if cpu_ms <= BUDGET_MS else "FAIL"
        passed = passed and verdict == "PASS"
        print(
            f"mix render, 1 s of the full mix ({args.ambient} bed, blocks of {block:>4}): "
            f"{cpu_ms:5.2f} ms CPU (wall {wall_ms:5.2f} ms), median of {args.runs}; "
            f"budget {BUDGET_MS:.0f} ms  {verdict}"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
