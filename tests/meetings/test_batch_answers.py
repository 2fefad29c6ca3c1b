"""Answers that arrive together: the writer checks them all with what it reads once for the
batch (the test, the people answering, their check-ins and stored answers) and writes them
in one upsert. Each answer gets what `consensus.answer` would have told it alone: the same
refusals in the same words; a person answering twice in the same batch keeps one row, with
the last answer.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.ballots.test_batch_votes import members
from tests.fixtures.floor import AWL_CHAIR, new_meeting
from tests.fixtures.people import person
from voting.core import batch
from voting.core.errors import ServiceError
from voting.core.extensions import db
from voting.meetings.models import CheckIn, CheckInVia, ConsensusAnswer, ConsensusTest, Meeting
from voting.meetings.services import agenda, consensus
from voting.membership.models import Membership, Person

Attempt = tuple[int, int, str, str]  # (person id, test id, response, reason)


def open_test(meeting: Meeting) -> int:
    chair = person(AWL_CHAIR)
    item = next(i for i in meeting.items if i.motions)
    agenda.open_item(chair, item)
    return consensus.open_test(chair, item.motions[0]).id


@pytest.fixture
def awl(live: Flask) -> Meeting:
    return new_meeting("awl", "conference", AWL_CHAIR, "Resolution on the climate")


@pytest.fixture
def together(live: Flask, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Send answers at once through the writer; return each outcome (an answer's id and
    response, or the error), after checking they shared one transaction and how many took
    the one-by-one path."""
    live.config.update(BATCH_WINDOW_MS=300, LIVE_COALESCE_SECONDS=0.05)
    one_by_one: list[Any] = []
    ordinary = batch._one

    def spied(waiting: batch.Waiting) -> None:
        one_by_one.append(waiting)
        ordinary(waiting)

    monkeypatch.setattr(batch, "_one", spied)

    def send(attempts: list[Attempt], *, one_by_one_expected: int = 0) -> list[Any]:
        outcomes: list[Any] = [None] * len(attempts)
        start = threading.Barrier(len(attempts))
        before = batch.writer(live).batches

        def one(index: int, person_id: int, test_id: int, response: str, reason: str) -> None:
            with live.app_context():
                actor = db.session.get(Person, person_id)
                test = consensus.get_test(test_id)
                start.wait()
                try:
                    outcomes[index] = batch.call(
                        consensus.answer,
                        actor,
                        test,
                        response,
                        reason,
                        result=lambda a: (a.id, a.response.value, a.reason),
                    )
                except Exception as error:  # each outcome is checked by the test
                    outcomes[index] = error

        threads = [
            threading.Thread(target=one, args=(n, *attempt)) for n, attempt in enumerate(attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert batch.writer(live).batches == before + 1, "the answers did not share one commit"
        assert len(one_by_one) == one_by_one_expected, "an answer left the batch form"
        db.session.rollback()  # read what was committed
        return outcomes

    return send


def alone_says(person_id: int, test_id: int, response: str, reason: str = "") -> str:
    """What `consensus.answer` answers this person on their own."""
    with pytest.raises(ServiceError) as refused:
        consensus.answer(
            db.session.get(Person, person_id), consensus.get_test(test_id), response, reason
        )
    db.session.rollback()
    return refused.value.message


def stored(test_id: int) -> dict[int, tuple[str, str]]:
    return {
        a.person_id: (a.response.value, a.reason)
        for a in db.session.scalars(
            select(ConsensusAnswer).where(ConsensusAnswer.test_id == test_id)
        )
    }


def test_a_batch_stores_the_good_answers_and_refuses_the_rest_as_answer_would(
    awl: Meeting, together
) -> None:
    ids = members(awl, 4)
    test_id = open_test(awl)
    other = new_meeting("awl", "conference", AWL_CHAIR, "Resolution on the budget")
    closed_id = open_test(other)
    consensus.close_test(person(AWL_CHAIR), db.session.get(ConsensusTest, closed_id))
    db.session.add(CheckIn(meeting=other, person_id=ids[3], via=CheckInVia.LINK))
    absent = Person(email="absent@awl.example", name="Absent")
    db.session.add(absent)
    db.session.flush()
    db.session.add(Membership(person=absent, organisation=awl.body.organisation))
    db.session.commit()
    version = awl.version
    attempts: list[Attempt] = [
        (ids[0], test_id, "agree", ""),
        (ids[1], test_id, "reservations", "  the timescale is short  "),
        (ids[2], test_id, "maybe", ""),  # not one of the answers
        (ids[3], closed_id, "agree", ""),  # the other meeting's test, closed
        (absent.id, test_id, "agree", ""),  # a member, not checked in
    ]

    outcomes = together(attempts)

    assert [o[1:] for o in outcomes[:2]] == [
        ("agree", ""),
        ("reservations", "the timescale is short"),
    ]
    for attempt, outcome in zip(attempts[2:], outcomes[2:], strict=True):
        assert isinstance(outcome, ServiceError), outcome
        assert outcome.message == alone_says(*attempt)
    assert outcomes[2].field == "response"
    assert outcomes[3].message == "This test for agreement is closed."
    assert outcomes[4].message == "Check in to the meeting first."
    assert stored(test_id) == {
        ids[0]: ("agree", ""),
        ids[1]: ("reservations", "the timescale is short"),
    }
    assert stored(closed_id) == {}
    assert db.session.get(Meeting, awl.id).version == version + 1  # bumped once


def test_an_answer_resent_and_an_answer_changed_in_one_batch_keep_one_row(
    awl: Meeting, together, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer shuffles each batch; here it puts the answers without a reason first,
    # so the changed mind is the last answer the writer runs.
    monkeypatch.setattr(
        batch._shuffler, "shuffle", lambda waiting: waiting.sort(key=lambda w: w.call.args[3])
    )
    ids = members(awl, 3)
    test_id = open_test(awl)
    consensus.answer(db.session.get(Person, ids[2]), consensus.get_test(test_id), "agree")
    db.session.commit()
    attempts: list[Attempt] = [
        (ids[0], test_id, "agree", ""),
        (ids[0], test_id, "agree", ""),  # the same answer sent again
        (ids[1], test_id, "agree", ""),
        (ids[1], test_id, "block", "we cannot support it"),  # a changed mind
        (ids[2], test_id, "stand_aside", "not my branch"),  # changes the stored answer
    ]

    outcomes = together(attempts)

    assert outcomes[0] == outcomes[1]  # one row, the same answer
    assert outcomes[2][0] == outcomes[3][0]  # one row
    assert stored(test_id)[ids[1]] == ("block", "we cannot support it")  # the last stands
    assert stored(test_id)[ids[0]] == ("agree", "")
    assert stored(test_id)[ids[2]] == ("stand_aside", "not my branch")
    count = db.session.scalars(
        select(ConsensusAnswer.id).where(ConsensusAnswer.test_id == test_id)
    ).all()
    assert len(count) == 3


def test_answers_in_a_batch_go_through_the_batch_form_and_without_it_one_by_one(
    awl: Meeting, together, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = members(awl, 4)
    test_id = open_test(awl)
    together([(ids[0], test_id, "agree", ""), (ids[1], test_id, "agree", "")])

    monkeypatch.delitem(batch._runners, consensus.answer)  # the batch form switched off
    together(
        [(ids[2], test_id, "agree", ""), (ids[3], test_id, "block", "no")],
        one_by_one_expected=2,
    )
    assert stored(test_id) == {
        ids[0]: ("agree", ""),
        ids[1]: ("agree", ""),
        ids[2]: ("agree", ""),
        ids[3]: ("block", "no"),
    }


def test_when_the_database_refuses_the_batch_each_answer_runs_on_its_own(
    awl: Meeting, together, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = members(awl, 2)
    test_id = open_test(awl)

    def refused(*_args: Any) -> None:
        raise IntegrityError("insert", {}, Exception("unique constraint"))

    monkeypatch.setattr(consensus, "_upsert_answers", refused)
    outcomes = together(
        [(ids[0], test_id, "agree", ""), (ids[1], test_id, "maybe", "")], one_by_one_expected=2
    )

    assert outcomes[0][1:] == ("agree", "")
    assert isinstance(outcomes[1], ServiceError)
    assert outcomes[1].message == "Choose one of the answers."
    assert stored(test_id) == {ids[0]: ("agree", "")}
