"""Reminders go out once: a reminder is claimed (a row the database lets exist once)
before it is mailed, so two workers noticing the same deadline mail each person once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from tests.conftest import CONFIG
from tests.fixtures.people import person
from tests.smtp import Inbox
from voting.app import create_app
from voting.core import reminders
from voting.core.database import transaction
from voting.core.extensions import db
from voting.membership.services import notifications

# WRI members who have not answered (the demo's).
LATE = ("yusuf@wri.example", "xavier@wri.example", "quinn@wri.example", "xenia@wri.example")
SUBJECT = "Closing soon: %(title)s"
BODY = "Hello %(name)s, the poll “%(title)s” closes at %(closes)s."


def late(title: str = "Budget") -> list[tuple[Any, dict[str, object]]]:
    return [(person(e), {"name": person(e).name, "title": title, "closes": "noon"}) for e in LATE]


def claimed() -> int:
    return int(db.session.scalar(select(func.count()).select_from(reminders.ReminderSent)) or 0)


def test_a_reminder_is_claimed_once(app: Flask, demo: None) -> None:
    someone = person(LATE[0]).id
    assert reminders.claim("poll", "7@2027-03-01T12:00", someone) is True
    assert reminders.claim("poll", "7@2027-03-01T12:00", someone) is False
    # Another deadline, another kind, another person: other reminders.
    assert reminders.claim("poll", "7@2027-03-02T12:00", someone) is True
    assert reminders.claim("consultation", "7@2027-03-01T12:00", someone) is True
    assert reminders.claim("poll", "7@2027-03-01T12:00", person(LATE[1]).id) is True


def test_a_claim_inside_a_transaction_rolls_back_alone(app: Flask, demo: None) -> None:
    someone = person(LATE[0]).id
    reminders.claim("poll", "1", someone)
    with transaction():
        assert reminders.claim("poll", "1", someone) is False  # refused in a savepoint
        assert reminders.claim("poll", "2", someone) is True  # the transaction goes on
    assert claimed() == 2


def test_reminders_are_mailed_once_however_often_they_are_sent(
    app: Flask, demo: None, mailbox: Inbox
) -> None:
    assert reminders.send_reminders("poll", "3", late(), SUBJECT, BODY) == len(LATE)
    assert reminders.send_reminders("poll", "3", late(), SUBJECT, BODY) == 0
    for email in LATE:
        [mail] = mailbox.to(email)
        assert mail["Subject"] == "Closing soon: Budget"
        assert person(email).name in mail.get_content()


def test_who_turned_reminders_off_is_neither_mailed_nor_claimed(
    app: Flask, demo: None, mailbox: Inbox
) -> None:
    notifications.set_preferences(person(LATE[0]), {"reminder": False})
    db.session.expire_all()
    assert reminders.send_reminders("poll", "4", late(), SUBJECT, BODY) == len(LATE) - 1
    assert mailbox.to(LATE[0]) == []
    assert claimed() == len(LATE) - 1
    # Turned on again before the deadline: the reminder still reaches them.
    notifications.set_preferences(person(LATE[0]), {"reminder": True})
    db.session.expire_all()
    assert reminders.send_reminders("poll", "4", late(), SUBJECT, BODY) == 1
    assert len(mailbox.to(LATE[0])) == 1


def _worker(app: Flask, start: threading.Barrier, sent: list[int]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            recipients = late()
            start.wait()
            sent.append(reminders.send_reminders("poll", "12@noon", recipients, SUBJECT, BODY))
            db.session.remove()

    return run


def test_two_workers_on_one_database_mail_each_person_once(
    app: Flask, demo: None, mailbox: Inbox
) -> None:
    """Two app instances, as two workers would be, each with its own engine and session
    on the same database, send the same reminders at the same moment."""
    settings = {
        **CONFIG,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SMTP_HOST": mailbox.host,
        "SMTP_PORT": mailbox.port,
    }
    workers = [create_app(settings), create_app(settings)]
    start = threading.Barrier(len(workers))
    sent: list[int] = []
    threads = [threading.Thread(target=_worker(w, start, sent)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
    assert sum(sent) == len(LATE)
    for email in LATE:
        assert len(mailbox.to(email)) == 1, email
    assert len(mailbox.messages) == len(LATE)
    assert claimed() == len(LATE)
