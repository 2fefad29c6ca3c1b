"""A meeting to try alone: the demo conference meeting, and simulated members who check in
and then act through Socket.IO like phones do (see `flask voting simulate`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.meetings.models import CheckIn, CheckInVia, Meeting, MeetingStatus
from voting.meetings.services.agenda import submit_item
from voting.meetings.services.changes import changed
from voting.meetings.services.meetings import open_meeting, schedule_meeting
from voting.membership.models import Membership, MemberStatus, Person
from voting.org.models import Body, Organisation, Unit

DEMO_MEETING_TITLE = "Conference 2025"
SIMULATED_DOMAIN = "simulated.example"
DEMO_MOTION = (
    "Conference resolves to support conscientious objectors in every country where "
    "conscription is being reintroduced.\n\n"
    "Sections are asked to collect and share cases of objectors within three months.\n\n"
    "The Office will publish a yearly report on the right to conscientious objection."
)


def load_demo_meeting() -> Meeting | None:
    """The WRI conference meeting, in session, with an agenda and a motion ready (once)."""

    org = db.session.scalar(select(Organisation).where(Organisation.slug == "wri"))
    if org is None:
        return None
    body = next(b for b in org.bodies if b.slug == "conference")
    existing = db.session.scalar(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.title == DEMO_MEETING_TITLE)
    )
    if existing is not None:
        return existing
    chair = db.session.scalar(select(Person).where(Person.email == "chris@wri.example"))
    meeting = schedule_meeting(
        chair, body, title=DEMO_MEETING_TITLE, scheduled_for=utcnow() + timedelta(minutes=5)
    )
    submit_item(
        chair, meeting, section="", title="Welcome, agenda and minutes of the last Conference"
    )
    submit_item(chair, meeting, section="", title="Reports of the sections")
    submit_item(
        chair,
        meeting,
        section="",
        title="Conscientious objection",
        description="Proposed by the Council.",
        motion_text=DEMO_MOTION,
    )
    submit_item(chair, meeting, section="", title="Any other business")
    open_meeting(chair, meeting)
    return meeting


def simulated_members(meeting: Meeting, count: int, *, check_in: bool = True) -> list[Person]:
    """`count` simulated members who may attend the meeting (made once each), checked in
    here unless `check_in` is false: then each checks in through the running server, as
    a phone does, so the server pushes the attendance to every screen (a command in
    another process writing the check-ins could not)."""
    body: Body = meeting.body
    org = body.organisation
    status = MemberStatus(body.settings.attend[0]) if body.settings.attend else MemberStatus.FULL
    units = list(db.session.scalars(select(Unit).where(Unit.organisation_id == org.id)))
    people: list[Person] = []
    with transaction():
        for number in range(1, count + 1):
            email = f"member{number}.{org.slug}@{SIMULATED_DOMAIN}"
            person = db.session.scalar(select(Person).where(Person.email == email))
            if person is None:
                person = Person(email=email, name=f"Simulated member {number}")
                db.session.add(person)
                db.session.add(
                    Membership(
                        person=person,
                        organisation=org,
                        unit=units[number % len(units)] if units else None,
                        status=status,
                    )
                )
            people.append(person)
        db.session.flush()
        present = set(
            db.session.scalars(select(CheckIn.person_id).where(CheckIn.meeting_id == meeting.id))
        )
        for person in people if check_in else ():
            if person.id not in present:
                db.session.add(CheckIn(meeting=meeting, person_id=person.id, via=CheckInVia.TELLER))
        audit.record(
            "meeting.simulated_members",
            actor=None,
            organisation_id=org.id,
            meeting=meeting.id,
            count=count,
        )
        if meeting.status is MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.OPEN
            meeting.opened_at = utcnow()
        changed(meeting, "status", "consensus")
    return people
