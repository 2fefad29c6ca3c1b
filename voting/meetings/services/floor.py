"""Polls put to a meeting; from consensus to the vote, and back into the record.

A poll at a meeting is a ballots poll whose subject is "meeting", linked to the meeting
(and its item, motion or amendment) by a `MeetingPoll` row that this domain owns.

When a test for agreement ends without consensus, the motion (or the amendment put to the
meeting) is handed over to the body's fallback vote: the chair puts it to a vote under
the body's ordinary rule or one of its special decisions, in a mode the body allows. The
poll opens only after the chair has seen who holds what (and, for a secret ballot, the
privacy warnings). When it closes, the motion is carried or lost and the item shows the
decision with a link to the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from voting.ballots.electorates import Host, register_host
from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.constitutions.schema import BodySettings
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotFound
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.meetings.electorate import MeetingElectorate, open_poll_at
from voting.meetings.models import (
    AgendaItem,
    Amendment,
    AmendmentStatus,
    Meeting,
    MeetingKind,
    MeetingPoll,
    MeetingStatus,
    Motion,
    MotionStatus,
    PollKind,
)
from voting.meetings.permissions import require_chair
from voting.meetings.services import handover
from voting.meetings.services.changes import changed
from voting.meetings.services.motions import motion_decided
from voting.membership.models import Person
from voting.org.body_rules import threshold
from voting.org.models import Body
from voting.rules.rankings import BallotForm

# What a motion's poll changes, by the rules core's outcome. An inquorate vote decides
# nothing: the motion stays with the vote, to be put again.
OUTCOME_STATUS = {
    "carried": MotionStatus.CARRIED,
    "lost": MotionStatus.LOST,
    "tied": MotionStatus.LOST,  # ties fail
}


@dataclass(frozen=True)
class DecisionChoice:
    """One way the body can decide a question: its ordinary rule or a special decision."""

    name: str  # "" for the ordinary rule
    label: str
    threshold: str  # the threshold in words, in the current language


def decision_choices(settings: BodySettings) -> list[DecisionChoice]:
    """The body's ordinary rule first (the fallback after consensus), then its special
    decisions, each with its threshold in words."""
    abstentions = settings.abstentions_count_as_cast
    ordinary = describe(threshold(settings.decision, abstentions_count=abstentions).label())
    choices = [DecisionChoice("", _("Ordinary decision"), ordinary)]
    for special in settings.special:
        words = describe(threshold(special.threshold, abstentions_count=abstentions).label())
        choices.append(DecisionChoice(special.name, special.label or special.name, words))
    return choices


def vote_modes(settings: BodySettings) -> list[PollMode]:
    """The ways of voting the body allows, open first."""
    return [m for m in PollMode if m is not PollMode.NAMED or settings.named_votes]


def handed_over(motion: Motion) -> list[Amendment | None]:
    """What of the motion waits for a vote: the motion itself (None) and its amendments,
    each after a test for agreement that ended without consensus."""
    waiting: list[Amendment | None] = [
        a for a in motion.amendments if a.status is AmendmentStatus.TO_VOTE
    ]
    if motion.status is MotionStatus.TO_VOTE:
        waiting.append(None)
    return waiting


# --- Reading -------------------------------------------------------------------------------


def polls_of(meeting: Meeting) -> list[Poll]:
    """The meeting's polls, newest first."""
    return list(
        db.session.scalars(
            select(Poll)
            .join(MeetingPoll, MeetingPoll.poll_id == Poll.id)
            .where(MeetingPoll.meeting_id == meeting.id)
            .order_by(Poll.id.desc())
        )
    )


def open_poll_of(meeting: Meeting) -> Poll | None:
    """The meeting's open poll, if any."""
    found = open_poll_at(meeting)
    return found.poll if found is not None else None


def polls_on(motion: Motion) -> list[Poll]:
    """The polls held or prepared on a motion and its amendments, oldest first."""
    return list(
        db.session.scalars(
            select(Poll)
            .join(MeetingPoll, MeetingPoll.poll_id == Poll.id)
            .where(MeetingPoll.motion_id == motion.id)
            .order_by(Poll.id)
        )
    )


def draft_on(motion: Motion, amendment: Amendment | None) -> Poll | None:
    """The poll prepared (not yet opened) on the motion or on this amendment, if any."""
    return next(
        (
            p
            for p in polls_on(motion)
            if p.status is PollStatus.DRAFT
            and p.floor.amendment_id == (amendment.id if amendment else None)
        ),
        None,
    )


def create_poll(
    actor: Person | None,
    meeting: Meeting,
    *,
    question: str = "",
    kind: PollKind = PollKind.MOTION,
    mode: PollMode = PollMode.OPEN,
    motion: Motion | None = None,
    amendment: Amendment | None = None,
    item: AgendaItem | None = None,
    choices: list[str] | None = None,
    special: str = "",
    free_vote: bool = False,
    minutes: int | None = None,
    form: BallotForm = BallotForm.CHOICE,
    seats: int = 1,
    audit_data: dict[str, Any] | None = None,
) -> Poll:
    """The chair drafts a poll on a motion, an amendment, a procedural question, an
    emergency meeting's justification or (lent to the elections domain through the
    ballots' host registry) an election's ballot; it opens separately, after the preview.
    Where the body tries consensus first, a poll deciding a motion or an amendment put to
    the meeting in session waits for a test for agreement without consensus or the
    decision to go straight to a vote (`handover.require_tried`)."""
    require_chair(actor, meeting)
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."))
    if amendment is not None:
        motion, kind = amendment.motion, PollKind.AMENDMENT
    if motion is not None:
        item = motion.item
        if item.meeting_id != meeting.id:
            raise Invalid(_("This motion belongs to another meeting."), field="motion")
        if kind is PollKind.MOTION and item.is_justification:
            kind = PollKind.JUSTIFICATION
    if item is not None and item.meeting_id != meeting.id:
        raise Invalid(_("This item belongs to another meeting."), field="item")
    if kind in (PollKind.MOTION, PollKind.AMENDMENT) and motion is None:
        raise Invalid(_("Choose the motion to vote on."), field="motion")
    if kind is PollKind.JUSTIFICATION and meeting.kind is not MeetingKind.EMERGENCY:
        raise Invalid(_("Only an emergency meeting decides whether it is justified."), field="kind")
    if meeting.needs_justification and kind is not PollKind.JUSTIFICATION:
        if meeting.justified is False:
            raise Conflict(
                _("This emergency meeting was found not justified: it decides nothing more.")
            )
        raise Conflict(_("First decide whether this emergency meeting is justified."))
    if motion is not None and meeting.status is MeetingStatus.OPEN:
        # Before the meeting a poll may be prepared to take votes by post; it opens only
        # once consensus was tried (`MeetingElectorate.check_can_open`).
        handover.require_tried(motion, amendment, kind=kind)
    question = question.strip()
    if not question and amendment is not None:
        assert motion is not None
        question = _("Adopt amendment %(id)d to “%(title)s”?", id=amendment.id, title=motion.title)
    elif not question and motion is not None:
        question = _("Adopt “%(title)s”?", title=motion.title)
    with transaction():
        poll = polls.create_poll(
            actor,
            meeting.body,
            subject=MeetingElectorate.subject,
            question=question,
            mode=mode,
            choices=choices,
            special=special,
            free_vote=free_vote,
            minutes=minutes,
            audit_data={"meeting": meeting.id, **(audit_data or {})},
            form=form,
            seats=seats,
        )
        db.session.add(
            MeetingPoll(
                poll=poll, meeting=meeting, item=item, motion=motion, amendment=amendment, kind=kind
            )
        )
        db.session.flush()
        changed(meeting, "poll")
    return poll


def put_to_vote(
    actor: Person | None,
    motion: Motion,
    *,
    amendment: Amendment | None = None,
    special: str = "",
    mode: PollMode = PollMode.OPEN,
    minutes: int | None = None,
) -> Poll:
    """The chair puts a motion (or an amendment) handed over by a test for agreement to
    the vote: a poll is prepared under the chosen rule and mode, to open after the preview.

    Putting the same question again while its poll is prepared returns that poll.
    """
    meeting = motion.item.meeting
    require_chair(actor, meeting)
    if amendment is not None and amendment.motion_id != motion.id:
        raise Invalid(_("This amendment belongs to another motion."), field="amendment")
    if amendment not in handed_over(motion):
        raise Conflict(_("Only a question without consensus goes to the vote."))
    existing = draft_on(motion, amendment)
    if existing is not None:
        return existing
    return create_poll(
        actor,
        meeting,
        kind=PollKind.AMENDMENT if amendment is not None else PollKind.MOTION,
        mode=mode,
        motion=motion,
        amendment=amendment,
        special=special,
        minutes=minutes,
    )


def record_motion_vote(poll: Poll) -> None:
    """A closed poll on a motion decides it: carried or lost (inside the closing
    transaction). A motion already decided (by consensus, or an earlier vote) keeps its
    decision; a motion carried at an emergency meeting waits for ratification."""
    motion = poll.floor.motion
    if motion is None or poll.result is None:
        return
    status = OUTCOME_STATUS.get(str(poll.result.get("outcome")))
    if status is None or motion.status not in (MotionStatus.SUBMITTED, MotionStatus.TO_VOTE):
        return
    motion.status = status
    motion.decided_at = utcnow()
    motion_decided(motion)
    item = motion.item
    if (
        status is MotionStatus.CARRIED
        and item.meeting.kind is MeetingKind.EMERGENCY
        and not item.is_justification
    ):
        motion.needs_ratification = True


def tracker_listed(poll: Poll, code: str) -> bool | None:
    """Whether a tracker code is among the published trackers of a closed secret poll
    (None: nothing is published yet, or the code is empty)."""
    listed = polls.published_trackers(poll)
    if not listed or not code.strip():
        return None
    return polls.tracker_hash(code) in listed


# --- Lent to other domains: a meeting's floor as the place a poll is held ------------------


def _occasions(body: Body) -> list[tuple[int, str]]:
    """The body's meetings a poll can still be held at, soonest first."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.body_id == body.id, Meeting.status != MeetingStatus.CLOSED)
        .order_by(Meeting.scheduled_for, Meeting.id)
    )
    return [(m.id, f"{m.title} ({m.scheduled_for:%Y-%m-%d})") for m in meetings]


def _draft_at(actor: Person | None, meeting_id: int, **poll: Any) -> Poll:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return create_poll(actor, meeting, kind=PollKind.ELECTION, **poll)


register_host(Host("meeting", _occasions, _draft_at))
