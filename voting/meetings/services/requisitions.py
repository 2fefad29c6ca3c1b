"""Requisitions: members, units, delegates or officers demand that a body meet.

A body's rules list the ways a meeting of it may be demanded (`BodySettings.requisitions`,
each an alternative): who signs, how many must, the notice of the meeting and the time
within which it is held. Someone entitled starts a requisition under one of them with a
title and grounds, and signs it first; others entitled sign it (a unit through its
secretary or one of its delegates, recorded as the unit). What the rule needs is copied
when the requisition starts, with the number of those who could sign then: the
threshold never moves while signatures are gathered (`rules.requisitions`).

Signing twice is refused with a message, and so is signing for a unit one does not
speak for. A signature may be withdrawn while the requisition is open. The signature
that reaches the threshold changes the status once (the requisition's row is locked
while signing, and one signer's signature is unique), appends an audit entry and, once
committed, mails the organisation's secretaries. A secretary then schedules the meeting
from it in one step (`convene`, through `meetings.schedule_meeting`): who called it and
the grounds are copied, and the meeting links back to the requisition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import force_locale, format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from voting.ballots.services.entitlements import body_members
from voting.constitutions.schema import RequisitionRule, fraction_text
from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import after_commit, savepoint, transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.mail import send_mail
from voting.core.parse import GROUNDS, TITLE, parse_text
from voting.core.permissions import role_kinds, roles_on, signed_in
from voting.meetings.models import (
    CalledBy,
    Meeting,
    MeetingKind,
    Requisition,
    RequisitionSignature,
    RequisitionStatus,
)
from voting.meetings.permissions import may_convene
from voting.meetings.services.meetings import schedule_meeting
from voting.membership.models import Membership, Person, Role, RoleKind
from voting.org.models import Body, Organisation, Unit
from voting.rules.requisitions import (
    Progress,
    Requirement,
    Signatories,
    convene_by,
    earliest_meeting,
)

# Who called the meeting a requisition demands, by who signed it.
CALLED_BY = {
    Signatories.MEMBERS: CalledBy.PETITION,
    Signatories.BODY_MEMBERS: CalledBy.PETITION,
    Signatories.UNITS: CalledBy.UNIT_MOTION,
    Signatories.DELEGATES: CalledBy.DELEGATES,
    Signatories.OFFICERS: CalledBy.OFFICERS,
}
# The roles through which a unit signs.
UNIT_SIGNERS = frozenset({RoleKind.SECRETARY.value, RoleKind.DELEGATE.value})


# --- Reading ------------------------------------------------------------------------------


def may_view(person: Person | None, org: Organisation | int) -> bool:
    """Members of the organisation (whatever their status), those holding a role in it,
    and operators see its requisitions and who signed them."""
    if not signed_in(person):
        return False
    assert person is not None
    org_id = org if isinstance(org, int) else org.id
    return (
        person.is_operator
        or any(m.organisation_id == org_id for m in person.memberships)
        or bool(roles_on(person, org_id))
    )


def get_requisition(actor: Person | None, requisition_id: int) -> Requisition:
    """The requisition, if `actor` may see it; another organisation's is not found."""
    requisition = db.session.get(Requisition, requisition_id)
    if requisition is None or not may_view(actor, requisition.body.organisation_id):
        raise NotFound(_("No such requisition."))
    return requisition


def list_requisitions(actor: Person | None, org: Organisation) -> list[Requisition]:
    """The organisation's requisitions, newest first."""
    if not may_view(actor, org):
        raise NotFound(_("No such organisation."))
    return list(
        db.session.scalars(
            select(Requisition)
            .join(Body, Requisition.body_id == Body.id)
            .where(Body.organisation_id == org.id)
            .order_by(Requisition.started_at.desc(), Requisition.id.desc())
        )
    )


def body_of(org: Organisation | None, slug: str) -> Body:
    """The organisation's body with this slug, or a clear NotFound."""
    body = next((b for b in org.bodies if b.slug == slug), None) if org else None
    if body is None:
        raise NotFound(_("No such body."))
    return body


def rule_of(body: Body, name: str) -> RequisitionRule:
    """The body's requisition rule with this name."""
    rules = body.settings.requisitions
    if not rules:
        raise Invalid(_("The rules of %(body)s provide no requisition.", body=body.name))
    rule = next((r for r in rules if r.name == name), None)
    if rule is None:
        raise Invalid(
            _(
                "Choose one of the ways to requisition: %(rules)s.",
                rules=", ".join(r.name for r in rules),
            ),
            field="rule",
        )
    return rule


def signature_count(requisition: Requisition) -> int:
    """Signatures standing (withdrawn ones do not count)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(RequisitionSignature)
            .where(
                RequisitionSignature.requisition_id == requisition.id,
                RequisitionSignature.signer_key.is_not(None),
            )
        )
        or 0
    )


def standing(requisition: Requisition) -> list[RequisitionSignature]:
    return [s for s in requisition.signatures if s.standing]


def progress_of(requisition: Requisition) -> Progress:
    """Signatures against the threshold read when the requisition started."""
    return Progress(signature_count(requisition), requisition.needed, requisition.eligible)


# --- Who may sign ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What a rule asks of those who sign, as the requisition keeps it."""

    signatories: Signatories
    statuses: frozenset[str]
    unit_kinds: frozenset[str]

    @classmethod
    def of(cls, thing: Requisition | RequisitionRule) -> Terms:
        return cls(
            Signatories(thing.signatories), frozenset(thing.statuses), frozenset(thing.unit_kinds)
        )


def _qualifies(terms: Terms, body: Body, status: str, kinds: set[str] | frozenset[str]) -> bool:
    """Whether a member with this status and these current role kinds signs personally."""
    if status not in terms.statuses:
        return False
    match terms.signatories:
        case Signatories.MEMBERS:
            return True
        case Signatories.BODY_MEMBERS:
            wanted = set(body.settings.members_roles)
            return not wanted or bool(wanted & set(kinds))
        case Signatories.DELEGATES:
            return RoleKind.DELEGATE.value in kinds
        case Signatories.OFFICERS:
            return RoleKind.OFFICER.value in kinds
    return False


def _membership(person: Person, body: Body) -> Membership | None:
    return next((m for m in person.memberships if m.organisation_id == body.organisation_id), None)


def signs_personally(person: Person | None, body: Body, terms: Terms) -> bool:
    """Whether `person` may sign in their own name under these terms."""
    if not signed_in(person) or terms.signatories is Signatories.UNITS:
        return False
    assert person is not None
    membership = _membership(person, body)
    if membership is None:
        return False
    kinds = role_kinds(roles_on(person, body.organisation_id, body=body))
    return _qualifies(terms, body, membership.status.value, kinds)


def units_signed_for(person: Person | None, body: Body, terms: Terms) -> list[Unit]:
    """The units `person` signs for under these terms: those whose secretary or delegate
    they are (a role held for that very unit), if their own membership lets them sign."""
    if not signed_in(person) or terms.signatories is not Signatories.UNITS:
        return []
    assert person is not None
    membership = _membership(person, body)
    if membership is None or membership.status.value not in terms.statuses:
        return []
    unit_ids = {
        role.unit_id
        for role in roles_on(person, body.organisation_id, body=body)
        if role.unit_id is not None and role_kinds([role]) & UNIT_SIGNERS
    }
    return [
        u
        for u in body.organisation.units
        if u.id in unit_ids and (not terms.unit_kinds or u.kind.value in terms.unit_kinds)
    ]


def person_key(person: Person) -> str:
    return f"person:{person.id}"


def unit_key(unit: Unit) -> str:
    return f"unit:{unit.id}"


def signer_keys(person: Person | None, body: Body, terms: Terms) -> list[str]:
    """The signatures `person` may give under these terms: for their units, or their own."""
    keys = [unit_key(u) for u in units_signed_for(person, body, terms)]
    if person is not None and signs_personally(person, body, terms):
        keys.append(person_key(person))
    return keys


def may_sign(person: Person | None, body: Body, terms: Terms) -> bool:
    return signs_personally(person, body, terms) or bool(units_signed_for(person, body, terms))


def rules_for(person: Person | None, body: Body) -> list[RequisitionRule]:
    """The body's requisition rules under which `person` may start a requisition."""
    return [r for r in body.settings.requisitions if may_sign(person, body, Terms.of(r))]


def eligible_count(body: Body, terms: Terms, day: date | None = None) -> int:
    """How many may sign under these terms today: the requisition's denominator."""
    day = day or date.today()
    org_id = body.organisation_id
    if terms.signatories is Signatories.UNITS:
        return sum(
            1
            for u in db.session.scalars(select(Unit).where(Unit.organisation_id == org_id))
            if not terms.unit_kinds or u.kind.value in terms.unit_kinds
        )
    if terms.signatories is Signatories.BODY_MEMBERS:
        return sum(
            1
            for _person, membership, kinds in body_members(body, day)
            if _qualifies(terms, body, membership.status.value, kinds)
        )
    kinds: dict[int, set[str]] = {}
    for role in db.session.scalars(select(Role).where(Role.organisation_id == org_id)):
        if role.current_on(day) and (role.body_id is None or role.body_id == body.id):
            kinds.setdefault(role.person_id, set()).add(role.kind.value)
    rows = db.session.execute(
        select(Membership.person_id, Membership.status).where(Membership.organisation_id == org_id)
    ).all()
    return sum(
        1
        for person_id, status in rows
        if _qualifies(terms, body, status.value, kinds.get(person_id, set()))
    )


def _signer(
    actor: Person | None, body: Body, terms: Terms, unit_id: int | None
) -> tuple[str, Unit | None]:
    """The signer key and unit of `actor`'s signature, or a refusal saying why not."""
    if not signed_in(actor):
        raise NotAllowed(_("Sign in to sign a requisition."))
    assert actor is not None
    if terms.signatories is not Signatories.UNITS:
        if unit_id is not None:
            raise Invalid(_("This requisition is signed by people, not units."), field="unit")
        if not signs_personally(actor, body, terms):
            raise NotAllowed(_refusal(terms))
        return person_key(actor), None
    units = units_signed_for(actor, body, terms)
    if unit_id is None:
        if len(units) == 1:
            return unit_key(units[0]), units[0]
        if units:
            raise Invalid(_("Choose the unit you sign for."), field="unit")
        raise NotAllowed(_refusal(terms))
    unit = next((u for u in units if u.id == unit_id), None)
    if unit is None:
        raise NotAllowed(_("Only a unit's secretary or one of its delegates signs for it."))
    return unit_key(unit), unit


def _refusal(terms: Terms) -> str:
    match terms.signatories:
        case Signatories.UNITS:
            return _("Only the secretary or a delegate of a unit can sign this requisition.")
        case Signatories.DELEGATES:
            return _("Only delegates can sign this requisition.")
        case Signatories.OFFICERS:
            return _("Only officers can sign this requisition.")
        case Signatories.BODY_MEMBERS:
            return _("Only members of this body can sign this requisition.")
    return _("Only members whose membership is in good standing can sign this requisition.")


# --- Starting, signing, withdrawing ------------------------------------------------------


def start_requisition(
    actor: Person | None,
    body: Body,
    *,
    rule: str,
    title: str,
    grounds: str,
    unit_id: int | None = None,
) -> Requisition:
    """Start a requisition of `body` under its rule named `rule`, signed first by `actor`
    (for `unit_id` where units sign). The denominator is read now."""
    if not may_view(actor, body.organisation_id):
        raise NotFound(_("No such body."))
    chosen = rule_of(body, rule)
    title = parse_text(title, "title", limit=TITLE)
    grounds = parse_text(grounds, "grounds", limit=GROUNDS)
    terms = Terms.of(chosen)
    key, unit = _signer(actor, body, terms, unit_id)
    assert actor is not None
    with transaction():
        eligible = eligible_count(body, terms)
        requisition = Requisition(
            body=body,
            title=title,
            kind=MeetingKind(chosen.kind),
            grounds=grounds,
            rule=chosen.name,
            rule_label=chosen.label,
            signatories=terms.signatories,
            share=fraction_text(chosen.share),
            minimum=chosen.count,
            statuses=sorted(terms.statuses),
            unit_kinds=sorted(terms.unit_kinds),
            eligible=eligible,
            needed=Requirement(chosen.share, chosen.count).needed(eligible),
            notice_days=chosen.notice_days,
            within_days=chosen.within_days,
            started_by_id=actor.id,
        )
        db.session.add(requisition)
        db.session.flush()
        audit.record(
            "requisition.started",
            actor=actor,
            organisation_id=body.organisation_id,
            requisition=requisition.id,
            body=body.slug,
            rule=chosen.name,
            title=title,
            grounds=grounds,
            eligible=eligible,
            needed=requisition.needed,
        )
        _add_signature(actor, requisition, key, unit)
    return requisition


def sign(
    actor: Person | None, requisition: Requisition, *, unit_id: int | None = None
) -> RequisitionSignature:
    """Sign the requisition (for `unit_id` where units sign). Signing twice is refused."""
    body = requisition.body
    if not may_view(actor, body.organisation_id):
        raise NotFound(_("No such requisition."))
    key, unit = _signer(actor, body, Terms.of(requisition), unit_id)
    assert actor is not None
    with transaction():
        locked = _locked(requisition)
        _require_open(locked)
        return _add_signature(actor, locked, key, unit)


def _add_signature(
    actor: Person, requisition: Requisition, key: str, unit: Unit | None
) -> RequisitionSignature:
    """Inside the transaction, with the requisition locked: add, count, reach once."""
    if _standing_signature(requisition, key) is not None:
        raise Conflict(_already_signed(unit))
    signature = RequisitionSignature(
        requisition_id=requisition.id,
        person_id=actor.id,
        unit_id=unit.id if unit else None,
        signer_key=key,
    )
    try:
        with savepoint():
            db.session.add(signature)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_already_signed(unit)) from None
    count = signature_count(requisition)
    audit.record(
        "requisition.signed",
        actor=actor,
        organisation_id=requisition.body.organisation_id,
        requisition=requisition.id,
        unit=unit.id if unit else None,
        signatures=count,
        needed=requisition.needed,
    )
    if Progress(count, requisition.needed, requisition.eligible).reached:
        _reach(actor, requisition, count)
    return signature


def _already_signed(unit: Unit | None) -> str:
    if unit is not None:
        return _("%(unit)s has already signed this requisition.", unit=unit.name)
    return _("You have already signed this requisition.")


def withdraw_signature(
    actor: Person | None, requisition: Requisition, *, unit_id: int | None = None
) -> Requisition:
    """Withdraw one's signature (or one's unit's) while the requisition is open."""
    body = requisition.body
    if not may_view(actor, body.organisation_id):
        raise NotFound(_("No such requisition."))
    key, unit = _signer(actor, body, Terms.of(requisition), unit_id)
    assert actor is not None
    with transaction():
        locked = _locked(requisition)
        if locked.status is not RequisitionStatus.OPEN:
            raise Conflict(
                _(
                    "The requisition has reached its threshold: "
                    "signatures can no longer be withdrawn."
                )
                if locked.status is not RequisitionStatus.CLOSED
                else _("This requisition is closed.")
            )
        signature = _standing_signature(locked, key)
        if signature is None:
            raise Conflict(
                _("%(unit)s has not signed this requisition.", unit=unit.name)
                if unit is not None
                else _("You have not signed this requisition.")
            )
        signature.signer_key = None
        signature.withdrawn_at = utcnow()
        audit.record(
            "requisition.signature_withdrawn",
            actor=actor,
            organisation_id=body.organisation_id,
            requisition=locked.id,
            unit=unit.id if unit else None,
            signatures=signature_count(locked),
        )
    return locked


def close_requisition(actor: Person | None, requisition: Requisition) -> Requisition:
    """Close an open requisition: whoever started it withdraws it, or a secretary closes
    it. A requisition that reached its threshold stands until its meeting is called."""
    body = requisition.body
    if not may_view(actor, body.organisation_id):
        raise NotFound(_("No such requisition."))
    assert actor is not None
    if not (requisition.started_by_id == actor.id or may_convene(actor, body)):
        raise NotAllowed(_("Only whoever started the requisition or a secretary can close it."))
    with transaction():
        locked = _locked(requisition)
        if locked.status is RequisitionStatus.CLOSED:
            return locked
        if locked.status is not RequisitionStatus.OPEN:
            raise Conflict(
                _("The requisition has reached its threshold: the meeting must be called.")
            )
        locked.status = RequisitionStatus.CLOSED
        locked.closed_at = utcnow()
        audit.record(
            "requisition.closed",
            actor=actor,
            organisation_id=body.organisation_id,
            requisition=locked.id,
            signatures=signature_count(locked),
        )
    return locked


def _locked(requisition: Requisition) -> Requisition:
    """The requisition read again inside the write, its row locked (PostgreSQL; SQLite's
    write transaction holds the whole database already)."""
    return db.session.scalars(
        select(Requisition)
        .where(Requisition.id == requisition.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _require_open(requisition: Requisition) -> None:
    if requisition.status is RequisitionStatus.OPEN:
        return
    if requisition.status is RequisitionStatus.CLOSED:
        raise Conflict(_("This requisition is closed."))
    raise Conflict(_("This requisition has all the signatures it needs already."))


def _standing_signature(requisition: Requisition, key: str) -> RequisitionSignature | None:
    return db.session.scalar(
        select(RequisitionSignature).where(
            RequisitionSignature.requisition_id == requisition.id,
            RequisitionSignature.signer_key == key,
        )
    )


# --- Reaching the threshold, convening the meeting ----------------------------------------


def _reach(actor: Person, requisition: Requisition, count: int) -> None:
    """Once: the status, the deadline, an audit entry; the secretaries mailed after commit."""
    now = utcnow()
    requisition.status = RequisitionStatus.REACHED
    requisition.reached_at = now
    requisition.convene_by = convene_by(now, requisition.within_days)
    body = requisition.body
    audit.record(
        "requisition.reached",
        actor=actor,
        organisation_id=body.organisation_id,
        requisition=requisition.id,
        signatures=count,
        needed=requisition.needed,
        eligible=requisition.eligible,
        convene_by=requisition.convene_by.isoformat() if requisition.convene_by else None,
    )
    _mail_secretaries(requisition, count)


def secretaries_of(body: Body) -> list[Person]:
    """Who is told a requisition of `body` is reached: the organisation's secretaries
    (and the body's own), else its admins; never the secretary of a single unit."""
    today = date.today()
    roles = [
        role
        for role in db.session.scalars(
            select(Role).where(Role.organisation_id == body.organisation_id)
        )
        if role.current_on(today)
        and role.unit_id is None
        and (role.body_id is None or role.body_id == body.id)
    ]
    for kind in (RoleKind.SECRETARY, RoleKind.ADMIN):
        people = {role.person_id: role.person for role in roles if role.kind is kind}
        if people:
            return sorted(people.values(), key=lambda p: (p.name, p.id))
    return []


def _mail_secretaries(requisition: Requisition, count: int) -> None:
    """After the commit, each secretary gets the news in their own language."""
    body = requisition.body
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    url = base + url_for(
        "requisitions.requisition_page", requisition_id=requisition.id, _external=False
    )
    values = {
        "title": requisition.title,
        "body": body.name,
        "organisation": body.organisation.name,
        "rule": requisition.rule_label or requisition.rule,
        "grounds": requisition.grounds,
        "url": url,
    }
    facts = (
        Signatories(requisition.signatories),
        count,
        requisition.eligible,
        requisition.needed,
        requisition.convene_by,
        requisition.notice_days,
        requisition.reached_at,
    )
    # Read now: after the commit these would be loaded again, outside any transaction.
    recipients = [(p.email, p.locale, p.name) for p in secretaries_of(body)]

    def deliver() -> None:
        default = current_app.config["BABEL_DEFAULT_LOCALE"]
        for email, locale, name in recipients:
            with force_locale(locale or default):
                subject, text = _mail_text(name, values, *facts)
            send_mail(email, subject, text)

    after_commit(deliver)


def _mail_text(
    name: str,
    values: dict[str, str],
    signatories: Signatories,
    count: int,
    eligible: int,
    needed: int,
    deadline: datetime | None,
    notice_days: int,
    reached_at: datetime | None,
) -> tuple[str, str]:
    subject = _("Requisition reached: %(title)s", title=values["title"])
    lines = [
        _("Dear %(name)s,", name=name),
        "",
        _(
            "The requisition “%(title)s” for a meeting of %(body)s (%(organisation)s) has "
            "the signatures it needs under the rule “%(rule)s”.",
            **values,
        ),
        count_sentence(signatories, count, eligible, needed),
        "",
        _("Grounds: %(grounds)s", grounds=values["grounds"]),
        "",
    ]
    lines += deadline_sentences(deadline, notice_days, reached_at)
    lines += [
        "",
        _("Schedule the meeting from the requisition's page: %(url)s", url=values["url"]),
    ]
    return subject, "\n".join(lines)


def count_sentence(signatories: Signatories, count: int, eligible: int, needed: int) -> str:
    """E.g. "12 of 20 members have signed; 8 more needed."."""
    match signatories:
        case Signatories.UNITS:
            of = ngettext(
                "%(count)d of %(num)d unit has signed",
                "%(count)d of %(num)d units have signed",
                eligible,
                count=count,
            )
        case Signatories.DELEGATES:
            of = ngettext(
                "%(count)d of %(num)d delegate has signed",
                "%(count)d of %(num)d delegates have signed",
                eligible,
                count=count,
            )
        case Signatories.OFFICERS:
            of = ngettext(
                "%(count)d of %(num)d officer has signed",
                "%(count)d of %(num)d officers have signed",
                eligible,
                count=count,
            )
        case Signatories.BODY_MEMBERS:
            of = ngettext(
                "%(count)d of the body's %(num)d member has signed",
                "%(count)d of the body's %(num)d members have signed",
                eligible,
                count=count,
            )
        case _:
            of = ngettext(
                "%(count)d of %(num)d member has signed",
                "%(count)d of %(num)d members have signed",
                eligible,
                count=count,
            )
    remaining = max(0, needed - count)
    if remaining:
        more = ngettext("%(num)d more needed", "%(num)d more needed", remaining)
    else:
        more = ngettext("%(num)d needed: reached", "%(num)d needed: reached", needed)
    return _("%(signed)s; %(more)s.", signed=of, more=more)


def deadline_sentences(
    deadline: datetime | None, notice_days: int, reached_at: datetime | None
) -> list[str]:
    """What the rule asks of the meeting: its notice, the date it must be held by."""
    lines = []
    if notice_days:
        earliest = earliest_meeting(utcnow(), notice_days)
        lines.append(
            ngettext(
                "The meeting needs %(num)d day's notice: the earliest date is %(date)s.",
                "The meeting needs %(num)d days' notice: the earliest date is %(date)s.",
                notice_days,
                date=format_date(earliest, "long"),
            )
        )
    if deadline is not None:
        lines.append(
            _("The meeting is to be held by %(date)s.", date=format_datetime(deadline, "long"))
        )
    elif reached_at is not None and not notice_days:
        lines.append(_("The rules set no deadline for holding the meeting."))
    return lines


def convene(
    actor: Person | None,
    requisition: Requisition,
    *,
    scheduled_for: datetime,
    title: str = "",
) -> Meeting:
    """Schedule the meeting a reached requisition demands, in one step: its kind, who
    called it and the grounds come from the requisition, which then links to it."""
    body = requisition.body
    if not may_view(actor, body.organisation_id):
        raise NotFound(_("No such requisition."))
    if not may_convene(actor, body):
        raise NotAllowed(_("Only a secretary, the body's chair or an admin can call the meeting."))
    if requisition.status is RequisitionStatus.CONVENED:
        raise Conflict(_("The meeting this requisition demands is scheduled already."))
    if requisition.status is RequisitionStatus.CLOSED:
        raise Conflict(_("This requisition is closed."))
    if requisition.status is not RequisitionStatus.REACHED:
        raise Conflict(_("The requisition does not have the signatures it needs yet."))
    if scheduled_for.tzinfo is None:
        raise Invalid(_("Give the date and time of the meeting."), field="scheduled_for")
    earliest = earliest_meeting(utcnow(), requisition.notice_days)
    if requisition.notice_days and scheduled_for < earliest:
        raise Invalid(
            ngettext(
                "The rules ask for %(num)d day's notice of this meeting: the earliest is %(date)s.",
                "The rules ask for %(num)d days' notice of this meeting: the earliest is %(date)s.",
                requisition.notice_days,
                date=format_date(earliest, "long"),
            ),
            field="scheduled_for",
        )
    if requisition.convene_by is not None and scheduled_for > requisition.convene_by:
        raise Invalid(
            _(
                "The rules ask for this meeting to be held by %(date)s.",
                date=format_datetime(requisition.convene_by, "long"),
            ),
            field="scheduled_for",
        )
    with transaction():
        locked = _locked(requisition)
        if locked.status is not RequisitionStatus.REACHED:
            raise Conflict(_("The meeting this requisition demands is scheduled already."))
        meeting = schedule_meeting(
            actor,
            body,
            title=title.strip() or locked.title,
            scheduled_for=scheduled_for,
            kind=locked.kind,
            called_by=CALLED_BY[Signatories(locked.signatories)],
            grounds=locked.grounds,
            requisition=locked,
        )
        locked.meeting = meeting
        locked.status = RequisitionStatus.CONVENED
        audit.record(
            "requisition.convened",
            actor=actor,
            organisation_id=body.organisation_id,
            requisition=locked.id,
            meeting=meeting.id,
            scheduled_for=scheduled_for.isoformat(),
        )
    return meeting


def can_convene(person: Person | None, requisition: Requisition) -> bool:
    """For the pages: whether to offer `person` the form that calls the meeting."""
    return requisition.status is RequisitionStatus.REACHED and may_convene(person, requisition.body)
