"""Skeleton minutes for a meeting security requires: the agenda's headings, each
motion's title with its outcome, the secretary's notes — and none of what they leave
out, in any form the minutes take (page, Markdown, HTML, PDF)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.fixtures.floor import WSM_CHAIR, motion_of, open_poll, vote
from tests.fixtures.people import person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.meetings.services import agenda, consensus, meetings
from voting.record.services import minutes as service

# What the meeting recorded and skeleton minutes must not show.
HIDDEN = (
    "The organisation campaigns for public housing.",  # the motion's text
    "Brought forward by the branches",  # why the item came late
    "Gal Delegate",  # present, answered, voted by name
    "Lee Delegate",
    "The landlord is listening",  # a blocker's reason
)


def _meeting_with_a_record(wsm):  # type: ignore[no-untyped-def]
    motion = motion_of(wsm)
    agenda.open_item(person(WSM_CHAIR), motion.item)
    test = consensus.open_test(person(WSM_CHAIR), motion)
    consensus.answer(person("gal@wsm.example"), test, "block", reason="The landlord is listening")
    consensus.answer(person("lee@wsm.example"), test, "agree")
    consensus.close_test(person(WSM_CHAIR), test)
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.NAMED)
    vote(poll, "gal@wsm.example", "no", confirm_against_mandate=True)
    vote(poll, "lee@wsm.example", "yes", confirm_against_mandate=True)
    vote(poll, "dara@wsm.example", "yes", confirm_against_mandate=True)
    polls.close_poll(person(WSM_CHAIR), poll)
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    return motion, poll


def _all_forms(client, meeting_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    forms = {}
    for name in ("", ".md", ".html"):
        response = client.get(f"/meetings/{meeting_id}/minutes{name}")
        assert response.status_code == 200, name
        forms[name or "page"] = response.get_data(as_text=True)
    pdf = client.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    forms[".pdf"] = " ".join(text.split())
    return forms


def test_full_minutes_show_what_the_skeleton_hides(wsm, signed_in) -> None:
    """The control: the same meeting's full minutes do show each hidden thing."""
    _motion, poll = _meeting_with_a_record(wsm)
    forms = _all_forms(signed_in("tom@wsm.example"), wsm.id)
    for name, text in forms.items():
        for hidden in HIDDEN[:3]:
            assert hidden in text, (name, hidden)
        assert poll.result["audit_hash"] in text.replace(" ", ""), name


def test_skeleton_minutes_keep_the_decisions_and_leak_nothing_else(wsm, signed_in) -> None:
    motion, poll = _meeting_with_a_record(wsm)
    service.edit(
        person(WSM_CHAIR),
        wsm,
        skeleton=True,
        notes={motion.item.id: "Discussed; decided as below."},
    )
    forms = _all_forms(signed_in("tom@wsm.example"), wsm.id)
    for name, text in forms.items():
        for hidden in HIDDEN:
            assert hidden not in text, (name, hidden)
        assert poll.question not in text or poll.question == motion.title, name
        assert "Skeleton minutes" in text, name
        assert "Motion on housing" in text, name  # the heading stays
        assert "carried by a vote" in text.casefold(), name  # and the decision
        assert "Discussed; decided as below." in text, name  # and the secretary's note
        assert "Present (5)" in text, name  # how many, not who
        for sentence in polls.result_sentences(poll):
            assert sentence not in text, (name, sentence)
