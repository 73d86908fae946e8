"""Spoken guidance: scripts stored as data, and their timing within a stage.

A script is a list of short segments, each spoken and then followed by a
silence. A stage has a fixed length, so a script is fitted to it by stretching
its silences in proportion, never by cutting words: long stages get longer
silences (up to `MAX_PAUSE_STRETCH` times the written pause, then quiet time at
the end) and short stages leave out whole regions, last first, while the
opening and closing are kept.

All plan times are whole milliseconds from the start of the stage, so a plan
adds up to its stage exactly and the caption shown is a pure function of the
time asked about, whatever the frame rate.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources.abc import Traversable
from typing import Any

from rls_companion.core.session import Stage, StageKind
from rls_companion.resources import asset

FORMAT = "rls-companion-guidance"
VERSION = 1


class Cue(StrEnum):
    """A sound played as a segment begins."""

    CHIME = "chime"


WORDS_PER_MINUTE = 140.0
MAX_PAUSE_STRETCH = 6.0
MAX_PAUSE_SECONDS = 120.0

SCRIPT_FOR_STAGE: Mapping[StageKind, str] = {
    StageKind.BODY_SCAN: "body_scan",
    StageKind.REST: "somatic_awareness",
    StageKind.WIND_DOWN: "wind_down",
}

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
        return parse_script(data)
    except _Invalid as exc:
        raise ValueError(f"{path}: {exc.where}: {exc.problem}") from None


def load_named(name: str, folder: Traversable | None = None) -> Script:
    """A bundled script by name, e.g. "body_scan"."""
    return load_script((folder or guidance_dir()).joinpath(f"{name}.json"))


def script_for_stage(kind: StageKind, folder: Traversable | None = None) -> Script | None:
    """The guidance spoken during a stage, or None for stages without words."""
    name = SCRIPT_FOR_STAGE.get(kind)
    return None if name is None else load_named(name, folder)


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
    unit: int  # skippable unit: opening, each region, closing
    start_ms: int
    speech_end_ms: int
    end_ms: int


@dataclass(frozen=True)
class GuidancePlan:
    title: str
    length_ms: int
    captions: tuple[Caption, ...]
    dropped_regions: tuple[str, ...] = ()
    dropped_segments: tuple[str, ...] = ()

    @property
    def quiet_ms(self) -> int:
        """Silence after the last caption, when the pauses could stretch no further."""
        return self.length_ms - (self.captions[-1].end_ms if self.captions else 0)


def plan_stage(
    script: Script,
    stage_seconds: float,
    words_per_minute: float = WORDS_PER_MINUTE,
    rate: float = 1.0,
) -> GuidancePlan:
    """Fit a script into a stage of `stage_seconds`.

    Pauses stretch in proportion to their written length (at most
    `MAX_PAUSE_STRETCH` times); any time left over is quiet at the end. When
    even the written pauses do not fit, whole regions are left out, last
    first; if the opening and closing alone are still too long, whole
    segments are left out from the end.
    """
    length_ms = round(stage_seconds * 1000)
    if length_ms < 0:
        raise ValueError(f"stage length must not be negative, got {stage_seconds} s")
    units = _units(script.segments)
    natural = [_natural_ms(s, words_per_minute, rate) for s in script.segments]
    kept = list(range(len(script.segments)))
    dropped_regions: list[str] = []

    def total(indices: Sequence[int]) -> int:
        return sum(natural[i] for i in indices)

    for region in reversed(script.regions):
        if total(kept) <= length_ms:
            break
        kept = [i for i in kept if script.segments[i].region != region]
        dropped_regions.append(region)
    while kept and total(kept) > length_ms:
        kept.pop()

    segments = [script.segments[i] for i in kept]
    speeches = [speech_ms(s.text, words_per_minute, rate) for s in segments]
    pauses = _stretch([_pause_ms(s) for s in segments], length_ms - sum(speeches))
    captions: list[Caption] = []
    at = 0
    for index, segment, speech, pause in zip(kept, segments, speeches, pauses, strict=True):
        captions.append(
            Caption(
                segment.id,
                segment.text,
                segment.region,
                segment.cue,
                units[index],
                at,
                at + speech,
                at + speech + pause,
            )
        )
        at += speech + pause
    kept_set = set(kept)
    return GuidancePlan(
        script.title,
        length_ms,
        tuple(captions),
        tuple(reversed(dropped_regions)),
        tuple(s.id for i, s in enumerate(script.segments) if i not in kept_set),
    )


def plan_for_stage(
    stage: Stage,
    words_per_minute: float = WORDS_PER_MINUTE,
    rate: float = 1.0,
    folder: Traversable | None = None,
) -> GuidancePlan | None:
    """The plan for one stage of a session timeline, or None without guidance."""
    script = script_for_stage(stage.kind, folder)
    if script is None:
        return None
    return plan_stage(script, stage.seconds, words_per_minute, rate)


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


def _stretch(minimums: Sequence[int], available: int) -> list[int]:
    """Grow pauses in proportion to reach `available` ms, at most
    `MAX_PAUSE_STRETCH` times each; integer arithmetic, so the sum is exact."""
    base = sum(minimums)
    if base == 0:
        return list(minimums)
    extra = min(available - base, math.floor(base * (MAX_PAUSE_STRETCH - 1)))
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
