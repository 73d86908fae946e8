"""Guidance scripts: their content, and fitting them into a stage exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeClock
from hypothesis import given, settings
from hypothesis import strategies as st

import rls_companion
from rls_companion.core import guidance
from rls_companion.core.guidance import (
    GuidancePlan,
    Script,
    caption_at,
    is_speaking,
    load_named,
    load_script,
    natural_seconds,
    next_region_start,
    plan_for_stage,
    plan_stage,
    speech_ms,
)
from rls_companion.core.session import Kind, StageKind, build_timeline

NAMES = guidance.SCRIPT_NAMES
EVERY_FILE = guidance.SHIPPED
BODY_SCANS = guidance.LIBRARY[StageKind.BODY_SCAN]
RESTS = guidance.LIBRARY[StageKind.REST]
WIND_DOWNS = guidance.LIBRARY[StageKind.WIND_DOWN]
LEG_REGIONS = ["toes", "soles", "heels", "ankles", "calves", "shins", "knees", "thighs", "hips"]
UPPER_REGIONS = ["belly", "chest", "shoulders", "arms", "face"]
GUIDED = (StageKind.BODY_SCAN, StageKind.REST, StageKind.WIND_DOWN)
MAX_SILENCE_MS = 90_000
# Asking for effort, in any script: always gentle and at a quarter of full strength.
EFFORT = re.compile(r"\b(draw|firm|tighten|tense|squeeze|press|clench)\b")


def _all_scripts() -> dict[str, Script]:
    return {name: load_named(name) for name in EVERY_FILE}


_SCRIPTS = _all_scripts()


def _check_plan(plan: GuidancePlan, scripts: Sequence[Script] | Script, rate: float = 1.0) -> None:
    """Contiguous from 0, in order, every text whole, exactly the stage long,
    and each script's spoken segments in its own order."""
    if isinstance(scripts, Script):
        scripts = [scripts]
    by_name = {s.name: s for s in (*scripts, _SCRIPTS[guidance.PROMPTS])}
    at = 0
    for caption in plan.captions:
        segment = next(s for s in by_name[caption.script].segments if s.id == caption.segment_id)
        assert caption.start_ms == at
        assert caption.speech_end_ms - caption.start_ms == speech_ms(caption.text, rate=rate)
        assert caption.end_ms - caption.speech_end_ms >= round(segment.pause * 1000)
        assert caption.text == segment.text
        at = caption.end_ms
    assert at + plan.quiet_ms == plan.length_ms
    assert plan.quiet_ms >= 0
    first = scripts[0]
    spoken = [c.segment_id for c in plan.captions if c.script == first.name]
    assert sorted(spoken + list(plan.dropped_segments)) == sorted(s.id for s in first.segments)
    for script in scripts:
        said = [c.segment_id for c in plan.captions if c.script == script.name]
        assert said == [s.id for s in script.segments if s.id in said]


def _longest_silence(plan: GuidancePlan) -> int:
    gaps = [c.end_ms - c.speech_end_ms for c in plan.captions]
    return max([*gaps, plan.quiet_ms])


# --- the scripts themselves -------------------------------------------------


@pytest.mark.parametrize("name", EVERY_FILE)
def test_each_script_parses_and_reads_as_sentences(name: str) -> None:
    script = load_named(name)
    assert script.title
    assert script.name == name
    assert len(script.segments) >= 5
    for segment in script.segments:
        assert segment.text[-1] in ".!?", segment.id
        assert segment.pause > 0
        # short enough to read as one caption and to speak in one go
        assert guidance.word_count(segment.text) <= 30, segment.id


@pytest.mark.parametrize("name", NAMES)
def test_opening_and_closing_have_no_region(name: str) -> None:
    script = load_named(name)
    assert script.segments[0].region is None
    assert script.segments[-1].region is None
    assert script.segments[0].cue == "chime"
    assert len(script.regions) >= 3


def test_every_title_and_every_segment_id_tells_scripts_apart() -> None:
    titles = [load_named(name).title for name in EVERY_FILE]
    assert len(set(titles)) == len(titles)
    assert set(guidance.LIBRARY) == set(GUIDED)
    assert all(len(names) >= 2 for names in guidance.LIBRARY.values())
    assert len(BODY_SCANS) >= 3 and len(RESTS) >= 3


def test_body_scan_goes_feet_first_then_briefly_up_the_body() -> None:
    script = load_named("body_scan")
    assert list(script.regions) == LEG_REGIONS + UPPER_REGIONS
    for region in UPPER_REGIONS:
        assert len([s for s in script.segments if s.region == region]) == 1


def test_the_leg_release_goes_from_the_toes_upward() -> None:
    regions = list(load_named("legs_release").regions)
    assert regions[0] == "toes"
    assert regions == [r for r in LEG_REGIONS if r in regions]
    assert regions[-1] == "hips"


def test_the_breath_scan_starts_at_the_breath_and_ends_at_the_feet() -> None:
    regions = list(load_named("breath_to_feet").regions)
    assert regions[0] == "breath"
    assert regions[-1] == "feet"
    legs = [r for r in regions if r in LEG_REGIONS]
    # down the legs: the reverse of the feet-first order
    assert legs == [r for r in reversed(LEG_REGIONS) if r in legs]
    assert len(legs) >= 4


def test_no_script_asks_to_point_the_toes() -> None:
    for name, script in _SCRIPTS.items():
        for segment in script.segments:
            assert "point" not in segment.text.lower(), f"{name}: {segment.id}"
            assert "curl" not in segment.text.lower(), f"{name}: {segment.id}"


def test_toe_tension_is_drawing_up_and_gentle() -> None:
    script = load_named("body_scan")
    toes = " ".join(s.text for s in script.segments if s.region == "toes").lower()
    assert "draw your toes up toward your shins" in toes
    assert "quarter of your strength" in toes
    tension = [s for s in script.segments if EFFORT.search(s.text.lower())]
    assert [s.id for s in tension] == ["toes-2", "thighs-1"]


@pytest.mark.parametrize("name", (*NAMES, guidance.PROMPTS))
def test_every_effort_asked_for_is_gentle_and_a_quarter_of_full_strength(name: str) -> None:
    for segment in _SCRIPTS[name].segments:
        if EFFORT.search(segment.text.lower()):
            assert "gently" in segment.text.lower(), f"{name}: {segment.id}"
            assert "quarter of your strength" in segment.text.lower(), f"{name}: {segment.id}"


def test_the_leg_release_tenses_gently_but_never_the_calves() -> None:
    script = load_named("legs_release")
    asked = [s for s in script.segments if EFFORT.search(s.text.lower())]
    assert {s.region for s in asked} == {"toes", "heels", "thighs", "hips"}
    toes = next(s for s in asked if s.region == "toes").text.lower()
    assert "draw them up toward your shins" in toes
    calves = " ".join(s.text for s in script.segments if s.region == "calves").lower()
    assert "no effort here" in calves


def test_the_stretch_is_gentle_and_holds_each_stretch_for_a_count_of_twenty() -> None:
    script = load_named("stretch")
    assert list(script.regions) == ["calves", "hamstrings", "hips"]
    opening = " ".join(s.text for s in script.segments if s.region is None).lower()
    assert "gentle, never to pain" in opening
    assert "hurts or cramps" in opening
    calves = " ".join(s.text for s in script.segments if s.region == "calves").lower()
    assert "draw your toes up toward your shins" in calves  # never pointed
    # Each hold: "Hold ..." then "Ten seconds." ten seconds later, then the release ten
    # seconds after that, spoken as written (the stage never stretches them).
    segments = list(script.segments)
    holds = [i for i, s in enumerate(segments) if s.text == "Ten seconds."]
    assert len(holds) == 4  # calves, the backs of the thighs, each hip
    for rate in (1.0, 0.87):
        for i in holds:
            hold = segments[i - 1]
            assert "hold" in hold.text.lower()
            to_ten = speech_ms(hold.text, rate=rate) + hold.pause * 1000
            held = to_ten + speech_ms("Ten seconds.", rate=rate) + segments[i].pause * 1000
            assert 9_000 <= to_ten <= 11_500, (hold.id, rate)
            assert 19_000 <= held <= 22_000, (hold.id, rate)


def test_the_stretch_lasts_about_three_minutes_and_is_never_cut_or_stretched() -> None:
    for rate in (1.0, 2**-0.2, 0.5, 2.0):
        minutes = guidance.own_script_minutes(StageKind.STRETCH, rate)
        stage = build_timeline(Kind.STRETCH, minutes).stages[0]
        plan = plan_for_stage(stage, rate=rate)
        assert plan is not None
        assert plan.dropped_regions == () and plan.dropped_segments == ()
        _check_plan(plan, _SCRIPTS["stretch"], rate)
        for caption, segment in zip(plan.captions, _SCRIPTS["stretch"].segments, strict=True):
            assert caption.end_ms - caption.speech_end_ms == round(segment.pause * 1000)
        assert 0 <= plan.quiet_ms < 1000
    assert 2.75 <= guidance.own_script_minutes(StageKind.STRETCH, 1.0) <= 3.0
    assert 2.75 <= guidance.own_script_minutes(StageKind.STRETCH, 2**-0.2) <= 3.1


def test_urge_guide_names_sensations_and_makes_moving_a_choice() -> None:
    script = load_named("somatic_awareness")
    text = " ".join(s.text for s in script.segments).lower()
    for word in ("tingling", "pulling", "crawling", "buzzing", "aching", "own words"):
        assert word in text
    assert "wave" in text


@pytest.mark.parametrize("name", RESTS)
def test_every_rest_script_keeps_its_safety_words_in_the_part_never_left_out(name: str) -> None:
    script = load_named(name)
    core = " ".join(s.text for s in script.segments if s.region is None).lower()
    assert "if it hurts or cramps, move." in core
    assert "never a failure" in core


def test_the_rest_scripts_are_counting_and_warmth() -> None:
    counting = " ".join(s.text for s in load_named("counting_breaths").segments).lower()
    assert "count one" in counting and "begin again at one" in counting
    imagery = " ".join(s.text for s in load_named("warm_heavy").segments).lower()
    assert "my legs are heavy" in imagery and "my legs are warm" in imagery


@pytest.mark.parametrize("name", EVERY_FILE)
def test_no_medical_claims(name: str) -> None:
    text = " ".join(s.text for s in _SCRIPTS[name].segments).lower()
    for claim in ("cure", "treat", "symptom", "relief", "heal", "medic", "irls", "therap"):
        assert claim not in text


def test_natural_durations_match_the_stage_they_serve() -> None:
    scripts = _SCRIPTS
    assert 240 <= natural_seconds(scripts["body_scan"]) <= 300
    assert 180 <= natural_seconds(scripts["somatic_awareness"]) <= 240
    for name in BODY_SCANS:
        assert 150 <= natural_seconds(scripts[name]) <= 300, name
    for name in RESTS:
        assert 150 <= natural_seconds(scripts[name]) <= 240, name
    for name in WIND_DOWNS:
        assert 50 <= natural_seconds(scripts[name]) <= 75, name
    # a slower voice takes longer
    assert natural_seconds(scripts["wind_down"], rate=0.8) > natural_seconds(scripts["wind_down"])


def test_speech_estimate_is_words_over_pace() -> None:
    assert speech_ms("one two three four five six seven") == 3000  # 7 words at 140/min
    assert speech_ms("one") == 429  # rounded up: a caption never ends before its speech
    assert speech_ms("Don't rush.") == speech_ms("two words")
    assert speech_ms("one two three four five six seven", rate=0.5) == 6000
    assert speech_ms("Tingling. Pulling — buzzing?") == speech_ms("a b c")
    with pytest.raises(ValueError, match="positive"):
        speech_ms("x", rate=0)


# --- fitting the scripts into real session stages ---------------------------


@pytest.mark.parametrize("minutes", [5, 20, 60])
def test_bedtime_stage_plans_add_up_exactly_and_never_cut_text(minutes: int) -> None:
    timeline = build_timeline(Kind.BEDTIME, minutes)
    planned = 0
    for stage in timeline.stages:
        plan = plan_for_stage(stage)
        if stage.kind not in GUIDED:
            assert plan is None
            continue
        assert plan is not None
        planned += 1
        assert plan.length_ms == round(stage.seconds * 1000)
        _check_plan(plan, [_SCRIPTS[name] for name in plan.scripts])
        assert plan.scripts[0] == guidance.LIBRARY[stage.kind][0]
    assert planned == 3


@pytest.mark.parametrize("minutes", [5, 10, 20, 30, 45, 60])
@pytest.mark.parametrize("lead", [0, 1, 2])
def test_no_silence_in_any_guided_stage_is_longer_than_ninety_seconds(
    minutes: int, lead: int
) -> None:
    for stage in build_timeline(Kind.BEDTIME, minutes).stages:
        names = guidance.LIBRARY.get(stage.kind)
        if not names:
            continue
        order = names[lead % len(names) :] + names[: lead % len(names)]
        plan = plan_for_stage(stage, names=order)
        assert plan is not None
        assert _longest_silence(plan) <= MAX_SILENCE_MS, (minutes, stage.kind, order)
        assert plan.scripts[0] == order[0]


def test_sixty_minutes_chains_a_second_script_then_breathes_with_prompts() -> None:
    timeline = build_timeline(Kind.BEDTIME, 60)
    for stage in timeline.stages:
        if stage.kind not in GUIDED:
            continue
        plan = plan_for_stage(stage)
        assert plan is not None
        names = guidance.LIBRARY[stage.kind]
        if stage.kind is StageKind.WIND_DOWN:
            assert plan.scripts == names[:1]  # never two endings
        else:
            assert plan.scripts == names[:2]
        assert plan.prompts_from_ms is not None
        prompts = [c for c in plan.captions if c.script == guidance.PROMPTS]
        assert len(prompts) >= 5
        for caption in prompts:
            assert 45_000 <= caption.end_ms - caption.start_ms <= MAX_SILENCE_MS
        # the prompts come before the last script's closing, which ends the stage
        last = _SCRIPTS[plan.scripts[-1]]
        assert plan.captions[-1].segment_id == last.segments[-1].id
        assert plan.captions[-1].script == last.name
        assert plan.captions[-1].end_ms == plan.length_ms
        # a pause stretches at most MAX_PAUSE_STRETCH times
        for caption in plan.captions:
            if caption.script == guidance.PROMPTS:
                continue
            written = next(
                s.pause for s in _SCRIPTS[caption.script].segments if s.id == caption.segment_id
            )
            assert caption.end_ms - caption.speech_end_ms <= written * 1000 * 2.5 + 1


def test_skipping_from_the_prompts_lands_on_the_closing_words() -> None:
    stage = next(s for s in build_timeline(Kind.BEDTIME, 60).stages if s.kind is StageKind.REST)
    plan = plan_for_stage(stage)
    assert plan is not None and plan.prompts_from_ms is not None
    closing = next(
        c
        for c in plan.captions
        if c.start_ms > plan.prompts_from_ms and c.script != guidance.PROMPTS
    )
    assert closing.segment_id == "closing-1"
    assert next_region_start(plan, plan.prompts_from_ms + 70_000) == closing.start_ms


def test_twenty_minutes_keeps_one_script_for_the_body_scan_and_the_rest() -> None:
    for stage in build_timeline(Kind.BEDTIME, 20).stages:
        plan = plan_for_stage(stage)
        if plan is not None and stage.kind is not StageKind.WIND_DOWN:
            assert plan.scripts == guidance.LIBRARY[stage.kind][:1]
            assert plan.prompts_from_ms is None


def test_thirty_minutes_chains_a_second_body_scan_without_prompts() -> None:
    scan = next(s for s in build_timeline(Kind.BEDTIME, 30).stages if s.kind is StageKind.BODY_SCAN)
    plan = plan_for_stage(scan, names=("legs_release", "breath_to_feet", "body_scan"))
    assert plan is not None
    assert plan.scripts == ("legs_release", "breath_to_feet")
    assert plan.prompts_from_ms is None
    assert plan.quiet_ms == 0
    # units go on counting through the second script, so skipping moves on through it
    units = [c.unit for c in plan.captions]
    assert units == sorted(units)
    assert len(set(units)) == 2 * 2 + len(_SCRIPTS["legs_release"].regions) + len(
        _SCRIPTS["breath_to_feet"].regions
    )


def test_a_stage_with_every_script_switched_off_has_no_guidance() -> None:
    scan = next(s for s in build_timeline(Kind.BEDTIME, 20).stages if s.kind is StageKind.BODY_SCAN)
    assert plan_for_stage(scan, names=()) is None


def test_twenty_minutes_stretches_pauses_without_quiet_or_drops() -> None:
    timeline = build_timeline(Kind.BEDTIME, 20)
    scan = next(s for s in timeline.stages if s.kind is StageKind.BODY_SCAN)
    plan = plan_for_stage(scan)
    assert plan is not None
    assert plan.dropped_regions == ()
    assert plan.quiet_ms == 0
    assert plan.captions[-1].end_ms == 420_000
    # every pause grew by the same factor, to within a millisecond
    script = load_named("body_scan")
    factors = [
        (c.end_ms - c.speech_end_ms) / (s.pause * 1000)
        for c, s in zip(plan.captions, script.segments, strict=True)
    ]
    assert min(factors) > 1.3
    assert max(factors) - min(factors) < 0.001


def test_five_minutes_leaves_out_upper_regions_first_and_keeps_the_legs() -> None:
    timeline = build_timeline(Kind.BEDTIME, 5)
    scan = next(s for s in timeline.stages if s.kind is StageKind.BODY_SCAN)
    assert scan.seconds == 105
    plan = plan_for_stage(scan)
    assert plan is not None
    assert plan.dropped_regions, "105 s cannot hold a ~5 minute scan"
    all_regions = LEG_REGIONS + UPPER_REGIONS
    # whatever was left out is a tail of the region order, reported in script order
    assert list(plan.dropped_regions) == all_regions[-len(plan.dropped_regions) :]
    spoken = [c.segment_id for c in plan.captions]
    assert spoken[:2] == ["opening-1", "opening-2"]
    assert spoken[-3:] == ["closing-1", "closing-2", "closing-3"]
    assert {"toes-2", "soles-1"} <= set(spoken)  # the feet always come first
    for region in plan.dropped_regions:
        assert not any(c.region == region for c in plan.captions)


def test_short_rest_stage_still_says_it_is_fine_to_move() -> None:
    timeline = build_timeline(Kind.BEDTIME, 5)
    rest = next(s for s in timeline.stages if s.kind is StageKind.REST)
    plan = plan_for_stage(rest)
    assert plan is not None
    assert plan.dropped_regions
    assert any("If it hurts or cramps, move." in c.text for c in plan.captions)


def test_a_stage_too_short_for_opening_and_closing_drops_whole_segments() -> None:
    script = load_named("body_scan")
    plan = plan_stage(script, 12)
    assert plan.dropped_regions == tuple(LEG_REGIONS + UPPER_REGIONS)
    assert [c.segment_id for c in plan.captions] == ["opening-1"]
    assert "closing-3" in plan.dropped_segments
    assert plan.length_ms == 12_000
    _check_plan(plan, script)
    empty = plan_stage(script, 1)
    assert empty.captions == ()
    assert empty.quiet_ms == 1000
    assert caption_at(empty, 500) is None


# --- following the plan in time ---------------------------------------------


def test_captions_advance_in_order_against_a_fake_clock() -> None:
    timeline = build_timeline(Kind.BEDTIME, 20)
    scan = next(s for s in timeline.stages if s.kind is StageKind.BODY_SCAN)
    plan = plan_for_stage(scan)
    assert plan is not None
    clock = FakeClock()
    began = clock.monotonic()
    shown: list[str] = []
    speaking_changes = 0
    was_speaking = False
    while (t_ms := round((clock.monotonic() - began) * 1000)) < plan.length_ms:
        caption = caption_at(plan, t_ms)
        assert caption is not None
        assert caption.start_ms <= t_ms < caption.end_ms
        if not shown or shown[-1] != caption.segment_id:
            shown.append(caption.segment_id)
        speaking = is_speaking(plan, t_ms)
        speaking_changes += speaking != was_speaking
        was_speaking = speaking
        clock.advance(0.25)
    assert shown == [s.id for s in load_named("body_scan").segments]
    assert speaking_changes == 2 * len(shown)  # on, then off into its pause, for each


def test_caption_is_a_pure_function_of_time() -> None:
    plan = plan_stage(load_named("wind_down"), 90)
    first = caption_at(plan, 0)
    assert first is not None and first.segment_id == "opening-1"
    assert caption_at(plan, -1) is None
    boundary = plan.captions[1].start_ms
    before, after = caption_at(plan, boundary - 1), caption_at(plan, boundary)
    assert before is not None and before.segment_id == "opening-1"
    assert after is not None and after.segment_id == "breath-1"
    # asking again, or out of order, gives the same answers (a late frame shifts nothing)
    assert caption_at(plan, boundary) == after
    assert caption_at(plan, boundary - 1) == before
    assert is_speaking(plan, 0) and not is_speaking(plan, plan.captions[0].speech_end_ms)


def test_skipping_a_region_lands_on_the_next_one() -> None:
    plan = plan_stage(load_named("body_scan"), 420)
    starts = {c.segment_id: c.start_ms for c in plan.captions}
    # from anywhere in the opening, the toes come next
    assert next_region_start(plan, 0) == starts["toes-1"]
    assert next_region_start(plan, starts["opening-2"] + 10) == starts["toes-1"]
    # from the middle of a multi-segment region, skip all of it
    assert next_region_start(plan, starts["toes-2"] + 1) == starts["soles-1"]
    assert next_region_start(plan, starts["calves-2"]) == starts["shins-1"]
    # the last region leads to the closing; the closing to the end of the stage
    assert next_region_start(plan, starts["face-1"]) == starts["closing-1"]
    assert next_region_start(plan, starts["closing-2"]) == plan.length_ms
    assert next_region_start(plan, plan.length_ms + 5) == plan.length_ms
    # skipping moves strictly forward and lands on a caption start
    t = 0
    landings = []
    while t < plan.length_ms:
        t = next_region_start(plan, t)
        landings.append(t)
    assert landings == [
        *(starts[f"{r}-1"] for r in LEG_REGIONS + UPPER_REGIONS),
        starts["closing-1"],
        plan.length_ms,
    ]


def test_skipping_with_dropped_regions_goes_from_opening_to_closing() -> None:
    script = load_named("wind_down")
    natural = natural_seconds(script)
    region_free = sum(
        speech_ms(s.text) + round(s.pause * 1000) for s in script.segments if s.region is None
    )
    plan = plan_stage(script, region_free / 1000)
    assert plan.dropped_regions == ("breath", "legs", "room")
    assert natural > region_free / 1000
    closing = next(c for c in plan.captions if c.segment_id == "closing-1")
    assert next_region_start(plan, 0) == closing.start_ms


# --- validation -------------------------------------------------------------


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "script.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _valid() -> dict[str, Any]:
    return {
        "format": "rls-companion-guidance",
        "version": 1,
        "title": "Test",
        "segments": [
            {"id": "a", "text": "Hello.", "pause": 1},
            {"id": "b", "region": "r", "text": "There.", "pause": 2.5, "cue": "chime"},
        ],
    }


def test_a_valid_file_loads(tmp_path: Path) -> None:
    script = load_script(_write(tmp_path, _valid()))
    assert script.title == "Test"
    assert [s.pause for s in script.segments] == [1.0, 2.5]
    assert script.segments[1].cue == "chime"
    assert script.regions == ("r",)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(format="other"), r"\$\.format"),
        (lambda d: d.update(version=2), r"\$\.version"),
        (lambda d: d.update(version=True), r"\$\.version"),
        (lambda d: d.update(title=""), r"\$\.title"),
        (lambda d: d.update(segments=[]), r"\$\.segments"),
        (lambda d: d.update(extra=1), r"\$\.extra: unknown key"),
        (lambda d: d["segments"][1].update(pause=-1), r"\$\.segments\[1\]\.pause"),
        (lambda d: d["segments"][1].update(pause="6"), r"\$\.segments\[1\]\.pause"),
        (lambda d: d["segments"][0].update(pause=None), r"\$\.segments\[0\]\.pause"),
        (lambda d: d["segments"][0].pop("text"), r"\$\.segments\[0\]\.text"),
        (lambda d: d["segments"][1].update(cue="gong"), r"\$\.segments\[1\]\.cue"),
        (lambda d: d["segments"][1].update(id="a"), r"\$\.segments\[1\]\.id: 'a' is used twice"),
        (lambda d: d["segments"][0].update(paus=3), r"\$\.segments\[0\]\.paus: unknown key"),
        (
            lambda d: (
                d["segments"].append({"id": "c", "region": "q", "text": "x.", "pause": 1})
                or d["segments"].append({"id": "d", "region": "r", "text": "y.", "pause": 1})
            ),
            r"\$\.segments\[3\]\.region: region 'r' appears again",
        ),
        (lambda d: d["segments"].__setitem__(0, "text"), r"\$\.segments\[0\]: expected an object"),
    ],
)
def test_problems_name_the_file_and_the_json_path(tmp_path: Path, change: Any, where: str) -> None:
    data = _valid()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))}: {where}"):
        load_script(path)


def test_broken_json_and_missing_files_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json: not valid JSON: .*line 1"):
        load_script(path)
    with pytest.raises(ValueError, match=r"missing\.json: cannot read"):
        load_script(tmp_path / "missing.json")


def test_scripts_are_read_from_inside_the_package() -> None:
    folder = guidance.guidance_dir()
    package = Path(rls_companion.__file__).parent
    assert Path(str(folder)) == package / "assets" / "guidance"
    names = {item.name for item in folder.iterdir()}
    assert names >= {f"{name}.json" for name in NAMES}
    assert names == {f"{name}.json" for name in EVERY_FILE} | {"README.md"}


# --- properties -------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.floats(min_value=30, max_value=3600, allow_nan=False),
    stage=st.sampled_from(GUIDED),
    lead=st.integers(min_value=0, max_value=2),
    rate=st.sampled_from([0.75, 1.0, 1.3]),
)
def test_any_stage_length_is_filled_exactly(
    seconds: float, stage: StageKind, lead: int, rate: float
) -> None:
    names = guidance.LIBRARY[stage]
    order = names[lead % len(names) :] + names[: lead % len(names)]
    scripts = [_SCRIPTS[name] for name in order]
    plan = guidance.plan_chain(scripts, seconds, rate=rate, prompts=_SCRIPTS[guidance.PROMPTS])
    assert plan.length_ms == round(seconds * 1000)
    end = plan.captions[-1].end_ms if plan.captions else 0
    assert end + plan.quiet_ms == plan.length_ms
    assert plan.quiet_ms >= 0
    assert _longest_silence(plan) <= MAX_SILENCE_MS
    previous = 0
    for caption in plan.captions:
        assert previous == caption.start_ms <= caption.speech_end_ms <= caption.end_ms
        previous = caption.end_ms
    assert plan.captions[0].segment_id == scripts[0].segments[0].id
    assert plan.scripts[0] == order[0]
    for name in plan.scripts:
        spoken = [c.segment_id for c in plan.captions if c.script == name]
        assert spoken == [s.id for s in _SCRIPTS[name].segments if s.id in spoken]
    # stepping time forward only ever moves the caption forward, then into the quiet
    t = 0
    positions = []
    while t < plan.length_ms:
        caption = caption_at(plan, t)
        positions.append(len(plan.captions) if caption is None else plan.captions.index(caption))
        t += max(plan.length_ms // 97, 1)
    assert positions == sorted(positions)
    assert positions[0] == 0
