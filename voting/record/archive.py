"""A meeting's archive: what it decided, as one JSON document that another installation
imports (`flask voting export-meeting` / `import-meeting`, the download
`/meetings/<id>/archive.json`, `GET /api/v1/meetings/{id}/archive`).

The archive (`{"format": "voting-meeting-archive", "version": 1, ...}`) holds the
organisation and body it came from, the meeting, its agenda items with their motions
(every text version, the amendments, the tests for agreement), the speakers' lists, the
attendance and the polls that were counted or annulled. It holds no database ids: its
items, motions, amendments and polls refer to each other by keys of its own
(`item-1`, `motion-1`, ...), so an archive exported again after an import is the same
document but for where it was made.

**People are written by name only**, never by email or id, whoever exports. The archive
leaves the installation, and whoever holds a copy should learn from it what the minutes
say, not how to reach each member; the minutes themselves name people only. Emails would
match people more surely on import, but only for an exporter allowed to manage members,
and two kinds of archive of one meeting would be one too many. An import matches a name
to a member of the target organisation (exactly one member of that name; two of the same
name match neither), and a unit to its unit of that name. Whoever is not matched is left
out of the rows that need a person (a check-in, a raised hand, a proposer), named in the
import's audit entry and in the command's output. The answers to a test for agreement
are written by name only where the body shows names (else only their counts, and its
summary, which names who blocked, is left out too); they are recreated only when every
one of them is named and matched: a count with some answers missing would misstate the
support a decision had.

**Secret polls.** A poll is written as its result was stored when it was counted (the
totals, the sentences, the audit hash of the count) with its published trackers (the
digests a voter checks theirs against, sorted, never paired with a choice). Nothing is
read from the sealed or counted secret ballots, the participation or the votes: an open
poll's per-voter records are not in the archive, and a roll call's only as its stored
result's named list publishes them.

**What is left out**: what is still undecided (a test for agreement still open, a poll
not counted), an election's own records (its position, nominations and rounds: its
ballot is archived as a poll, with the result it stored), the links of emergency
decisions to the meeting that ratifies them, voting cards, mandates and proxies.

**An import** is an operator's act (the command line). In one transaction it creates the
meeting, closed, under the named organisation's body with its items, motions, tests and
polls (closed, or annulled, with their stored result; their audit hashes are the source
installation's chain's, and each imported poll is entered in the target's chain with
it), or refuses with a message and writes nothing.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from voting.ballots.models import BallotTracker, Poll, PollMode, PollStatus, Vote
from voting.ballots.services import polls
from voting.core import audit
from voting.core.columns import LARGEST_INTEGER, utcnow
from voting.core.database import transaction
from voting.core.errors import Invalid
from voting.core.extensions import db
from voting.core.permissions import can
from voting.meetings.electorate import MeetingElectorate
from voting.meetings.models import (
    AgendaItem,
    Amendment,
    AmendmentStatus,
    Answer,
    CalledBy,
    CheckIn,
    CheckInVia,
    ConsensusAnswer,
    ConsensusOutcome,
    ConsensusTest,
    ItemStatus,
    Meeting,
    MeetingKind,
    MeetingPoll,
    MeetingStatus,
    Motion,
    MotionStage,
    MotionStatus,
    MotionVersion,
    PollKind,
    SpeakerKind,
    SpeakerRequest,
)
from voting.meetings.permissions import is_chair
from voting.membership.models import Membership, Person
from voting.org.models import Body, Organisation, Unit
from voting.org.permissions import Action
from voting.org.services.organisations import by_slug
from voting.rules.rankings import BallotForm

FORMAT = "voting-meeting-archive"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024  # far above a meeting's (the tests', with two polls: 10 kB)
ARCHIVED = (PollStatus.CLOSED, PollStatus.ANNULLED)


def may_export(person: Person | None, meeting: Meeting) -> bool:
    """The meeting's chair and the organisation's secretaries and admins (as for the
    attendance): the archive names who attended and who answered what."""
    return is_chair(person, meeting.body) or can(
        person, Action.MANAGE_MEMBERS, meeting.body.organisation_id
    )


# --- Export -------------------------------------------------------------------------------


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


def _keys(prefix: str, ids: list[int]) -> dict[int, str]:
    return {id_: f"{prefix}-{n}" for n, id_ in enumerate(ids, start=1)}


def export_meeting(meeting: Meeting) -> dict[str, Any]:
    """The meeting's archive, as plain JSON data."""
    body = meeting.body
    show_names = body.settings.consensus.show_names
    items = sorted(meeting.items, key=lambda i: (i.position, i.id))
    motions = [m for i in items for m in i.motions]
    amendments = [a for m in motions for a in m.amendments]
    item_keys = _keys("item", [i.id for i in items])
    motion_keys = _keys("motion", [m.id for m in motions])
    amendment_keys = _keys("amendment", [a.id for a in amendments])
    item_ids = list(item_keys)
    tests = list(
        db.session.scalars(
            select(ConsensusTest)
            .where(
                ConsensusTest.item_id.in_(item_ids),
                ConsensusTest.outcome != ConsensusOutcome.OPEN,
            )
            .order_by(ConsensusTest.opened_at, ConsensusTest.id)
        )
    )
    speakers = list(
        db.session.scalars(
            select(SpeakerRequest)
            .where(SpeakerRequest.item_id.in_(item_ids))
            .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)
        )
    )
    floor = list(
        db.session.scalars(
            select(MeetingPoll)
            .join(Poll, Poll.id == MeetingPoll.poll_id)
            .where(MeetingPoll.meeting_id == meeting.id, Poll.status.in_(ARCHIVED))
            .order_by(Poll.id)
        )
    )
    poll_keys = _keys("poll", [f.poll_id for f in floor])
    check_ins = db.session.scalars(
        select(CheckIn).where(CheckIn.meeting_id == meeting.id).order_by(CheckIn.at, CheckIn.id)
    )

    def test_json(test: ConsensusTest) -> dict[str, Any]:
        counts = Counter(a.response.value for a in test.answers)
        return {
            "amendment": amendment_keys.get(test.amendment_id) if test.amendment_id else None,
            "opened_at": _at(test.opened_at),
            "minutes": test.minutes,
            "deadline": _at(test.deadline),
            "closed_at": _at(test.closed_at),
            "outcome": test.outcome.value,
            "counts": {a.value: counts[a.value] for a in Answer},
            # The summary names who blocked: like the names, only where the body shows them.
            "summary": test.summary if show_names else None,
            "answers": sorted(
                (
                    {"name": a.person.name, "response": a.response.value, "reason": a.reason}
                    for a in test.answers
                ),
                key=lambda a: (a["name"], a["response"], a["reason"]),
            )
            if show_names
            else None,
        }

    def motion_json(motion: Motion) -> dict[str, Any]:
        return {
            "key": motion_keys[motion.id],
            "title": motion.title,
            "stage": motion.stage.value,
            "status": motion.status.value,
            "proposer": _name(motion.proposer),
            "unit": motion.unit.name if motion.unit else None,
            "submitted_at": _at(motion.submitted_at),
            "decided_at": _at(motion.decided_at),
            "needs_ratification": motion.needs_ratification,
            "ratified": motion.ratified,
            "versions": [
                {
                    "number": v.number,
                    "text": v.text,
                    "note": v.note,
                    "author": _name(db.session.get(Person, v.author_id)) if v.author_id else None,
                    "amendment": amendment_keys.get(v.amendment_id) if v.amendment_id else None,
                    "at": _at(v.at),
                }
                for v in motion.versions
            ],
            "amendments": [
                {
                    "key": amendment_keys[a.id],
                    "paragraph": a.paragraph,
                    "text": a.text,
                    "reason": a.reason,
                    "status": a.status.value,
                    "proposer": _name(a.proposer),
                    "submitted_at": _at(a.submitted_at),
                    "decided_at": _at(a.decided_at),
                    "decided_by": _name(db.session.get(Person, a.decided_by_id))
                    if a.decided_by_id
                    else None,
                }
                for a in motion.amendments
            ],
            "tests": [test_json(t) for t in tests if t.motion_id == motion.id],
        }

    def item_json(item: AgendaItem) -> dict[str, Any]:
        return {
            "key": item_keys[item.id],
            "section": item.section,
            "position": item.position,
            "title": item.title,
            "description": item.description,
            "submitted_by": _name(item.submitted_by),
            "unit": item.unit.name if item.unit else None,
            "submitted_at": _at(item.submitted_at),
            "late": item.late,
            "late_reason": item.late_reason,
            "status": item.status.value,
            "suspended": item.suspended,
            "speakers_closed": item.speakers_closed,
            "is_justification": item.is_justification,
            "motions": [motion_json(m) for m in item.motions],
            "speakers": [
                {
                    "name": s.person.name,
                    "kind": s.kind.value,
                    "viewpoint": s.viewpoint,
                    "requested_at": _at(s.requested_at),
                    "called_at": _at(s.called_at),
                    "finished_at": _at(s.finished_at),
                    "seconds_used": s.seconds_used,
                    "withdrawn": s.withdrawn,
                    "removed": s.removed,
                }
                for s in speakers
                if s.item_id == item.id
            ],
        }

    def poll_json(link: MeetingPoll) -> dict[str, Any]:
        poll = link.poll
        result = json.loads(json.dumps(poll.result)) if poll.result is not None else None
        return {
            "key": poll_keys[poll.id],
            "kind": link.kind.value,
            "item": item_keys.get(link.item_id) if link.item_id else None,
            "motion": motion_keys.get(link.motion_id) if link.motion_id else None,
            "amendment": amendment_keys.get(link.amendment_id) if link.amendment_id else None,
            "question": poll.question,
            "mode": poll.mode.value,
            "form": poll.form.value,
            "seats": poll.seats,
            "choices": list(poll.choices),
            "special": poll.special,
            "free_vote": poll.free_vote,
            "status": poll.status.value,
            "opened_at": _at(poll.opened_at),
            "closed_at": _at(poll.closed_at),
            "annulled_at": _at(poll.annulled_at),
            "annul_reason": poll.annul_reason,
            "rerun_of": poll_keys.get(poll.rerun_of_id) if poll.rerun_of_id else None,
            "members": poll.members,
            "units_total": poll.units_total,
            "unheld": poll.unheld,
            "result": result,
            "audit_hash": (result or {}).get("audit_hash"),
            "trackers": polls.published_trackers(poll),
        }

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "organisation": {"slug": body.organisation.slug, "name": body.organisation.name},
        "body": {"slug": body.slug, "name": body.name},
        "meeting": {
            "title": meeting.title,
            "kind": meeting.kind.value,
            "status": meeting.status.value,
            "scheduled_for": _at(meeting.scheduled_for),
            "notice_given_at": _at(meeting.notice_given_at),
            "short_notice": meeting.short_notice,
            "called_by": meeting.called_by.value,
            "grounds": meeting.grounds,
            "justified": meeting.justified,
            "opened_at": _at(meeting.opened_at),
            "closed_at": _at(meeting.closed_at),
        },
        "attendance": [
            {"name": c.person.name, "at": _at(c.at), "via": c.via.value} for c in check_ins
        ],
        "items": [item_json(i) for i in items],
        "polls": [poll_json(f) for f in floor],
    }


def dumps(archive: dict[str, Any]) -> str:
    """The archive as the file holds it: UTF-8 JSON, indented, keys sorted."""
    return json.dumps(archive, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- Reading an archive -------------------------------------------------------------------


def loads(raw: bytes | str) -> dict[str, Any]:
    """The archive in `raw`, refused unless it is JSON of this format and version."""
    if len(raw) > MAX_BYTES:
        raise Invalid(_("The archive is larger than %(mb)d MB.", mb=MAX_BYTES // 2**20))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise Invalid(_("The archive is not JSON: %(why)s", why=str(error)[:200])) from error
    return _checked(data)


def _checked(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(_("This is not a meeting archive (its format is not %(f)s).", f=FORMAT))
    if data.get("version") != VERSION:
        raise Invalid(
            _(
                "The archive is of version %(version)s; this installation reads version %(ours)d.",
                version=str(data.get("version"))[:20],
                ours=VERSION,
            )
        )
    return data


def read_file(path: Path) -> dict[str, Any]:
    """The archive in the file at `path` (its size checked before it is read)."""
    if path.stat().st_size > MAX_BYTES:
        raise Invalid(_("The archive is larger than %(mb)d MB.", mb=MAX_BYTES // 2**20))
    return loads(path.read_bytes())


class _Part:
    """One object of the archive, read key by key: a missing key or a value of the wrong
    kind is refused with its place in the archive (`items[0].motions[1].title`)."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise Invalid(_("In the archive, %(where)s is not an object.", where=where or "/"))
        self.data, self.where = data, where

    def _place(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise Invalid(_("The archive lacks %(where)s.", where=self._place(key)))
        return self.data[key]

    def _wrong(self, key: str) -> Invalid:
        return Invalid(_("In the archive, %(where)s is not valid.", where=self._place(key)))

    def text(self, key: str, column: Any = None, *, null: bool = False) -> Any:
        value = self._get(key)
        if value is None and null:
            return None
        limit = getattr(getattr(column, "type", None), "length", None)
        if not isinstance(value, str) or (limit is not None and len(value) > limit):
            raise self._wrong(key)
        return value

    def number(self, key: str, *, null: bool = False) -> Any:
        value = self._get(key)
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > LARGEST_INTEGER:
            raise self._wrong(key)
        return value

    def flag(self, key: str, *, null: bool = False) -> Any:
        value = self._get(key)
        if (value is None and null) or isinstance(value, bool):
            return value
        raise self._wrong(key)

    def when(self, key: str, *, null: bool = True) -> Any:
        value = self._get(key)
        if value is None and null:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError) as error:
            raise self._wrong(key) from error
        if moment.tzinfo is None:
            raise self._wrong(key)
        return moment

    def choice(self, key: str, kind: Any, *, allowed: Any = None) -> Any:
        value = self._get(key)
        try:
            chosen = kind(value)
        except ValueError as error:
            raise self._wrong(key) from error
        if allowed is not None and chosen not in allowed:
            raise self._wrong(key)
        return chosen

    def part(self, key: str) -> _Part:
        return _Part(self._get(key), self._place(key))

    def parts(self, key: str, *, null: bool = False) -> Any:
        value = self._get(key)
        if value is None and null:
            return None
        if not isinstance(value, list):
            raise self._wrong(key)
        return [_Part(v, f"{self._place(key)}[{n}]") for n, v in enumerate(value)]

    def texts(self, key: str, column: Any) -> list[str]:
        value = self._get(key)
        limit = column.type.length
        if not isinstance(value, list) or not all(
            isinstance(v, str) and (limit is None or len(v) <= limit) for v in value
        ):
            raise self._wrong(key)
        return value

    def key(self, key: str, known: dict[str, Any]) -> Any:
        """A reference to a part the archive gave before (None: to none)."""
        value = self._get(key)
        if value is None:
            return None
        if value not in known:
            raise self._wrong(key)
        return known[value]

    def mapping(self, key: str, *, null: bool = False) -> Any:
        value = self._get(key)
        if (value is None and null) or isinstance(value, dict):
            return value
        raise self._wrong(key)


# --- Import -------------------------------------------------------------------------------


class _Members:
    """The target organisation's members and units by name; what is not found is noted."""

    def __init__(self, organisation: Organisation) -> None:
        found: dict[str, list[Person]] = {}
        for person in db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.organisation_id == organisation.id)
        ):
            found.setdefault(_folded(person.name), []).append(person)
        self.by_name = {name: people[0] for name, people in found.items() if len(people) == 1}
        self.units = {_folded(u.name): u for u in organisation.units}
        self.unmatched: list[dict[str, str]] = []

    def _note(self, name: str, where: str) -> None:
        if {"name": name, "as": where} not in self.unmatched:
            self.unmatched.append({"name": name, "as": where})

    def find(self, name: str | None, where: str) -> Person | None:
        if not name:
            return None
        person = self.by_name.get(_folded(name))
        if person is None:
            self._note(name, where)
        return person

    def unit(self, name: str | None, where: str) -> Unit | None:
        if not name:
            return None
        unit = self.units.get(_folded(name))
        if unit is None:
            self._note(name, where)
        return unit


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class Imported:
    meeting: Meeting
    polls: list[Poll] = field(default_factory=list)
    unmatched: list[dict[str, str]] = field(default_factory=list)  # name, and as what


def _target(organisation: str, body: str | None, archive: _Part) -> Body:
    org = by_slug(organisation)
    if org is None:
        raise Invalid(_("There is no organisation “%(slug)s” here.", slug=organisation))
    wanted = body or archive.part("body").text("slug")
    found = next((b for b in org.bodies if b.slug == wanted), None)
    if found is None:
        raise Invalid(
            _(
                "%(organisation)s has no body “%(body)s”; its bodies: %(bodies)s.",
                organisation=org.name,
                body=wanted,
                bodies=", ".join(b.slug for b in org.bodies),
            )
        )
    return found


def import_meeting(archive: dict[str, Any], organisation: str, body: str | None = None) -> Imported:
    """Recreate the archived meeting, closed, under `organisation`'s body (by its short
    name; by default the archive's body's): its items, motions, tests and polls, and the
    people matched by name among the organisation's members. One transaction, audited;
    a refusal (a missing or wrong part, no such body) writes nothing."""
    data = _Part(_checked(archive), "")
    target = _target(organisation, body, data)
    try:
        with transaction():
            imported = _write(data, target)
    except IntegrityError as error:
        raise Invalid(_("The archive contradicts itself (a part given twice).")) from error
    return imported


def _write(data: _Part, body: Body) -> Imported:
    members = _Members(body.organisation)
    m = data.part("meeting")
    meeting = Meeting(
        body=body,
        title=m.text("title", Meeting.title),
        kind=m.choice("kind", MeetingKind),
        status=MeetingStatus.CLOSED,
        scheduled_for=m.when("scheduled_for", null=False),
        notice_given_at=m.when("notice_given_at", null=False),
        short_notice=m.flag("short_notice"),
        called_by=m.choice("called_by", CalledBy),
        grounds=m.text("grounds"),
        justified=m.flag("justified", null=True),
        join_code=secrets.token_urlsafe(12),
        opened_at=m.when("opened_at"),
        closed_at=m.when("closed_at") or utcnow(),
    )
    db.session.add(meeting)
    imported = Imported(meeting)

    seen: set[int] = set()
    for entry in data.parts("attendance"):
        at = {"via": entry.choice("via", CheckInVia), "at": entry.when("at", null=False)}
        who = members.find(entry.text("name"), "present")
        if who is not None and who.id not in seen:
            seen.add(who.id)
            db.session.add(CheckIn(meeting=meeting, person_id=who.id, **at))

    items: dict[str, AgendaItem] = {}
    motions: dict[str, Motion] = {}
    amendments: dict[str, Amendment] = {}
    tests = 0
    for entry in data.parts("items"):
        item = _item(entry, meeting, members)
        items[entry.text("key")] = item
        for part in entry.parts("motions"):
            motion = _motion(part, item, members, amendments)
            motions[part.text("key")] = motion
            for test in part.parts("tests"):
                _test(test, motion, amendments, members)
                tests += 1
        for s in entry.parts("speakers"):
            hand = {
                "kind": s.choice("kind", SpeakerKind),
                "viewpoint": s.text("viewpoint", SpeakerRequest.viewpoint, null=True),
                "requested_at": s.when("requested_at", null=False),
                "called_at": s.when("called_at"),
                "finished_at": s.when("finished_at"),
                "seconds_used": s.number("seconds_used"),
                "withdrawn": s.flag("withdrawn"),
                "removed": s.flag("removed"),
            }
            who = members.find(s.text("name"), "speaker")
            if who is not None:
                db.session.add(SpeakerRequest(item=item, person_id=who.id, **hand))
    db.session.flush()

    keyed: dict[str, Poll] = {}
    for entry in data.parts("polls"):
        poll = _poll(entry, meeting, items, motions, amendments, keyed)
        keyed[entry.text("key")] = poll
        imported.polls.append(poll)

    imported.unmatched = members.unmatched
    source = data.part("organisation"), data.part("body")
    audit.record(
        "meeting.imported",
        actor=None,
        organisation_id=body.organisation_id,
        meeting=meeting.id,
        body=body.slug,
        source={
            "organisation": source[0].text("slug"),
            "body": source[1].text("slug"),
            "exported_at": data.text("exported_at"),
            "status": m.choice("status", MeetingStatus).value,
        },
        items=len(items),
        motions=len(motions),
        tests=tests,
        polls=len(imported.polls),
        present=len(seen),
        unmatched=members.unmatched,
    )
    return imported


def _item(entry: _Part, meeting: Meeting, members: _Members) -> AgendaItem:
    status = entry.choice("status", ItemStatus)
    item = AgendaItem(
        meeting=meeting,
        section=entry.text("section", AgendaItem.section),
        position=entry.number("position"),
        title=entry.text("title", AgendaItem.title),
        description=entry.text("description"),
        submitted_by=members.find(entry.text("submitted_by", null=True), "item submitter"),
        unit=members.unit(entry.text("unit", null=True), "unit of an item"),
        submitted_at=entry.when("submitted_at", null=False),
        late=entry.flag("late"),
        late_reason=entry.text("late_reason"),
        # The meeting is closed: so is the item it was discussing.
        status=ItemStatus.CLOSED if status is ItemStatus.OPEN else status,
        suspended=entry.flag("suspended"),
        speakers_closed=entry.flag("speakers_closed"),
        is_justification=entry.flag("is_justification"),
    )
    db.session.add(item)
    return item


def _motion(
    entry: _Part,
    item: AgendaItem,
    members: _Members,
    amendments: dict[str, Amendment],
) -> Motion:
    motion = Motion(
        item=item,
        stage=entry.choice("stage", MotionStage),
        title=entry.text("title", Motion.title),
        proposer=members.find(entry.text("proposer", null=True), "proposer"),
        unit=members.unit(entry.text("unit", null=True), "unit of a motion"),
        status=entry.choice("status", MotionStatus),
        submitted_at=entry.when("submitted_at", null=False),
        decided_at=entry.when("decided_at"),
        needs_ratification=entry.flag("needs_ratification"),
        ratified=entry.flag("ratified", null=True),
    )
    db.session.add(motion)
    for a in entry.parts("amendments"):
        decided_by = members.find(a.text("decided_by", null=True), "amendment decided by")
        amendment = Amendment(
            motion=motion,
            proposer=members.find(a.text("proposer", null=True), "amendment proposer"),
            paragraph=a.number("paragraph", null=True),
            text=a.text("text"),
            reason=a.text("reason"),
            status=a.choice("status", AmendmentStatus),
            submitted_at=a.when("submitted_at", null=False),
            decided_at=a.when("decided_at"),
            decided_by_id=decided_by.id if decided_by else None,
        )
        db.session.add(amendment)
        amendments[a.text("key")] = amendment
    db.session.flush()
    for v in entry.parts("versions"):
        author = members.find(v.text("author", null=True), "author")
        amendment = v.key("amendment", amendments)
        db.session.add(
            MotionVersion(
                motion=motion,
                number=v.number("number"),
                text=v.text("text"),
                note=v.text("note", MotionVersion.note),
                author_id=author.id if author else None,
                amendment_id=amendment.id if amendment else None,
                at=v.when("at", null=False),
            )
        )
    return motion


def _test(
    entry: _Part, motion: Motion, amendments: dict[str, Amendment], members: _Members
) -> None:
    test = ConsensusTest(
        item=motion.item,
        motion=motion,
        amendment=entry.key("amendment", amendments),
        opened_at=entry.when("opened_at", null=False),
        minutes=entry.number("minutes"),
        deadline=entry.when("deadline", null=False),
        closed_at=entry.when("closed_at", null=False),
        outcome=entry.choice(
            "outcome", ConsensusOutcome, allowed=set(ConsensusOutcome) - {ConsensusOutcome.OPEN}
        ),
        summary=entry.text("summary", null=True) or "",
    )
    db.session.add(test)
    counts = entry.part("counts")
    given = {a.value: counts.number(a.value) for a in Answer}
    answers = entry.parts("answers", null=True)
    if answers is None:
        return
    found = [
        (
            # A test's answers come whole or not at all (see the module's docstring).
            members.find(a.text("name"), "answer (the test's answers left out)"),
            a.choice("response", Answer),
            a.text("reason", ConsensusAnswer.reason),
        )
        for a in answers
    ]
    named = Counter(response.value for _who, response, _reason in found)
    if any(n != named[k] for k, n in given.items()):
        raise Invalid(
            _("In the archive, the answers of %(where)s differ from its counts.", where=entry.where)
        )
    if all(who is not None for who, _response, _reason in found):
        for who, response, reason in found:
            assert who is not None
            db.session.add(
                ConsensusAnswer(test=test, person_id=who.id, response=response, reason=reason)
            )


def _poll(
    entry: _Part,
    meeting: Meeting,
    items: dict[str, AgendaItem],
    motions: dict[str, Motion],
    amendments: dict[str, Amendment],
    earlier: dict[str, Poll],
) -> Poll:
    status = entry.choice("status", PollStatus, allowed=ARCHIVED)
    result = entry.mapping("result", null=status is PollStatus.ANNULLED)
    if result is not None and not (
        isinstance(result.get("messages"), list)
        and all(isinstance(m, dict) for m in result["messages"])
    ):
        raise Invalid(_("In the archive, %(where)s is not valid.", where=f"{entry.where}.result"))
    trackers = entry.texts("trackers", BallotTracker.tracker_hash)
    mode = entry.choice("mode", PollMode)
    if trackers and mode is not PollMode.SECRET:
        raise Invalid(_("In the archive, %(where)s is not valid.", where=f"{entry.where}.trackers"))
    rerun_of = entry.key("rerun_of", earlier)
    poll = Poll(
        body=meeting.body,
        subject=MeetingElectorate.subject,
        question=entry.text("question"),
        choices=entry.texts("choices", Vote.choice),
        mode=mode,
        form=entry.choice("form", BallotForm),
        seats=entry.number("seats"),
        special=entry.text("special", Poll.special),
        free_vote=entry.flag("free_vote"),
        status=status,
        opened_at=entry.when("opened_at"),
        closed_at=entry.when("closed_at"),
        annulled_at=entry.when("annulled_at"),
        annul_reason=entry.text("annul_reason"),
        rerun_of_id=rerun_of.id if rerun_of else None,
        members=entry.number("members"),
        units_total=entry.number("units_total"),
        unheld=entry.number("unheld"),
        result=result,
    )
    db.session.add(poll)
    db.session.flush()
    db.session.add(
        MeetingPoll(
            poll_id=poll.id,
            meeting=meeting,
            item=entry.key("item", items),
            motion=entry.key("motion", motions),
            amendment=entry.key("amendment", amendments),
            kind=entry.choice("kind", PollKind),
        )
    )
    for digest in trackers:
        db.session.add(BallotTracker(poll_id=poll.id, tracker_hash=digest))
    audit.record(
        "poll.imported",
        actor=None,
        organisation_id=meeting.body.organisation_id,
        meeting=meeting.id,
        poll=poll.id,
        status=status.value,
        outcome=(result or {}).get("outcome"),
        audit_hash=(result or {}).get("audit_hash"),
    )
    return poll
