"""Who votes in a poll put to a meeting: the members the body lets attend who have checked
in, on the roll as it stands on the meeting's day, with the voting cards assigned for the
meeting, the proxies given for it (or for the motion), and the units' mandates on the
motion. The chair of the body runs the poll. Registered with the ballots domain as the
electorate of the subject "meeting"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from voting.ballots.electorates import Electorate, register
from voting.ballots.models import Poll, PollStatus
from voting.core.columns import utcnow
from voting.core.errors import Conflict
from voting.core.extensions import db
from voting.meetings import visibility
from voting.meetings.models import (
    CardAssignment,
    CheckIn,
    Instruction,
    Mandate,
    Meeting,
    MeetingPoll,
    MeetingStatus,
    Proxy,
)
from voting.meetings.permissions import is_chair, require_chair, require_present
from voting.meetings.services import handover
from voting.membership.models import Membership, Person
from voting.org.models import Body, Unit
from voting.rules import entitlement as rules
from voting.rules.types import Choice


def meeting_day(meeting: Meeting) -> dt.date:
    """The day a meeting is held: attendance records before it count, roles current on it."""
    return meeting.scheduled_for.date()


def present_ids(meeting: Meeting) -> frozenset[int]:
    """Who has checked in to the meeting."""
    return frozenset(
        db.session.scalars(select(CheckIn.person_id).where(CheckIn.meeting_id == meeting.id))
    )


def active_proxies(meeting: Meeting, motion_id: int | None = None) -> list[Proxy]:
    """Proxies given for the meeting (or for `motion_id` in it), not revoked, oldest first."""
    query = select(Proxy).where(Proxy.meeting_id == meeting.id, Proxy.revoked_at.is_(None))
    return [
        p
        for p in db.session.scalars(query.order_by(Proxy.id))
        if p.motion_id is None or motion_id is None or p.motion_id == motion_id
    ]


def card_assignments(meeting: Meeting) -> list[CardAssignment]:
    """The voting cards assigned for the meeting, in the order they were assigned."""
    day = meeting_day(meeting)
    org_id = meeting.body.organisation_id
    rows = db.session.scalars(
        select(CardAssignment)
        .join(Unit, CardAssignment.unit_id == Unit.id)
        .where(Unit.organisation_id == org_id)
        .order_by(CardAssignment.id)
    )
    return [a for a in rows if a.applies_to(meeting.id, day)]


def open_poll_at(meeting: Meeting) -> MeetingPoll | None:
    """The poll open at the meeting, if any."""
    return db.session.scalar(
        select(MeetingPoll)
        .join(Poll, Poll.id == MeetingPoll.poll_id)
        .where(MeetingPoll.meeting_id == meeting.id, Poll.status == PollStatus.OPEN)
    )


@register
class MeetingElectorate(Electorate):
    """The electorate of a poll at a meeting (see the module's description)."""

    subject = "meeting"
    in_writing = False  # a vote on the floor: members who vote only in writing use a proxy

    @property
    def floor(self) -> MeetingPoll:
        return self.poll.floor

    @property
    def meeting(self) -> Meeting:
        return self.floor.meeting

    @property
    def body(self) -> Body:
        return self.meeting.body

    @classmethod
    def manages(cls, actor: Person | None, body: Body) -> bool:
        return is_chair(actor, body)

    def require_manager(self, actor: Person | None) -> None:
        require_chair(actor, self.meeting)

    def may_read(self, actor: Person | None) -> bool:
        """Those the body's `screens` setting lets watch the meeting, and its chair."""
        return self.manages(actor, self.body) or visibility.may_watch(actor, self.meeting)

    def check_can_open(self) -> None:
        """The meeting is in session with no other poll open, and a poll deciding a motion
        or an amendment comes after consensus was tried where the body says so (a draft
        prepared earlier is asked again: the question may have been agreed meanwhile)."""
        if self.meeting.status is not MeetingStatus.OPEN:
            raise Conflict(_("Open the meeting first."))
        floor = self.floor
        if floor.motion is not None:
            handover.require_tried(floor.motion, floor.amendment, kind=floor.kind)
        if open_poll_at(self.meeting) is not None:
            raise Conflict(_("Another poll is open: close it first."))

    def day(self) -> dt.date:
        return meeting_day(self.meeting)

    def present(self) -> frozenset[int]:
        return present_ids(self.meeting)

    def present_among(self, person_ids: Collection[int]) -> set[int]:
        return set(
            db.session.scalars(
                select(CheckIn.person_id).where(
                    CheckIn.meeting_id == self.floor.meeting_id,
                    CheckIn.person_id.in_(person_ids),
                )
            )
        )

    def require_voter(
        self, actor: Person | None, *, present: Collection[int] | None = None
    ) -> Membership:
        return require_present(actor, self.meeting, checked_in=present)

    def question_id(self) -> int | None:
        return self.floor.motion_id

    def card_holders(self) -> list[rules.CardHolder]:
        return [
            rules.CardHolder(a.person_id, a.unit_id, a.cards, rank)
            for rank, a in enumerate(card_assignments(self.meeting), 1)
        ]

    def proxies(self) -> list[rules.Proxy]:
        return [
            rules.Proxy(
                p.principal_id,
                p.holder_id,
                rules.ProxyScope.MOTION if p.motion_id else rules.ProxyScope.MEETING,
                p.motion_id,
                Choice(p.instruction) if p.instruction else None,
                p.id,
            )
            for p in active_proxies(self.meeting, self.floor.motion_id)
        ]

    def mandates(self) -> dict[int, str]:
        if self.floor.motion_id is None:
            return {}
        rows = db.session.scalars(select(Mandate).where(Mandate.motion_id == self.floor.motion_id))
        return {
            m.unit_id: m.instruction.value for m in rows if m.instruction is not Instruction.FREE
        }

    def lapse_proxies(self, principals: Collection[int]) -> None:
        now = utcnow()
        for proxy in active_proxies(self.meeting, self.floor.motion_id):
            if proxy.principal_id in principals and proxy.lapsed_at is None:
                proxy.lapsed_at = now

    def subject_json(self) -> dict[str, Any]:
        floor = self.floor
        return {
            "meeting": floor.meeting_id,
            "motion": floor.motion_id,
            "amendment": floor.amendment_id,
            "kind": floor.kind.value,
        }

    def audit_data(self) -> dict[str, Any]:
        return {"meeting": self.floor.meeting_id}
