"""The meetings that await a person, for the home page: in session (to join now) and
coming within `AHEAD`, of the bodies they may attend or chair."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from voting.core.awaiting import Awaiting
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.core.permissions import signed_in
from voting.core.pinned import Notice
from voting.meetings.models import AgendaItem, Meeting, MeetingStatus, Motion, MotionStatus
from voting.meetings.permissions import attending_membership, check_in_of, is_chair
from voting.membership.models import Person
from voting.org.models import Body, Organisation

AHEAD = timedelta(days=60)


def awaiting(person: Person | None) -> list[Awaiting]:
    if not signed_in(person):
        return []
    org_ids = {m.organisation_id for m in person.memberships} | {
        r.organisation_id for r in person.roles
    }
    now = utcnow()
    meetings = db.session.scalars(
        select(Meeting)
        .join(Body)
        .where(
            Body.organisation_id.in_(org_ids),
            (Meeting.status == MeetingStatus.OPEN)
            | (
                (Meeting.status == MeetingStatus.SCHEDULED) & (Meeting.scheduled_for <= now + AHEAD)
            ),
        )
        .order_by(Meeting.scheduled_for)
    )
    found = []
    for meeting in meetings:
        body = meeting.body
        chairs = is_chair(person, body)
        if not chairs and attending_membership(person, body) is None:
            continue
        in_session = meeting.status is MeetingStatus.OPEN
        checked_in = in_session and check_in_of(person, meeting) is not None
        if chairs:
            url, action = url_for("meetings.chair", meeting_id=meeting.id), _("Chair console")
        elif in_session:
            url = url_for("meetings.member", meeting_id=meeting.id)
            action = _("Back to the meeting") if checked_in else _("Join the meeting")
        else:
            url, action = url_for("meetings.member", meeting_id=meeting.id), _("See the agenda")
        found.append(
            Awaiting(
                kind="meeting",
                title=meeting.title,
                where=f"{body.organisation.name} · {body.name}",
                url=url,
                action=action,
                due=meeting.scheduled_for,
                now=in_session,
            )
        )
    return found


def requisitions_awaiting(person: Person | None) -> list[Awaiting]:
    """Open requisitions `person` could sign (for themselves or a unit), signed or not."""
    from voting.meetings.models import Requisition, RequisitionSignature, RequisitionStatus
    from voting.meetings.services.requisitions import Terms, signer_keys

    if not signed_in(person):
        return []
    org_ids = {m.organisation_id for m in person.memberships}
    found = []
    for requisition in db.session.scalars(
        select(Requisition)
        .join(Body)
        .where(Body.organisation_id.in_(org_ids), Requisition.status == RequisitionStatus.OPEN)
        .order_by(Requisition.started_at)
    ):
        body, terms = requisition.body, Terms.of(requisition)
        keys = signer_keys(person, body, terms)
        if not keys:
            continue
        signed = set(
            db.session.scalars(
                select(RequisitionSignature.signer_key).where(
                    RequisitionSignature.requisition_id == requisition.id,
                    RequisitionSignature.signer_key.in_(keys),
                )
            )
        )
        done = signed == set(keys)
        found.append(
            Awaiting(
                kind="requisition",
                title=requisition.title,
                where=f"{body.organisation.name} · {body.name}",
                url=url_for("requisitions.requisition_page", requisition_id=requisition.id),
                action=_("See the requisition") if done else _("Sign the requisition"),
                done=done,
            )
        )
    return found


def pinned_decisions(organisation: Organisation, person: Person | None) -> list[Notice]:
    """The decisions of the organisation's emergency meetings that no body has ratified or
    rejected yet, for those who belong to it: posted as soon as they are decided, pinned
    until the ratifying meeting decides."""
    if not signed_in(person) or not (
        person.is_operator or organisation.id in _organisations_of(person)
    ):
        return []
    motions = db.session.scalars(
        select(Motion)
        .join(AgendaItem, AgendaItem.id == Motion.item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Body, Body.id == Meeting.body_id)
        .where(
            Body.organisation_id == organisation.id,
            Motion.needs_ratification.is_(True),
            Motion.ratified.is_(None),
            Motion.status.in_((MotionStatus.CONSENSUS, MotionStatus.CARRIED)),
        )
        .order_by(Motion.decided_at.desc(), Motion.id.desc())
    )
    notices = []
    for motion in motions:
        meeting = motion.item.meeting
        waits = motion.ratification_item
        notices.append(
            Notice(
                kind="emergency_decision",
                title=motion.title,
                text=(
                    _("Awaits ratification at %(meeting)s.", meeting=waits.meeting.title)
                    if waits is not None
                    else _("Awaits ratification at the next meeting of the body that ratifies it.")
                ),
                where=f"{meeting.body.name} · {meeting.title}",
                url=url_for("meetings.member", meeting_id=meeting.id),
                since=motion.decided_at,
            )
        )
    return notices


def _organisations_of(person: Person) -> set[int]:
    return {m.organisation_id for m in person.memberships} | {
        r.organisation_id for r in person.roles
    }
