"""The minutes record the meeting's decision to vote without testing for agreement, with
its reason: where the body tries consensus first, it is why the vote was held."""

from __future__ import annotations

from tests.fixtures.people import person
from voting.meetings.services import agenda, handover

CHAIR = "chris@wri.example"
REASON = "The conference agreed the text was settled at the last council."


def test_the_minutes_say_the_meeting_went_straight_to_a_vote_and_why(
    conference, signed_in
) -> None:
    chair = person(CHAIR)
    item = next(i for i in conference.items if i.motions)
    motion = item.motions[0]
    agenda.open_item(chair, item)
    handover.go_straight_to_vote(chair, motion, REASON)

    page = signed_in(CHAIR)
    html = page.get(f"/meetings/{conference.id}/minutes").text
    assert "data-straight-to-vote" in html
    line = html.split("data-straight-to-vote", 1)[1].split("</p>", 1)[0]
    assert "the meeting decided to vote without testing for agreement." in line
    assert REASON in line

    markdown = page.get(f"/meetings/{conference.id}/minutes.md").text
    assert f"the meeting decided to vote without testing for agreement. {REASON}" in markdown

    assert html.count("data-straight-to-vote") == 1  # one decision, on one motion
