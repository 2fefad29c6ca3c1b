"""A meeting's minutes, generated from what happened: who attended against the quorum,
the agenda, each motion's text as decided with its amendments, every test for agreement
(with reservations, stand-asides and blocks and their reasons where the body shows
names), every vote (its question, result sentences, the named list of a roll call, the
published trackers and the audit hash of a secret count), elections with their rounds,
late items with their reason; and what the secretary added: a summary, a note per item.

**Skeleton minutes** (a meeting security requires) keep the agenda's headings, each
motion's title with its outcome and the secretary's notes; `read` leaves everything else
out of what it returns, so no page, download or document made from it can show it.
The same reading gives the page, the Markdown, HTML and PDF documents and the hash of
the minutes as approved (`content`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.core.text import natural_key
from voting.elections.models import Election
from voting.elections.queries import result_json
from voting.meetings.models import (
    AgendaItem,
    CheckIn,
    ConsensusOutcome,
    ConsensusTest,
    Meeting,
    MeetingPoll,
    MeetingStatus,
    Motion,
)
from voting.meetings.services import agenda
from voting.meetings.state import Quorate, quorum_of
from voting.membership.models import Person
from voting.membership.permissions import attending_membership
from voting.org.models import Body
from voting.record.models import Minutes as Written
from voting.record.models import MinutesStatus
from voting.record.services.minutes import may_edit


@dataclass
class VoteRecord:
    poll: Poll
    sentences: list[str]
    named: list[dict[str, object]]
    trackers: list[str] = field(default_factory=list)  # a secret poll's, published
    election: dict[str, object] | None = None  # an election's result with its rounds


@dataclass
class TestRecord:
    test: ConsensusTest
    counts: dict[str, int]
    named: list[tuple[str, str, str]]  # (name, response, reason) where names are shown


@dataclass
class MotionRecord:
    motion: Motion
    text: str
    amendments: list[tuple[str, str, str]] = field(default_factory=list)  # (text, status, by)
    tests: list[TestRecord] = field(default_factory=list)
    votes: list[VoteRecord] = field(default_factory=list)
    # The meeting's decisions to vote without testing for agreement: (amendment's text or
    # "" for the motion, the reason).
    straight: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ItemRecord:
    item: AgendaItem
    note: str = ""
    motions: list[MotionRecord] = field(default_factory=list)
    votes: list[VoteRecord] = field(default_factory=list)  # procedural, elections


@dataclass
class Minutes:
    meeting: Meeting
    present: list[tuple[str, datetime]]  # names and times; empty in skeleton minutes
    quorum: Quorate
    items: list[ItemRecord]
    other_votes: list[VoteRecord] = field(default_factory=list)  # on no item
    summary: str = ""
    skeleton: bool = False
    written: Written | None = None  # the secretary's part and the approval

    @property
    def approved(self) -> bool:
        return self.written is not None and self.written.status is MinutesStatus.APPROVED


def readers_of(meeting: Meeting) -> Body:
    """The body whose members read the meeting's minutes: the one the body's settings name
    (AWL: the Executive's go to the National Committee), else the body itself."""
    wanted = meeting.body.settings.minutes_to
    named = next((b for b in meeting.body.organisation.bodies if b.slug == wanted), None)
    return named or meeting.body


def in_agenda_order(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items as its agenda lists them: by the body's sections, then position."""
    order = {name: n for n, name in enumerate(agenda.sections(meeting))}
    return sorted(meeting.items, key=lambda i: (order.get(i.section, len(order)), i.position, i.id))


def linked_on_screen(meeting: Meeting, view: str) -> bool:
    """Whether a closed meeting's screen links its minutes: the chair's always; the
    members' where the minutes go to the members of the body itself. A screen is rendered
    once for everyone who watches it, so this depends on the view, not on the person."""
    if meeting.status is not MeetingStatus.CLOSED:
        return False
    return view == "chair" or (view == "member" and readers_of(meeting) == meeting.body)


def may_read(person: Person | None, meeting: Meeting) -> bool:
    """Whoever chairs the body or writes its minutes, and the members of the body its
    minutes go to."""
    return (
        may_edit(person, meeting) or attending_membership(person, readers_of(meeting)) is not None
    )


def _vote(poll: Poll) -> VoteRecord:
    named = (poll.result or {}).get("named", []) if poll.mode is PollMode.NAMED else []
    election = db.session.scalar(select(Election).where(Election.poll_id == poll.id))
    return VoteRecord(
        poll,
        polls.result_sentences(poll),
        list(named),
        polls.published_trackers(poll),
        result_json(election) if election is not None else None,
    )


def _amendments(motion: Motion) -> list[tuple[str, str, str]]:
    return [
        (a.text, a.status.value, a.proposer.name if a.proposer else "")
        for a in sorted(motion.amendments, key=lambda a: a.id)
    ]


def _test(test: ConsensusTest, show_names: bool) -> TestRecord:
    counts: dict[str, int] = {}
    named = []
    for answer in test.answers:
        counts[answer.response.value] = counts.get(answer.response.value, 0) + 1
        if show_names and answer.response.value != "agree":
            named.append((answer.person.name, answer.response.value, answer.reason))
    return TestRecord(test, counts, sorted(named, key=lambda n: (natural_key(n[0]), n[1:])))


def read(meeting: Meeting) -> Minutes:
    """The meeting's record as the minutes give it, read once (skeleton minutes: only
    what they keep)."""
    written = db.session.scalar(select(Written).where(Written.meeting_id == meeting.id))
    skeleton = written is not None and written.skeleton
    notes = {n.item_id: n.text for n in written.notes} if written is not None else {}
    present = [
        (c.person.name, c.at)
        for c in db.session.scalars(
            select(CheckIn).where(CheckIn.meeting_id == meeting.id).order_by(CheckIn.at)
        )
    ]
    present.sort(key=lambda p: natural_key(p[0]))
    floor = list(
        db.session.scalars(
            select(MeetingPoll)
            .join(Poll, Poll.id == MeetingPoll.poll_id)
            .where(MeetingPoll.meeting_id == meeting.id, Poll.status == PollStatus.CLOSED)
            .order_by(Poll.closed_at, Poll.id)
        )
    )
    tests = list(
        db.session.scalars(
            select(ConsensusTest)
            .join(AgendaItem, AgendaItem.id == ConsensusTest.item_id)
            .where(
                AgendaItem.meeting_id == meeting.id,
                ConsensusTest.outcome != ConsensusOutcome.OPEN,
            )
            .order_by(ConsensusTest.opened_at)
        )
    )
    show_names = meeting.body.settings.consensus.show_names
    items = []
    for item in in_agenda_order(meeting):
        record = ItemRecord(item, notes.get(item.id, ""))
        for motion in item.motions:
            if skeleton:
                record.motions.append(MotionRecord(motion, ""))
                continue
            entry = MotionRecord(motion, motion.text, _amendments(motion))
            entry.tests = [_test(t, show_names) for t in tests if t.motion_id == motion.id]
            entry.straight = [
                (d.amendment.text if d.amendment is not None else "", d.reason)
                for d in sorted(motion.straight_to_vote, key=lambda d: (d.decided_at, d.id))
            ]
            entry.votes = [_vote(f.poll) for f in floor if f.motion_id == motion.id]
            record.motions.append(entry)
        if not skeleton:
            record.votes = [
                _vote(f.poll) for f in floor if f.motion_id is None and f.item_id == item.id
            ]
        items.append(record)
    other = (
        []
        if skeleton
        else [_vote(f.poll) for f in floor if f.motion_id is None and f.item_id is None]
    )
    return Minutes(
        meeting,
        [] if skeleton else present,
        quorum_of(meeting),
        items,
        other,
        summary=written.summary if written is not None else "",
        skeleton=skeleton,
        written=written,
    )


def _vote_content(v: VoteRecord) -> dict[str, object]:
    return {
        "poll": v.poll.id,
        "question": v.poll.question,
        "result": v.poll.result,
        "named": v.named,
        "trackers": v.trackers,
    }


def content(m: Minutes) -> dict[str, object]:
    """What the minutes say, language-neutral, for the hash of the minutes as approved."""
    return {
        "meeting": m.meeting.id,
        "title": m.meeting.title,
        "scheduled_for": m.meeting.scheduled_for.isoformat(),
        "skeleton": m.skeleton,
        "summary": m.summary,
        "present": [name for name, _at in m.present],
        "present_count": m.quorum.present,
        "items": [
            {
                "item": r.item.id,
                "section": r.item.section,
                "title": r.item.title,
                "note": r.note,
                "motions": [
                    {
                        "title": mr.motion.title,
                        "status": mr.motion.status.value,
                        "text": mr.text,
                        "amendments": mr.amendments,
                        "tests": [
                            {"outcome": t.test.outcome.value, "counts": t.counts, "named": t.named}
                            for t in mr.tests
                        ],
                        "votes": [_vote_content(v) for v in mr.votes],
                        **(
                            {"straight_to_vote": [list(d) for d in mr.straight]}
                            if mr.straight
                            else {}
                        ),
                    }
                    for mr in r.motions
                ],
                "votes": [_vote_content(v) for v in r.votes],
            }
            for r in m.items
        ],
        "other_votes": [_vote_content(v) for v in m.other_votes],
    }
