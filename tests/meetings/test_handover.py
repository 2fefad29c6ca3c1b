"""The hand-over from consensus to the vote at the WRI conference: a block, no consensus,
the chair puts the motion to a vote under the body's rule, the phones vote, and the item's
record shows the motion carried or lost with its result.
"""

from __future__ import annotations

import re

import pytest

from tests.fixtures.floor import WRI_CHAIR, WRI_REPS, motion_of
from tests.fixtures.people import person
from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.core.errors import Conflict, NotAllowed
from voting.meetings.models import AmendmentStatus, Meeting, Motion, MotionStatus, PollKind
from voting.meetings.services import agenda, consensus, floor, motions

X, Y, P, Q = (WRI_REPS[u] for u in ("Section X", "Section Y", "Associate P", "Associate Q"))


def no_consensus(meeting: Meeting, amendment=None) -> Motion:  # type: ignore[no-untyped-def]
    """Open the motion's item, test for agreement (Quinn blocks) and record the outcome."""
    motion = motion_of(meeting)
    if motion.item.status.value != "open":
        agenda.open_item(person(WRI_CHAIR), motion.item)
    test = consensus.open_test(person(WRI_CHAIR), motion, amendment=amendment)
    consensus.answer(person(X), test, "agree")
    consensus.answer(person(Q), test, "block", "Not without the sections")
    consensus.close_test(person(WRI_CHAIR), test)
    return motion


def vote_all(poll: Poll, choices: dict[str, str]) -> None:
    for email, choice in choices.items():
        polls.cast(person(email), poll, choice=choice)


def test_no_consensus_then_a_weighted_vote_carries_the_motion_4_to_3(wri) -> None:
    motion = no_consensus(wri)
    assert motion.status is MotionStatus.TO_VOTE
    assert floor.handed_over(motion) == [None]

    poll = floor.put_to_vote(person(WRI_CHAIR), motion)
    assert poll.status is PollStatus.DRAFT and poll.floor.kind is PollKind.MOTION
    assert floor.put_to_vote(person(WRI_CHAIR), motion).id == poll.id  # a second click
    polls.open_poll(person(WRI_CHAIR), poll)
    vote_all(poll, {X: "yes", Y: "no", P: "yes", Q: "no"})
    polls.close_poll(person(WRI_CHAIR), poll)

    assert poll.result["sentence"].startswith("Carried: 4 votes to 3")
    assert motion.status is MotionStatus.CARRIED and motion.decided_at is not None
    with pytest.raises(Conflict, match="Only a question without consensus"):
        floor.put_to_vote(person(WRI_CHAIR), motion)


def test_the_constitution_amendment_rule_lets_only_sections_vote_and_3_of_5_is_lost(wri) -> None:
    motion = no_consensus(wri)
    poll = floor.put_to_vote(
        person(WRI_CHAIR), motion, special="constitution_amendment", mode=PollMode.NAMED
    )
    polls.open_poll(person(WRI_CHAIR), poll)
    with pytest.raises(NotAllowed, match="only section units vote"):
        polls.cast(person(Q), poll, choice="no")
    vote_all(poll, {X: "yes", Y: "no"})
    polls.close_poll(person(WRI_CHAIR), poll)
    assert poll.result["outcome"] == "lost"
    assert motion.status is MotionStatus.LOST


def test_an_amendment_without_consensus_goes_to_the_vote_and_becomes_part_of_the_motion(
    wri,
) -> None:
    motion = motion_of(wri)
    agenda.open_item(person(WRI_CHAIR), motion.item)
    amendment = motions.propose_amendment(
        person(P), motion, text="Sections share cases every month.", paragraph=2
    )
    motions.put_to_meeting(person(WRI_CHAIR), amendment)
    no_consensus(wri, amendment)
    assert amendment.status is AmendmentStatus.TO_VOTE
    assert motion.status is MotionStatus.SUBMITTED
    assert floor.handed_over(motion) == [amendment]

    poll = floor.put_to_vote(person(WRI_CHAIR), motion, amendment=amendment)
    assert poll.floor.kind is PollKind.AMENDMENT and poll.floor.amendment_id == amendment.id
    polls.open_poll(person(WRI_CHAIR), poll)
    vote_all(poll, {X: "yes", Y: "yes", Q: "no"})
    polls.close_poll(person(WRI_CHAIR), poll)

    assert amendment.status is AmendmentStatus.ACCEPTED
    assert "Sections share cases every month." in motion.text
    assert motion.status is MotionStatus.SUBMITTED  # the motion itself is still to decide


def test_only_the_chair_puts_a_question_to_the_vote(wri) -> None:
    motion = no_consensus(wri)
    with pytest.raises(NotAllowed):
        floor.put_to_vote(person(X), motion)


def test_the_body_offers_its_ordinary_rule_first_then_its_special_decisions(wri) -> None:
    choices = floor.decision_choices(wri.body.settings)
    assert [c.name for c in choices] == ["", "constitution_amendment", "rules_confirmation"]
    assert choices[0].threshold == "majority of votes cast"
    assert "2/3" in choices[1].threshold
    assert [m.value for m in floor.vote_modes(wri.body.settings)] == ["open", "named", "secret"]


# --- The pages: chair console, phones, projector ---------------------------------------------


def test_the_chair_console_hands_over_to_a_vote_the_phones_follow_and_the_record_shows_it(
    wri, signed_in
) -> None:
    motion = no_consensus(wri)
    chair = signed_in(WRI_CHAIR)
    console = chair.get(f"/meetings/{wri.id}/chair").text
    assert "Put to a vote" in console
    assert "Ordinary decision: majority of votes cast" in console
    assert "Constitution amendment (sections only, 2/3 of votes cast)" in console

    sent = chair.post(f"/motions/{motion.id}/put-to-vote", data={"special": "", "mode": "open"})
    assert sent.status_code == 303
    assert sent.location.endswith(f"/meetings/{wri.id}/chair#meeting-poll")
    console = chair.get(f"/meetings/{wri.id}/chair").text
    assert "Xavier Rep holds 3 votes: 3 cards of Section X" in console
    assert "Open the vote" in console and "Put to a vote" not in console
    poll = floor.polls_of(wri)[0]

    opened = chair.post(f"/polls/{poll.id}/open", data={"return": "chair"})
    assert opened.location.endswith(f"/meetings/{wri.id}/chair#meeting-poll")
    phone = signed_in(X)
    screen = phone.get(f"/meetings/{wri.id}").text
    assert "You hold 3 votes: 3 cards of Section X" in screen
    assert 'class="ballot-choice' in screen
    cast = phone.post(f"/polls/{poll.id}/vote", data={"choice": "yes", "return": "member"})
    assert cast.location.endswith(f"/meetings/{wri.id}#meeting-poll")
    assert "Cast: For 3" in phone.get(f"/meetings/{wri.id}").text
    assert "1 of 4 votes cast (weight 3 of 7)" in chair.get(f"/meetings/{wri.id}/chair").text
    fragment = phone.get(f"/polls/{poll.id}/my-ballot", headers={"HX-Request": "true"}).text
    assert "data-used" in fragment and "ballot-choice" not in fragment
    opened = phone.get(f"/polls/{poll.id}/my-ballot")  # typed in, or opened in a new tab
    assert opened.status_code == 303
    assert opened.location.endswith(f"/polls/{poll.id}")

    vote_all(poll, {Y: "no", P: "yes", Q: "no"})
    closed = chair.post(f"/polls/{poll.id}/close", data={"return": "chair"})
    assert closed.location.endswith("#meeting-poll")
    for page in (f"/meetings/{wri.id}/projector", f"/meetings/{wri.id}"):
        shown = (chair if "projector" in page else phone).get(page).text
        assert "Carried: 4 votes to 3" in shown
        assert "<svg" in shown and 'class="poll-chart"' in shown
    record = chair.get(f"/meetings/{wri.id}/chair").text
    assert "carried by a vote" in record and f"/polls/{poll.id}/result" in record


def test_a_representative_outside_the_rule_sees_why_and_no_ballot(wri, signed_in) -> None:
    motion = no_consensus(wri)
    poll = floor.put_to_vote(person(WRI_CHAIR), motion, special="constitution_amendment")
    polls.open_poll(person(WRI_CHAIR), poll)
    screen = signed_in(Q).get(f"/meetings/{wri.id}").text
    assert "You hold no vote in this poll." in screen
    assert "only section units vote" in screen
    assert "ballot-choice" not in screen


def test_the_put_to_vote_form_without_its_csrf_token_is_refused(wri, signed_in, live) -> None:
    motion = no_consensus(wri)
    live.config["WTF_CSRF_ENABLED"] = True
    chair = signed_in(WRI_CHAIR)
    assert chair.post(f"/motions/{motion.id}/put-to-vote", data={}).status_code == 400
    console = chair.get(f"/meetings/{wri.id}/chair").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', console).group(1)  # type: ignore[union-attr]
    sent = chair.post(f"/motions/{motion.id}/put-to-vote", data={"csrf_token": token})
    assert sent.status_code == 303


def test_a_secret_voter_finds_their_tracker_in_the_published_list(wri, signed_in) -> None:
    motion = no_consensus(wri)
    poll = floor.put_to_vote(person(WRI_CHAIR), motion, mode=PollMode.SECRET)
    polls.open_poll(person(WRI_CHAIR), poll, confirm_privacy=True)
    phone = signed_in(Y)
    phone.post(f"/polls/{poll.id}/vote", data={"choice": "no", "return": "member"})
    code = re.search(r"data-tracker>([A-Z0-9-]+)<", phone.get(f"/meetings/{wri.id}").text)
    assert code is not None
    assert "data-tracker>" not in phone.get(f"/meetings/{wri.id}").text  # shown once
    vote_all(poll, {X: "yes"})
    polls.close_poll(person(WRI_CHAIR), poll)
    found = phone.get(f"/polls/{poll.id}/result", query_string={"tracker": code.group(1)}).text
    assert "Your tracker is in the list" in found and "data-mine" in found
    wrong = phone.get(f"/polls/{poll.id}/result", query_string={"tracker": "AAAA-BBBB"}).text
    assert "This tracker is not in the list" in wrong


# --- The API ----------------------------------------------------------------------------------


def test_the_api_puts_a_question_to_the_vote_through_the_same_service(wri, live) -> None:
    from tests.fixtures.people import token_for

    motion = no_consensus(wri)
    client = live.test_client()
    url = f"/api/v1/motions/{motion.id}/put-to-vote"
    refused = client.post(url, json={}, headers={"Authorization": f"Bearer {token_for(X)}"})
    assert refused.status_code == 403
    chair = {"Authorization": f"Bearer {token_for(WRI_CHAIR)}"}
    made = client.post(url, json={"special": "rules_confirmation", "mode": "secret"}, headers=chair)
    assert made.status_code == 201
    poll = polls.get_poll(made.json["id"])
    assert (poll.special, poll.mode, poll.status) == (
        "rules_confirmation",
        PollMode.SECRET,
        PollStatus.DRAFT,
    )
    bad = client.post(url, json={"mode": "loud"}, headers=chair)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "mode"
