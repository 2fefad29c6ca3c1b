"""Reports to the units after a meeting where their delegates voted for them (a WSM
Delegate Council, a WRI Council): how each unit's delegates voted, against which
mandates, and the items taken after the agenda's deadline with the reason. The report
itself is the meetings domain's (`representation.unit_report`); the record says which
units have one, who may read each, and mails each unit's secretaries when the meeting
closes, once, in their own language."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.ballots.models import Poll, PollEntitlement, PollStatus
from voting.core import notify, reminders
from voting.core.database import after_commit
from voting.core.extensions import db
from voting.meetings.models import Meeting, MeetingPoll
from voting.meetings.services import representation
from voting.membership.models import Person, Role, RoleKind
from voting.org.models import Unit

KIND = "unit_report"
SUBJECT = _l("Report to %(unit)s: %(meeting)s")
BODY = _l(
    "%(meeting)s of %(body_name)s has closed. How the delegates of %(unit)s voted, "
    "against which mandates, and the items taken after the agenda's deadline: %(url)s\n\n"
    "Votes of your delegates recorded: %(votes)s\n"
    "Of them against the mandate: %(against)s\n"
    "Items taken after the deadline: %(late)s"
)


def units_reported(meeting: Meeting) -> list[Unit]:
    """The units whose delegates held votes for them in the meeting's closed polls, by name."""
    return list(
        db.session.scalars(
            select(Unit)
            .where(
                Unit.id.in_(
                    select(PollEntitlement.principal_unit_id)
                    .join(Poll, Poll.id == PollEntitlement.poll_id)
                    .join(MeetingPoll, MeetingPoll.poll_id == Poll.id)
                    .where(
                        MeetingPoll.meeting_id == meeting.id,
                        Poll.status == PollStatus.CLOSED,
                        PollEntitlement.principal_unit_id.is_not(None),
                    )
                )
            )
            .order_by(Unit.name)
        )
    )


def may_read(person: Person | None, unit: Unit) -> bool:
    """The unit's members, its secretaries and the organisation's."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return any(
        m.unit_id == unit.id for m in getattr(person, "memberships", [])
    ) or representation.may_mandate(person, unit)


def readable(person: Person | None, meeting: Meeting) -> list[Unit]:
    """The meeting's reports this person may open."""
    return [u for u in units_reported(meeting) if may_read(person, u)]


def secretaries_of(unit: Unit, on: date) -> list[Person]:
    """The unit's secretaries on that day."""
    roles = db.session.scalars(
        select(Role)
        .where(Role.unit_id == unit.id, Role.kind == RoleKind.SECRETARY)
        .order_by(Role.person_id)
    )
    return list({r.person_id: r.person for r in roles if r.current_on(on)}.values())


def send_reports(meeting_id: int) -> int:
    """Mail each reported unit's secretaries its report's link and figures, once per
    meeting, unit and person (reopened and closed again, the meeting sends no second
    mail). Runs after the commit that closed the meeting. Returns how many mails leave."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    sent = 0
    for unit in units_reported(meeting):
        secretaries = secretaries_of(unit, date.today())
        if not secretaries:
            continue
        report = representation.unit_report(meeting, unit)
        values: dict[str, object] = {
            "meeting": meeting.title,
            "body_name": meeting.body.name,
            "unit": unit.name,
            "url": f"{base}/meetings/{meeting.id}/units/{unit.id}/report",
            "votes": len(report.votes),
            "against": sum(1 for v in report.votes if v.against),
            "late": len(report.late_items),
        }
        sent += reminders.send_reminders(
            KIND,
            f"{meeting.id}/{unit.id}",
            [(p, values) for p in secretaries],
            SUBJECT,
            BODY,
            notification=KIND,
        )
    return sent


def on_meeting_closed(meeting: Meeting) -> None:
    """The meeting closed (inside its transaction): the reports leave after the commit."""
    after_commit(notify.in_background(send_reports, meeting.id))
