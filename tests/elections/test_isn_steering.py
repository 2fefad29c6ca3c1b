"""The IS Network's steering committee: three officers elected one by one at a National
Members' Meeting, then five "as a group", with at least four women among the eight
nationally elected, counting the officers elected earlier in the same meeting."""

from __future__ import annotations

from tests.elections.conftest import ISN_PEOPLE, NIA, email_of, rank
from tests.fixtures.people import person
from voting.ballots.services import polls
from voting.elections.models import ElectionStatus
from voting.elections.services import elections
from voting.membership.models import RoleKind

VOTERS = [email_of(n) for n, _g in ISN_PEOPLE]


def test_three_officers_then_five_as_a_group_with_four_women_among_the_eight(nmm, run_election):
    # Officers: men win all three (a majority of first preferences each time).
    officers = [
        ("national-secretary", ["Cathal", "Aisling"], "Cathal"),
        ("national-treasurer", ["Declan", "Bernadette"], "Declan"),
        ("national-organiser", ["Eimear", "Fionn"], "Fionn"),
    ]
    for slug, standing, winner in officers:
        election = run_election(nmm, slug, standing)
        poll = election.poll
        assert poll.is_election and poll.is_secret
        other = next(n for n in standing if n != winner)
        for i, voter in enumerate(VOTERS):
            rank(poll, voter, *([winner, other] if i < 8 else [other, winner]))
        polls.close_poll(person(NIA), poll)
        assert election.status is ElectionStatus.DECIDED
        assert [e["name"] for e in election.result["elected"]] == [winner]

    # The group: 5 seats; 3 men are the most popular, but the eight need 4 women and
    # only... none of the officers is a woman: all four women must come from the group.
    standing = ["Hugh", "Iarla", "Kevin", "Liam", "Grainne", "Jude", "Aisling", "Bernadette"]
    group = run_election(nmm, "steering-members", standing)
    poll = group.poll
    assert poll.seats == 5
    men_first = ["Hugh", "Iarla", "Kevin", "Liam", "Grainne", "Jude", "Aisling", "Bernadette"]
    for voter in VOTERS:
        rank(poll, voter, *men_first)
    polls.close_poll(person(NIA), poll)
    elected = [e["name"] for e in group.result["elected"]]
    women = {n for n, g in ISN_PEOPLE if g == "woman"}
    assert len(elected) == 5
    assert len([n for n in elected if n in women]) == 4  # 0 officers + 4 of the group
    assert "Hugh" in elected  # the most preferred man keeps the one seat left to men
    assert group.result["rounds"], "the round-by-round table is kept"

    # The elected hold office for the term, with the role on the steering committee.
    grainne = person(email_of("Grainne"))
    role = next(r for r in grainne.roles if r.kind is RoleKind.DELEGATE)
    assert role.body.slug == "steering"
    assert role.ends_on is not None
    assert any(o.person_id == grainne.id for o in elections.holders(group.position))
    assert "elected" in poll.result["sentence"]
