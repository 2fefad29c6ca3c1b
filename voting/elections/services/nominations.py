"""Nominations: put forward by a unit or by members, consented to by the candidate, with
the constitution's limits checked; withdrawn with a reason.

A nomination stands (`standing`) with the candidate's written consent and a unit that may
nominate or enough supporting members. Until the deadline anyone entitled may nominate
or add support; a candidate may consent until the ballot is prepared. Term and office
limits are refused where the body says so (WSM: "no more than 3 years in a position in
succession", "no more than two positions") and shown to everyone beside the candidate.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.core import audit, notify, parse
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.core.permissions import signed_in
from voting.elections import permissions
from voting.elections.models import (
    Election,
    ElectionStatus,
    Nomination,
    Office,
    Position,
    Supporter,
)
from voting.elections.signals import election_changed
from voting.membership.models import Membership, Person
from voting.org.models import Unit
from voting.rules import offices
from voting.rules.messages import Message

STATEMENT = parse.Limit(4000, _l("A statement can be at most %(count)d characters."))
CATEGORY = parse.Limit(40, _l("A category can be at most %(count)d characters."))
REASON = parse.REASON
NOMINATED_SUBJECT = _l("You are nominated: %(position)s")
NOMINATED_BODY = _l(
    "%(by)s nominated you for %(position)s, elected by %(body_name)s.\n\n"
    "You stand only if you consent in writing, on the election's page, before %(when)s; "
    "you may add a statement to the members there, or decline.\n\n%(url)s"
)


def needed(election: Election) -> int:
    """Individual members needed to support a nomination."""
    return max(1, election.body.settings.elections.nominators)


def standing(nomination: Nomination) -> offices.Standing:
    return offices.standing(
        consented=nomination.consent_at is not None,
        by_unit=nomination.unit_id is not None,
        supporters=len(nomination.supporters),
        needed=needed(nomination.election),
    )


def candidates(election: Election) -> list[Nomination]:
    """The nominations that stand and were not withdrawn, in the order they were made."""
    return [n for n in election.nominations if n.withdrawn_at is None and standing(n).stands]


def term_of(election: Election, starts: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The term the election fills: from the day it is decided, for the position's months."""
    first = starts or utcnow().date()
    months = election.position.term_months
    year, month = divmod(first.month - 1 + months, 12)
    try:
        last = first.replace(year=first.year + year, month=month + 1)
    except ValueError:  # 31 January + 1 month
        last = first.replace(year=first.year + year, month=month + 2, day=1)
    return first, last - dt.timedelta(days=1)


def offices_held(person_id: int, organisation_id: int, day: dt.date) -> list[Office]:
    return [
        o
        for o in db.session.scalars(
            select(Office)
            .join(Position, Position.id == Office.position_id)
            .where(Office.person_id == person_id, Position.organisation_id == organisation_id)
        )
        if o.held_on(day)
    ]


def limits(election: Election, person_id: int) -> list[Message]:
    """What the constitution's term and office limits say of this candidate (if anything)."""
    settings = election.body.settings.elections
    starts, ends = term_of(election)
    found: list[Message] = []
    terms = [
        (o.starts_on, o.ends_on if o.ended_on is None else o.ended_on - dt.timedelta(days=1))
        for o in db.session.scalars(
            select(Office).where(
                Office.person_id == person_id, Office.position_id == election.position_id
            )
        )
    ]
    over = offices.term_limit(
        terms, starts, ends, settings.max_consecutive_years, position=election.position.name
    )
    if over:
        found.append(over)
    held = [
        o.position.name
        for o in offices_held(person_id, election.organisation_id, starts)
        if o.position_id != election.position_id
    ]
    too_many = offices.office_limit(held, settings.max_positions)
    if too_many:
        found.append(too_many)
    return found


def _require_open(election: Election) -> None:
    if election.status is not ElectionStatus.NOMINATING:
        raise Conflict(_("Nominations for this election are closed."))
    if utcnow() > election.nominations_close_at:
        raise Conflict(
            _(
                "Nominations closed at %(when)s.",
                when=election.nominations_close_at.strftime("%Y-%m-%d %H:%M UTC"),
            )
        )


def _candidate_membership(election: Election, candidate: Person) -> Membership:
    membership = permissions.member_of(candidate, election.organisation_id)
    if membership is None:
        raise Invalid(_("Only a member of the organisation can stand."), field="candidate")
    return membership


def nominate(
    actor: Person | None,
    election: Election,
    candidate: Person,
    *,
    unit: Unit | None = None,
    statement: str = "",
) -> Nomination:
    """Nominate a candidate, for a unit (its secretary or delegate) or as a member (the
    first supporter). Nominating oneself is a nomination like any other; the candidate's
    consent is taken separately (unless the candidate nominates themself and says so)."""
    permissions.require_reader(actor, election.body)
    _require_open(election)
    assert actor is not None
    if unit is not None:
        if unit.organisation_id != election.organisation_id:
            raise Invalid(_("This unit belongs to another organisation."), field="unit")
        if not election.body.settings.elections.units_nominate:
            raise Invalid(_("In this body units do not nominate."), field="unit")
        if not permissions.speaks_for(actor, unit):
            raise NotAllowed(
                _("Only the secretary or a delegate of %(unit)s nominates for it.", unit=unit.name)
            )
    else:
        permissions.require_nominator(actor, election.body)
    _candidate_membership(election, candidate)
    statement = STATEMENT.check(statement.strip(), "statement")
    for problem in limits(election, candidate.id):  # the constitution's "no more than"
        raise Conflict(
            _("%(name)s cannot stand: %(reason)s.", name=candidate.name, reason=describe(problem)),
            field="candidate",
        )
    with transaction():
        existing = db.session.scalar(
            select(Nomination).where(
                Nomination.election_id == election.id, Nomination.candidate_id == candidate.id
            )
        )
        if existing is not None and existing.withdrawn_at is None:
            raise Conflict(
                _("%(name)s is already nominated in this election.", name=candidate.name),
                field="candidate",
            )
        if existing is not None:  # withdrawn earlier, nominated again
            db.session.delete(existing)
            db.session.flush()
        nomination = Nomination(
            election=election,
            candidate=candidate,
            unit=unit,
            proposer=actor,
            statement=statement,
        )
        db.session.add(nomination)
        if unit is None:
            nomination.supporters.append(Supporter(person=actor))
        db.session.flush()
        audit.record(
            "election.nominated",
            actor=actor,
            organisation_id=election.organisation_id,
            election=election.id,
            nomination=nomination.id,
            candidate=candidate.id,
            unit=unit.id if unit else None,
        )
        election_changed.send(election)
        if candidate.id != actor.id:  # after the commit, in the candidate's language
            notify.send_to(
                candidate,
                "nominated",
                NOMINATED_SUBJECT,
                NOMINATED_BODY,
                position=election.position.name,
                body_name=election.body.name,
                by=unit.name if unit else actor.name,
                when=election.nominations_close_at.strftime("%Y-%m-%d %H:%M UTC"),
                url=f"{current_app.config['PUBLIC_URL'].rstrip('/')}/elections/{election.id}",
            )
    return nomination


def support(actor: Person | None, nomination: Nomination) -> Nomination:
    """A member adds their name to a nomination (once)."""
    election = nomination.election
    permissions.require_reader(actor, election.body)
    _require_open(election)
    permissions.require_nominator(actor, election.body)
    assert actor is not None
    if nomination.withdrawn_at is not None:
        raise Conflict(_("This nomination was withdrawn."))
    if any(s.person_id == actor.id for s in nomination.supporters):
        raise Conflict(_("You already support this nomination."))
    with transaction():
        nomination.supporters.append(Supporter(person=actor))
        db.session.flush()
        audit.record(
            "election.supported",
            actor=actor,
            organisation_id=election.organisation_id,
            election=election.id,
            nomination=nomination.id,
        )
        election_changed.send(election)
    return nomination


def consent(
    actor: Person | None,
    nomination: Nomination,
    *,
    statement: str | None = None,
    categories: list[str] | None = None,
) -> Nomination:
    """The candidate consents in writing, with a statement and the categories they declare
    (those a minimum counts, e.g. "woman"), until the ballot is prepared."""
    election = nomination.election
    if not signed_in(actor) or actor is None or actor.id != nomination.candidate_id:
        raise NotAllowed(_("Only the candidate can consent to their nomination."))
    if election.status is not ElectionStatus.NOMINATING:
        raise Conflict(_("The ballot is prepared: consent can no longer be given."))
    if nomination.withdrawn_at is not None:
        raise Conflict(_("This nomination was withdrawn."))
    if categories is None:  # what the member declared of themself, if anything
        categories = [actor.gender] if actor.gender else []
    cleaned = sorted(
        {CATEGORY.check(c.strip().lower(), "categories") for c in categories if c.strip()}
    )
    text = (
        STATEMENT.check((statement or "").strip(), "statement") if statement is not None else None
    )
    with transaction():
        nomination.consent_at = nomination.consent_at or utcnow()
        nomination.categories = cleaned
        nomination.holds_post = bool(
            offices_held(actor.id, election.organisation_id, utcnow().date())
        )
        if text is not None:
            nomination.statement = text
        audit.record(
            "election.consented",
            actor=actor,
            organisation_id=election.organisation_id,
            election=election.id,
            nomination=nomination.id,
            categories=cleaned,
        )
        election_changed.send(election)
    return nomination


def withdraw(actor: Person | None, nomination: Nomination, reason: str = "") -> Nomination:
    """The candidate, their proposer or whoever runs the election withdraws a nomination.
    After ballots are cast the name stays on them and is passed over in the count."""
    election = nomination.election
    allowed = (
        signed_in(actor)
        and actor is not None
        and (
            actor.id in (nomination.candidate_id, nomination.proposer_id)
            or permissions.manages(actor, election.body)
        )
    )
    if not allowed:
        raise NotAllowed(_("Only the candidate, their nominator or the chair can withdraw it."))
    if nomination.withdrawn_at is not None:
        raise Conflict(_("This nomination was already withdrawn."))
    if election.status in (ElectionStatus.DECIDED, ElectionStatus.CANCELLED):
        raise Conflict(_("This election is over."))
    reason = REASON.check(reason.strip(), "reason")
    with transaction():
        nomination.withdrawn_at = utcnow()
        nomination.withdraw_reason = reason
        audit.record(
            "election.withdrawn",
            actor=actor,
            organisation_id=election.organisation_id,
            election=election.id,
            nomination=nomination.id,
            reason=reason,
            after_ballot=election.status is ElectionStatus.BALLOT,
        )
        election_changed.send(election)
    return nomination
