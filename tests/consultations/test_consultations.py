"""Electronic consultations between meetings, with a controllable clock: the roll read at
the opening, consensus answers, closing by itself once, the fallback vote under "two
thirds of all members", units answering through their secretaries, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.consultations.conftest import ANA, START
from tests.fixtures.floor import body
from tests.fixtures.people import bearer, person
from voting.ballots.services import polls
from voting.consultations.models import Consultation, ConsultationStatus, Outcome
from voting.consultations.services import consultations as service
from voting.core.audit import AuditEvent
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.membership.services.members import add_member, assign_role
from voting.org.services.organisations import by_slug


def consult(body_slug: str = "executive", **data: object) -> Consultation:
    return service.create_consultation(
        person(ANA),
        body("wri", body_slug),
        {
            "title": "Join the campaign against conscription",
            "proposal": "WRI joins the campaign.\n\nSections are asked to sign.",
            "closes_at": (START + timedelta(days=7)).isoformat(),
            "vote_mode": "open",
            **data,
        },
    )


def test_an_executive_decision_is_lost_under_two_thirds_of_all_members(executive, clock) -> None:
    """5 yes of 9 members is under 2/3 of all members, although 5 of 6 votes were yes."""
    consultation = consult()
    assert consultation.status is ConsultationStatus.OPEN
    assert len(consultation.roll) == 9
    for email in executive[:5]:
        service.answer(person(email), consultation, "agree")
    service.answer(person(executive[5]), consultation, "block", "Not before the council meets")
    clock.move_to(START + timedelta(days=7, seconds=1))
    for _close, due in service.due(datetime.now(UTC)):
        service.close_if_due(due)
    assert consultation.outcome is Outcome.NO_CONSENSUS
    poll = consultation.poll
    assert poll is not None and poll.status.value == "open"
    assert poll.closes_at == START + timedelta(days=14, seconds=1)
    for email in executive[:5]:
        polls.cast(person(email), poll, choice="yes")
    polls.cast(person(executive[5]), poll, choice="no")
    clock.move_to(START + timedelta(days=15))
    polls.close_if_due(poll)
    assert poll.result["outcome"] == "lost"
    assert poll.result["totals"]["yes"] == 5
    assert "2/3" in " ".join(polls.result_sentences(poll))


def test_it_closes_once_whoever_sees_the_deadline(executive, clock) -> None:
    consultation = consult()
    service.answer(person(executive[0]), consultation, "agree")
    clock.move_to(START + timedelta(days=8))
    service.close_if_due(consultation)
    service.close_if_due(consultation)  # a second worker finds it closed
    service.close(person(ANA), consultation)
    closed = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "consultation.closed")
    )
    assert closed == 1
    assert service.due(datetime.now(UTC)) == []


def test_the_roll_is_read_at_the_opening_and_a_lapsed_member_can_no_longer_answer(
    executive, clock
) -> None:
    consultation = consult()
    late = "late@wri.example"
    wri = by_slug("wri")
    add_member(person(ANA), wri, {"name": "Late Officer", "email": late, "status": "full"})
    assign_role(person(ANA), wri, {"email": late, "kind": "officer", "body": "executive"})
    db.session.commit()
    with pytest.raises(NotAllowed, match="not on the roll"):
        service.answer(person(late), consultation, "agree")
    service.answer(person(executive[1]), consultation, "agree")
    membership = next(m for m in person(executive[1]).memberships if m.organisation_id == wri.id)
    membership.status = membership.status.__class__("lapsed")
    db.session.commit()
    with pytest.raises(NotAllowed, match="answer you gave before still stands"):
        service.answer(person(executive[1]), consultation, "block", "changed my mind")
    assert service.counts_of(service.outcome_of(consultation))[service.Response.AGREE] == 1
    assert len(consultation.roll) == 9  # silence, and the lapsed, still count on the roll


def test_answers_hidden_until_the_close_cannot_be_seen_early_by_anyone(
    app: Flask, executive, clock
) -> None:
    consultation = consult(results_hidden=True)
    service.answer(person(executive[0]), consultation, "block", "No")
    db.session.commit()
    client = app.test_client()
    for email in (ANA, executive[1]):
        seen = client.get(f"/api/v1/consultations/{consultation.id}", headers=bearer(email)).json
        assert seen["answered"] == 1 and seen["counts"] is None and seen["answers"] is None
    clock.move_to(START + timedelta(days=8))
    seen = client.get(f"/api/v1/consultations/{consultation.id}", headers=bearer(ANA)).json
    assert seen["counts"]["block"] == 1 and seen["answers"][0]["reason"] == "No"


def test_the_conference_chair_chosen_by_consensus_of_the_sections(
    app: Flask, demo: None, clock
) -> None:
    """At the conference each unit answers once, through its delegate or secretary."""
    wri = by_slug("wri")
    speakers = {
        "Section X": "xavier@wri.example",
        "Section Y": "yusuf@wri.example",
        "Associate P": "pia@wri.example",
        "Associate Q": "quinn@wri.example",
    }
    units = {u.name: u.id for u in wri.units}
    for unit, email in speakers.items():
        assign_role(person(ANA), wri, {"email": email, "kind": "delegate", "unit_id": units[unit]})
    db.session.commit()
    consultation = consult(
        "conference",
        title="Who should chair the conference?",
        proposal="Maria chairs the conference.",
        reasons="required",
    )
    assert {p.name for p in consultation.roll} == set(speakers)
    with pytest.raises(NotAllowed, match="secretary or a delegate"):
        service.answer(person("ines@wri.example"), consultation, "agree")
    with pytest.raises(Invalid, match="reason"):
        service.answer(person("yusuf@wri.example"), consultation, "reservations")
    for unit, email in speakers.items():
        response = "stand_aside" if unit == "Associate Q" else "agree"
        service.answer(person(email), consultation, response, "Busy that week")
    service.answer(person("xavier@wri.example"), consultation, "agree")  # again: replaces
    assert len(consultation.answers) == 4
    clock.move_to(START + timedelta(days=8))
    service.close_if_due(consultation)
    assert consultation.outcome is Outcome.CONSENSUS
    assert consultation.poll is None  # units: no fallback vote, the outcome is recorded
    reopened_until = (START + timedelta(days=10)).isoformat()
    service.reopen(person(ANA), consultation, reopened_until, "Associate Q asked for time")
    assert consultation.is_open and consultation.changes[0].kind == "reopened"
    assert len(consultation.answers) == 4  # the answers given stay
    service.close(person(ANA), consultation)
    assert consultation.outcome is Outcome.CONSENSUS
    service.state_outcome(person(ANA), consultation, "Maria chairs the conference.", "2027-06-01")
    assert consultation.statement and consultation.review_on.isoformat() == "2027-06-01"


def test_times_without_a_zone_in_the_past_or_backwards_are_refused(executive, clock) -> None:
    with pytest.raises(Invalid, match="time zone"):
        consult(closes_at="2027-01-10T18:00")
    with pytest.raises(Invalid, match="passed"):
        consult(closes_at="2026-12-01T18:00+00:00")
    with pytest.raises(Invalid, match="after it opens"):
        consult(opens_at="2027-01-09T18:00+00:00", closes_at="2027-01-08T18:00+00:00")
    with pytest.raises(Invalid, match="not a time zone"):
        consult(closes_at="2027-01-10T18:00", time_zone="Mars/Olympus")
    local = consult(closes_at="2027-01-10T18:00", time_zone="Europe/Dublin")
    assert local.closes_at == datetime(2027, 1, 10, 18, 0, tzinfo=UTC)  # Dublin in winter
    berlin = consult(closes_at="2027-01-10T18:00", time_zone="Europe/Berlin")
    assert berlin.closes_at == datetime(2027, 1, 10, 17, 0, tzinfo=UTC)


def test_an_answer_as_it_closes_is_refused_and_changes_are_recorded(executive, clock) -> None:
    consultation = consult()
    clock.move_to(consultation.closes_at)
    with pytest.raises(Conflict, match="closed at"):
        service.answer(person(executive[0]), consultation, "agree")
    assert consultation.status is ConsultationStatus.CLOSED  # the late answer closed it
    assert consultation.poll is not None  # no consensus: the vote began
    with pytest.raises(Conflict, match="vote has begun"):
        service.reopen(person(ANA), consultation, (START + timedelta(days=10)).isoformat(), "x")


def test_more_time_is_given_with_a_reason_and_only_ever_later(executive, clock) -> None:
    consultation = consult()
    later = (START + timedelta(days=9)).isoformat()
    with pytest.raises(Invalid, match="reason"):
        service.extend(person(ANA), consultation, later, "")
    with pytest.raises(Invalid, match="later closing time"):
        service.extend(person(ANA), consultation, (START + timedelta(days=6)).isoformat(), "x")
    with pytest.raises(NotAllowed):
        service.extend(person(executive[1]), consultation, later, "I want more time")
    service.extend(person(ANA), consultation, later, "Holidays")
    assert consultation.closes_at == START + timedelta(days=9)
    assert [(c.kind, c.reason) for c in consultation.changes] == [("extended", "Holidays")]


def test_people_without_the_right_are_refused_and_other_organisations_find_nothing(
    app: Flask, executive, clock
) -> None:
    with pytest.raises(NotAllowed):
        service.create_consultation(
            person(executive[1]),
            body("wri", "executive"),
            {"title": "x", "proposal": "y", "closes_at": "2027-02-01T00:00+00:00"},
        )
    consultation = consult()
    db.session.commit()
    with pytest.raises(NotAllowed):
        service.close(person(executive[1]), consultation)
    with pytest.raises(NotFound):
        service.require_reader(person("sam@wsm.example"), consultation)
    client = app.test_client()
    outsider = bearer("sam@wsm.example")
    assert (
        client.get(f"/api/v1/consultations/{consultation.id}", headers=outsider).status_code == 404
    )
    answer = client.post(
        f"/api/v1/consultations/{consultation.id}/answer",
        headers=outsider,
        json={"response": "block"},
    )
    assert answer.status_code == 404
    with pytest.raises(Conflict, match="does not decide by electronic consultation"):
        service.create_consultation(
            person("sam@wsm.example"),
            body("wsm", "conference"),
            {"title": "x", "proposal": "y", "closes_at": "2027-02-01T00:00+00:00"},
        )


def test_an_anonymous_consultation_shows_counts_and_reasons_never_names(
    app: Flask, executive, clock
) -> None:
    consultation = consult(anonymous=True)
    service.answer(person(executive[1]), consultation, "block", "Not now")
    service.answer(person(executive[2]), consultation, "agree")
    db.session.commit()
    seen = (
        app.test_client().get(f"/api/v1/consultations/{consultation.id}", headers=bearer(ANA)).json
    )
    assert seen["counts"]["block"] == 1 and seen["counts"]["agree"] == 1
    assert seen["answers"] == [{"participant": None, "response": "block", "reason": "Not now"}]
    assert "Officer 1" not in str(seen)


def test_two_workers_closing_at_the_same_moment_close_once_and_open_one_vote(
    app: Flask, executive, clock
) -> None:
    import threading

    consultation = consult()
    service.answer(person(executive[0]), consultation, "block", "No")
    consultation_id = consultation.id
    db.session.commit()
    clock.move_to(START + timedelta(days=8))
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context():
            try:
                found = service.get_consultation(consultation_id)
                ready.wait(5)
                service.close_if_due(found)
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    db.session.expire_all()
    closed = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "consultation.closed")
    )
    from voting.ballots.models import Poll

    assert closed == 1
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 1
