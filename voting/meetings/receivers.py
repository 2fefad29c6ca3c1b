"""How meetings react to what the ballots domain announces, inside the sender's
transaction (receivers never commit): a poll's close decides its motion or amendment in
the same transaction as the count."""

from __future__ import annotations

from typing import Any

from voting.ballots.models import Poll
from voting.ballots.signals import poll_changed, poll_closed, poll_rerun
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.meetings.models import AmendmentStatus, MeetingPoll, PollKind
from voting.meetings.services.changes import changed
from voting.meetings.services.floor import record_motion_vote
from voting.meetings.services.motions import adopt_amendment
from voting.membership.models import Person


def on_poll_changed(poll: Poll, *, regions: tuple[str, ...] = ("poll",), **_: Any) -> None:
    """A poll at a meeting changed: bump the meeting's version and push its screens."""
    if poll.floor is not None:
        changed(poll.floor.meeting, *regions)


def on_poll_closed(poll: Poll, *, actor: Person | None = None, **_: Any) -> None:
    """What a result changes: an amendment adopted or rejected, a meeting found justified,
    a motion carried or lost."""
    floor = poll.floor
    if floor is None:
        return
    carried = poll.result is not None and poll.result["outcome"] == "carried"
    amendment = floor.amendment
    if floor.kind is PollKind.AMENDMENT and amendment is not None:
        if amendment.status in (AmendmentStatus.ACCEPTED, AmendmentStatus.REJECTED):
            return
        if carried:
            adopt_amendment(amendment, actor)
        else:
            amendment.status = AmendmentStatus.REJECTED
            amendment.decided_at = utcnow()
    elif floor.kind is PollKind.JUSTIFICATION:
        floor.meeting.justified = carried
    if floor.kind in (PollKind.MOTION, PollKind.JUSTIFICATION) and floor.motion is not None:
        record_motion_vote(poll)


def on_poll_rerun(poll: Poll, *, rerun: Poll, **_: Any) -> None:
    """An annulled poll at a meeting is put again: the new poll is put to the same meeting,
    on the same question."""
    floor = poll.floor
    if floor is None:
        return
    db.session.add(
        MeetingPoll(
            poll=rerun,
            meeting_id=floor.meeting_id,
            item_id=floor.item_id,
            motion_id=floor.motion_id,
            amendment_id=floor.amendment_id,
            kind=floor.kind,
        )
    )
    db.session.flush()


def connect() -> None:
    """Listen to the ballots domain (idempotent: blinker keeps one connection per receiver)."""
    poll_changed.connect(on_poll_changed)
    poll_closed.connect(on_poll_closed)
    poll_rerun.connect(on_poll_rerun)
