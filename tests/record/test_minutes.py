"""Draft minutes generated from what happened at a meeting: attendance, each motion's
text as decided, the test for agreement with its named answers, the vote with its result
and the audit hash of its count; for the body's members only."""

from __future__ import annotations

from tests.fixtures.floor import WSM_CHAIR, motion_of, open_poll, vote
from tests.fixtures.people import person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.meetings.services import agenda, consensus
from voting.record import minutes as minutes_module


def test_the_minutes_say_what_happened(wsm, signed_in) -> None:
    motion = motion_of(wsm)
    agenda.open_item(person(WSM_CHAIR), motion.item)
    test = consensus.open_test(person(WSM_CHAIR), motion)
    consensus.answer(person("gal@wsm.example"), test, "block", reason="Not without the branches")
    consensus.answer(person("lee@wsm.example"), test, "agree")
    consensus.close_test(person(WSM_CHAIR), test)
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.NAMED)
    vote(poll, "gal@wsm.example", "no", confirm_against_mandate=True)
    vote(poll, "lee@wsm.example", "yes", confirm_against_mandate=True)
    polls.close_poll(person(WSM_CHAIR), poll)

    page = signed_in("gal@wsm.example").get(f"/meetings/{wsm.id}/minutes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in (
        "Draft minutes: Meeting",
        "The organisation campaigns for public housing.",
        "Gal Delegate: Block — Not without the branches",
        poll.result["audit_hash"],
        "Motions: Motion on housing",
    ):
        assert expected in html, expected
    assert polls.result_sentences(poll)[0] in html

    markdown = signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/minutes.md")
    assert markdown.mimetype == "text/markdown"
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Draft minutes: Meeting")
    assert "> The organisation campaigns for public housing." in text
    assert "  - Gal Delegate: Block — Not without the branches" in text
    assert poll.result["audit_hash"] in text
    assert "Lee Delegate" in text  # the roll call's named list


def test_only_the_bodys_members_read_the_minutes(wsm, signed_in) -> None:
    assert signed_in("ana@wri.example").get(f"/meetings/{wsm.id}/minutes").status_code == 404
    # A lapsed member is no longer among the body's members.
    assert signed_in("lapsed@wsm.example").get(f"/meetings/{wsm.id}/minutes").status_code == 404
    assert signed_in("gal@wsm.example").get(f"/meetings/{wsm.id}/minutes").status_code == 200


def test_awl_executive_minutes_go_to_the_national_committee_only(awl, signed_in) -> None:
    from tests.fixtures.floor import AWL_CHAIR, new_meeting
    from voting.core.extensions import db
    from voting.membership.services.members import assign_role
    from voting.org.services.organisations import by_slug

    org = by_slug("awl")
    assign_role(
        person(AWL_CHAIR),
        org,
        {"email": "fay@awl.example", "kind": "officer", "body": "national-committee"},
    )
    assign_role(
        person(AWL_CHAIR), org, {"email": "pat@awl.example", "kind": "officer", "body": "executive"}
    )
    db.session.commit()
    executive = new_meeting("awl", "executive", AWL_CHAIR, "Office lease")
    url = f"/meetings/{executive.id}/minutes"
    assert signed_in("fay@awl.example").get(url).status_code == 200  # on the National Committee
    assert signed_in("pat@awl.example").get(url).status_code == 404  # on the Executive only
    assert signed_in(AWL_CHAIR).get(url).status_code == 200  # who chairs it


def test_a_closed_meetings_screens_link_its_minutes_where_they_may_be_read(
    wsm, awl, signed_in
) -> None:
    from tests.fixtures.floor import AWL_CHAIR, WSM_CHAIR, new_meeting
    from voting.meetings.services import meetings

    minutes = f"/meetings/{wsm.id}/minutes"
    member = signed_in("gal@wsm.example")
    assert minutes not in member.get(f"/meetings/{wsm.id}").get_data(as_text=True)
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    assert minutes in member.get(f"/meetings/{wsm.id}").get_data(as_text=True)
    assert minutes in signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/chair").get_data(as_text=True)
    assert minutes not in member.get(f"/meetings/{wsm.id}/projector").get_data(as_text=True)

    # AWL's Executive minutes go to the National Committee: its own screen links none.
    executive = new_meeting("awl", "executive", AWL_CHAIR, "Office lease")
    meetings.close_meeting(person(AWL_CHAIR), executive)
    shown = signed_in(AWL_CHAIR).get(f"/meetings/{executive.id}/chair").get_data(as_text=True)
    assert f"/meetings/{executive.id}/minutes" in shown
    assert not minutes_module.linked_on_screen(executive, "member")


def test_a_quorum_of_units_counts_the_units_and_the_minutes_count_the_people(
    wsm, signed_in
) -> None:
    from tests.fixtures.floor import body
    from voting.org.services import bodies

    bodies.update_body_settings(
        person(WSM_CHAIR),
        body("wsm", "delegate-council"),
        {"quorum": {"required": True, "fraction": "1/2", "base": "units"}},
        merge=True,
    )
    text = signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/minutes.md").get_data(as_text=True)
    # Five people checked in, for three branches of three.
    assert "## Present (5)" in text
    assert "Quorum: 2 units represented needed, 3 represented: met." in text
    screen = signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/chair").get_data(as_text=True)
    assert 'data-present="5"' in screen and "units represented needed, reached (3)" in screen
