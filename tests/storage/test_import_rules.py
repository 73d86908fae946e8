"""What an import must be to be believed: sessions that could have happened,
ids that can be shown, and a CSV that a spreadsheet cannot run."""

from __future__ import annotations

import json

import pytest

from rls_companion.core.cells import cell_text
from rls_companion.core.records import SessionRecord, SessionState
from rls_companion.storage.export import sessions_csv
from rls_companion.storage.importer import ImportProblem, parse_file


def _file(**session: object) -> bytes:
    fields = {
        "id": "a",
        "started_at": "2026-11-20T22:15:00-05:00",
        "ended_at": "2026-11-20T22:35:00-05:00",
        "practice_seconds": 1200,
    }
    fields.update(session)
    return json.dumps(
        {"format": "rls-companion-history", "version": 1, "sessions": [fields]}
    ).encode()


def test_practice_longer_than_the_session_is_refused() -> None:
    with pytest.raises(ImportProblem) as caught:
        parse_file(_file(practice_seconds=86400, ended_at="2026-11-20T22:15:00-05:00"))
    assert str(caught.value) == (
        "$.sessions[0].practice_seconds: 86400 is longer than the session lasted"
        " (0 s from started_at to ended_at)"
    )


def test_practice_within_a_few_seconds_of_the_span_is_kept() -> None:
    # 20 minutes from start to end; practice 1204 s is within the 5 s slack.
    [record] = parse_file(_file(practice_seconds=1204)).sessions
    assert record.practice_seconds == 1204
    with pytest.raises(ImportProblem, match="longer than the session lasted"):
        parse_file(_file(practice_seconds=1206))


@pytest.mark.parametrize(
    ("session_id", "problem"),
    [
        ("\u202eevil\u202c", "contains characters that cannot be shown"),
        (" padded ", "has spaces at its start or end"),
        ("tab\tinside", "contains control characters"),
    ],
)
def test_ids_must_be_shown_as_they_are(session_id: str, problem: str) -> None:
    with pytest.raises(ImportProblem) as caught:
        parse_file(_file(id=session_id))
    assert str(caught.value) == f"$.sessions[0].id: {session_id!r} {problem}"


def test_ids_in_other_scripts_are_welcome() -> None:
    [record] = parse_file(_file(id="séance-夜-1")).sessions
    assert record.id == "séance-夜-1"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
    ],
)
def test_cells_that_would_be_formulas_are_written_as_text(text: str, written: str) -> None:
    assert cell_text(text) == written


def test_the_session_csv_escapes_an_id_that_looks_like_a_formula() -> None:
    [record] = parse_file(_file(id="=HYPERLINK(x)")).sessions
    assert isinstance(record, SessionRecord) and record.state is SessionState.STOPPED
    row = sessions_csv([record]).splitlines()[1]
    assert row.startswith("'=HYPERLINK(x),2026-11-20T22:15:00-05:00,")
