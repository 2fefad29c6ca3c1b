"""AWL: factions registered with the members who signed their platforms, and their
proportional share of the National Committee through the single transferable vote."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.floor import AWL_CHAIR, check_in
from tests.fixtures.people import bearer, person
from voting.ballots.services import polls
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.elections.models import Position
from voting.elections.services import elections, factions, nominations
from voting.membership.services.members import add_member
from voting.org.models import Unit, UnitKind
from voting.org.services.organisations import by_slug

PLATFORM = "Workers' Platform"
CLIMATE = "Climate Tendency"


@pytest.fixture
def awl_factions(awl, clock):  # type: ignore[no-untyped-def]
    org = by_slug("awl")
    units = {
        name: Unit(organisation=org, kind=UnitKind.FACTION, name=name)
        for name in (PLATFORM, CLIMATE)
    }
    db.session.add_all(units.values())
    db.session.commit()
    emails = {PLATFORM: [], CLIMATE: []}
    for i in range(20):
        faction = PLATFORM if i < 12 else CLIMATE
        email = f"m{i}@awl.example"
        add_member(
            person(AWL_CHAIR), org, {"name": f"Member {i:02d}", "email": email, "status": "full"}
        )
        db.session.commit()
        factions.join(person(email), units[faction])
        emails[faction].append(email)
    check_in(awl, *emails[PLATFORM], *emails[CLIMATE])
    return units, emails


def test_factions_win_seats_in_proportion_to_their_support(awl, awl_factions, clock) -> None:
    _units, emails = awl_factions
    position = db.session.scalars(
        db.select(Position).where(
            Position.slug == "national-committee",
            Position.organisation_id == awl.body.organisation_id,
        )
    ).one()
    election = elections.create_election(
        person(AWL_CHAIR),
        position,
        nominations_close_at=utcnow() + timedelta(hours=1),
        occasion_id=awl.id,
        seats=5,
    )
    slates = {PLATFORM: emails[PLATFORM][:4], CLIMATE: emails[CLIMATE][:3]}
    for slate in slates.values():
        for email in slate:
            made = nominations.nominate(person(AWL_CHAIR), election, person(email))
            nominations.consent(person(email), made)
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(AWL_CHAIR), election)
    assert all("(" in name for name in poll.choices)  # each candidate's faction on the ballot
    assert any(PLATFORM in name for name in poll.choices)
    polls.open_poll(person(AWL_CHAIR), poll, confirm_privacy=True)

    def numbers(faction: str, offset: int) -> str:
        names = [person(e).name for e in slates[faction]]
        ordered = names[offset:] + names[:offset]  # members spread their first preferences
        return ">".join(
            str(next(i for i, c in enumerate(poll.choices, 1) if c.startswith(n))) for n in ordered
        )

    for i, voter in enumerate(emails[PLATFORM]):
        polls.cast(person(voter), poll, choice=numbers(PLATFORM, i % 4))
    for i, voter in enumerate(emails[CLIMATE]):
        polls.cast(person(voter), poll, choice=numbers(CLIMATE, i % 3))
    polls.close_poll(person(AWL_CHAIR), poll)
    # 12 and 8 of 20 votes, 5 seats, quota 3 1/3: three seats and two.
    assert election.result["by_faction"] == {CLIMATE: 2, PLATFORM: 3}


def test_joining_a_faction_refuses_the_wrong_person_and_twice(awl, awl_factions, live) -> None:
    units, emails = awl_factions
    london = next(u for u in by_slug("awl").units if u.name == "London")
    with pytest.raises(Invalid, match="not a faction"):
        factions.join(person(emails[PLATFORM][0]), london)
    with pytest.raises(Conflict, match="already a member"):
        factions.join(person(emails[PLATFORM][0]), units[PLATFORM])
    with pytest.raises(NotAllowed, match="Only the secretary"):
        factions.join(person(emails[PLATFORM][0]), units[CLIMATE], person(emails[PLATFORM][1]))
    with pytest.raises(NotAllowed):
        factions.join(person("sam@wsm.example"), units[CLIMATE])
    factions.leave(person(emails[PLATFORM][0]), units[PLATFORM])
    with pytest.raises(Conflict, match="not a member"):
        factions.leave(person(emails[PLATFORM][0]), units[PLATFORM])
    listed = live.test_client().get(
        "/api/v1/organisations/awl/factions", headers=bearer(emails[CLIMATE][0])
    )
    assert {f["name"]: len(f["members"]) for f in listed.get_json()} == {CLIMATE: 8, PLATFORM: 11}
    outsider = live.test_client().get(
        "/api/v1/organisations/awl/factions", headers=bearer("sam@wsm.example")
    )
    assert outsider.status_code == 404
