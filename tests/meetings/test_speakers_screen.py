"""The speakers' list as people use it: a point of order asks for no point of view and is
a button of its own; the chair's main button calls the next speaker, and "End
contribution" appears only while someone speaks."""

from __future__ import annotations

from tests.fixtures.people import person, sign_in
from tests.meetings.test_meeting_services import CHAIR, MEMBERS, check_in_all, open_motion_item
from voting.meetings.services import speaking


def test_a_point_of_order_has_no_point_of_view(conference) -> None:
    check_in_all(conference, MEMBERS[0])
    item = open_motion_item(conference)
    point = speaking.raise_hand(person(MEMBERS[0]), item, "point_of_order", "against")
    assert point.viewpoint is None
    hand = speaking.raise_hand(person(MEMBERS[0]), item, "contribution", "against")
    assert hand.viewpoint == "against"


def test_the_chairs_buttons_follow_who_speaks(conference, live) -> None:
    check_in_all(conference, MEMBERS[0])
    item = open_motion_item(conference)
    chair = live.test_client()
    sign_in(chair, CHAIR)

    def console() -> str:
        return chair.get(f"/meetings/{conference.id}/chair").get_data(as_text=True)

    quiet = console()
    assert "End contribution" not in quiet and "Call next speaker" not in quiet
    speaking.raise_hand(person(MEMBERS[0]), item, "contribution")
    assert "Call next speaker" in console()
    speaking.call_next(person(CHAIR), item)
    speaking_now = console()
    assert "End contribution" in speaking_now and "Call next speaker" not in speaking_now

    member = live.test_client()
    sign_in(member, MEMBERS[0])
    page = member.get(f"/meetings/{conference.id}").get_data(as_text=True)
    assert '<option value="point_of_order">' not in page
    assert 'name="kind" value="point_of_order"' in page and "Point of order" in page


def test_a_motion_typed_in_a_browser_keeps_its_paragraphs(conference, live) -> None:
    from voting.meetings.services import agenda, motions

    check_in_all(conference, MEMBERS[0])
    item = agenda.submit_item(
        person(CHAIR),
        conference,
        section=agenda.sections(conference)[0],
        title="Typed in a browser",
        motion_text="First we agree.\r\nThen we act.\r\n\r\nAnd we report back.",
        late_reason="Typed at the meeting",
    )
    motion = item.motions[0]
    assert motions.paragraphs(motion.text) == [
        "First we agree.",
        "Then we act.",
        "And we report back.",
    ]
    amendment = motions.propose_amendment(
        person(MEMBERS[0]), motion, text="Then we act at once.", paragraph=2
    )
    assert motions.amended_text(motion, amendment).split("\n\n")[1] == "Then we act at once."


def test_no_consensus_says_whether_the_time_ran_out_or_the_chair_ended_it(conference, live):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from voting.core.extensions import db
    from voting.meetings.services import consensus

    check_in_all(conference, *MEMBERS)
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    consensus.answer(person(MEMBERS[0]), test, "block", reason="Not yet")
    consensus.close_test(person(CHAIR), test)
    chair = live.test_client()
    sign_in(chair, CHAIR)
    page = chair.get(f"/meetings/{conference.id}/chair").get_data(as_text=True)
    assert "the chair ended the test with 1 block" in page
    assert "in the time agreed" not in page

    # The same outcome when the time agreed had run out.
    test.deadline = test.closed_at - timedelta(seconds=1)
    db.session.commit()
    page = chair.get(f"/meetings/{conference.id}/chair").get_data(as_text=True)
    assert "No consensus in the time agreed: the item goes to the vote." in page
