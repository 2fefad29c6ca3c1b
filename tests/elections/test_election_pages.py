"""The election pages without a browser: calling, nominating, consenting, the ranked
ballot's form (ranks per candidate), refusals shown beside the form with nothing lost,
the result with its rounds, and the meeting's own ballot page for a floor election."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.elections.conftest import ISN_PEOPLE, NIA, email_of
from tests.fixtures.people import person
from voting.ballots.services import polls
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.elections.models import Election, Position
from voting.elections.services import elections, nominations

VOTERS = [email_of(n) for n, _g in ISN_PEOPLE]


def _position(slug: str) -> Position:
    return db.session.scalars(
        select(Position).join(Position.organisation).where(Position.slug == slug)
    ).first()  # type: ignore[return-value]


def test_the_list_shows_positions_and_lets_the_chair_call_an_election(signed_in, nmm) -> None:
    chair = signed_in(NIA)
    page = chair.get("/org/isn/elections").get_data(as_text=True)
    assert "National Treasurer" in page and "Steering Committee members elected as a group" in page
    assert "Call an election" in page
    member_page = signed_in(VOTERS[0]).get("/org/isn/elections").get_data(as_text=True)
    assert "National Treasurer" in member_page and "Call an election" not in member_page
    assert signed_in("sam@wsm.example").get("/org/isn/elections").status_code == 404

    position = _position("national-treasurer")
    late = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    done = chair.post(
        f"/positions/{position.id}/elections",
        data={"nominations_close_at": late, "time_zone": "Europe/Dublin", "meeting": str(nmm.id)},
    )
    assert done.status_code == 303
    election = db.session.scalars(select(Election)).one()
    assert election.occasion_id == nmm.id and election.host == "meeting"
    refused = chair.post(
        f"/positions/{position.id}/elections",
        data={"nominations_close_at": "not a date", "time_zone": "UTC"},
        follow_redirects=True,
    )
    assert "Give the date and time as" in refused.get_data(as_text=True)


def test_nominate_consent_and_vote_by_ranks_on_the_page(signed_in, nmm, clock) -> None:
    election = elections.create_election(
        person(NIA),
        _position("steering-members"),
        nominations_close_at=utcnow() + timedelta(hours=1),
        seats=2,
    )
    url = f"/elections/{election.id}"
    nominator = signed_in(VOTERS[0])
    for name in ("Grainne", "Hugh", "Jude"):
        done = nominator.post(
            f"{url}/nominations", data={"candidate": str(person(email_of(name)).id)}
        )
        assert done.status_code == 303
    again = nominator.post(
        f"{url}/nominations",
        data={"candidate": str(person(email_of("Hugh")).id), "statement": "Keep this text"},
    )
    assert again.status_code == 409
    shown = again.get_data(as_text=True)
    assert "Hugh is already nominated" in shown and "Keep this text" in shown  # nothing lost

    page = signed_in(email_of("Hugh")).get(url).get_data(as_text=True)
    assert "I consent to stand" in page and "has not consented in writing" in page
    for name in ("Grainne", "Hugh", "Jude"):
        nomination = next(n for n in election.nominations if n.candidate.name == name)
        signed_in(email_of(name)).post(
            f"{url}/consent",
            data={
                "nomination": str(nomination.id),
                "statement": f"{name} stands",
                "category": "woman" if name != "Hugh" else "",
            },
        )
    page = nominator.get(url).get_data(as_text=True)
    assert page.count("data-stands") == 3

    clock.shift(timedelta(hours=2))
    chair = signed_in(NIA)
    assert chair.post(f"{url}/ballot").status_code == 303
    assert "Open the ballot" in chair.get(url).get_data(as_text=True)
    bad_days = chair.post(f"{url}/open", data={"days": "99", "confirm_privacy": "1"})
    assert bad_days.status_code == 422 and "1 to 60 days" in bad_days.get_data(as_text=True)
    assert chair.post(f"{url}/open", data={"days": "7", "confirm_privacy": "1"}).status_code == 303
    poll = election.poll
    assert poll.status.value == "open" and poll.closes_at is not None
    ballot_page = nominator.get(url).get_data(as_text=True)
    assert 'name="rank-1"' in ballot_page and "Not ranked" in ballot_page

    grainne, hugh, jude = (poll.choices.index(n) + 1 for n in ("Grainne", "Hugh", "Jude"))
    gap = nominator.post(f"{url}/vote", data={f"rank-{grainne}": "1", f"rank-{hugh}": "3"})
    assert gap.status_code == 422
    assert "No candidate is ranked 2" in gap.get_data(as_text=True)
    assert polls.used_keys(poll) == set()
    for voter in VOTERS:
        done = signed_in(voter).post(
            f"{url}/vote", data={f"rank-{jude}": "1", f"rank-{grainne}": "2"}
        )
        assert done.status_code == 303
    assert "Your ballot is recorded" in nominator.get(url, follow_redirects=True).get_data(
        as_text=True
    )
    assert chair.post(f"{url}/close").status_code == 303
    result = nominator.get(url).get_data(as_text=True)
    assert "Round by round" in result and "Jude" in result and "Grainne" in result
    assert "Download the anonymised ballots" in result
    blt = nominator.get(f"{url}/ballots.blt")
    assert blt.status_code == 200 and blt.get_data(as_text=True).startswith("3 2\n")


def test_a_floor_election_is_voted_on_the_meetings_ballot_page(
    signed_in, nmm, run_election
) -> None:
    election = run_election(nmm, "national-secretary", ["Cathal", "Aisling"])
    poll = election.poll
    voter = signed_in(VOTERS[0])
    page = voter.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert 'name="rank-1"' in page and 'name="rank-2"' in page
    aisling = poll.choices.index("Aisling") + 1
    done = voter.post(f"/polls/{poll.id}/vote", data={f"rank-{aisling}": "1"})
    assert done.status_code == 303
    assert polls.used_keys(poll)
    twice = signed_in(VOTERS[1]).post(f"/polls/{poll.id}/vote", data={"rank-1": "1", "rank-2": "1"})
    assert twice.status_code == 422 and "both ranked 1" in twice.get_data(as_text=True)
    assert nominations.candidates(election)


def test_a_floor_election_on_the_meeting_screens_open_and_counted(
    signed_in, nmm, run_election
) -> None:
    election = run_election(nmm, "national-secretary", ["Cathal", "Aisling"])
    poll = election.poll
    member = signed_in(VOTERS[0])
    screen = member.get(f"/meetings/{nmm.id}").get_data(as_text=True)
    assert 'name="rank-1"' in screen and "Cathal" in screen  # the ranked ballot on the phone
    chair = signed_in(NIA).get(f"/meetings/{nmm.id}/chair")
    assert chair.status_code == 200 and "Election: National Secretary" in chair.get_data(
        as_text=True
    )
    hall = signed_in(NIA).get(f"/meetings/{nmm.id}/projector/{nmm.display_token}")
    assert hall.status_code == 200 and "Election: National Secretary" in hall.get_data(as_text=True)
    aisling = poll.choices.index("Aisling") + 1
    for voter in VOTERS:
        signed_in(voter).post(f"/polls/{poll.id}/vote", data={f"rank-{aisling}": "1"})
    polls.close_poll(person(NIA), poll)
    for page in (f"/meetings/{nmm.id}", f"/meetings/{nmm.id}/chair", f"/polls/{poll.id}/result"):
        shown = signed_in(NIA).get(page)
        assert shown.status_code == 200, page
        assert "Aisling elected" in shown.get_data(as_text=True), page


def test_home_asks_the_candidate_to_consent_and_the_members_to_vote(signed_in, nmm, clock) -> None:
    election = elections.create_election(
        person(NIA),
        _position("steering-members"),
        nominations_close_at=utcnow() + timedelta(hours=1),
        seats=2,
    )
    for name in ("Grainne", "Hugh"):
        nominations.nominate(person(NIA), election, person(email_of(name)))
    home = signed_in(email_of("Hugh")).get("/").get_data(as_text=True)
    assert "You are nominated: Steering Committee members elected as a group" in home
    assert "Consent or decline" in home
    assert "You are nominated" not in signed_in(VOTERS[0]).get("/").get_data(as_text=True)
    for name in ("Grainne", "Hugh"):
        nomination = next(n for n in election.nominations if n.candidate.name == name)
        nominations.consent(person(email_of(name)), nomination)
    assert "You are nominated" not in signed_in(email_of("Hugh")).get("/").get_data(as_text=True)
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(NIA), election)
    polls.open_poll(person(NIA), poll, confirm_privacy=True)
    voter = signed_in(VOTERS[0])
    assert "Cast your ballot" in voter.get("/").get_data(as_text=True)
    polls.cast(person(VOTERS[0]), poll, choice="yes")  # two for two seats: ratified
    assert "Your ballot is recorded" in voter.get("/").get_data(as_text=True)


def test_the_candidate_is_mailed_in_their_language_and_asked_to_consent(live, nmm, mailbox) -> None:
    election = elections.create_election(
        person(NIA),
        _position("national-treasurer"),
        nominations_close_at=utcnow() + timedelta(hours=1),
    )
    hugh = person(email_of("Hugh"))
    hugh.locale = "fr"
    db.session.commit()
    nominations.nominate(person(email_of("Aisling")), election, hugh)
    nominations.nominate(person(NIA), election, person(NIA))  # oneself: no mail
    sent = [m for m in mailbox.messages if m["To"] == email_of("Hugh")]
    assert len(sent) == 1
    assert (
        "National Treasurer" in sent[0]["Subject"] and "candidat" in sent[0].get_content().lower()
    )
    assert f"/elections/{election.id}" in sent[0].get_content()
    assert not [m for m in mailbox.messages if m["To"] == NIA]


def test_a_wri_paper_returned_online_and_entered_by_tellers_with_ranks(
    live, wri, signed_in
) -> None:
    from tests.fixtures.floor import WRI_REPS, WRI_SECRETARY
    from voting.ballots.models import BallotPaper
    from voting.ballots.services import precast

    position = db.session.scalars(
        select(Position).where(
            Position.slug == "council-members",
            Position.organisation_id == wri.body.organisation_id,
        )
    ).one()
    election = elections.create_election(
        person(WRI_SECRETARY),
        position,
        nominations_close_at=utcnow() + timedelta(minutes=5),
        occasion_id=wri.id,
        seats=2,
    )
    for email in ("ines@wri.example", "xenia@wri.example", "chris@wri.example"):
        made = nominations.nominate(person(WRI_SECRETARY), election, person(email))
        for supporter in WRI_REPS.values():  # five members nominate (7(c))
            nominations.support(person(supporter), made)
        nominations.consent(person(email), made)
    election.nominations_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    poll = elections.prepare_ballot(person(WRI_SECRETARY), election)
    precast.open_window(person(WRI_SECRETARY), poll, utcnow() + timedelta(days=7))
    sheet = signed_in(WRI_SECRETARY).post(f"/polls/{poll.id}/papers").get_data(as_text=True)
    assert "Write 1 beside your first choice" in sheet and "(2 seats)" in sheet
    codes = re.findall(r"data-code>([^<]+)<", sheet)
    assert len(codes) == 7  # one paper per vote the units hold

    anyone = live.test_client()  # a paper is returned with its code, without signing in
    first = anyone.post(f"/polls/{poll.id}/paper", data={"code": codes[0]}).get_data(as_text=True)
    assert 'name="rank-1"' in first and 'name="step" value="ballot"' in first
    wrong = anyone.post(
        f"/polls/{poll.id}/paper",
        data={"code": codes[0], "step": "ballot", "rank-1": "1", "rank-2": "1"},
    )
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert "both ranked 1" in page and 'name="rank-1"' in page  # the paper is still open
    done = anyone.post(
        f"/polls/{poll.id}/paper",
        data={"code": codes[0], "step": "ballot", "rank-2": "1", "rank-1": "2"},
    )
    assert done.status_code == 200 and 'id="paper-returned"' in done.get_data(as_text=True)
    assert (
        db.session.scalar(select(BallotPaper.returned).where(BallotPaper.id.isnot(None)).limit(1))
        is not None
    )

    entry = signed_in(WRI_SECRETARY).get(f"/polls/{poll.id}/papers/entry").get_data(as_text=True)
    assert 'name="rank-1"' in entry
    entered = signed_in(WRI_SECRETARY).post(
        f"/polls/{poll.id}/papers/entry", data={"code": codes[1], "rank-3": "1"}
    )
    assert entered.status_code == 200, entered.get_data(as_text=True)[:300]
