"""From discussion to a vote, where the body tries consensus first.

WRI Constitution 3(e): "The Conference shall try to make decisions by consensus. If no
consensus can be reached within the time agreed, a vote will be held", and its Rules
treat voting as "a last resort". So where a body's rules say consensus first
(`consensus.first`), a poll on a motion (or on an amendment put to the meeting) opens only
after a test for agreement on that very question ended without consensus, or after the
meeting decided to go straight to a vote: a decision the chair records with its reason,
audited and kept in the item's record (`StraightToVote`). Polls on no motion (procedural
questions, elections) are not concerned. Opening a poll asks `require_tried`, and so does
preparing one while the meeting is in session, so pages, the API and sockets refuse
alike; before the meeting a poll may be prepared to take votes by post (WRI: a
constitution amendment "by postal ballot"), and it opens on the floor only once the
meeting has tried consensus or decided to vote.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, select

from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid
from voting.core.extensions import db
from voting.core.parse import REASON
from voting.meetings.models import (
    Amendment,
    AmendmentStatus,
    ConsensusOutcome,
    ConsensusTest,
    Motion,
    MotionStage,
    MotionStatus,
    PollKind,
    StraightToVote,
)
from voting.meetings.permissions import require_chair, require_open
from voting.meetings.services.changes import changed
from voting.membership.models import Person

# The kinds of poll that decide a motion or an amendment, and so wait for consensus first.
DECIDING = frozenset({PollKind.MOTION, PollKind.AMENDMENT, PollKind.JUSTIFICATION})


def _about(
    model: type[ConsensusTest] | type[StraightToVote], motion: Motion, amendment: Amendment | None
) -> ColumnElement[bool]:
    """The rows of `model` on this question: the motion itself, or this amendment to it."""
    return and_(
        model.motion_id == motion.id,
        model.amendment_id.is_(None) if amendment is None else model.amendment_id == amendment.id,
    )


def decision_on(motion: Motion, amendment: Amendment | None = None) -> StraightToVote | None:
    """The meeting's decision to put the motion (or this amendment) straight to a vote, if
    it took one."""
    return db.session.scalars(
        select(StraightToVote).where(_about(StraightToVote, motion, amendment)).limit(1)
    ).first()


def require_tried(
    motion: Motion, amendment: Amendment | None = None, *, kind: PollKind = PollKind.MOTION
) -> None:
    """Refuse (Conflict, saying what is missing) a poll of `kind` that would decide the
    motion or the amendment while the body's rules say consensus first and neither a test
    for agreement on it ended without consensus nor the meeting decided to go straight to
    a vote. A procedural question or an election is never refused here."""
    if kind not in DECIDING or not motion.item.meeting.body.settings.consensus.first:
        return
    outcomes = set(
        db.session.scalars(
            select(ConsensusTest.outcome).where(_about(ConsensusTest, motion, amendment))
        )
    )
    if ConsensusOutcome.NO_CONSENSUS in outcomes or decision_on(motion, amendment) is not None:
        return
    if ConsensusOutcome.CONSENSUS in outcomes:
        raise Conflict(_("This was agreed by consensus: there is no vote to hold on it."))
    if ConsensusOutcome.OPEN in outcomes:
        raise Conflict(_("The test for agreement on this is still open: record its outcome first."))
    if amendment is not None:
        raise Conflict(
            _(
                "Try for consensus on this amendment first, or record that the meeting "
                "decided to go straight to a vote."
            )
        )
    raise Conflict(
        _(
            "Try for consensus on this motion first, or record that the meeting decided to "
            "go straight to a vote."
        )
    )


def go_straight_to_vote(
    actor: Person | None,
    motion: Motion,
    reason: str,
    *,
    amendment: Amendment | None = None,
) -> StraightToVote:
    """The chair records that the meeting decided to put the motion (or an amendment put to
    the meeting) to a vote without testing for agreement, and why. The question then goes
    to a vote as after a test without consensus: the chair puts it to the vote under the
    body's rule. Recording the same decision again returns it unchanged."""
    meeting = motion.item.meeting
    require_chair(actor, meeting)
    if amendment is not None and amendment.motion_id != motion.id:
        raise Invalid(_("This amendment belongs to another motion."), field="amendment")
    existing = decision_on(motion, amendment)
    if existing is not None:
        return existing
    require_open(meeting)
    if (
        amendment.status is AmendmentStatus.TO_VOTE
        if amendment
        else motion.status is MotionStatus.TO_VOTE
    ):
        raise Conflict(_("This question goes to a vote already."))
    if motion.status is not MotionStatus.SUBMITTED:
        raise Conflict(_("This motion has been decided."))
    if amendment is not None and amendment.status is not AmendmentStatus.PUT_TO_MEETING:
        raise Conflict(_("Only an amendment put to the meeting goes to a vote."))
    if db.session.scalar(
        select(ConsensusTest.id).where(
            ConsensusTest.item_id == motion.item_id, ConsensusTest.closed_at.is_(None)
        )
    ):
        raise Conflict(_("A test for agreement is open on this item: record its outcome first."))
    if motion.stage is MotionStage.METHODS and any(
        m.stage is MotionStage.GOALS and m.status is MotionStatus.SUBMITTED
        for m in motion.item.motions
    ):
        raise Conflict(_("Decide the goals before the methods."))
    reason = REASON.check(reason.strip(), "reason")
    if not reason:
        raise Invalid(_("Say why the meeting goes straight to a vote."), field="reason")
    with transaction():
        decision = StraightToVote(
            item_id=motion.item_id,
            motion=motion,
            amendment=amendment,
            reason=reason,
            decided_by_id=actor.id if actor else None,
        )
        db.session.add(decision)
        if amendment is not None:
            amendment.status = AmendmentStatus.TO_VOTE
        else:
            motion.status = MotionStatus.TO_VOTE
        db.session.flush()
        audit.record(
            "motion.straight_to_vote",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            motion=motion.id,
            amendment=amendment.id if amendment else None,
            reason=reason,
        )
        changed(meeting, "item", "agenda")
    return decision
