"""Spoken guidance: scripts stored as data, and their timing within a stage.

A script is a list of short segments, each spoken and then followed by a
silence. Each guided stage has a few scripts to choose from (`LIBRARY`; which
one leads tonight is `core.rotation`'s business). A stage has a fixed length,
so its plan is fitted to it without ever cutting words:

- a short stage leaves out whole regions of its script, last first, while the
  opening and closing are kept;
- a longer one stretches the silences in proportion, at most
  `MAX_PAUSE_STRETCH` times the written pause;
- a stage much longer than its script chains a second script of the same
  stage (two different texts, never the same words twice), and any time still
  left becomes quiet paced breathing with a short prompt about once a minute
  (`PROMPTS`), so a long session is never one script with minute-long
  silences, and never an hour of talk either.

All plan times are whole milliseconds from the start of the stage, so a plan
adds up to its stage exactly and the caption shown is a pure function of the
time asked about, whatever the frame rate.
"""

from __future__ import annotations

import json
import logging
import math
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib.resources.abc import Traversable
from typing import Any

from rls_companion.core.session import Stage, StageKind
from rls_companion.resources import asset

log = logging.getLogger(__name__)

FORMAT = "rls-companion-guidance"
VERSION = 1


class Cue(StrEnum):
    """A sound played as a segment begins."""

    CHIME = "chime"


WORDS_PER_MINUTE = 140.0
MAX_PAUSE_STRETCH = 2.5
MAX_PAUSE_SECONDS = 120.0
# A script is chained after the first only while the first, even at this
# stretch, would leave the stage with time to spare.
COMFORT_STRETCH = 1.75
MAX_CHAINED = 2  # scripts in one stage; past that, paced breathing with prompts
PROMPT_EVERY_MS = 60_000  # the prompts' spacing, so no silence is over 90 s
MIN_PROMPTS_MS = 30_000  # time left shorter than this is simply quiet

# The scripts of each guided stage; the first is the one a new user hears.
LIBRARY: Mapping[StageKind, tuple[str, ...]] = {
    StageKind.BODY_SCAN: ("body_scan", "legs_release", "breath_to_feet"),
    StageKind.REST: ("somatic_awareness", "counting_breaths", "warm_heavy"),
    StageKind.WIND_DOWN: ("wind_down", "letting_go"),
}
# Stages whose scripts may follow one another. Two wind-downs in a row would
# end the session twice: a long wind-down is paced breathing with prompts
# before its closing words instead.
CHAINED_STAGES = frozenset({StageKind.BODY_SCAN, StageKind.REST})
# Stages with one script of their own, spoken as written: the stretch's
# counted holds must not stretch, and it is never switched off or rotated.
OWN_SCRIPT: Mapping[StageKind, str] = {StageKind.STRETCH: "stretch"}
PROMPTS = "breath_prompts"  # the sparse prompts of the paced breathing after the scripts
SCRIPT_NAMES: tuple[str, ...] = tuple(name for names in LIBRARY.values() for name in names)
SHIPPED: tuple[str, ...] = (*SCRIPT_NAMES, *OWN_SCRIPT.values(), PROMPTS)  # every file


_SCRIPT_KEYS = frozenset({"format", "version", "title", "segments"})
_SEGMENT_KEYS = frozenset({"id", "region", "text", "pause", "cue"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def guidance_dir() -> Traversable:
    """The scripts shipped inside the package (see `rls_companion.resources`)."""
    return asset("guidance")


@dataclass(frozen=True)
class Segment:
    id: str
    text: str
    pause: float
    region: str | None = None
    cue: Cue | None = None


@dataclass(frozen=True)
class Script:
    title: str
    segments: tuple[Segment, ...]
    name: str = ""  # the file's name without ".json"

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions in the order they are spoken."""
        seen: list[str] = []
        for segment in self.segments:
            if segment.region is not None and segment.region not in seen:
                seen.append(segment.region)
        return tuple(seen)


def load_script(path: Traversable) -> Script:
    """Read and validate one script; any problem is a ValueError naming the
    file and the JSON path of what was wrong."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read guidance script: {exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    try:
        script = parse_script(data)
    except _Invalid as exc:
        raise ValueError(f"{path}: {exc.where}: {exc.problem}") from None
    return replace(script, name=path.name.removesuffix(".json"))


def load_named(name: str, folder: Traversable | None = None) -> Script:
    """A bundled script by name, e.g. "body_scan"."""
    return load_script((folder or guidance_dir()).joinpath(f"{name}.json"))


def script_for_stage(kind: StageKind, folder: Traversable | None = None) -> Script | None:
    """The first script of a stage, or None for stages without words."""
    names = LIBRARY.get(kind)
    return None if not names else load_named(names[0], folder)


class _Invalid(ValueError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


def parse_script(data: Any) -> Script:
    """Validate already-decoded JSON; a ValueError names the JSON path."""
    if not isinstance(data, dict):
        raise _Invalid("$", "expected an object")
    _no_unknown_keys(data, _SCRIPT_KEYS, "$")
    if data.get("format") != FORMAT:
        raise _Invalid("$.format", f"expected {FORMAT!r}, got {data.get('format')!r}")
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise _Invalid("$.version", f"expected {VERSION}, got {version!r}")
    title = _text(data, "title", "$")
    items = data.get("segments")
    if not isinstance(items, list) or not items:
        raise _Invalid("$.segments", "expected a non-empty list of segments")
    segments = tuple(_segment(item, f"$.segments[{i}]") for i, item in enumerate(items))
    _check_ids_and_regions(segments)
    return Script(title, segments)


def _segment(item: Any, where: str) -> Segment:
    if not isinstance(item, dict):
        raise _Invalid(where, "expected an object")
    _no_unknown_keys(item, _SEGMENT_KEYS, where)
    pause = item.get("pause")
    if (
        isinstance(pause, bool)
        or not isinstance(pause, int | float)
        or not math.isfinite(pause)
        or not 0 <= pause <= MAX_PAUSE_SECONDS
    ):
        raise _Invalid(
            f"{where}.pause", f"expected seconds from 0 to {MAX_PAUSE_SECONDS:g}, got {pause!r}"
        )
    region = _optional_text(item, "region", where)
    cue = _optional_text(item, "cue", where)
    if cue is not None and cue not in set(Cue):
        raise _Invalid(f"{where}.cue", f"expected one of {sorted(Cue)}, got {cue!r}")
    return Segment(
        _text(item, "id", where),
        _text(item, "text", where),
        float(pause),
        region,
        None if cue is None else Cue(cue),
    )


def _check_ids_and_regions(segments: Sequence[Segment]) -> None:
    seen_ids: set[str] = set()
    finished_regions: set[str] = set()
    previous: str | None = None
    for i, segment in enumerate(segments):
        if segment.id in seen_ids:
            raise _Invalid(f"$.segments[{i}].id", f"{segment.id!r} is used twice")
        seen_ids.add(segment.id)
        if segment.region != previous:
            if segment.region in finished_regions:
                raise _Invalid(
                    f"$.segments[{i}].region",
                    f"region {segment.region!r} appears again after other segments;"
                    " a region's segments must be together so it can be skipped",
                )
            if previous is not None:
                finished_regions.add(previous)
            previous = segment.region


def _no_unknown_keys(obj: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _Invalid(
            f"{where}.{unknown[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})"
        )


def _text(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{where}.{key}", f"expected non-empty text, got {value!r}")
    return value.strip()


def _optional_text(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    return None if obj.get(key) is None else _text(obj, key, where)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def speech_ms(text: str, words_per_minute: float = WORDS_PER_MINUTE, rate: float = 1.0) -> int:
    """Estimated time to speak `text`, rounded up to the millisecond.

    `rate` scales the pace (1.0 natural, 0.8 slower, 1.25 faster).
    """
    pace = words_per_minute * rate
    if not math.isfinite(pace) or pace <= 0:
        raise ValueError(f"speech pace must be positive, got {words_per_minute} wpm × {rate}")
    return math.ceil(word_count(text) * 60_000 / pace)


def natural_seconds(
    script: Script, words_per_minute: float = WORDS_PER_MINUTE, rate: float = 1.0
) -> float:
    """Length of a script spoken at `rate` with its written pauses."""
    return sum(_natural_ms(s, words_per_minute, rate) for s in script.segments) / 1000


def _natural_ms(segment: Segment, words_per_minute: float, rate: float) -> int:
    return speech_ms(segment.text, words_per_minute, rate) + _pause_ms(segment)


def _pause_ms(segment: Segment) -> int:
    return round(segment.pause * 1000)


@dataclass(frozen=True)
class Caption:
    """One segment placed on the stage: spoken from `start_ms` to
    `speech_end_ms`, then silent until `end_ms`."""

    segment_id: str
    text: str
    region: str | None
    cue: Cue | None
    unit: int  # skippable unit: opening, each region, closing (of each script), the prompts
    start_ms: int
    speech_end_ms: int
    end_ms: int
    script: str = ""  # the name of the script it comes from


@dataclass(frozen=True)
class GuidancePlan:
    title: str
    length_ms: int
    captions: tuple[Caption, ...]
    dropped_regions: tuple[str, ...] = ()
    dropped_segments: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()  # the scripts spoken, in order (the prompts not included)

    @property
    def quiet_ms(self) -> int:
        """Silence after the last caption, when the pauses could stretch no further."""
        return self.length_ms - (self.captions[-1].end_ms if self.captions else 0)

    @property
    def prompts_from_ms(self) -> int | None:
        """Where the paced breathing with sparse prompts begins, if it does."""
        return next((c.start_ms for c in self.captions if c.script not in self.scripts), None)


def plan_stage(
    script: Script,
    stage_seconds: float,
    words_per_minute: float = WORDS_PER_MINUTE,
    rate: float = 1.0,
) -> GuidancePlan:
    """Fit one script into a stage of `stage_seconds` (see `plan_chain`)."""
    return plan_chain([script], stage_seconds, words_per_minute, rate)


def plan_chain(
    scripts: Sequence[Script],
    stage_seconds: float,
    words_per_minute: float = WORDS_PER_MINUTE,
    rate: float = 1.0,
    prompts: Script | None = None,
    max_pause_stretch: float = MAX_PAUSE_STRETCH,
) -> GuidancePlan:
    """Fit a stage's scripts, the one that leads first, into `stage_seconds`.

    When even the first does not fit at its written pauses, whole regions are
    left out, last first; if the opening and closing alone are still too
    long, whole segments are left out from the end. A longer stage chains the
    next script while the time allows it (at most `MAX_CHAINED`), then
    stretches the pauses in proportion (at most `MAX_PAUSE_STRETCH` times);
    time still left is paced breathing with one of `prompts` about once a
    minute, or quiet at the end when it is short or there are no prompts.
    """
    if not scripts:
        raise ValueError("a stage plan needs at least one script")
    length_ms = round(stage_seconds * 1000)
    if length_ms < 0:
        raise ValueError(f"stage length must not be negative, got {stage_seconds} s")

    def natural(script: Script) -> int:
        return sum(_natural_ms(s, words_per_minute, rate) for s in script.segments)

    def comfortable(script: Script) -> int:
        speech = sum(speech_ms(s.text, words_per_minute, rate) for s in script.segments)
        return speech + math.floor(sum(_pause_ms(s) for s in script.segments) * COMFORT_STRETCH)

    chosen = [scripts[0]]
    for following in scripts[1:MAX_CHAINED]:
        used = sum(natural(c) for c in chosen)
        roomy = sum(comfortable(c) for c in chosen) < length_ms
        if roomy and used + natural(following) <= length_ms:
            chosen.append(following)

    first = scripts[0]
    kept, dropped_regions = _fit(first, length_ms, words_per_minute, rate)
    placed: list[tuple[Script, Segment, int]] = []  # script, segment, unit
    unit_base = 0
    for script in chosen:
        indices = kept if script is first else list(range(len(script.segments)))
        units = _units(script.segments)
        placed.extend((script, script.segments[i], unit_base + units[i]) for i in indices)
        unit_base += units[-1] + 1
    speeches = [speech_ms(seg.text, words_per_minute, rate) for _, seg, _ in placed]
    pauses = _stretch(
        [_pause_ms(seg) for _, seg, _ in placed], length_ms - sum(speeches), max_pause_stretch
    )
    left = length_ms - sum(speeches) - sum(pauses)
    prompting = prompts is not None and bool(prompts.segments) and left >= MIN_PROMPTS_MS
    # The prompts come before the last script's closing, so its closing
    # words stay the stage's last.
    split = _closing_start(chosen[-1], placed) if prompting else len(placed)
    captions: list[Caption] = []
    at = 0
    for i, ((script, segment, unit), speech, pause) in enumerate(
        zip(placed, speeches, pauses, strict=True)
    ):
        if i == split and prompts is not None:
            captions.extend(_prompted(prompts, at, at + left, unit, words_per_minute, rate))
            at += left
        shifted = unit + int(i >= split)  # the prompts are a unit of their own
        captions.append(_placed(segment, script, shifted, at, at + speech, at + speech + pause))
        at += speech + pause
    if prompting and split == len(placed) and prompts is not None:
        captions.extend(_prompted(prompts, at, at + left, unit_base, words_per_minute, rate))
    kept_set = set(kept)
    return GuidancePlan(
        first.title,
        length_ms,
        tuple(captions),
        tuple(dropped_regions),
        tuple(s.id for i, s in enumerate(first.segments) if i not in kept_set),
        tuple(script.name for script in chosen),
    )


def _fit(
    script: Script, length_ms: int, words_per_minute: float, rate: float
) -> tuple[list[int], list[str]]:
    """The segments of `script` that fit in `length_ms` at their written
    pauses, and the regions left out (in script order)."""
    natural = [_natural_ms(s, words_per_minute, rate) for s in script.segments]
    kept = list(range(len(script.segments)))
    dropped: list[str] = []

    def total(indices: Sequence[int]) -> int:
        return sum(natural[i] for i in indices)

    for region in reversed(script.regions):
        if total(kept) <= length_ms:
            break
        kept = [i for i in kept if script.segments[i].region != region]
        dropped.append(region)
    while kept and total(kept) > length_ms:
        kept.pop()
    return kept, dropped[::-1]


def _placed(
    segment: Segment, script: Script, unit: int, start: int, speech_end: int, end: int
) -> Caption:
    return Caption(
        segment.id,
        segment.text,
        segment.region,
        segment.cue,
        unit,
        start,
        speech_end,
        end,
        script.name,
    )


def _closing_start(script: Script, placed: Sequence[tuple[Script, Segment, int]]) -> int:
    """Index in `placed` of the first closing segment of `script` (the
    segments after its last region), or the end when it has none."""
    if not script.regions:
        return len(placed)
    index = len(placed)
    while index > 0 and placed[index - 1][0] is script and placed[index - 1][1].region is None:
        index -= 1
    return index


def _prompted(
    prompts: Script, start_ms: int, end_ms: int, unit: int, words_per_minute: float, rate: float
) -> list[Caption]:
    """Paced breathing from `start_ms` to `end_ms`: one prompt at the start of
    each of evenly long stretches of about `PROMPT_EVERY_MS`, then quiet."""
    span = end_ms - start_ms
    count = max(1, round(span / PROMPT_EVERY_MS))
    captions: list[Caption] = []
    at = start_ms
    for i in range(count):
        cell = span // count + (1 if i < span % count else 0)
        segment = prompts.segments[i % len(prompts.segments)]
        speech = min(speech_ms(segment.text, words_per_minute, rate), cell)
        captions.append(_placed(segment, prompts, unit, at, at + speech, at + cell))
        at += cell
    return captions


def plan_for_stage(
    stage: Stage,
    words_per_minute: float = WORDS_PER_MINUTE,
    rate: float = 1.0,
    folder: Traversable | None = None,
    names: Sequence[str] | None = None,
) -> GuidancePlan | None:
    """The plan for one stage of a session timeline, or None without guidance.

    `names` are the stage's scripts in tonight's order (by default the
    library's); an empty list means the person switched them all off.
    """
    own = OWN_SCRIPT.get(stage.kind)
    if own is not None:
        script = load_named(own, folder)
        return plan_chain([script], stage.seconds, words_per_minute, rate, max_pause_stretch=1.0)
    if names is None:
        names = LIBRARY.get(stage.kind, ())
    if not names:
        return None
    chained = MAX_CHAINED if stage.kind in CHAINED_STAGES else 1
    # The lead must load (a ValueError says why); a broken script to follow,
    # or broken prompts, only shortens the words (and `doctor` names the file).
    scripts = [load_named(names[0], folder)]
    scripts += [s for s in (_optional(name, folder) for name in names[1:chained]) if s]
    prompts = _optional(PROMPTS, folder)
    return plan_chain(scripts, stage.seconds, words_per_minute, rate, prompts)


def own_script_minutes(
    kind: StageKind, rate: float = 1.0, folder: Traversable | None = None
) -> float:
    """How long a stage with its own script lasts: the script as written, at
    `rate`, in whole seconds (so nothing is cut and no hold is stretched)."""
    script = load_named(OWN_SCRIPT[kind], folder)
    return math.ceil(natural_seconds(script, rate=rate)) / 60


def _optional(name: str, folder: Traversable | None) -> Script | None:
    try:
        return load_named(name, folder)
    except ValueError as problem:
        log.warning("guidance %s left out: %s", name, problem)
        return None


def _units(segments: Sequence[Segment]) -> list[int]:
    """Number each run of segments sharing a region (no region included)."""
    units: list[int] = []
    for i, segment in enumerate(segments):
        if i == 0:
            units.append(0)
        else:
            changed = segment.region != segments[i - 1].region
            units.append(units[-1] + int(changed))
    return units


def _stretch(minimums: Sequence[int], available: int, most: float = MAX_PAUSE_STRETCH) -> list[int]:
    """Grow pauses in proportion to reach `available` ms, at most `most`
    times each; integer arithmetic, so the sum is exact."""
    base = sum(minimums)
    if base == 0:
        return list(minimums)
    extra = min(available - base, math.floor(base * (most - 1)))
    if extra <= 0:
        return list(minimums)
    shares = [extra * m // base for m in minimums]
    leftover = extra - sum(shares)
    by_remainder = sorted(range(len(minimums)), key=lambda i: (-(extra * minimums[i] % base), i))
    for i in by_remainder[:leftover]:
        shares[i] += 1
    return [m + s for m, s in zip(minimums, shares, strict=True)]


def caption_index_at(plan: GuidancePlan, t_ms: int) -> int | None:
    """Index of the caption being spoken or in its pause at `t_ms` into the stage."""
    if t_ms < 0 or not plan.captions or t_ms >= plan.captions[-1].end_ms:
        return None
    return bisect_right(plan.captions, t_ms, key=lambda c: c.start_ms) - 1


def caption_at(plan: GuidancePlan, t_ms: int) -> Caption | None:
    """The caption to show at `t_ms`: None before the stage and in the quiet at its end."""
    index = caption_index_at(plan, t_ms)
    return None if index is None else plan.captions[index]


def is_speaking(plan: GuidancePlan, t_ms: int) -> bool:
    caption = caption_at(plan, t_ms)
    return caption is not None and t_ms < caption.speech_end_ms


def next_region_start(plan: GuidancePlan, t_ms: int) -> int:
    """Where skipping the current region lands: the start of the next unit
    (region, or the closing), or the end of the stage when none is left."""
    if t_ms < 0:
        return 0
    index = caption_index_at(plan, t_ms)
    if index is None:
        return plan.length_ms
    unit = plan.captions[index].unit
    for caption in plan.captions[index + 1 :]:
        if caption.unit != unit:
            return caption.start_ms
    return plan.length_ms
