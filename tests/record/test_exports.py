"""A meeting's results and attendance as CSV: read back by a CSV reader as a spreadsheet
would, no cell a formula, numbers as numbers; only those who may see them download them."""

from __future__ import annotations

import csv
import io

from tests.fixtures.floor import WSM_CHAIR, open_poll, vote
from tests.fixtures.people import person
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.meetings.services import meetings
from voting.membership.services.members import add_member
from voting.org.services.organisations import by_slug
from voting.record.exports import safe

ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_no_cell_starts_a_formula(wsm, signed_in) -> None:
    wsm_org = by_slug("wsm")
    for n, name in enumerate(ATTACKS):
        add_member(
            person(WSM_CHAIR),
            wsm_org,
            {"name": name, "email": f"attack{n}@wsm.example", "status": "full"},
        )
    db.session.commit()
    for n in range(len(ATTACKS)):
        meetings.check_in(person(f"attack{n}@wsm.example"), wsm, wsm.join_code)
    poll = open_poll(wsm, WSM_CHAIR, question="=1+1 or not?")
    vote(poll, "gal@wsm.example", "yes", confirm_against_mandate=True)
    polls.close_poll(person(WSM_CHAIR), poll)

    chair = signed_in(WSM_CHAIR)
    attendance = chair.get(f"/meetings/{wsm.id}/attendance.csv")
    assert attendance.status_code == 200 and attendance.mimetype == "text/csv"
    rows = _read(attendance.get_data(as_text=True))
    cells = [c for row in rows for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names and "'+1+1" in names

    results = _read(chair.get(f"/meetings/{wsm.id}/results.csv").get_data(as_text=True))
    header, first = results[0], results[1]
    assert first[header.index("Question")] == "'=1+1 or not?"
    assert first[header.index("For")].isdigit()  # numbers stay numbers
    assert first[header.index("Audit hash")] == poll.result["audit_hash"]


def test_only_the_chair_and_secretaries_download_the_attendance(wsm, signed_in) -> None:
    assert signed_in("mo@wsm.example").get(f"/meetings/{wsm.id}/attendance.csv").status_code == 404
    assert signed_in("mo@wsm.example").get(f"/meetings/{wsm.id}/results.csv").status_code == 200
    assert signed_in("ana@wri.example").get(f"/meetings/{wsm.id}/results.csv").status_code == 404


def test_safe_leaves_numbers_and_plain_text() -> None:
    assert safe(3) == 3 and safe(2.5) == 2.5 and safe("Galway") == "Galway"
    assert safe("-") == "'-" and safe(None) == ""


def test_the_meetings_polls_page_links_the_downloads(wsm, signed_in) -> None:
    page = signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/polls").get_data(as_text=True)
    assert (
        f"/meetings/{wsm.id}/results.csv" in page and f"/meetings/{wsm.id}/attendance.csv" in page
    )
