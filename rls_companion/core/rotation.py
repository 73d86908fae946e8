"""Which guidance leads tonight: each stage's scripts in rotation.

Each night, every guided stage is led by the enabled script that has waited
longest since it was last heard, never last night's own unless it is the only
one left switched on. A favourite's wait counts double, so it comes round
about twice as often as the others. The rest of the stage's scripts follow in
the same order, for a long stage to chain (`core.guidance.plan_chain`).

A pure function of the choices made on earlier nights: the history file keeps
one choice per night and stage (`storage.guidance_picks`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rls_companion.core.guidance import LIBRARY, SCRIPT_NAMES
from rls_companion.core.session import StageKind

FAVOURITE_WEIGHT = 2

# The settings hold script names joined by commas (e.g. "legs_release,warm_heavy").
NAMES_PATTERN = rf"(?:(?:{'|'.join(SCRIPT_NAMES)})(?:,(?:{'|'.join(SCRIPT_NAMES)}))*)?"
NAMES_HELP = "script names joined by commas (see 'doctor'), or nothing"


def split_names(text: str) -> frozenset[str]:
    """The script names of a setting's value."""
    return frozenset(name for name in text.split(",") if name)


def join_names(names: Sequence[str] | frozenset[str]) -> str:
    """A setting's value for these script names, in the library's order."""
    return ",".join(name for name in SCRIPT_NAMES if name in names)


@dataclass(frozen=True)
class Preferences:
    """The scripts switched off, and the favourites."""

    off: frozenset[str] = frozenset()
    favourites: frozenset[str] = frozenset()

    def enabled(self, stage: StageKind) -> tuple[str, ...]:
        return tuple(name for name in LIBRARY.get(stage, ()) if name not in self.off)


def tonight(stage: StageKind, preferences: Preferences, past: Sequence[str]) -> tuple[str, ...]:
    """The stage's enabled scripts, tonight's lead first.

    `past` is the lead of each earlier night the stage was heard, oldest
    first. Empty when every script of the stage is switched off.
    """
    enabled = preferences.enabled(stage)
    if len(enabled) <= 1:
        return enabled
    last = past[-1] if past else None

    def waited(name: str) -> int:
        """Nights since `name` last led (a night more than any, if it never has)."""
        for nights, lead in enumerate(reversed(past), start=1):
            if lead == name:
                return nights
        return len(past) + 1

    def priority(name: str) -> tuple[int, int]:
        weight = FAVOURITE_WEIGHT if name in preferences.favourites else 1
        return (-waited(name) * weight, enabled.index(name))

    ordered = sorted((name for name in enabled if name != last), key=priority)
    return tuple(ordered) + ((last,) if last in enabled else ())


def keep_lead(
    stage: StageKind, preferences: Preferences, past: Sequence[str], lead: str
) -> tuple[str, ...]:
    """Tonight's order when tonight's lead was already chosen (an earlier
    session of the same night): the same lead, if it is still switched on."""
    order = tonight(stage, preferences, past)
    if lead not in order:
        return order
    return (lead, *(name for name in order if name != lead))
