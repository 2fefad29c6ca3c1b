"""Who may do what, operation by operation: every operation of the OpenAPI document and
every Socket.IO event, tried by seven people against the records of one organisation
(WSM, its National Conference in session), each answer compared with what their rights
allow.

The seven: nobody signed in; a member of another organisation; a plain member; the chair
of another body; the secretary of another unit (a branch); the organisation's secretary;
its admin. What each may do is written below from the rights (`org/permissions.py`,
`meetings/permissions.py`, the electorates), not from what the code answered: where the
two differed, the code was wrong. An operation or event added later without a line here
fails `test_every_operation_and_event_has_its_expectations` the moment it is added.

Allowed means the request gets past the rights: a success, or a refusal about the state
of things (409) or about the input (422), never 401, 403 or 404. Refused means 401
without a token and 403 or 404 with one (another organisation's records may look as if
they did not exist). On a socket, allowed is an `ok` acknowledgement and refused an
error one that changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures.people import person, token_for
from voting.ballots.models import Participation, Poll, PollMode
from voting.ballots.services import polls
from voting.core.api import openapi_document
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.elections.models import Election, Nomination, Office, Position
from voting.elections.services import elections, nominations
from voting.meetings import events
from voting.meetings.models import (
    Amendment,
    CardAssignment,
    ConsensusAnswer,
    ConsensusTest,
    Meeting,
    Motion,
    Proxy,
    Requisition,
    SpeakerRequest,
)
from voting.meetings.screens import VIEWS
from voting.meetings.services import (
    agenda,
    consensus,
    floor,
    meetings,
    motions,
    representation,
    requisitions,
    speaking,
)
from voting.membership.models import ApiToken, Membership, Role, RoleKind
from voting.membership.services import members
from voting.org.models import AttendanceRecord, Body, Organisation, Unit, UnitKind
from voting.org.services.bodies import update_body_settings
from voting.org.services.organisations import by_slug

# --- the seven ------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
OUTSIDER = "member of another organisation"
MEMBER = "member"
OTHER_CHAIR = "chair of another body"
OTHER_UNIT = "secretary of another unit"
SECRETARY = "secretary"
ADMIN = "admin"
PERSONAS = (ANONYMOUS, OUTSIDER, MEMBER, OTHER_CHAIR, OTHER_UNIT, SECRETARY, ADMIN)
EMAILS = {
    OUTSIDER: "aoife@isn.example",  # a member of ISN only
    MEMBER: "mo@wsm.example",  # Dublin branch; proposed the first motion, raised a hand
    OTHER_CHAIR: "cleo@wsm.example",  # chairs the Emergency Delegate Council
    OTHER_UNIT: "lena@wsm.example",  # Limerick's secretary; the records are Galway's
    SECRETARY: "sid@wsm.example",
    ADMIN: "ada@wsm.example",
}

# --- who the rights let through (everyone else is refused) ----------------------------------

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()  # operators only (creating an organisation)
MEMBERS = frozenset({MEMBER, OTHER_CHAIR, OTHER_UNIT, SECRETARY, ADMIN})  # WSM's, checked in
SECRETARIES = frozenset({SECRETARY, ADMIN})  # members, units, attendance, cards, mandates
UNIT_SECRETARIES = SECRETARIES | {OTHER_UNIT}  # lists: a unit's secretary sees their own unit
ADMINS = frozenset({ADMIN})  # the organisation, its bodies and roles
CHAIR = frozenset({ADMIN})  # runs the conference: its chair (none among them) or an admin
POLL_MANAGERS = SECRETARIES  # a poll put to the conference directly: chair, secretary, admin
OWNER = frozenset({MEMBER})  # Mo's own motion, hand, proxy
OWNER_OR_CHAIR = OWNER | CHAIR

# ======================================================================================
# THE MEETING SCREENS: who may watch the conference's screens (observer, projector, the
# JSON state, its polls and results) and join their Socket.IO rooms. It follows the
# body's `screens` setting, "organisation" for WSM's conference: members of WSM,
# signed in. Change it here when the setting or its meaning changes.
SCREENS = MEMBERS
# ======================================================================================


# --- the records they try it on --------------------------------------------------------------


@dataclass
class World:
    """WSM's National Conference in session with everyone checked in: Mo's motion under
    discussion with an amendment, a test for agreement and Mo's raised hand; a second
    motion with an open poll and a draft one; Mo's proxy; Galway's cards, attendance and
    a Delegate Council motion to mandate on."""

    org: Organisation
    meeting: Meeting
    motion: Motion
    amendment: Amendment
    test: ConsensusTest
    hand: SpeakerRequest
    poll: Poll
    draft: Poll
    proxy: Proxy
    cards: CardAssignment
    council_motion: Motion
    galway: Unit
    admin_token: ApiToken
    tokens: dict[str, str] = field(default_factory=dict)
    made: int = 0

    def unit(self, name: str) -> Unit:
        return next(u for u in self.org.units if u.name == name)

    def body(self, slug: str) -> Body:
        return next(b for b in self.org.bodies if b.slug == slug)

    def membership(self, email: str) -> Membership:
        return next(m for m in person(email).memberships if m.organisation_id == self.org.id)

    def serial(self) -> int:
        """A number for fresh records, new for each call."""
        self.made += 1
        return self.made

    # Fresh records for operations that use theirs up (each person gets their own).

    def fresh_unit(self) -> Unit:
        with transaction():
            unit = Unit(organisation=self.org, kind=UnitKind.BRANCH, name=f"Sligo {self.serial()}")
            db.session.add(unit)
        return unit

    def fresh_attendance(self) -> AttendanceRecord:
        with transaction():
            record = AttendanceRecord(
                unit=self.galway,
                held_on=date(2020, 1, 1) + timedelta(days=self.serial()),
                present=3,
            )
            db.session.add(record)
        return record

    def fresh_role(self) -> Role:
        with transaction():
            role = Role(
                person=person("gwen@wsm.example"), organisation=self.org, kind=RoleKind.OFFICER
            )
            db.session.add(role)
        return role

    def fresh_body(self) -> Body:
        with transaction():
            body = Body(
                organisation=self.org,
                slug=f"working-group-{self.serial()}",
                name="Working group",
                kind=self.body("conference").kind,
                settings_data={},
            )
            db.session.add(body)
        return body

    def fresh_requisition(self, starter: str = "gwen@wsm.example") -> Requisition:
        """An emergency council requisition by members, signed by its starter alone."""
        return requisitions.start_requisition(
            person(starter),
            self.body("emergency-council"),
            rule="members",
            title=f"Emergency council {self.serial()}",
            grounds="The strike ban.",
        )

    def reached_requisition(self) -> Requisition:
        """An extraordinary conference requisitioned by Limerick: any branch is enough."""
        return requisitions.start_requisition(
            person(EMAILS[OTHER_UNIT]),
            self.body("conference"),
            rule="branch",
            title=f"Extraordinary conference {self.serial()}",
            grounds="The strike ban.",
        )

    def fresh_cards(self) -> CardAssignment:
        unit = self.fresh_unit()
        with transaction():
            assignment = CardAssignment(unit=unit, person=person("gal@wsm.example"), cards=1)
            db.session.add(assignment)
        return assignment


def build_world() -> World:
    wsm = by_slug("wsm")
    assert wsm is not None
    sam = person("sam@wsm.example")  # WSM's admin in the demo, who sets all this up
    units = {u.name: u for u in wsm.units}
    bodies = {b.slug: b for b in wsm.bodies}

    def add(email: str, unit: str, **role: Any) -> None:
        name = email.split("@")[0].title()
        members.add_member(sam, wsm, {"name": name, "email": email, "unit_id": units[unit].id})
        members.assign_role(sam, wsm, {"email": email, **role})

    add(EMAILS[OTHER_CHAIR], "Dublin", kind="chair", body_id=bodies["emergency-council"].id)
    add(EMAILS[OTHER_UNIT], "Limerick", kind="secretary", unit_id=units["Limerick"].id)
    add(EMAILS[SECRETARY], "Dublin", kind="secretary")
    add(EMAILS[ADMIN], "Dublin", kind="admin")
    mo, gwen, gal = person(EMAILS[MEMBER]), person("gwen@wsm.example"), person("gal@wsm.example")

    soon = utcnow() + timedelta(hours=2)
    meeting = meetings.schedule_meeting(
        sam, bodies["conference"], title="Conference", scheduled_for=soon
    )
    section = agenda.sections(meeting)[0]
    housing = agenda.submit_item(
        mo,
        meeting,
        section=section,
        title="Housing",
        late_reason="Brought by the branches",
        motion_text="We campaign for public housing.\n\nAnd for rent control.",
    )
    budget = agenda.submit_item(
        sam,
        meeting,
        section=section,
        title="Budget",
        late_reason="Late",
        motion_text="We adopt it.",
    )
    meetings.open_meeting(sam, meeting)
    for email in (*(EMAILS[p] for p in MEMBERS), gwen.email, gal.email):
        meetings.check_in(person(email), meeting, meeting.join_code)
    agenda.open_item(sam, housing)
    motion, second = housing.motions[0], budget.motions[0]
    amendment = motions.propose_amendment(gwen, motion, text="And public land.", paragraph=None)
    test = consensus.open_test(sam, motion)
    hand = speaking.raise_hand(mo, housing)
    poll = polls.open_poll(
        sam,
        floor.create_poll(sam, meeting, mode=PollMode.OPEN, motion=second),
        confirm_privacy=True,
    )
    draft = floor.create_poll(sam, meeting, mode=PollMode.OPEN, motion=motion)
    proxy = representation.appoint_proxy(mo, meeting, gwen, motion=motion)
    cards = representation.assign_cards(sam, units["Galway"], gal, meeting=meeting)
    council = meetings.schedule_meeting(
        sam, bodies["delegate-council"], title="Delegate Council", scheduled_for=soon
    )
    council_item = agenda.submit_item(
        sam,
        council,
        section=agenda.sections(council)[0],
        title="Mandated",
        late_reason="Late",
        motion_text="We join the strike.",
    )
    world = World(
        org=wsm,
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        test=test,
        hand=hand,
        poll=poll,
        draft=draft,
        proxy=proxy,
        cards=cards,
        council_motion=council_item.motions[0],
        galway=units["Galway"],
        admin_token=ApiToken(),
    )
    token_for(EMAILS[ADMIN])
    world.admin_token = db.session.scalars(
        select(ApiToken).where(ApiToken.person_id == person(EMAILS[ADMIN]).id)
    ).one()
    world.tokens = {persona: token_for(email) for persona, email in EMAILS.items()}
    return world


# --- what each operation is tried with ---------------------------------------------------------

Params = dict[str, Any]
Target = Callable[[World], Params]


@dataclass(frozen=True)
class Op:
    """Who may call an operation, and what they send: `params` fills the path beyond the
    defaults (`default_params`), `body` the request; both are made for each person, so
    an operation that uses its record up gets a fresh one each time."""

    allowed: frozenset[str]
    params: Target | None = None
    body: Callable[[World], Any] | None = None


FACILITATORS = SECRETARIES | {OTHER_CHAIR}  # a body's consultations: its chair too


def SOON() -> str:
    return (utcnow() + timedelta(days=7)).isoformat()


def LATER() -> str:
    return (utcnow() + timedelta(days=10)).isoformat()


def _consultation(w: World, **data: Any) -> Params:
    from voting.consultations.services.consultations import create_consultation

    made = create_consultation(
        person("sam@wsm.example"),
        next(b for b in w.org.bodies if b.slug == "emergency-council"),
        {
            "title": "Join the march?",
            "proposal": "We join.",
            "closes_at": SOON(),
            "participants": "members",
            **data,
        },
    )
    return {"consultation_id": made.id}


def consultation(w: World) -> Params:
    """An open consultation of the Emergency Delegate Council, each member on its roll."""
    return _consultation(w)


def draft_consultation(w: World) -> Params:
    return _consultation(w, opens_at=(utcnow() + timedelta(days=1)).isoformat())


# Elections: positions from WSM's constitution, the National Secretary elected by the
# conference (its chair, secretary or admin runs the election: MANAGE_POLLS) and recalled
# by the Delegate Council (whose chair is none of the seven: Cleo chairs the Emergency
# Delegate Council). Every full member takes part in the conference, so every member of
# WSM nominates and supports; only the candidate consents.
ELECTION_MANAGERS = POLL_MANAGERS
RECALLERS = SECRETARIES  # the Delegate Council's chair, secretary or admin
NOMINATORS = MEMBERS
SAM = "sam@wsm.example"  # WSM's admin, secretary and chair in the demo


def _position(w: World, slug: str = "national-secretary") -> Position:
    return db.session.scalars(
        select(Position).where(Position.organisation_id == w.org.id, Position.slug == slug)
    ).one()


def position(w: World) -> Params:
    return {"position_id": _position(w).id}


def _election(w: World) -> Election:
    """An election of the National Secretary by the conference, nominations open a week."""
    return elections.create_election(
        person(SAM), _position(w), nominations_close_at=utcnow() + timedelta(days=7)
    )


def election(w: World) -> Params:
    return {"election_id": _election(w).id}


def _nomination(w: World, candidate: str, proposer: str = SAM) -> Nomination:
    return nominations.nominate(person(proposer), _election(w), person(candidate))


def nomination(w: World) -> Params:
    """Gwen nominated by Sam."""
    return {"nomination_id": _nomination(w, "gwen@wsm.example").id}


def mo_nominated(w: World) -> Params:
    """Mo stands, nominated by Cleo."""
    return {"nomination_id": _nomination(w, EMAILS[MEMBER], EMAILS[OTHER_CHAIR]).id}


def _ballot(w: World) -> Election:
    """An open ranked ballot of the conference between meetings: Gwen and Gal stand."""
    made = _election(w)
    for email in ("gwen@wsm.example", "gal@wsm.example"):
        nominations.consent(person(email), nominations.nominate(person(SAM), made, person(email)))
    with transaction():  # the week of nominations is over
        made.nominations_close_at = utcnow() - timedelta(minutes=1)
    poll = elections.prepare_ballot(person(SAM), made)
    polls.open_poll(person(SAM), poll, confirm_privacy=True)
    return made


def ballot(w: World) -> Params:
    poll = _ballot(w).poll
    assert poll is not None
    return {"poll_id": poll.id}


def counted(w: World) -> Params:
    """A counted election of a conference that publishes its ballots for a recount."""
    update_body_settings(
        person(SAM), w.body("conference"), {"elections": {"recount_file": True}}, merge=True
    )
    made = _ballot(w)
    assert made.poll is not None
    polls.cast(person("gwen@wsm.example"), made.poll, choice="1>2")
    polls.close_poll(person(SAM), made.poll)
    return {"election_id": made.id}


def units_nominate(w: World) -> Params:
    """An election of a conference where units nominate (WSM's do not by default)."""
    update_body_settings(
        person(SAM), w.body("conference"), {"elections": {"units_nominate": True}}, merge=True
    )
    return election(w)


def faction(w: World) -> Params:
    """A fresh faction of WSM (a unit of kind faction) nobody has joined yet."""
    with transaction():
        made = Unit(organisation=w.org, kind=UnitKind.FACTION, name=f"Faction {w.serial()}")
        db.session.add(made)
    return {"unit_id": made.id}


def office(w: World) -> Params:
    """Gwen holds the office of National Secretary since today."""
    today = utcnow().date()
    with transaction():
        held = Office(
            position=_position(w),
            person=person("gwen@wsm.example"),
            starts_on=today,
            ends_on=today + timedelta(days=364),
        )
        db.session.add(held)
    return {"office_id": held.id}


def policy(w: World) -> Params:
    """A conference paper adopted three years ago less a month (it falls due), fresh for
    each person; the next conference is scheduled, so the paper can go on its agenda."""
    from voting.record.services import policies

    conference = w.body("conference")
    if policies.next_meeting(conference) is None:
        meetings.schedule_meeting(
            person(SAM),
            conference,
            title="Next conference",
            scheduled_for=utcnow() + timedelta(days=40),
        )
    made = policies.enter(
        person(SAM),
        w.org,
        body="conference",
        title=f"Policy {w.serial()}",
        text="We campaign for public housing.",
        adopted_on=(utcnow().date() - timedelta(days=3 * 365 - 30)).isoformat(),
    )
    return {"policy_id": made.id}


def closed_meeting(w: World) -> Params:
    """A conference meeting held and closed, fresh for each person."""
    made = meetings.schedule_meeting(
        person(SAM),
        w.body("conference"),
        title=f"Closed conference {w.serial()}",
        scheduled_for=utcnow() + timedelta(hours=1),
    )
    meetings.open_meeting(person(SAM), made)
    meetings.close_meeting(person(SAM), made)
    return {"meeting_id": made.id}


def default_params(w: World) -> Params:
    return {
        "slug": "wsm",
        "meeting_id": w.meeting.id,
        "item_id": w.motion.item_id,
        "motion_id": w.motion.id,
        "amendment_id": w.amendment.id,
        "test_id": w.test.id,
        "request_id": w.hand.id,
        "poll_id": w.poll.id,
        "unit_id": w.galway.id,
        "record_id": w.galway.attendance[0].id,
        "membership_id": w.membership("gal@wsm.example").id,
        "role_id": w.fresh_role().id,
        "body_slug": "conference",
        "token_id": w.admin_token.id,
        "assignment_id": w.cards.id,
        "proxy_id": w.proxy.id,
        "number": 1,
    }


def new_person(w: World) -> dict[str, Any]:
    return {"name": "New One", "email": f"new{w.serial()}@example.org", "unit_id": w.galway.id}


EXPECTATIONS: dict[str, Op] = {
    # Organisations and presets
    "GET /presets": Op(SIGNED_IN),
    "POST /organisations": Op(NOBODY, body=lambda w: {"preset": "wsm", "slug": f"o{w.serial()}"}),
    "GET /organisations/{slug}": Op(MEMBERS),
    "PATCH /organisations/{slug}": Op(ADMINS, body=lambda w: {"name": "WSM"}),
    # Bodies
    "GET /organisations/{slug}/bodies": Op(ADMINS),
    "POST /organisations/{slug}/bodies": Op(
        ADMINS, body=lambda w: {"kind": "committee", "slug": f"b{w.serial()}", "name": "Body"}
    ),
    "GET /organisations/{slug}/bodies/{body_slug}": Op(ADMINS),
    "PATCH /organisations/{slug}/bodies/{body_slug}": Op(ADMINS, body=lambda w: {"name": "NC"}),
    "DELETE /organisations/{slug}/bodies/{body_slug}": Op(
        ADMINS, params=lambda w: {"body_slug": w.fresh_body().slug}
    ),
    # Units and their attendance: Galway's
    "GET /organisations/{slug}/units": Op(UNIT_SECRETARIES),
    "POST /organisations/{slug}/units": Op(
        SECRETARIES, body=lambda w: {"kind": "branch", "name": f"Cork {w.serial()}"}
    ),
    "PATCH /organisations/{slug}/units/{unit_id}": Op(SECRETARIES, body=lambda w: {"size": 15}),
    "DELETE /organisations/{slug}/units/{unit_id}": Op(
        SECRETARIES, params=lambda w: {"unit_id": w.fresh_unit().id}
    ),
    "GET /organisations/{slug}/units/{unit_id}/attendance": Op(SECRETARIES),
    "POST /organisations/{slug}/units/{unit_id}/attendance": Op(
        SECRETARIES, body=lambda w: {"held_on": f"2019-01-{w.serial():02d}", "present": 4}
    ),
    "DELETE /organisations/{slug}/attendance/{record_id}": Op(
        SECRETARIES, params=lambda w: {"record_id": w.fresh_attendance().id}
    ),
    # Members (Galway's Gal), the roll, lapsing, join links
    "GET /organisations/{slug}/members": Op(UNIT_SECRETARIES),
    "POST /organisations/{slug}/members": Op(SECRETARIES, body=new_person),
    "PATCH /organisations/{slug}/members/{membership_id}": Op(
        SECRETARIES, body=lambda w: {"dues_paid_until": "2030-01-01"}
    ),
    "GET /organisations/{slug}/members/due-to-lapse": Op(SECRETARIES),
    "POST /organisations/{slug}/members/lapse": Op(SECRETARIES, body=lambda w: {}),
    "POST /organisations/{slug}/roll": Op(
        SECRETARIES,
        body=lambda w: {"csv": f"name,email,unit\nNew,roll{w.serial()}@example.org,Galway\n"},
    ),
    "POST /organisations/{slug}/invitations": Op(
        SECRETARIES, body=lambda w: {"membership_ids": [w.membership("gal@wsm.example").id]}
    ),
    "POST /organisations/{slug}/invitations/links": Op(
        SECRETARIES, body=lambda w: {"membership_ids": [w.membership("gal@wsm.example").id]}
    ),
    # Roles
    "GET /organisations/{slug}/roles": Op(ADMINS),
    "POST /organisations/{slug}/roles": Op(
        ADMINS, body=lambda w: {"email": "gwen@wsm.example", "kind": "teller", "body": "conference"}
    ),
    "POST /organisations/{slug}/roles/{role_id}/end": Op(ADMINS),
    "DELETE /organisations/{slug}/roles/{role_id}": Op(ADMINS),
    # One's own account and tokens (the token tried is the admin's)
    "GET /me": Op(SIGNED_IN),
    "PATCH /me": Op(SIGNED_IN, body=lambda w: {"locale": "en"}),
    "GET /me/notifications": Op(SIGNED_IN),
    "PATCH /me/notifications": Op(SIGNED_IN, body=lambda w: {"reminder": False}),
    "GET /tokens": Op(SIGNED_IN),
    "POST /tokens": Op(SIGNED_IN, body=lambda w: {"name": "script"}),
    "DELETE /tokens/{token_id}": Op(ADMINS),
    # Meetings of the conference
    "POST /organisations/{slug}/meetings": Op(
        CHAIR,
        body=lambda w: {
            "body": "conference",
            "title": "Next",
            "scheduled_for": (utcnow() + timedelta(days=40)).isoformat(),
        },
    ),
    "GET /meetings/{meeting_id}": Op(SCREENS),
    "POST /meetings/{meeting_id}/display-link": Op(CHAIR),
    "POST /meetings/{meeting_id}/check-in": Op(
        MEMBERS, body=lambda w: {"code": w.meeting.join_code}
    ),
    "POST /meetings/{meeting_id}/open": Op(CHAIR),
    "POST /meetings/{meeting_id}/close": Op(CHAIR),
    "POST /meetings/{meeting_id}/reopen": Op(
        CHAIR, params=closed_meeting, body=lambda w: {"reason": "A count to correct"}
    ),
    # Its archive names who attended and answered: its chair, the secretaries (as the
    # attendance list)
    "GET /meetings/{meeting_id}/archive": Op(SECRETARIES),
    "POST /meetings/{meeting_id}/items": Op(
        MEMBERS, body=lambda w: {"title": "Any other business", "late_reason": "Late"}
    ),
    "POST /items/{item_id}/open": Op(CHAIR),
    "POST /items/{item_id}/close": Op(CHAIR),
    "POST /items/{item_id}/move": Op(CHAIR, body=lambda w: {"position": 1}),
    "POST /items/{item_id}/suspend": Op(CHAIR, body=lambda w: {"suspended": False}),
    # Mo's motion, Gwen's amendment, the test for agreement
    "POST /motions/{motion_id}/amendments": Op(MEMBERS, body=lambda w: {"text": "And more."}),
    "POST /amendments/{amendment_id}/friendly": Op(OWNER),
    "POST /amendments/{amendment_id}/put": Op(OWNER_OR_CHAIR),
    "POST /motions/{motion_id}/tests": Op(CHAIR, body=lambda w: {}),
    "POST /tests/{test_id}/answer": Op(MEMBERS, body=lambda w: {"response": "agree"}),
    "POST /tests/{test_id}/close": Op(CHAIR),
    "POST /motions/{motion_id}/put-to-vote": Op(CHAIR, body=lambda w: {}),
    # The test open on Mo's motion refuses it (409): past the rights.
    "POST /motions/{motion_id}/straight-to-vote": Op(
        CHAIR, body=lambda w: {"reason": "The conference agreed to vote at once."}
    ),
    # Speakers: Mo's raised hand
    "POST /items/{item_id}/hands": Op(MEMBERS, body=lambda w: {"kind": "contribution"}),
    "POST /hands/{request_id}/withdraw": Op(OWNER),
    "POST /items/{item_id}/next": Op(CHAIR, body=lambda w: {}),
    "POST /hands/{request_id}/timer": Op(CHAIR, body=lambda w: {"running": True}),
    "POST /hands/{request_id}/remove": Op(CHAIR),
    "POST /hands/{request_id}/up": Op(CHAIR),
    "POST /items/{item_id}/speakers-list": Op(CHAIR, body=lambda w: {"closed": True}),
    # Polls: the conference's open poll (the draft one to open)
    "POST /meetings/{meeting_id}/polls": Op(
        CHAIR, body=lambda w: {"kind": "procedural", "question": "Close the debate?"}
    ),
    "GET /meetings/{meeting_id}/polls": Op(SCREENS),
    "POST /organisations/{slug}/bodies/{body_slug}/polls": Op(
        POLL_MANAGERS, body=lambda w: {"question": "Affiliate to the federation?"}
    ),
    "GET /polls/{poll_id}": Op(SCREENS),
    "GET /polls/{poll_id}/preview": Op(CHAIR),
    "POST /polls/{poll_id}/open": Op(
        CHAIR, params=lambda w: {"poll_id": w.draft.id}, body=lambda w: {"confirm_privacy": True}
    ),
    "POST /polls/{poll_id}/teller-keys/{number}": Op(CHAIR),
    "POST /polls/{poll_id}/teller-keys": Op(CHAIR, body=lambda w: {"keys": ["not-a-key"]}),
    "POST /polls/{poll_id}/close": Op(CHAIR),
    "POST /polls/{poll_id}/annul": Op(CHAIR, body=lambda w: {"reason": "Counted wrongly"}),
    "GET /polls/{poll_id}/mine": Op(SCREENS),
    "POST /polls/{poll_id}/votes": Op(MEMBERS, body=lambda w: {"choice": "yes"}),
    # Published after a secret poll closes: the poll's results, for those who see its screens.
    "GET /polls/{poll_id}/trackers": Op(SCREENS),
    # Votes before the meeting on the draft poll: its window, papers and tellers' entries
    # are the body's chair's, secretary's or admin's (and tellers', none among the seven);
    # anyone may return a paper with its code (refused for want of a window, past the
    # rights); WSM's conference has no member who votes only in writing.
    "POST /polls/{poll_id}/precast": Op(
        SECRETARIES, params=lambda w: {"poll_id": w.draft.id}, body=lambda w: {"until": LATER()}
    ),
    "GET /polls/{poll_id}/precast": Op(SECRETARIES, params=lambda w: {"poll_id": w.draft.id}),
    "POST /polls/{poll_id}/papers": Op(SECRETARIES, params=lambda w: {"poll_id": w.draft.id}),
    "POST /polls/{poll_id}/papers/entries": Op(
        SECRETARIES,
        params=lambda w: {"poll_id": w.draft.id},
        body=lambda w: {"code": "ABCD-EFGH-JKLM-NPQR", "choice": "yes"},
    ),
    "POST /polls/{poll_id}/papers/return": Op(
        EVERYONE,
        params=lambda w: {"poll_id": w.draft.id},
        body=lambda w: {"code": "ABCD-EFGH-JKLM-NPQR", "choice": "yes"},
    ),
    "POST /polls/{poll_id}/written-votes": Op(
        NOBODY, params=lambda w: {"poll_id": w.draft.id}, body=lambda w: {"choice": "yes"}
    ),
    # Cards, mandates (Galway's, on a Delegate Council motion), proxies (Mo's)
    "POST /organisations/{slug}/cards": Op(
        SECRETARIES,
        body=lambda w: {"unit": w.fresh_unit().id, "email": "gwen@wsm.example", "cards": 1},
    ),
    "POST /cards/{assignment_id}/remove": Op(
        SECRETARIES, params=lambda w: {"assignment_id": w.fresh_cards().id}
    ),
    "POST /motions/{motion_id}/mandates": Op(
        SECRETARIES,
        params=lambda w: {"motion_id": w.council_motion.id},
        body=lambda w: {"unit": w.galway.id, "instruction": "yes"},
    ),
    "POST /meetings/{meeting_id}/proxies": Op(
        MEMBERS,  # Mo's replaces the one she gave
        body=lambda w: {"email": "gal@wsm.example", "motion": w.motion.id},
    ),
    "POST /proxies/{proxy_id}/revoke": Op(OWNER),
    "GET /meetings/{meeting_id}/units/{unit_id}/report": Op(SECRETARIES),
    # The minutes: the conference's members read them, its chair and secretaries write them
    "GET /meetings/{meeting_id}/minutes": Op(MEMBERS),
    "PATCH /meetings/{meeting_id}/minutes": Op(
        SECRETARIES, body=lambda w: {"summary": f"Summary {w.serial()}"}
    ),
    # Requisitions: of the Emergency Delegate Council by 10% of members (Gwen's, or Mo's
    # to close), of the conference by a branch (Limerick's, reached at once)
    "GET /organisations/{slug}/requisitions": Op(MEMBERS),
    "POST /organisations/{slug}/requisitions": Op(
        MEMBERS,
        body=lambda w: {
            "body": "emergency-council",
            "rule": "members",
            "title": "Emergency council",
            "grounds": "The strike ban.",
        },
    ),
    "GET /requisitions/{requisition_id}": Op(
        MEMBERS, params=lambda w: {"requisition_id": w.fresh_requisition().id}
    ),
    "POST /requisitions/{requisition_id}/signatures": Op(
        MEMBERS, params=lambda w: {"requisition_id": w.fresh_requisition().id}, body=lambda w: {}
    ),
    # Who has not signed is told so (409): past the rights.
    "POST /requisitions/{requisition_id}/withdraw": Op(
        MEMBERS, params=lambda w: {"requisition_id": w.fresh_requisition().id}, body=lambda w: {}
    ),
    # Cleo chairs the Emergency Delegate Council, whose requisition it is.
    "POST /requisitions/{requisition_id}/close": Op(
        OWNER | SECRETARIES | {OTHER_CHAIR},
        params=lambda w: {"requisition_id": w.fresh_requisition(EMAILS[MEMBER]).id},
    ),
    "POST /requisitions/{requisition_id}/meeting": Op(
        SECRETARIES,
        params=lambda w: {"requisition_id": w.reached_requisition().id},
        body=lambda w: {"scheduled_for": (utcnow() + timedelta(days=40)).isoformat()},
    ),
    # Consultations of the Emergency Delegate Council (Cleo chairs it), a fresh one each time
    "GET /organisations/{slug}/bodies/{body_slug}/consultations": Op(
        MEMBERS, params=lambda w: {"body_slug": "emergency-council"}
    ),
    "POST /organisations/{slug}/bodies/{body_slug}/consultations": Op(
        FACILITATORS,
        params=lambda w: {"body_slug": "emergency-council"},
        body=lambda w: {"title": "Join the march?", "proposal": "We join.", "closes_at": SOON()},
    ),
    "GET /consultations/{consultation_id}": Op(MEMBERS, params=consultation),
    "PATCH /consultations/{consultation_id}": Op(
        FACILITATORS, params=draft_consultation, body=lambda w: {"title": "Join the rally?"}
    ),
    "POST /consultations/{consultation_id}/answer": Op(
        MEMBERS, params=consultation, body=lambda w: {"response": "agree"}
    ),
    "POST /consultations/{consultation_id}/comments": Op(
        MEMBERS, params=consultation, body=lambda w: {"text": "Yes, with banners."}
    ),
    "POST /consultations/{consultation_id}/open": Op(FACILITATORS, params=draft_consultation),
    "POST /consultations/{consultation_id}/extend": Op(
        FACILITATORS,
        params=consultation,
        body=lambda w: {"closes_at": LATER(), "reason": "Holidays"},
    ),
    "POST /consultations/{consultation_id}/reopen": Op(
        FACILITATORS,
        params=consultation,
        body=lambda w: {"closes_at": LATER(), "reason": "Few answered"},
    ),
    "POST /consultations/{consultation_id}/close": Op(FACILITATORS, params=consultation),
    "POST /consultations/{consultation_id}/vote": Op(FACILITATORS, params=consultation),
    "POST /consultations/{consultation_id}/outcome": Op(
        FACILITATORS, params=consultation, body=lambda w: {"statement": "We join."}
    ),
    # Elections (see ELECTION_MANAGERS): positions, elections, nominations, offices
    "GET /organisations/{slug}/positions": Op(MEMBERS),
    "POST /organisations/{slug}/positions": Op(
        ADMINS, body=lambda w: {"name": f"Press officer {w.serial()}", "elected_by": "conference"}
    ),
    "GET /organisations/{slug}/elections": Op(MEMBERS, params=election),
    "POST /positions/{position_id}/elections": Op(
        ELECTION_MANAGERS, params=position, body=lambda w: {"nominations_close_at": SOON()}
    ),
    "GET /elections/{election_id}": Op(MEMBERS, params=election),
    "POST /elections/{election_id}/nominations": Op(
        NOMINATORS,
        params=election,
        body=lambda w: {"candidate": person("gwen@wsm.example").id},
    ),
    "POST /nominations/{nomination_id}/support": Op(NOMINATORS, params=nomination),
    "POST /nominations/{nomination_id}/consent": Op(
        OWNER, params=mo_nominated, body=lambda w: {"statement": "Housing first."}
    ),
    # Mo's own, Cleo who proposed her, or whoever runs the election.
    "POST /nominations/{nomination_id}/withdraw": Op(
        OWNER | {OTHER_CHAIR} | ELECTION_MANAGERS,
        params=mo_nominated,
        body=lambda w: {"reason": "Moving abroad"},
    ),
    # Nominations are still open (409): past the rights.
    "POST /elections/{election_id}/ballot": Op(
        ELECTION_MANAGERS, params=election, body=lambda w: {}
    ),
    "POST /elections/{election_id}/cancel": Op(
        ELECTION_MANAGERS, params=election, body=lambda w: {"reason": "Called by mistake"}
    ),
    "GET /elections/{election_id}/recount-file": Op(MEMBERS, params=counted),
    "GET /organisations/{slug}/offices": Op(MEMBERS, params=office),
    "POST /offices/{office_id}/recall": Op(
        RECALLERS, params=office, body=lambda w: {"reason": "Broke the council's mandate"}
    ),
    # A faction's list is open to every member; each member signs for themself.
    "GET /organisations/{slug}/factions": Op(MEMBERS),
    "POST /factions/{unit_id}/members": Op(MEMBERS, params=faction, body=lambda w: {}),
    "POST /factions/{unit_id}/leave": Op(MEMBERS, params=faction),
    # The policy register: WSM's members read it, its secretaries and admins keep it (a
    # fresh conference paper falling due for each person)
    "GET /organisations/{slug}/policies": Op(MEMBERS),
    "POST /organisations/{slug}/policies": Op(
        SECRETARIES,
        body=lambda w: {"body": "conference", "title": "Anti-fascism", "adopted_on": "2024-05-01"},
    ),
    "GET /policies/{policy_id}": Op(MEMBERS, params=policy),
    "PATCH /policies/{policy_id}": Op(
        SECRETARIES, params=policy, body=lambda w: {"title": "Housing, as corrected"}
    ),
    "POST /policies/{policy_id}/rescind": Op(SECRETARIES, params=policy, body=lambda w: {}),
    "POST /policies/{policy_id}/agenda": Op(SECRETARIES, params=policy),
}

# Holes the matrix found in others' areas, kept visible until they are mended: each is
# expected to fail (and to be struck out here once it passes).
KNOWN_HOLES: dict[tuple[str, str], str] = {}


# Operations tried once more on other records, where what they are tried on changes who
# may: the case's name, the operation and its expectation.
VARIANTS: dict[str, tuple[str, Op]] = {
    # A ranked ballot of the conference between meetings: its voters are every member the
    # conference lets vote, wherever they are.
    "POST /polls/{poll_id}/votes, a ranking": (
        "POST /polls/{poll_id}/votes",
        Op(MEMBERS, params=ballot, body=lambda w: {"ranking": ["Gwen Delegate", "Gal Delegate"]}),
    ),
    # A unit nominates through its own secretary or delegate: Lena for Limerick, or Sid,
    # whose secretary's role is the whole organisation's; an admin is neither.
    "POST /elections/{election_id}/nominations, for a unit": (
        "POST /elections/{election_id}/nominations",
        Op(
            frozenset({OTHER_UNIT, SECRETARY}),
            params=units_nominate,
            body=lambda w: {
                "candidate": person("gwen@wsm.example").id,
                "unit": w.unit("Limerick").id,
            },
        ),
    ),
}


def cases() -> dict[str, tuple[str, Op]]:
    return {key: (key, op) for key, op in EXPECTATIONS.items()} | VARIANTS


def operation_keys() -> list[str]:
    return sorted(cases())


def documented_operations() -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": spec
        for path, operations in openapi_document()["paths"].items()
        for method, spec in operations.items()
    }


def test_every_operation_and_event_has_its_expectations(app: Flask) -> None:
    """A new operation or Socket.IO event fails here until its line is written."""
    assert set(documented_operations()) == set(EXPECTATIONS)
    views = {"join": (*VIEWS, "state"), "resync": VIEWS}
    wanted = {
        f"{event}:{view}" if event in views else event
        for event in events.HANDLERS
        for view in views.get(event, (None,))
    }
    assert wanted == set(SOCKET_EXPECTATIONS)


def allowed_answer(status: int) -> bool:
    return status < 500 and status not in (401, 403, 404)


def refused_answer(status: int, persona: str, needs_token: bool) -> bool:
    if persona == ANONYMOUS and needs_token:
        return status == 401
    return status in (401, 403, 404) if persona == ANONYMOUS else status in (403, 404)


def judge(key: str, found: dict[str, Any]) -> None:
    """Compare with the holes still known: a known hole that closed must be struck out."""
    wrong = {persona: answer for persona, answer in found.items() if answer is not None}
    holes = {persona for (k, persona) in KNOWN_HOLES if k == key}
    assert set(wrong) <= holes, f"{key}: {wrong}"
    mended = holes - set(wrong)
    assert not mended, f"{key}: mended for {sorted(mended)}: strike it out of KNOWN_HOLES"
    if holes:
        pytest.xfail("; ".join(KNOWN_HOLES[(key, p)] for p in sorted(holes)))


@pytest.mark.parametrize("key", operation_keys())
def test_each_person_gets_what_their_rights_allow(
    app: Flask, client: FlaskClient, demo: None, key: str
) -> None:
    operation, op = cases()[key]
    spec = documented_operations().get(operation)
    if spec is None:
        pytest.skip(f"{operation} is no longer an operation")
    needs_token = spec.get("security") != []
    method, path = operation.split(" ", 1)
    world = build_world()
    found: dict[str, Any] = {}
    for persona in PERSONAS:
        params = {**default_params(world), **(op.params(world) if op.params else {})}
        body = op.body(world) if op.body else None
        headers = {}
        if persona != ANONYMOUS:
            headers["Authorization"] = f"Bearer {world.tokens[persona]}"
        answer = client.open(
            "/api/v1" + path.format(**params), method=method, headers=headers, json=body
        )
        status = answer.status_code
        db.session.expire_all()  # the next person reads what this one left
        if persona in op.allowed:
            ok = allowed_answer(status)
        else:
            ok = refused_answer(status, persona, needs_token)
        expected = "allowed" if persona in op.allowed else "refused"
        found[persona] = None if ok else f"{expected}, answered {status} {answer.text[:200]}"
    judge(key, found)


# --- Socket.IO events ------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Who may send an event; `data` is what they send, `effect` counts what a refused
    sender must not have changed."""

    allowed: frozenset[str]
    data: Callable[[World], dict[str, Any]]
    effect: Callable[[World], int] | None = None


def _join(view: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"meeting": w.meeting.id, "view": view, "version": -1}


def _count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


SOCKET_EXPECTATIONS: dict[str, Event] = {
    "join:member": Event(MEMBERS, _join("member")),
    "join:chair": Event(CHAIR, _join("chair")),
    "resync:member": Event(MEMBERS, _join("member")),
    "resync:chair": Event(CHAIR, _join("chair")),
    # The meeting screens: see SCREENS above.
    "join:projector": Event(SCREENS, _join("projector")),
    "join:observer": Event(SCREENS, _join("observer")),
    "join:state": Event(SCREENS, _join("state")),
    "resync:projector": Event(SCREENS, _join("projector")),
    "resync:observer": Event(SCREENS, _join("observer")),
    "answer": Event(
        MEMBERS,
        lambda w: {"test": w.test.id, "response": "agree"},
        lambda w: _count(ConsensusAnswer, ConsensusAnswer.test_id == w.test.id),
    ),
    "raise_hand": Event(
        MEMBERS,  # Mo's hand is up already: raising it again changes nothing
        lambda w: {"item": w.motion.item_id, "kind": "contribution"},
        lambda w: _count(SpeakerRequest, SpeakerRequest.item_id == w.motion.item_id),
    ),
    "withdraw_hand": Event(
        OWNER,
        lambda w: {"request": w.hand.id},
        lambda w: _count(SpeakerRequest, SpeakerRequest.waiting_key.is_not(None)),
    ),
    "vote": Event(
        MEMBERS,
        lambda w: {"poll": w.poll.id, "choice": "yes"},
        lambda w: _count(Participation, Participation.poll_id == w.poll.id),
    ),
}


@pytest.mark.parametrize("key", sorted(SOCKET_EXPECTATIONS))
def test_each_person_gets_the_events_their_rights_allow(
    live: Flask,
    signed_in: Callable[[str], FlaskClient],
    socket_for: Callable[[FlaskClient | None], Any],
    key: str,
) -> None:
    event = SOCKET_EXPECTATIONS[key]
    name = key.split(":")[0]
    world = build_world()
    found: dict[str, Any] = {}
    for persona in PERSONAS:
        sock = socket_for(None if persona == ANONYMOUS else signed_in(EMAILS[persona]))
        before = event.effect(world) if event.effect else None
        ack = sock.emit(name, event.data(world), callback=True)
        db.session.expire_all()
        if persona in event.allowed:
            ok = isinstance(ack, dict) and ack.get("ok") is True
        else:
            unchanged = event.effect is None or event.effect(world) == before
            ok = isinstance(ack, dict) and "error" in ack and unchanged
        expected = "allowed" if persona in event.allowed else "refused"
        found[persona] = None if ok else f"{expected}, acknowledged {ack}"
        sock.disconnect()
    judge(f"socket {key}", found)
