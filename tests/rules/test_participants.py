"""Who answers a test for agreement, and why someone holds no vote: WRI 2(b), "All
representatives of Sections and Associate Organisations have the right to attend, speak
and vote at the Conference. Individual Members who are not representatives may also attend
and speak but shall not have a vote."
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tests.rules.scenarios import WRI_CONFERENCE, WRI_PEOPLE, WRI_ROLL, WSM_COUNCIL
from voting.rules.consensus import ConsensusSettings, why_not_taking_part
from voting.rules.entitlement import (
    BodyRule,
    Person,
    PollContext,
    Scheme,
    compute_entitlements,
    why_no_vote,
)
from voting.rules.types import MemberStatus, Participants, UnitKind

VOTERS = ConsensusSettings()  # the default: those with a vote
ATTENDING = ConsensusSettings(participants=Participants.ATTENDING)
IDA = next(p for p in WRI_PEOPLE if p.id == "ida")  # an individual member, no cards
CHLOE = next(p for p in WRI_PEOPLE if p.id == "chloe")  # chairs the conference
XENA = next(p for p in WRI_PEOPLE if p.id == "xena")  # holds Section X's cards
WSM_CONFERENCE = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE)


def said(message) -> str | None:  # type: ignore[no-untyped-def]
    return message.describe() if message is not None else None


def test_voters_take_part_by_default_and_the_body_may_open_its_tests_to_everyone():
    assert VOTERS.participants is Participants.VOTERS
    assert said(why_not_taking_part(VOTERS, WRI_CONFERENCE, IDA)) == (
        "Ida has no vote: individual members do not vote in this body, whose votes belong "
        "to its units (associate, section) as voting cards held by their representatives"
    )
    assert why_not_taking_part(ATTENDING, WRI_CONFERENCE, IDA) is None


def test_a_representative_answers_whatever_their_own_standing():
    """Xena is an individual member who holds Section X's cards: she has a vote."""
    assert why_not_taking_part(VOTERS, WRI_CONFERENCE, XENA, represents=True) is None
    assert why_not_taking_part(VOTERS, WRI_CONFERENCE, XENA) is not None


def test_the_chair_whose_role_carries_no_vote_does_not_answer_unless_everyone_does():
    assert said(why_not_taking_part(VOTERS, WRI_CONFERENCE, CHLOE, represents=True)) == (
        "Chloe has no vote: chairs do not vote in this body"
    )
    assert why_not_taking_part(ATTENDING, WRI_CONFERENCE, CHLOE) is None


def test_one_member_one_vote_asks_only_the_standing():
    """AWL: candidates attend but "do not have the right to vote"."""
    candidate = Person("cat", "Cat", MemberStatus.CANDIDATE)
    assert said(why_no_vote(WSM_CONFERENCE, candidate)) == (
        "Cat has no vote: candidate members do not vote in this body"
    )
    assert why_no_vote(WSM_CONFERENCE, Person("fin", "Fin"), represents=False) is None


def test_why_someone_holds_no_card_or_is_no_delegate():
    member = Person("max", "Max", MemberStatus.FULL)
    assert said(why_no_vote(WRI_CONFERENCE, member, represents=False)) == (
        "Max holds no voting card: this body's votes belong to its units (associate, "
        "section) as cards held by their representatives"
    )
    assert said(why_no_vote(WSM_COUNCIL, member, represents=False)) == (
        "Max has no vote: only the delegates of units vote in this body"
    )
    assert why_no_vote(WSM_COUNCIL, member, represents=True) is None
    sections = replace(WRI_CONFERENCE, eligible_unit_kinds=frozenset({UnitKind.SECTION}))
    assert "(section)" in said(why_no_vote(sections, IDA))  # type: ignore[operator]


@given(st.sampled_from(WRI_PEOPLE))
def test_the_reason_agrees_with_the_entitlement_of_the_people_on_the_roll(someone):
    """Whoever the entitlement gives a vote has no reason against them, and whoever it
    gives none has one."""
    result = compute_entitlements(WRI_CONFERENCE, WRI_ROLL, PollContext())
    holds = {e.holder_id for e in result.entitlements}
    represents = someone.id in {c.person_id for c in WRI_ROLL.card_holders}
    reason = why_no_vote(WRI_CONFERENCE, someone, represents=represents)
    assert (reason is None) == (someone.id in holds)
