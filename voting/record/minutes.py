"""Draft minutes of a meeting, generated from what happened: who attended, the agenda,
each motion's text as decided, every test for agreement (with reservations, stand-asides
and blocks and their reasons where the body shows names) and every vote (its question,
mode, result sentence and counts, the named list of a roll call, the audit hash of its
count). The same reading gives the page and the Markdown download."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.meetings.models import (
    AgendaItem,
    CheckIn,
    ConsensusOutcome,
    ConsensusTest,
    Meeting,
    MeetingPoll,
    Motion,
)
from voting.meetings.permissions import is_chair
from voting.membership.models import Person
from voting.membership.permissions import attending_membership
from voting.org.models import Body


@dataclass
class VoteRecord:
    poll: Poll
    sentences: list[str]
    named: list[dict[str, object]]


@dataclass
class TestRecord:
    test: ConsensusTest
    counts: dict[str, int]
    named: list[tuple[str, str, str]]  # (name, response, reason) where names are shown


@dataclass
class MotionRecord:
    motion: Motion
    text: str
    tests: list[TestRecord] = field(default_factory=list)
    votes: list[VoteRecord] = field(default_factory=list)


@dataclass
class ItemRecord:
    item: AgendaItem
    motions: list[MotionRecord] = field(default_factory=list)
    votes: list[VoteRecord] = field(default_factory=list)  # procedural, elections


@dataclass
class Minutes:
    meeting: Meeting
    present: list[tuple[str, datetime]]
    items: list[ItemRecord]
    other_votes: list[VoteRecord] = field(default_factory=list)  # on no item


def readers_of(meeting: Meeting) -> Body:
    """The body whose members read the meeting's minutes: the one the body's settings name
    (AWL: the Executive's go to the National Committee), else the body itself."""
    wanted = meeting.body.settings.minutes_to
    named = next((b for b in meeting.body.organisation.bodies if b.slug == wanted), None)
    return named or meeting.body


def may_read(person: Person | None, meeting: Meeting) -> bool:
    """Whoever chairs the body, and the members of the body its minutes go to."""
    return (
        is_chair(person, meeting.body)
        or attending_membership(person, readers_of(meeting)) is not None
    )


def _vote(poll: Poll) -> VoteRecord:
    named = (poll.result or {}).get("named", []) if poll.mode is PollMode.NAMED else []
    return VoteRecord(poll, polls.result_sentences(poll), list(named))


def _test(test: ConsensusTest, show_names: bool) -> TestRecord:
    counts: dict[str, int] = {}
    named = []
    for answer in test.answers:
        counts[answer.response.value] = counts.get(answer.response.value, 0) + 1
        if show_names and answer.response.value != "agree":
            named.append((answer.person.name, answer.response.value, answer.reason))
    return TestRecord(test, counts, sorted(named))


def read(meeting: Meeting) -> Minutes:
    """The meeting's record as the minutes give it, read once."""
    present = [
        (c.person.name, c.at)
        for c in db.session.scalars(
            select(CheckIn).where(CheckIn.meeting_id == meeting.id).order_by(CheckIn.at)
        )
    ]
    present.sort(key=lambda p: p[0].casefold())
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
    for item in sorted(meeting.items, key=lambda i: (i.section, i.position, i.id)):
        record = ItemRecord(item)
        for motion in item.motions:
            entry = MotionRecord(motion, motion.text)
            entry.tests = [_test(t, show_names) for t in tests if t.motion_id == motion.id]
            entry.votes = [_vote(f.poll) for f in floor if f.motion_id == motion.id]
            record.motions.append(entry)
        record.votes = [
            _vote(f.poll) for f in floor if f.motion_id is None and f.item_id == item.id
        ]
        items.append(record)
    other = [_vote(f.poll) for f in floor if f.motion_id is None and f.item_id is None]
    return Minutes(meeting, present, items, other)
