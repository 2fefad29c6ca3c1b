"""Reminders that go out once, however many workers notice the same deadline.

Before a reminder is mailed it is claimed: a row `(kind, subject_key, person_id)` in
`reminder_sent`, which a unique constraint lets exist once. The worker whose insert
commits sends the mail, after that commit; any other finds the row there and sends
nothing. So a reminder goes out at most once: a worker that stops between the commit and
the mail loses that one reminder rather than ever sending it twice.

`kind` says what reminds (a poll closing, a test for agreement, a consultation),
`subject_key` which one and, if a deadline can move, which deadline (e.g.
"12@2027-03-01T10:00"): a moved deadline is a new reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from voting.core import notify
from voting.core.columns import UTCDateTime, utcnow
from voting.core.database import savepoint, transaction
from voting.core.extensions import db

KIND = "reminder"
notify.register_kind(KIND, _l("A deadline approaches and you have not answered yet"))


class ReminderSent(db.Model):
    """One reminder claimed for one person: the row exists once, so the mail goes once."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("kind", "subject_key", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _insert(kind: str, subject_key: str, person_id: int) -> bool:
    try:
        with savepoint():
            db.session.add(ReminderSent(kind=kind, subject_key=subject_key, person_id=person_id))
            db.session.flush()
    except IntegrityError:
        return False
    return True


def claim(kind: str, subject_key: str, person_id: int) -> bool:
    """Claim one reminder: True if this caller is the one to send it, False if it was
    claimed already (here or by another worker). Inside a transaction the claim commits
    with it; outside, in its own."""
    with transaction():
        return _insert(kind, subject_key, person_id)


def send_reminders(
    kind: str,
    subject_key: str,
    recipients: Iterable[tuple[Any, dict[str, object]]],
    subject: LazyString | str,
    body: LazyString | str,
    *,
    notification: str = KIND,
) -> int:
    """Remind each `(person, values)` of `recipients` (those who have not answered), once.

    Those who turned this kind of mail off are skipped and nothing is claimed for them.
    The others are claimed in one transaction; each mail leaves after its commit, in the
    person's language (`notify.send_to`). Returns how many reminders this caller sends.
    """
    wanted = [(p, values) for p, values in recipients if notify.wants(p, notification)]
    sending = 0
    with transaction():
        for person, values in wanted:
            if _insert(kind, subject_key, person.id):
                notify.send_to(person, notification, subject, body, **values)
                sending += 1
    return sending
