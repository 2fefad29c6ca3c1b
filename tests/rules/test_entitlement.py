"""Who holds how many votes, and why: the worked examples 1 and 2 and more scenarios."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tests.rules.scenarios import (
    COUNCIL_DATE,
    WRI_AMENDMENT,
    WRI_CONFERENCE,
    WRI_ROLL,
    WSM_CONTEXT,
    WSM_COUNCIL,
    WSM_ROLL,
)
from voting.rules.entitlement import (
    Attendance,
    BodyRule,
    CardHolder,
    DelegateSplit,
    Person,
    PollContext,
    Proxy,
    ProxyScope,
    Roll,
    Scheme,
    Source,
    Unit,
    compute_entitlements,
    last_meeting_before,
    split_votes,
)
from voting.rules.types import Choice, MemberStatus, UnitKind


def holdings(result) -> dict:
    return {e.holder_id: e.weight for e in result.entitlements}


# --- WRI: unit weights held as cards -----------------------------------------------


def test_wri_conference_sections_x_and_y_and_associates_p_and_q_hold_7_votes():
    """WRI 3(e): "each Section with more than 1000 members has three votes, each other
    Section two votes and each Associate Organisation one collective vote"."""
    result = compute_entitlements(WRI_CONFERENCE, WRI_ROLL, PollContext())
    assert holdings(result) == {"xena": 3, "yann": 2, "pia": 1, "quin": 1}
    assert result.entitled == 7
    assert result.lines()[:4] == [
        "Xena holds 3 votes: 3 cards of Section X",
        "Yann holds 2 votes: 2 cards of Section Y",
        "Pia holds 1 vote: 1 card of Associate P",
        "Quin holds 1 vote: 1 card of Associate Q",
    ]
    assert "Chloe has no vote: chairs do not vote in this body" in result.lines()


def test_wri_section_of_exactly_1000_members_has_two_votes():
    """WRI 3(e) "more than 1000 members": 1000 is not more than 1000."""
    roll = replace(WRI_ROLL, units=(Unit("X", "Section X", UnitKind.SECTION, size=1000),))
    result = compute_entitlements(WRI_CONFERENCE, roll, PollContext())
    assert holdings(result) == {"xena": 2}


def test_wri_constitution_amendment_only_sections_vote_and_q_is_refused():
    """WRI 3(e) "(except in case of motions to amend the Constitution)"; amendments: "This
    Constitution may be amended by a vote of the Sections"."""
    result = compute_entitlements(WRI_AMENDMENT, WRI_ROLL, PollContext())
    assert holdings(result) == {"xena": 3, "yann": 2}
    assert result.entitled == 5
    assert "Quin holds no votes: on this decision only section units vote" in result.lines()


def test_wri_cards_split_across_three_representatives_remainder_to_the_first():
    """WRI Rules 1(b): "one voting card for each vote"; 3 cards over 2 people: 2 and 1."""
    roll = replace(
        WRI_ROLL,
        card_holders=(CardHolder("xena", "X", rank=1), CardHolder("ida", "X", rank=2)),
    )
    result = compute_entitlements(WRI_CONFERENCE, roll, PollContext())
    assert holdings(result) == {"xena": 2, "ida": 1}
    keys = {e.voter_key for e in result.entitlements}
    assert keys == {"unit:X/xena", "unit:X/ida"}
    # Y, P and Q have nobody holding their cards: they exist but are unheld.
    assert result.unheld == 4
    assert result.entitled == 7
    assert "Section Y's 2 cards are held by no one" in result.lines()


def test_wri_named_card_counts_are_respected():
    roll = replace(
        WRI_ROLL,
        card_holders=(CardHolder("xena", "X", cards=1), CardHolder("ida", "X")),
    )
    result = compute_entitlements(WRI_CONFERENCE, roll, PollContext())
    assert holdings(result) == {"xena": 1, "ida": 2}


def test_wri_no_individual_holds_cards_for_two_organisations():
    """WRI Rules 1(b): "No individual may hold voting cards on behalf of more than one
    organisation"."""
    roll = replace(
        WRI_ROLL,
        card_holders=(*WRI_ROLL.card_holders, CardHolder("xena", "Y")),
    )
    result = compute_entitlements(WRI_CONFERENCE, roll, PollContext())
    assert holdings(result)["xena"] == 3
    assert "Xena holds cards of Section X; cannot also hold cards of Section Y" in result.lines()


def test_wri_individual_members_attend_but_do_not_vote_in_council():
    """WRI 3(b): "Individual Members who are not representatives may also attend and
    speak but shall not have a vote"; Council 4(e): "all members shall have one vote"."""
    council = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE)
    people = (Person("a", "Ana"), Person("b", "Bo"), Person("i", "Ida", MemberStatus.INDIVIDUAL))
    result = compute_entitlements(council, Roll(people), PollContext())
    assert holdings(result) == {"a": 1, "b": 1}
    assert "Ida has no vote: individual members do not vote in this body" in result.lines()


# --- WSM: delegates carrying attendance --------------------------------------------


def test_wsm_galway_delegates_carry_5_and_4_of_9_limerick_carries_5():
    """WSM 5.5(iv): "Delegates carry the number of votes of people who were at the last
    branch meeting prior to DC where motions were discussed"."""
    result = compute_entitlements(WSM_COUNCIL, WSM_ROLL, WSM_CONTEXT)
    assert holdings(result) == {"aoife": 5, "brian": 4, "ciara": 5}
    assert result.lines()[0] == (
        "Aoife holds 5 votes: delegate of Galway, 5 of the 9 present at its meeting of 2024-05-11"
    )
    assert "Sorcha has no vote: chairs do not vote in this body" in result.lines()


def test_wsm_galway_meeting_after_the_council_date_does_not_count():
    """Worked example 2: a Galway meeting held after the council date does not count."""
    meeting = last_meeting_before(WSM_ROLL.attendance, "galway", COUNCIL_DATE)
    assert meeting is not None and meeting.held_on == dt.date(2024, 5, 11)
    # A meeting on the council day itself is not "prior to DC" either.
    same_day = (*WSM_ROLL.attendance, Attendance("galway", COUNCIL_DATE, present=12))
    assert last_meeting_before(same_day, "galway", COUNCIL_DATE).present == 9


def test_wsm_branch_of_6_sends_one_delegate_a_second_is_not_counted():
    """WSM 5.2: a second, rotating delegate only "for branches with more than 10 members"."""
    roll = replace(
        WSM_ROLL,
        delegates=(
            *WSM_ROLL.delegates,
            replace(WSM_ROLL.delegates[0], person_id="sec2", unit_id="limerick", rank=2),
        ),
    )
    roll = replace(roll, people=(*roll.people, Person("sec2", "Seán")))
    result = compute_entitlements(WSM_COUNCIL, roll, WSM_CONTEXT)
    assert holdings(result)["ciara"] == 5
    assert "sec2" not in holdings(result)
    assert "Seán is not counted: Limerick (6 members) sends 1 delegate" in result.lines()


def test_wsm_branch_setting_all_votes_to_the_first_delegate():
    """Platform rules: "How a branch's votes divide between its two delegates is a branch
    setting"."""
    units = (replace(WSM_ROLL.units[0], split=DelegateSplit.ALL_TO_FIRST), WSM_ROLL.units[1])
    result = compute_entitlements(WSM_COUNCIL, replace(WSM_ROLL, units=units), WSM_CONTEXT)
    assert holdings(result) == {"aoife": 9, "ciara": 5}


def test_wsm_branch_without_a_meeting_before_council_carries_nothing():
    context = PollContext(cutoff=dt.date(2024, 5, 1))
    result = compute_entitlements(WSM_COUNCIL, WSM_ROLL, context)
    assert holdings(result) == {}
    assert (
        "Galway's delegates carry no votes: no meeting where motions were discussed is "
        "recorded before 2024-05-01" in result.lines()
    )


def test_split_votes_even_with_remainder_to_the_first():
    assert split_votes(9, 2, DelegateSplit.EVEN_FIRST_REMAINDER) == [5, 4]
    assert split_votes(11, 3, DelegateSplit.EVEN_FIRST_REMAINDER) == [5, 3, 3]
    assert split_votes(9, 2, DelegateSplit.ALL_TO_FIRST) == [9, 0]


# --- one member one vote: statuses and proxies -------------------------------------

AWL = BodyRule(
    Scheme.ONE_MEMBER_ONE_VOTE,
    in_writing_only_statuses=frozenset({MemberStatus.WITHDRAWN}),
    voting_statuses=frozenset({MemberStatus.FULL, MemberStatus.WITHDRAWN}),
    proxies_allowed=True,
)
WSM_CONFERENCE = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE, proxies_allowed=True, proxy_cap=2)
MEMBERS = (
    Person("ana", "Ana"),
    Person("bo", "Bo"),
    Person("cy", "Cy"),
    Person("dee", "Dee"),
    Person("eve", "Eve"),
    Person("fin", "Fin"),
)


def test_awl_candidates_do_not_vote():
    """AWL: "Candidates do not have the right to vote in the AWL"."""
    people = (*MEMBERS[:2], Person("cal", "Cal", MemberStatus.CANDIDATE))
    result = compute_entitlements(AWL, Roll(people), PollContext())
    assert holdings(result) == {"ana": 1, "bo": 1}
    assert "Cal has no vote: candidate members do not vote in this body" in result.lines()


def test_awl_withdrawn_member_votes_in_writing_or_by_proxy_only():
    """AWL: a withdrawn comrade keeps the vote "but must exercise them in writing or by proxy"."""
    people = (*MEMBERS[:2], Person("wyn", "Wyn", MemberStatus.WITHDRAWN))
    result = compute_entitlements(AWL, Roll(people), PollContext(present=frozenset({"ana"})))
    wyn = result.by_key["person:wyn"]
    assert wyn.in_writing_only
    assert wyn.describe() == "Wyn holds 1 vote: own vote, in writing or by proxy only"
    by_proxy = Roll(people, proxies=(Proxy("wyn", "ana"),))
    result = compute_entitlements(AWL, by_proxy, PollContext(present=frozenset({"ana", "wyn"})))
    assert result.by_key["person:wyn"].holder_id == "ana"  # no lapse: cannot vote on the floor


def test_wsm_lapsed_member_counts_as_resigned():
    """WSM: over 3 months in dues arrears counts as resigned: no vote."""
    people = (*MEMBERS[:2], Person("lee", "Lee", MemberStatus.LAPSED))
    result = compute_entitlements(WSM_CONFERENCE, Roll(people), PollContext())
    assert "lee" not in holdings(result)


def test_wsm_conference_proxy_on_a_specific_issue_directed():
    """WSM 4(e): "they may have a proxy vote cast on any specific issue they wish"."""
    proxies = (Proxy("ana", "bo", ProxyScope.MOTION, motion_id=7, instruction=Choice.NO),)
    present = frozenset({"bo", "cy"})
    on_7 = compute_entitlements(
        WSM_CONFERENCE, Roll(MEMBERS, proxies=proxies), PollContext(present=present, motion_id=7)
    )
    ana = on_7.by_key["person:ana"]
    assert (ana.holder_id, ana.source, ana.instruction, ana.present) == (
        "bo",
        Source.PROXY,
        Choice.NO,
        True,
    )
    assert ana.describe() == "Bo holds 1 vote: proxy for Ana (motion 7), directed to vote no"
    on_8 = compute_entitlements(
        WSM_CONFERENCE, Roll(MEMBERS, proxies=proxies), PollContext(present=present, motion_id=8)
    )
    assert on_8.by_key["person:ana"].holder_id == "ana"
    assert not on_8.by_key["person:ana"].present
    assert "proxy for Ana does not apply: it is for motion 7" in on_8.lines()
    # Those entitled include absent members; those present do not.
    assert (on_8.entitled, on_8.present) == (6, 2)


def test_proxy_lapses_when_the_principal_is_present():
    """Platform rules: "the proxy lapses the moment the principal checks in and votes
    themselves"."""
    roll = Roll(MEMBERS, proxies=(Proxy("ana", "bo"),))
    result = compute_entitlements(
        WSM_CONFERENCE, roll, PollContext(present=frozenset({"ana", "bo"}))
    )
    assert result.by_key["person:ana"].holder_id == "ana"
    assert "proxy for Ana lapsed: Ana is present and votes in person" in result.lines()


def test_proxies_never_chain():
    """Platform rules: "no chains (a holder cannot pass a proxy on)"."""
    roll = Roll(
        MEMBERS, proxies=(Proxy("ana", "cy", given_order=1), Proxy("cy", "dee", given_order=2))
    )
    result = compute_entitlements(WSM_CONFERENCE, roll, PollContext(present=frozenset({"dee"})))
    assert result.by_key["person:cy"].holder_id == "dee"
    assert result.by_key["person:ana"].holder_id == "ana"
    assert (
        "proxy for Ana refused: Ana's holder Cy has herself given a proxy (no chains)"
        in result.lines()
    )


def test_cap_of_two_proxies_per_holder():
    roll = Roll(
        MEMBERS,
        proxies=tuple(Proxy(p, "fin", given_order=i) for i, p in enumerate(["ana", "bo", "cy"])),
    )
    result = compute_entitlements(WSM_CONFERENCE, roll, PollContext(present=frozenset({"fin"})))
    held = [e.principal_id for e in result.entitlements if e.holder_id == "fin"]
    assert held == ["ana", "bo", "fin"]
    assert "proxy for Cy refused: cap of 2 proxies per holder reached by Fin" in result.lines()


def test_motion_proxy_beats_meeting_proxy_and_later_replaces_earlier():
    roll = Roll(
        MEMBERS,
        proxies=(
            Proxy("ana", "bo", ProxyScope.MOTION, motion_id=3, given_order=1),
            Proxy("ana", "cy", ProxyScope.MEETING, given_order=2),
            Proxy("dee", "bo", given_order=3),
            Proxy("dee", "eve", given_order=4),
        ),
    )
    result = compute_entitlements(
        WSM_CONFERENCE, roll, PollContext(motion_id=3, present=frozenset({"bo", "cy", "eve"}))
    )
    assert result.by_key["person:ana"].holder_id == "bo"
    assert result.by_key["person:dee"].holder_id == "eve"


def test_body_without_proxies_refuses_them():
    rule = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE)
    result = compute_entitlements(rule, Roll(MEMBERS, proxies=(Proxy("ana", "bo"),)), PollContext())
    assert "proxy for Ana refused: this body allows no proxies" in result.lines()


def test_chair_and_officers_cannot_hold_proxies():
    """WSM 5.4.1 "None of the National officers has a vote at the Delegate Council"."""
    rule = replace(WSM_CONFERENCE, non_voting_roles=frozenset({"chair"}))
    people = (*MEMBERS, Person("ch", "Chair", roles=frozenset({"chair"})))
    result = compute_entitlements(rule, Roll(people, proxies=(Proxy("ana", "ch"),)), PollContext())
    assert result.by_key["person:ana"].holder_id == "ana"
    assert "ch" not in holdings(result)


@st.composite
def proxy_rolls(draw: st.DrawFn):
    n = draw(st.integers(2, 12))
    people = tuple(Person(i, f"P{i}") for i in range(n))
    proxies = tuple(
        Proxy(
            draw(st.integers(0, n - 1)),
            draw(st.integers(0, n - 1)),
            draw(st.sampled_from(list(ProxyScope))),
            motion_id=draw(st.sampled_from([1, 2])),
            given_order=k,
        )
        for k in range(draw(st.integers(0, 2 * n)))
    )
    present = frozenset(draw(st.sets(st.integers(0, n - 1))))
    cap = draw(st.none() | st.integers(1, 3))
    return Roll(people, proxies=proxies), present, cap


@given(proxy_rolls())
def test_proxies_never_chain_never_exceed_the_cap_and_each_vote_is_held_once(case):
    roll, present, cap = case
    rule = replace(WSM_CONFERENCE, proxy_cap=cap)
    result = compute_entitlements(rule, roll, PollContext(present=present, motion_id=1))
    proxy_rows = [e for e in result.entitlements if e.source is Source.PROXY]
    holders = {e.holder_id for e in proxy_rows}
    principals = {e.principal_id for e in proxy_rows}
    assert not holders & principals  # no chains
    assert not principals & present  # lapsed when present
    if cap is not None:
        assert all(sum(e.holder_id == h for e in proxy_rows) <= cap for h in holders)
    keys = [e.voter_key for e in result.entitlements]
    assert len(keys) == len(set(keys)) == len(roll.people)  # every vote once
    assert result.entitled == len(roll.people)


@given(
    st.lists(
        st.tuples(st.sampled_from(list(UnitKind)[:2]), st.integers(1, 3000), st.integers(0, 3)),
        min_size=1,
        max_size=8,
    )
)
def test_every_card_of_a_unit_is_held_or_listed_as_unheld(units):
    roll_units = tuple(Unit(i, f"U{i}", kind, size) for i, (kind, size, _) in enumerate(units))
    people, holders = [], []
    for i, (_, _, reps) in enumerate(units):
        for r in range(reps):
            people.append(Person(f"{i}-{r}", f"R{i}-{r}"))
            holders.append(CardHolder(f"{i}-{r}", i, rank=r))
    result = compute_entitlements(
        WRI_CONFERENCE, Roll(people, roll_units, card_holders=holders), PollContext()
    )
    expected = sum(
        3 if k is UnitKind.SECTION and s > 1000 else 2 if k is UnitKind.SECTION else 1
        for k, s, _ in units
    )
    assert result.entitled == expected
    by_unit: dict = {}
    for e in result.entitlements:
        by_unit.setdefault(e.principal_id, []).append(e.weight)
    for shares in by_unit.values():
        assert all(share > 0 for share in shares)
        assert shares == sorted(shares, reverse=True)
