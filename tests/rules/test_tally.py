"""Counting weighted ballots: worked example 1, split votes, merged postal and floor votes."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tests.rules.scenarios import (
    WRI_AMENDMENT,
    WRI_CONFERENCE,
    WRI_ROLL,
    WSM_CONTEXT,
    WSM_COUNCIL,
    WSM_ROLL,
)
from voting.rules.entitlement import (
    BodyRule,
    Person,
    PollContext,
    Proxy,
    Roll,
    Scheme,
    compute_entitlements,
)
from voting.rules.tally import Ballot, PollRule, Precedence, SetAsideKind, tally
from voting.rules.thresholds import ABSOLUTE_MAJORITY, SIMPLE_MAJORITY, TWO_THIRDS_OF_CAST
from voting.rules.types import Channel, Choice, MemberStatus

YES, NO, ABSTAIN = Choice.YES, Choice.NO, Choice.ABSTAIN


def test_wri_conference_no_consensus_after_15_minutes_weighted_vote_carries_4_to_3():
    """WRI 3(e): "a vote will be held in which each Section with more than 1000 members has
    three votes ..." — X yes (3), Y no (2), P yes (1), Q no (1)."""
    held = compute_entitlements(WRI_CONFERENCE, WRI_ROLL, PollContext())
    ballots = [
        Ballot("unit:X/xena", YES),
        Ballot("unit:Y/yann", NO),
        Ballot("unit:P/pia", YES),
        Ballot("unit:Q/quin", NO),
    ]
    result = tally(ballots, held.entitlements, PollRule(SIMPLE_MAJORITY))
    assert result.carried
    assert (result.totals[YES], result.totals[NO]) == (4, 3)
    assert result.explain() == (
        "Carried: 4 votes to 3 (majority of votes cast needed: more than 3 1/2 of 7)"
    )


def test_wri_constitution_amendment_x_yes_y_no_is_lost_and_q_is_refused():
    """WRI Constitution, amendments: "A proposed amendment shall require two-thirds of the
    votes cast"; sections only."""
    held = compute_entitlements(WRI_AMENDMENT, WRI_ROLL, PollContext())
    ballots = [
        Ballot("unit:X/xena", YES),
        Ballot("unit:Y/yann", NO),
        Ballot("unit:Q/quin", YES, cast_by="quin"),
    ]
    result = tally(ballots, held.entitlements, PollRule(TWO_THIRDS_OF_CAST))
    assert not result.carried
    assert result.explain() == "Lost: 3 votes to 2 (2/3 of votes cast needed: at least 3 1/3 of 5)"
    assert result.report()[1] == "ballot for unit:Q/quin not counted: not entitled in this poll"
    # Q holds no vote in this poll, so the ballot carries no weight: set aside, with reason.
    assert (result.received, result.counted, len(result.set_aside)) == (5, 5, 1)


def test_wsm_delegate_with_5_votes_splits_3_for_2_against_where_the_body_allows():
    """A delegate "voting according to their best judgement as to what the opinion of the
    branch would be" (WSM 5.5(iv)) may reflect a divided branch."""
    held = compute_entitlements(WSM_COUNCIL, WSM_ROLL, WSM_CONTEXT)
    split = Ballot("unit:galway/aoife", split=((YES, 3), (NO, 2)))
    ballots = [split, Ballot("unit:galway/brian", NO), Ballot("unit:limerick/ciara", YES)]
    allowed = tally(ballots, held.entitlements, PollRule(SIMPLE_MAJORITY, split_votes=True))
    assert (allowed.totals[YES], allowed.totals[NO]) == (8, 6)
    assert allowed.carried
    refused = tally(ballots, held.entitlements, PollRule(SIMPLE_MAJORITY))
    assert refused.set_aside[0].reason.describe() == (
        "ballot for unit:galway/aoife not counted: this body does not allow split votes"
    )
    assert (refused.totals[YES], refused.totals[NO]) == (5, 4)


def test_wsm_vote_against_the_branch_mandate_counts_and_is_recorded():
    """WSM 8: "If delegates are unmandated they are free to vote"; a vote against a
    mandate is "allowed but recorded"."""
    held = compute_entitlements(WSM_COUNCIL, WSM_ROLL, WSM_CONTEXT)
    ballots = [Ballot("unit:limerick/ciara", NO)]
    result = tally(
        ballots, held.entitlements, PollRule(SIMPLE_MAJORITY), mandates={"unit:limerick/ciara": YES}
    )
    assert result.totals[NO] == 5
    assert [m.describe() for m in result.departures] == [
        "unit:limerick/ciara voted no against the instruction to vote yes"
    ]
    secret = tally(
        ballots,
        held.entitlements,
        PollRule(SIMPLE_MAJORITY, secret=True),
        mandates={"unit:limerick/ciara": YES},
    )
    assert secret.departures == () and secret.by_voter is None


def test_wri_postal_ballot_replaced_by_the_floor_vote_counts_once():
    """WRI Rules 1(c): ballot papers "returned ... not later than one week before the first
    day of the Conference or during the Conference"."""
    held = compute_entitlements(WRI_CONFERENCE, WRI_ROLL, PollContext())
    ballots = [
        Ballot("unit:X/xena", NO, channel=Channel.POSTAL, order=1),
        Ballot("unit:Y/yann", NO, channel=Channel.POSTAL, order=2),
        Ballot("unit:X/xena", YES, channel=Channel.FLOOR, order=10),
        Ballot("unit:X/xena", NO, channel=Channel.FLOOR, order=11),
    ]
    floor = tally(ballots, held.entitlements, PollRule(SIMPLE_MAJORITY))
    assert (floor.totals[YES], floor.totals[NO], floor.voters) == (3, 2, 2)
    kinds = sorted(s.kind for s in floor.set_aside)
    assert kinds == [SetAsideKind.DUPLICATE, SetAsideKind.REPLACED]
    first = tally(
        ballots, held.entitlements, PollRule(SIMPLE_MAJORITY, precedence=Precedence.FIRST_COUNTS)
    )
    assert (first.totals[YES], first.totals[NO]) == (0, 5)


def test_member_voting_in_person_replaces_the_proxy_ballot():
    """Platform rules: the proxy "lapses the moment the principal checks in and votes
    themselves"."""
    rule = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE, proxies_allowed=True)
    people = (Person("ana", "Ana"), Person("bo", "Bo"), Person("cy", "Cy"))
    held = compute_entitlements(
        rule,
        Roll(people, proxies=(Proxy("ana", "bo"),)),
        PollContext(present=frozenset({"bo", "cy"})),
    )
    ballots = [
        Ballot("person:ana", NO, cast_by="bo", order=1),  # Bo for Ana
        Ballot("person:bo", YES, cast_by="bo", order=2),
        Ballot("person:ana", YES, cast_by="ana", order=3),  # Ana arrives and votes herself
        Ballot("person:cy", NO, cast_by="ana", order=4),  # Ana does not hold Cy's vote
    ]
    result = tally(ballots, held.entitlements, PollRule(SIMPLE_MAJORITY))
    assert (result.totals[YES], result.totals[NO]) == (2, 0)
    assert [s.reason.describe() for s in result.set_aside] == [
        "ballot for person:cy not counted: cast by ana, who does not hold that vote",
        "proxy ballot for person:ana replaced: the member voted in person",
    ]


def test_awl_withdrawn_member_cannot_vote_on_the_floor():
    """AWL: withdrawn comrades vote "in writing or by proxy"."""
    rule = BodyRule(
        Scheme.ONE_MEMBER_ONE_VOTE,
        voting_statuses=frozenset({MemberStatus.FULL, MemberStatus.WITHDRAWN}),
        in_writing_only_statuses=frozenset({MemberStatus.WITHDRAWN}),
    )
    held = compute_entitlements(
        rule, Roll((Person("w", "Wyn", MemberStatus.WITHDRAWN),)), PollContext()
    )
    floor = tally([Ballot("person:w", YES)], held.entitlements, PollRule(SIMPLE_MAJORITY))
    assert floor.counted == 0 and floor.set_aside[0].kind is SetAsideKind.INVALID
    postal = tally(
        [Ballot("person:w", YES, channel=Channel.POSTAL)],
        held.entitlements,
        PollRule(SIMPLE_MAJORITY),
    )
    assert postal.counted == 1


def test_absolute_majority_counts_absent_members_as_entitled():
    """ISN dissolution "by a two thirds majority vote"; absolute majorities need the absent."""
    rule = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE)
    people = tuple(Person(i, f"M{i}") for i in range(10))
    held = compute_entitlements(rule, Roll(people), PollContext(present=frozenset(range(5))))
    ballots = [Ballot(f"person:{i}", YES) for i in range(5)]
    result = tally(ballots, held.entitlements, PollRule(ABSOLUTE_MAJORITY))
    assert not result.carried
    assert result.explain() == (
        "Lost: 5 votes to 0 (majority of those entitled to vote needed: more than 5 of 10)"
    )


@st.composite
def polls(draw: st.DrawFn):
    weights = draw(st.lists(st.integers(1, 6), min_size=1, max_size=15))
    rule = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE)
    held = compute_entitlements(
        rule, Roll(tuple(Person(i, f"M{i}") for i in range(len(weights)))), PollContext()
    )
    # Give each holding its drawn weight.
    entitlements = tuple(
        replace(e, weight=w) for e, w in zip(held.entitlements, weights, strict=True)
    )
    keys = [e.voter_key for e in entitlements] + ["person:stranger"]
    ballots = []
    for order in range(draw(st.integers(0, 40))):
        key = draw(st.sampled_from(keys))
        channel = draw(st.sampled_from(list(Channel)))
        if draw(st.booleans()):
            ballots.append(
                Ballot(key, draw(st.sampled_from(list(Choice))), channel=channel, order=order)
            )
        else:
            parts = tuple((c, draw(st.integers(0, 4))) for c in Choice)
            ballots.append(Ballot(key, split=parts, channel=channel, order=order))
    return entitlements, ballots, draw(st.sampled_from(list(Precedence))), draw(st.booleans())


@given(polls())
def test_tally_conserves_totals_and_counts_each_voter_once(case):
    entitlements, ballots, precedence, split_votes = case
    rule = PollRule(SIMPLE_MAJORITY, split_votes=split_votes, precedence=precedence)
    result = tally(ballots, entitlements, rule)
    assert result.received == result.counted + sum(s.weight for s in result.set_aside)
    assert result.counted == sum(result.totals.values())
    assert len(ballots) == result.voters + len(result.set_aside)
    weights = {e.voter_key: e.weight for e in entitlements}
    assert result.by_voter is not None
    assert result.counted == sum(weights[k] for k in result.by_voter)
    assert result.counted <= sum(weights.values())
