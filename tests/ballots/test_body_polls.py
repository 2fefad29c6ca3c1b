"""A poll whose subject is not a meeting: ISN's national members' meeting decides a
question put to its members directly, through the services and through the API. The
ballots domain runs it alone: no meeting, no check-in, no motion."""

from __future__ import annotations

import pytest

from tests.fixtures.people import bearer, person, sign_in
from voting.ballots.models import PollStatus
from voting.ballots.services import polls
from voting.core.errors import NotAllowed
from voting.core.extensions import db
from voting.meetings.models import MeetingPoll
from voting.org.services.bodies import body_in
from voting.org.services.organisations import by_slug

NIA = "nia@isn.example"  # admin, secretary and chair of ISN
MEMBERS = ("aoife@isn.example", "brian@isn.example", "ciara@isn.example", "dev@isn.example")


@pytest.fixture
def nmm(demo):  # type: ignore[no-untyped-def]
    isn = by_slug("isn")
    assert isn is not None
    return body_in(isn, "nmm")


def test_a_question_put_to_the_body_is_opened_voted_and_counted_without_a_meeting(nmm) -> None:
    poll = polls.create_poll(person(NIA), nmm, question="Raise the dues to 5 euro a month?")
    assert poll.subject == "body" and poll.floor is None
    polls.open_poll(person(NIA), poll)
    assert len(poll.entitlements) == 5  # every full member, wherever they are
    for email, choice in zip(MEMBERS, ("yes", "yes", "yes", "no"), strict=True):
        polls.cast(person(email), poll, choice=choice)
    polls.close_poll(person(NIA), poll)
    assert poll.status is PollStatus.CLOSED
    assert poll.result["outcome"] == "carried"
    assert poll.result["totals"]["yes"] == 3 and poll.result["totals"]["no"] == 1
    assert db.session.query(MeetingPoll).count() == 0


def test_only_those_who_run_the_body_put_a_question_and_only_its_members_vote(nmm) -> None:
    with pytest.raises(NotAllowed):
        polls.create_poll(person(MEMBERS[0]), nmm, question="Who decides?")
    poll = polls.create_poll(person(NIA), nmm, question="Meet in Cork next?")
    polls.open_poll(person(NIA), poll)
    with pytest.raises(NotAllowed, match="not a member"):
        polls.cast(person("xavier@wri.example"), poll, choice="yes")


def test_the_api_runs_a_body_poll_with_the_same_services(client, nmm) -> None:
    nia = bearer(NIA)
    made = client.post(
        "/api/v1/organisations/isn/bodies/nmm/polls",
        headers=nia,
        json={"question": "Join the federation?", "mode": "secret"},
    )
    assert made.status_code == 201, made.get_json()
    poll = made.get_json()
    assert poll["subject"] == "body" and poll["body"] == nmm.id and "meeting" not in poll
    refused = client.post(
        "/api/v1/organisations/isn/bodies/nmm/polls",
        headers=bearer(MEMBERS[0]),
        json={"question": "Me too?"},
    )
    assert refused.status_code == 403
    opened = client.post(f"/api/v1/polls/{poll['id']}/open", headers=nia, json={})
    assert opened.status_code == 200 and opened.get_json()["status"] == "open", opened.get_json()
    for email, choice in zip(MEMBERS, ("yes", "no", "yes", "yes"), strict=True):
        cast = client.post(
            f"/api/v1/polls/{poll['id']}/votes", headers=bearer(email), json={"choice": choice}
        )
        assert cast.status_code == 201 and cast.get_json()["tracker"], cast.get_json()
    outsider = client.post(
        f"/api/v1/polls/{poll['id']}/votes",
        headers=bearer("xavier@wri.example"),
        json={"choice": "no"},
    )
    assert outsider.status_code == 403
    closed = client.post(f"/api/v1/polls/{poll['id']}/close", headers=nia, json={}).get_json()
    assert closed["result"]["outcome"] == "carried" and closed["result"]["totals"]["yes"] == 3
    published = client.get(f"/api/v1/polls/{poll['id']}/trackers", headers=nia).get_json()
    assert sorted(published["choices"]) == ["no", "yes", "yes", "yes"]


def test_the_meeting_pages_do_not_show_a_poll_put_to_the_body(client, nmm) -> None:
    poll = polls.create_poll(person(NIA), nmm, question="Meet in Cork next?")
    sign_in(client, NIA)
    for page in ("", "/chair", "/result"):
        assert client.get(f"/polls/{poll.id}{page}").status_code == 404


def test_oversized_questions_choices_and_reasons_are_refused_and_nothing_is_stored(
    nmm, client
) -> None:
    from voting.ballots.models import Poll
    from voting.core.errors import Invalid

    before = db.session.query(Poll).count()
    with pytest.raises(Invalid, match="at most 1000 characters") as question:
        polls.create_poll(person(NIA), nmm, question="Q" * 1001)
    assert question.value.field == "question"
    with pytest.raises(Invalid, match="at most 200 characters") as choice:
        polls.create_poll(person(NIA), nmm, question="Which?", choices=["A", "B" * 201])
    assert choice.value.field == "choices"  # refused, not cut short
    answer = client.post(
        "/api/v1/organisations/isn/bodies/nmm/polls",
        json={"question": "x" * 7_000_000},
        headers=bearer(NIA),
    )
    assert answer.status_code in (413, 422)
    assert db.session.query(Poll).count() == before
    poll = polls.create_poll(person(NIA), nmm, question="Raise the dues?")
    polls.open_poll(person(NIA), poll)
    with pytest.raises(Invalid, match="at most 1000 characters"):
        polls.annul_poll(person(NIA), poll, "r" * 1001)
    assert poll.status is PollStatus.OPEN
