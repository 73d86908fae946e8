"""Instants stored as UTC plus the local offset in force at that instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rls_companion.core.timestamps import (
    format_local,
    from_parts,
    parse_iso_with_offset,
    to_parts,
)


def zone(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


@pytest.mark.parametrize(
    ("local", "utc_text", "offset"),
    [
        # 22:15 at UTC-5 is 03:15 UTC the next day.
        (datetime(2026, 11, 20, 22, 15, tzinfo=zone(-5)), "2026-11-21T03:15:00.000", -300),
        # Nepal, UTC+5:45: 01:30 local is 19:45 UTC the day before.
        (datetime(2026, 11, 21, 1, 30, tzinfo=zone(5, 45)), "2026-11-20T19:45:00.000", 345),
        # Kiribati, UTC+14: 23:30 on New Year's Eve is 09:30 UTC the same day.
        (datetime(2026, 12, 31, 23, 30, tzinfo=zone(14)), "2026-12-31T09:30:00.000", 840),
        # Marquesas, UTC-9:30.
        (datetime(2026, 3, 1, 0, 5, tzinfo=zone(-9, 30)), "2026-03-01T09:35:00.000", -570),
        (
            datetime(2026, 6, 1, 12, 0, 0, 250_000, tzinfo=UTC),
            "2026-06-01T12:00:00.250",
            0,
        ),
    ],
)
def test_to_parts_and_back(local: datetime, utc_text: str, offset: int) -> None:
    assert to_parts(local) == (utc_text, offset)
    back = from_parts(utc_text, offset)
    assert back == local
    assert back.utcoffset() == local.utcoffset()
    # Same wall-clock reading, not just the same instant.
    assert back.replace(tzinfo=None) == local.replace(tzinfo=None)


@pytest.mark.parametrize("offset_minutes", [-720, -570, -300, -240, 0, 60, 330, 345, 840])
def test_round_trip_across_offsets(offset_minutes: int) -> None:
    tz = timezone(timedelta(minutes=offset_minutes))
    instant = datetime(2026, 3, 8, 1, 59, 59, 123_000, tzinfo=tz)
    for step in range(0, 48 * 60, 37):
        moment = instant + timedelta(minutes=step)
        text, offset = to_parts(moment)
        assert offset == offset_minutes
        back = from_parts(text, offset)
        assert back == moment and back.utcoffset() == moment.utcoffset()
        assert back.isoformat() == moment.isoformat()


def test_the_same_instant_in_two_offsets_keeps_both_offsets() -> None:
    at_home = datetime(2026, 11, 20, 22, 15, tzinfo=zone(-5))
    away = at_home.astimezone(zone(5, 45))
    home_parts, away_parts = to_parts(at_home), to_parts(away)
    assert home_parts[0] == away_parts[0]  # one instant
    assert (home_parts[1], away_parts[1]) == (-300, 345)
    # 03:15 UTC + 5:45 = 09:00 local.
    assert (from_parts(*away_parts).hour, from_parts(*away_parts).minute) == (9, 0)


def test_utc_text_sorts_in_time_order() -> None:
    earlier = datetime(2026, 11, 21, 0, 30, tzinfo=zone(5, 45))  # 18:45 UTC on the 20th
    later = datetime(2026, 11, 20, 22, 0, tzinfo=zone(-5))  # 03:00 UTC on the 21st
    assert to_parts(earlier)[0] < to_parts(later)[0]


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        to_parts(datetime(2026, 11, 20, 22, 15))


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2026-11-20T22:15:00-05:00", timedelta(hours=-5)),
        ("2026-11-20T22:15:00+05:45", timedelta(hours=5, minutes=45)),
        ("2026-11-20T22:15:00+14:00", timedelta(hours=14)),
        ("2026-11-20T22:15:00Z", timedelta(0)),
        ("2026-11-20T22:15:00.500+00:00", timedelta(0)),
    ],
)
def test_parse_iso_with_offset(text: str, offset: timedelta) -> None:
    value = parse_iso_with_offset(text)
    assert value.utcoffset() == offset
    assert (value.year, value.month, value.day, value.hour, value.minute) == (2026, 11, 20, 22, 15)


@pytest.mark.parametrize("text", ["2026-11-20T22:15:00", "2026-11-20 22:15", "2026-11-20"])
def test_parse_refuses_naive_timestamps(text: str) -> None:
    with pytest.raises(ValueError, match="no UTC offset") as caught:
        parse_iso_with_offset(text)
    assert text in str(caught.value)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00+00:00"])
def test_parse_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_with_offset(text)


def test_format_local_keeps_the_offset_and_whole_seconds() -> None:
    moment = datetime(2026, 11, 20, 22, 15, 7, 900_000, tzinfo=zone(-5))
    assert format_local(moment) == "2026-11-20T22:15:07-05:00"
    assert format_local(datetime(2026, 11, 21, 1, 30, tzinfo=zone(5, 45))) == (
        "2026-11-21T01:30:00+05:45"
    )
