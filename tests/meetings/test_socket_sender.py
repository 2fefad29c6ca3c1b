"""Who sends an action over the socket: the sign-in is checked at every event, without
loading the person (the writer loads them), and the replies are in their language."""

from __future__ import annotations

from sqlalchemy import update

from tests.fixtures.people import person
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.meetings.models import SpeakerRequest
from voting.meetings.services import agenda, consensus
from voting.membership.models import SignIn

CHAIR = "chris@wri.example"
MEMBER = "xavier@wri.example"


def _checked_in(conference, signed_in, email: str):  # type: ignore[no-untyped-def]
    page = signed_in(email)
    page.post(f"/meetings/{conference.id}/check-in", data={"code": conference.join_code})
    return page


def _open_test(conference):  # type: ignore[no-untyped-def]
    chair = person(CHAIR)
    item = next(i for i in conference.items if i.motions)
    agenda.open_item(chair, item)
    return item, consensus.open_test(chair, item.motions[0])


def test_a_connection_left_open_after_its_sign_in_ended_can_no_longer_act(
    conference, signed_in, socket_for
) -> None:
    """The sign-in ended where its connections could not be closed (another worker):
    the next action is refused as nobody's, and nothing is recorded in their name."""
    page = _checked_in(conference, signed_in, MEMBER)
    item, test = _open_test(conference)
    phone = socket_for(page)
    assert phone.emit("join", {"meeting": conference.id, "view": "member"}, callback=True)["ok"]
    raised = phone.emit("raise_hand", {"item": item.id}, callback=True)
    assert raised["ok"]  # the sign-in works

    member = person(MEMBER)
    db.session.execute(
        update(SignIn).where(SignIn.person_id == member.id).values(ended_at=utcnow())
    )
    db.session.commit()

    answered = phone.emit("answer", {"test": test.id, "response": "block"}, callback=True)
    assert "error" in answered
    again = phone.emit("raise_hand", {"item": item.id, "kind": "point_of_order"}, callback=True)
    assert again["error"]["message"] == "You are not a member who can attend this meeting."
    db.session.expire_all()
    assert consensus.result(test).blocks == ()
    hands = db.session.query(SpeakerRequest).filter_by(item_id=item.id).all()
    assert [h.id for h in hands] == [raised["request"]]


def test_a_refusal_is_in_the_senders_own_language(conference, signed_in, socket_for) -> None:
    member = person(MEMBER)
    member.locale = "fr"
    db.session.commit()
    _item, test = _open_test(conference)
    phone = socket_for(signed_in(MEMBER))  # not checked in
    refused = phone.emit("answer", {"test": test.id, "response": "agree"}, callback=True)
    assert refused["error"]["message"] == "Enregistrez d’abord votre présence à la réunion."
    member.locale = "de"
    db.session.commit()
    refused = phone.emit("answer", {"test": test.id, "response": "agree"}, callback=True)
    assert refused["error"]["message"] != "Enregistrez d’abord votre présence à la réunion."
    assert refused["error"]["message"] != "Check in to the meeting first."


def test_an_answer_over_the_socket_is_recorded_as_the_signed_in_person(
    conference, signed_in, socket_for
) -> None:
    page = _checked_in(conference, signed_in, MEMBER)
    _item, test = _open_test(conference)
    phone = socket_for(page)
    assert phone.emit("answer", {"test": test.id, "response": "stand_aside"}, callback=True)["ok"]
    db.session.expire_all()
    assert consensus.result(test).stand_asides == (person(MEMBER).name,)
