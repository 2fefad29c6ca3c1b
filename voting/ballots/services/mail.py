"""Mail about results (kind `result`): when a poll voted on from wherever members are (put
to a body directly, or a consultation's vote) is counted, its roll is told the result —
once each, in their own language, if they want it. A poll on the floor is not mailed: the
hall saw it on the projector."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from voting.ballots.electorates import electorate_of
from voting.ballots.models import Poll, PollStatus
from voting.core import reminders
from voting.core.extensions import db
from voting.membership.models import Person

KIND = "result"
SUBJECT = _l("Result: %(question)s")
BODY = _l("%(body_name)s has counted its vote on “%(question)s”.\n\n%(result)s\n\n%(url)s")


def mail_result(poll_id: int, result_sentences: Callable[[Poll], list[str]]) -> int:
    """Mail the roll of a counted poll voted from afar its result (`result_sentences`, the
    polls service's, read in each recipient's language)."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status is not PollStatus.CLOSED:
        return 0
    electorate = electorate_of(poll)
    if not electorate.in_writing:
        return 0
    roll = electorate.present()
    people = list(db.session.scalars(select(Person).where(Person.id.in_(roll))))

    def sentence() -> str:  # in the recipient's language: read inside their locale
        return " ".join(result_sentences(db.session.get(Poll, poll_id)))

    base = current_app.config["PUBLIC_URL"].rstrip("/")
    where = electorate.subject_json()
    url = (
        f"{base}/consultations/{where['consultation']}"
        if "consultation" in where
        else f"{base}/org/{poll.body.organisation.slug}/"
    )
    values = {
        "question": poll.question,
        "body_name": poll.body.name,
        "result": LazyString(sentence),
        "url": url,
    }
    return reminders.send_reminders(
        KIND, str(poll.id), [(p, values) for p in people], SUBJECT, BODY, notification=KIND
    )
