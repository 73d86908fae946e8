"""Turning settings into tonight's breathing plan and timeline."""

from __future__ import annotations

from collections.abc import Mapping

from rls_companion.core.breathing import BreathPlan, CustomShape, Ramp, build_cycle
from rls_companion.core.session import Kind, Timeline, build_timeline
from rls_companion.core.settings import Value


def breath_plan(values: Mapping[str, Value]) -> BreathPlan:
    custom = CustomShape(
        exhale_ratio=float(values["breathing.exhale_ratio"]),
        hold_in_seconds=float(values["breathing.hold_in_seconds"]),
        hold_out_seconds=float(values["breathing.hold_out_seconds"]),
    )
    segments = build_cycle(
        str(values["breathing.pattern"]), float(values["breathing.breaths_per_minute"]), custom
    )
    ramp = None
    if values["breathing.ramp"]:
        ramp = Ramp(
            float(values["breathing.ramp_start_bpm"]),
            float(values["breathing.ramp_minutes"]) * 60.0,
        )
    return BreathPlan(segments, ramp)


def timeline(
    values: Mapping[str, Value], kind: Kind = Kind.BEDTIME, minutes: float | None = None
) -> Timeline:
    return build_timeline(kind, minutes if minutes is not None else default_minutes(values, kind))


def default_minutes(values: Mapping[str, Value], kind: Kind) -> float:
    """How long a session of each kind lasts unless asked otherwise."""
    key = {
        Kind.BEDTIME: "session.length_minutes",
        Kind.BREATHING: "session.quick_minutes",
        Kind.RESETTLE: "session.resettle_minutes",
    }[kind]
    return float(values[key])
