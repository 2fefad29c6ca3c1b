"""Mail about consultations, through a real SMTP server on the loopback: the roll is told
when one opens and reminded a day before the close if it has not answered, each person
once even when two workers see the time come, never those who turned that mail off; an
extension is reminded of again."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import Flask

from tests.consultations.conftest import ANA, START
from tests.consultations.test_consultations import consult
from tests.fixtures.people import person
from voting.consultations.services import consultations as service
from voting.consultations.services import mail
from voting.core.extensions import db
from voting.membership.services import notifications


def settle(inbox, count: int) -> None:  # type: ignore[no-untyped-def]
    """Mail leaves from a background task: wait for it (a few seconds at most)."""
    deadline = time.monotonic() + 10
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # nothing more should come


def run_due(now: datetime) -> None:
    for send, consultation in mail.due(now):
        send(consultation)


def test_the_roll_is_told_once_and_reminded_once_before_the_close(
    app: Flask, mailbox, executive: list[str], clock
) -> None:
    roll = executive
    app.config["PUBLIC_URL"] = "http://localhost"
    quiet = roll[3]
    notifications.set_preferences(person(quiet), {mail.OPENED: False, "reminder": False})
    consultation = consult()
    assert mailbox.messages == []  # nothing inside the request that opened it
    run_due(datetime.now(UTC))
    run_due(datetime.now(UTC))  # a second worker sees the same opening
    settle(mailbox, len(roll) - 1)
    told = sorted(m["To"] for m in mailbox.messages)
    assert told == sorted(e for e in roll if e != quiet)
    first = mailbox.to(roll[0])[0]
    assert first["Subject"] == "Your answer is asked: Join the campaign against conscription"
    assert f"/consultations/{consultation.id}" in first.get_content()

    for email in roll[:5]:
        service.answer(person(email), consultation, "agree")
    mailbox.messages.clear()
    clock.move_to(consultation.closes_at - timedelta(hours=23))
    run_due(datetime.now(UTC))
    run_due(datetime.now(UTC))
    settle(mailbox, 3)
    reminded = sorted(m["To"] for m in mailbox.messages)
    assert reminded == sorted(e for e in roll[5:] if e != quiet)  # no answer yet, not quiet
    assert mailbox.messages[0]["Subject"].startswith("A day left to answer")

    mailbox.messages.clear()
    service.extend(person(ANA), consultation, (START + timedelta(days=12)).isoformat(), "More")
    run_due(datetime.now(UTC))
    settle(mailbox, 0)
    assert mailbox.messages == []  # the new close is not a day away yet
    clock.move_to(START + timedelta(days=11, hours=1))
    run_due(datetime.now(UTC))
    settle(mailbox, 3)
    assert sorted(m["To"] for m in mailbox.messages) == reminded  # reminded of the new time
    db.session.commit()


def test_the_roll_is_mailed_the_result_of_the_consultations_vote(
    app: Flask, mailbox, executive: list[str], clock
) -> None:
    from voting.ballots.services import polls

    app.config["PUBLIC_URL"] = "http://localhost"
    consultation = consult()
    service.answer(person(executive[0]), consultation, "block", "No")
    service.close(person(ANA), consultation)
    for email in executive[:6]:
        polls.cast(person(email), consultation.poll, choice="yes")
    mailbox.messages.clear()
    polls.close_poll(person(ANA), consultation.poll)
    told = sorted(m["To"] for m in mailbox.messages)
    assert told == sorted(executive)
    first = mailbox.to(executive[0])[0]
    assert first["Subject"] == "Result: Join the campaign against conscription"
    assert "Carried" in first.get_content() or "carried" in first.get_content()
