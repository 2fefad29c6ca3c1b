"""Motions and amendments: full texts with their history, friendly amendments taken in
by the proposer, and amendments put to the meeting.

Paragraphs are separated by a blank line and numbered from 1; an amendment replaces one
paragraph, or with no paragraph the whole text.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.meetings.models import (
    AgendaItem,
    Amendment,
    AmendmentStatus,
    ItemStatus,
    Motion,
    MotionStage,
    MotionStatus,
    MotionVersion,
)
from voting.meetings.permissions import attending_membership, is_chair
from voting.meetings.services.changes import changed
from voting.meetings.signals import motion_decided as motion_decided_signal
from voting.membership.models import Person, RoleKind


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text: its lines, whatever ends them (a browser sends CRLF),
    blank ones left out. An amendment names one of them by its number."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def get_motion(motion_id: int) -> Motion:
    """The motion with this id, or a clear NotFound."""
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(_("No such motion."))
    return motion


def get_amendment(amendment_id: int) -> Amendment:
    """The amendment with this id, or a clear NotFound."""
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(_("No such amendment."))
    return amendment


def new_motion(
    actor: Person | None,
    item: AgendaItem,
    *,
    title: str,
    text: str,
    stage: MotionStage = MotionStage.WHOLE,
) -> Motion:
    """Add a motion with its first version to an item, inside the caller's transaction."""
    if not text.strip():
        raise Invalid(_("Write the text of the motion."), field="motion_text")
    membership = attending_membership(actor, item.meeting.body)
    motion = Motion(
        item=item,
        stage=stage,
        title=title.strip(),
        proposer_id=actor.id if actor else None,
        unit_id=membership.unit_id if membership else None,
    )
    motion.versions.append(
        MotionVersion(
            number=1, text=text.strip(), note=_("Submitted"), author_id=motion.proposer_id
        )
    )
    db.session.add(motion)
    db.session.flush()
    return motion


def submit_motion(
    actor: Person | None,
    item: AgendaItem,
    *,
    title: str,
    text: str,
    stage: MotionStage = MotionStage.WHOLE,
) -> Motion:
    """Submit a motion to an agenda item (anyone entitled to attend, or the chair)."""
    meeting = item.meeting
    if not is_chair(actor, meeting.body) and attending_membership(actor, meeting.body) is None:
        raise NotAllowed(_("Only members who can attend may submit motions."))
    if item.status is ItemStatus.CLOSED:
        raise Conflict(_("This item is closed."))
    if not title.strip():
        raise Invalid(_("Give the motion a title."), field="title")
    if stage is not MotionStage.WHOLE and not meeting.body.settings.two_stage_motions:
        raise Invalid(_("This body takes motions in one piece."), field="stage")
    if any(m.stage is stage for m in item.motions):
        raise Conflict(_("This item already has that motion."))
    with transaction():
        motion = new_motion(actor, item, title=title, text=text, stage=stage)
        audit.record(
            "motion.submitted",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            motion=motion.id,
            title=motion.title,
            text=motion.text,
        )
        changed(meeting, "item", "agenda")
    return motion


def _require_undecided(motion: Motion) -> None:
    if motion.status is not MotionStatus.SUBMITTED:
        raise Conflict(_("This motion has been decided."))
    if motion.item.status is ItemStatus.CLOSED:
        raise Conflict(_("This item is closed."))


def _is_proposer_side(person: Person | None, motion: Motion) -> bool:
    """The proposer, or a current delegate of the unit that proposed the motion (a
    delegate whose term has ended no longer speaks for it)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    if motion.proposer_id == person.id:
        return True
    today = dt.date.today()
    return motion.unit_id is not None and any(
        role.kind is RoleKind.DELEGATE and role.unit_id == motion.unit_id and role.current_on(today)
        for role in person.roles
    )


def _add_version(
    motion: Motion, text: str, note: str, author: Person | None, amendment: Amendment | None
) -> MotionVersion:
    version = MotionVersion(
        number=len(motion.versions) + 1,
        text=text,
        note=note,
        author_id=author.id if author else None,
        amendment_id=amendment.id if amendment else None,
    )
    motion.versions.append(version)
    return version


def amended_text(motion: Motion, amendment: Amendment) -> str:
    """The motion's current text with the amendment applied."""
    if amendment.paragraph is None:
        return amendment.text
    blocks = paragraphs(motion.text)
    if not 1 <= amendment.paragraph <= len(blocks):
        raise Conflict(_("The paragraph this amendment changes no longer exists."))
    blocks[amendment.paragraph - 1] = amendment.text
    return "\n\n".join(blocks)


def revise_motion(actor: Person | None, motion: Motion, text: str, note: str = "") -> Motion:
    """The proposer revises the text before it is decided; the old text stays in the history."""
    if not _is_proposer_side(actor, motion):
        raise NotAllowed(_("Only the proposer can revise the motion."))
    _require_undecided(motion)
    text = text.strip()
    if not text:
        raise Invalid(_("Write the text of the motion."), field="text")
    if text == motion.text:
        return motion
    meeting = motion.item.meeting
    with transaction():
        _add_version(motion, text, note.strip() or _("Revised by the proposer"), actor, None)
        audit.record(
            "motion.revised",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            motion=motion.id,
            text=text,
        )
        changed(meeting, "item")
    return motion


def propose_amendment(
    actor: Person | None,
    motion: Motion,
    *,
    text: str,
    paragraph: int | None = None,
    reason: str = "",
) -> Amendment:
    """Propose an amendment to one paragraph of a motion or, with none, to the whole."""
    meeting = motion.item.meeting
    if not is_chair(actor, meeting.body) and attending_membership(actor, meeting.body) is None:
        raise NotAllowed(_("Only members who can attend may propose amendments."))
    _require_undecided(motion)
    text = text.strip()
    if not text:
        raise Invalid(_("Write the amended text."), field="text")
    count = len(paragraphs(motion.text))
    if paragraph is not None and not 1 <= paragraph <= count:
        raise Invalid(
            _("The motion has paragraphs 1 to %(count)d.", count=count), field="paragraph"
        )
    with transaction():
        amendment = Amendment(
            motion=motion,
            proposer_id=actor.id if actor else None,
            paragraph=paragraph,
            text=text,
            reason=reason.strip(),
        )
        db.session.add(amendment)
        db.session.flush()
        audit.record(
            "amendment.proposed",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            motion=motion.id,
            amendment=amendment.id,
            paragraph=paragraph,
            text=text,
        )
        changed(meeting, "item")
    return amendment


def _require_proposed(amendment: Amendment) -> None:
    if amendment.status is not AmendmentStatus.PROPOSED:
        raise Conflict(_("This amendment has already been dealt with."))
    _require_undecided(amendment.motion)


def accept_friendly(actor: Person | None, amendment: Amendment) -> Amendment:
    """The proposer (or their unit's delegate) takes the amendment in as friendly.

    Accepting it again changes nothing.
    """
    motion = amendment.motion
    if not _is_proposer_side(actor, motion):
        raise NotAllowed(_("Only the proposer or their delegates can accept it as friendly."))
    if amendment.status is AmendmentStatus.FRIENDLY:
        return amendment
    _require_proposed(amendment)
    meeting = motion.item.meeting
    with transaction():
        text = amended_text(motion, amendment)
        _add_version(
            motion, text, _("Friendly amendment %(id)d", id=amendment.id), actor, amendment
        )
        amendment.status = AmendmentStatus.FRIENDLY
        amendment.decided_at = utcnow()
        amendment.decided_by_id = actor.id if actor else None
        audit.record(
            "amendment.friendly",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            motion=motion.id,
            amendment=amendment.id,
            text=text,
        )
        changed(meeting, "item")
    return amendment


def put_to_meeting(actor: Person | None, amendment: Amendment) -> Amendment:
    """The proposer declines it as friendly, or the chair takes it: the meeting decides."""
    motion = amendment.motion
    meeting = motion.item.meeting
    if not (_is_proposer_side(actor, motion) or is_chair(actor, meeting.body)):
        raise NotAllowed(_("Only the proposer or the chair can put it to the meeting."))
    if amendment.status is AmendmentStatus.PUT_TO_MEETING:
        return amendment
    _require_proposed(amendment)
    with transaction():
        amendment.status = AmendmentStatus.PUT_TO_MEETING
        audit.record(
            "amendment.put_to_meeting",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            amendment=amendment.id,
        )
        changed(meeting, "item")
    return amendment


def withdraw_amendment(actor: Person | None, amendment: Amendment) -> Amendment:
    """The amendment's proposer withdraws it before it is decided. Idempotent."""
    if actor is None or amendment.proposer_id != actor.id:
        raise NotAllowed(_("Only whoever proposed the amendment can withdraw it."))
    if amendment.status is AmendmentStatus.WITHDRAWN:
        return amendment
    if amendment.status not in (AmendmentStatus.PROPOSED, AmendmentStatus.PUT_TO_MEETING):
        raise Conflict(_("This amendment has already been dealt with."))
    meeting = amendment.motion.item.meeting
    with transaction():
        amendment.status = AmendmentStatus.WITHDRAWN
        audit.record(
            "amendment.withdrawn",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            amendment=amendment.id,
        )
        changed(meeting, "item")
    return amendment


def adopt_amendment(amendment: Amendment, actor: Person | None) -> None:
    """The meeting agreed the amendment: it becomes a new version (caller's transaction)."""
    motion = amendment.motion
    text = amended_text(motion, amendment)
    _add_version(
        motion, text, _("Amendment %(id)d agreed by the meeting", id=amendment.id), actor, amendment
    )
    amendment.status = AmendmentStatus.ACCEPTED
    amendment.decided_at = utcnow()
    amendment.decided_by_id = actor.id if actor else None


def motion_decided(motion: Motion) -> None:
    """A motion was decided (inside its transaction): the other domains hear of it
    (`signals.motion_decided`), and where it is a ratification motion the emergency
    decision it ratifies is ratified or rejected, and its meeting's screens say so."""
    motion_decided_signal.send(motion)
    original = motion.ratifies
    if original is None:
        return
    if motion.status in (MotionStatus.CONSENSUS, MotionStatus.CARRIED):
        original.ratified = True
    elif motion.status in (MotionStatus.LOST, MotionStatus.NO_DECISION):
        original.ratified = False
    else:
        return
    audit.record(
        "motion.ratification",
        actor=None,
        organisation_id=original.item.meeting.body.organisation_id,
        motion=original.id,
        by_motion=motion.id,
        ratified=original.ratified,
    )
    changed(original.item.meeting, "agenda", "item")
