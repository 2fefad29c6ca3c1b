"""Mail about consultations: the roll is told when one opens, and reminded a day before
it closes if they have not answered — each person once, however many workers see the
time come (`core.reminders` claims each before it is sent), in their own language, and
only if they want that kind of mail (`core.notify`).

Both are deadlines of their own kind: the watcher sends them in the background, so a
roll of a hundred thousand never holds up the request that opened the consultation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.consultations.models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Participant,
    Participants,
)
from voting.consultations.services.consultations import UNIT_VOICES
from voting.core import notify, reminders
from voting.core.columns import utcnow
from voting.core.database import after_commit, transaction
from voting.core.extensions import db
from voting.membership.models import Person, Role

OPENED = "consultation_opened"
REMIND_BEFORE = timedelta(hours=24)

OPENED_SUBJECT = _l("Your answer is asked: %(title)s")
OPENED_BODY = _l(
    "%(body_name)s asks for your answer by %(closes)s:\n\n%(title)s\n\n"
    "Answer here: %(url)s\n\nNot answering is not agreeing."
)
REMINDER_SUBJECT = _l("A day left to answer: %(title)s")
REMINDER_BODY = _l(
    "%(body_name)s closes its consultation at %(closes)s and has no answer from you yet:\n\n"
    "%(title)s\n\nAnswer here: %(url)s"
)


def register() -> None:
    notify.register_kind(OPENED, _l("A consultation you take part in opens"))


def remind_at(consultation: Consultation) -> datetime:
    return max(consultation.closes_at - REMIND_BEFORE, consultation.opened_at or utcnow())


def _recipients(consultation: Consultation, *, unanswered: bool) -> list[Person]:
    """The people the roll reaches: members on it, or the secretaries and delegates of
    the units on it; with `unanswered`, only for places with no answer yet."""
    places = select(Participant).where(Participant.consultation_id == consultation.id)
    if unanswered:
        answered = select(Answer.participant_id).where(Answer.consultation_id == consultation.id)
        places = places.where(Participant.id.not_in(answered))
    if consultation.participants is Participants.MEMBERS:
        ids = select(places.subquery().c.person_id)
        return list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
    units = select(places.subquery().c.unit_id)
    voices = select(Role.person_id).where(
        Role.organisation_id == consultation.body.organisation_id,
        Role.unit_id.in_(units),
        Role.kind.in_(UNIT_VOICES),
    )
    return list(db.session.scalars(select(Person).where(Person.id.in_(voices))))


def _values(consultation: Consultation) -> dict[str, object]:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return {
        "title": consultation.title,
        "body_name": consultation.body.name,
        "closes": consultation.closes_at,
        "url": f"{base}/consultations/{consultation.id}",
    }


def announce(consultation: Consultation) -> None:
    """Mark the opening announced and tell the roll in the background (once each)."""
    with transaction():
        db.session.refresh(consultation, with_for_update=True)  # once, whichever worker
        if consultation.announced_at is not None or not consultation.is_open:
            return
        consultation.announced_at = utcnow()
        after_commit(notify.in_background(_send_opened, consultation.id))


def remind(consultation: Consultation) -> None:
    """Remind those on the roll who have not answered that it closes soon (once each per
    closing time: an extension is reminded of again), in the background."""
    with transaction():
        db.session.refresh(consultation, with_for_update=True)  # once, whichever worker
        if consultation.reminded_for == consultation.closes_at or not consultation.is_open:
            return
        consultation.reminded_for = consultation.closes_at
        after_commit(notify.in_background(_send_reminder, consultation.id))


def _send_opened(consultation_id: int) -> int:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        return 0
    values = _values(consultation)
    return reminders.send_reminders(
        OPENED,
        str(consultation.id),
        [(p, values) for p in _recipients(consultation, unanswered=False)],
        OPENED_SUBJECT,
        OPENED_BODY,
        notification=OPENED,
    )


def _send_reminder(consultation_id: int) -> int:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or not consultation.is_open:
        return 0
    values = _values(consultation)
    return reminders.send_reminders(
        "consultation",
        f"{consultation.id}@{consultation.closes_at.isoformat()}",
        [(p, values) for p in _recipients(consultation, unanswered=True)],
        REMINDER_SUBJECT,
        REMINDER_BODY,
    )


def _open_consultations() -> list[Consultation]:
    return list(
        db.session.scalars(
            select(Consultation).where(Consultation.status == ConsultationStatus.OPEN)
        )
    )


def nearest() -> datetime | None:
    """The nearest mail to send: an opening not announced, a reminder not sent."""
    times = []
    for consultation in _open_consultations():
        if consultation.announced_at is None:
            times.append(consultation.opened_at or utcnow())
        if consultation.reminded_for != consultation.closes_at:
            times.append(remind_at(consultation))
    return min(times) if times else None


def due(now: datetime) -> list[tuple[Callable[[Consultation], Any], Consultation]]:
    found: list[tuple[Callable[[Consultation], Any], Consultation]] = []
    for consultation in _open_consultations():
        if consultation.announced_at is None:
            found.append((announce, consultation))
        if consultation.reminded_for != consultation.closes_at and remind_at(consultation) <= now:
            found.append((remind, consultation))
    return found
