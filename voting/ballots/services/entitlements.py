"""Who holds which votes in a poll: the rules core's answer from the database, and its
snapshot when the poll opens.

The roll is read as it stands on the electorate's day (a meeting's date): members of the
body with their statuses, current roles (non-voting roles; delegates with their terms),
units with their sizes and attendance records (cutoff: that day); the poll's electorate
adds what its occasion holds — the voting cards assigned for it, the proxies given for
it, the mandates on its question — and who is there (presence). The rules core
(`voting.rules.entitlement`) decides; this module stores its rows when a poll opens and
shows the chair the same rows before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import inspect, or_, select

from voting.ballots.electorates import Electorate, electorate_of
from voting.ballots.models import Poll, PollEntitlement, PollMode, PollStatus
from voting.constitutions.schema import BodySettings, SpecialThreshold
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.membership.models import Membership, Person, Role, RoleKind
from voting.org.models import AttendanceRecord, Body, Unit
from voting.rules import entitlement as rules
from voting.rules.messages import TEMPLATES, Message
from voting.rules.privacy import PrivacyReport, secret_ballot_warnings
from voting.rules.types import Choice, MemberStatus, UnitKind

# --- Messages as data ------------------------------------------------------------------------


def message_data(message: Message) -> dict[str, Any]:
    """A rules-core message as JSON: its key and parameters (nested messages, dates kept)."""
    return {"key": message.key, "params": {k: _encode(v) for k, v in message.params}}


def message_from(data: dict[str, Any]) -> Message:
    """The message stored by `message_data`."""
    params = {k: _decode(v) for k, v in data.get("params", {}).items()}
    return Message(data["key"], tuple(params.items()))


def text_of(data: dict[str, Any]) -> str:
    """A stored message in the current language."""
    if data.get("key") not in TEMPLATES:
        return str(data.get("text", ""))
    return describe(message_from(data))


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"$message": message_data(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Fraction):
        return {"$fraction": [value.numerator, value.denominator]}
    if isinstance(value, bool | int | str | float) or value is None:
        return value
    if isinstance(value, tuple | list | set | frozenset):
        return {"$list": [_encode(v) for v in value]}
    return str(getattr(value, "value", value))


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$message" in value:
            return message_from(value["$message"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$fraction" in value:
            return Fraction(*value["$fraction"])
        if "$list" in value:
            return tuple(_decode(v) for v in value["$list"])
    return value


# --- The body's rule ------------------------------------------------------------------------


def special_of(settings: BodySettings, name: str) -> SpecialThreshold | None:
    """The body's special decision with this name, if any."""
    return next((s for s in settings.special if s.name == name), None) if name else None


def body_rule(settings: BodySettings, special: str = "") -> rules.BodyRule:
    """The body's settings as the rules core's `BodyRule` (a special decision may restrict
    which unit kinds vote, e.g. constitution amendments: sections only)."""
    chosen = special_of(settings, special)
    kinds = chosen.unit_kinds if chosen is not None else []
    return rules.BodyRule(
        scheme=rules.Scheme(settings.scheme),
        weight_bands=tuple(
            rules.WeightBand(UnitKind(b.unit_kind), b.votes, b.min_size)
            for b in settings.weight_bands
        ),
        delegate_bands=tuple(
            rules.DelegateBand(b.min_size, b.delegates) for b in settings.delegate_bands
        )
        or (rules.DelegateBand(0, 1),),
        eligible_unit_kinds=frozenset(UnitKind(k) for k in kinds) if kinds else None,
        non_voting_roles=frozenset(settings.non_voting_roles),
        voting_statuses=frozenset(MemberStatus(s) for s in settings.vote),
        in_writing_only_statuses=frozenset(MemberStatus(s) for s in settings.vote_in_writing_only),
        one_unit_per_holder=settings.one_organisation_per_card_holder,
        proxies_allowed=settings.proxies.allowed,
        proxy_statuses=frozenset(MemberStatus(s) for s in settings.proxies.statuses),
        directed_proxies=settings.proxies.directed,
        proxy_cap=settings.proxies.cap_per_holder or None,
    )


# --- The roll on the electorate's day ------------------------------------------------------


def _roles_on(body: Body, day: dt.date) -> list[Role]:
    return [
        role
        for role in db.session.scalars(
            select(Role).where(Role.organisation_id == body.organisation_id)
        )
        if role.current_on(day) and (role.body_id is None or role.body_id == body.id)
    ]


def body_members(body: Body, day: dt.date) -> list[tuple[Person, Membership, frozenset[str]]]:
    """Members of the body on a day, with their membership and role kinds (sorted by name).

    A body with `members_roles` (a council) has only the holders of those roles.
    """
    settings = body.settings
    roles: dict[int, set[str]] = {}
    for role in _roles_on(body, day):
        roles.setdefault(role.person_id, set()).add(role.kind.value)
    rows = db.session.execute(
        select(Person, Membership)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.organisation_id == body.organisation_id)
        .order_by(Person.name, Person.id)
    ).all()
    found = []
    for person, membership in rows:
        kinds = frozenset(roles.get(person.id, ()))
        if settings.members_roles and not kinds & set(settings.members_roles):
            continue
        found.append((person, membership, kinds))
    return found


def body_roll(body: Body, day: dt.date) -> list[tuple[int, str, str]]:
    """`body_members` as plain rows (person id, name, membership status), for a roll read
    once for a very large body."""
    settings = body.settings
    holders: set[int] | None = None
    if settings.members_roles:
        holders = set(
            db.session.scalars(
                select(Role.person_id).where(
                    Role.organisation_id == body.organisation_id,
                    Role.kind.in_(list(settings.members_roles)),
                    or_(Role.body_id.is_(None), Role.body_id == body.id),
                    or_(Role.starts_on.is_(None), Role.starts_on <= day),
                    or_(Role.ends_on.is_(None), Role.ends_on >= day),
                )
            )
        )
    rows = db.session.execute(
        select(Person.id, Person.name, Membership.status)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.organisation_id == body.organisation_id)
        .order_by(Person.name, Person.id)
    )
    return [
        (person_id, name, getattr(status, "value", status))
        for person_id, name, status in rows
        if holders is None or person_id in holders
    ]


def roll_of(electorate: Electorate) -> rules.Roll:
    """The rules core's roll for a poll with this electorate."""
    body = electorate.body
    day = electorate.day()
    members = body_members(body, day)
    people = [
        rules.Person(p.id, p.name, MemberStatus(m.status.value), kinds) for p, m, kinds in members
    ]
    known = {p.id for p in people}
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.organisation_id == body.organisation_id).order_by(Unit.name)
        )
    )
    delegates = sorted(
        (r for r in _roles_on(body, day) if r.kind is RoleKind.DELEGATE and r.unit_id is not None),
        key=lambda r: (r.starts_on or dt.date.min, r.id),
    )
    ranks: dict[int, int] = {}
    delegate_rows = []
    for role in delegates:
        ranks[role.unit_id] = ranks.get(role.unit_id, 0) + 1  # type: ignore[index]
        delegate_rows.append(rules.Delegate(role.person_id, role.unit_id, ranks[role.unit_id]))  # type: ignore[arg-type, index]
    cards = electorate.card_holders()
    extra = {c.person_id for c in cards} - known
    # Card holders who are not members of the body still need a name in the roll.
    people += [
        rules.Person(p.id, p.name, MemberStatus.FULL)
        for p in db.session.scalars(select(Person).where(Person.id.in_(extra)).order_by(Person.id))
    ]
    return rules.Roll(
        people=people,
        units=[
            rules.Unit(
                u.id, u.name, UnitKind(u.kind.value), u.size, rules.DelegateSplit(u.delegate_split)
            )
            for u in units
        ],
        attendance=[
            rules.Attendance(r.unit_id, r.held_on, r.present)
            for r in db.session.scalars(
                select(AttendanceRecord).where(AttendanceRecord.unit_id.in_([u.id for u in units]))
            )
        ],
        delegates=delegate_rows,
        card_holders=cards,
        proxies=electorate.proxies(),
    )


# --- Preview and snapshot -----------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """Who would hold what if the poll opened now, and the privacy warnings of a secret poll."""

    result: rules.EntitlementResult
    privacy: PrivacyReport | None
    mandates: dict[str, str]  # voter key -> instruction
    members: int
    units_total: int

    def lines(self) -> list[str]:
        """Every holding, then every refusal, in the current language."""
        return [describe(e.reason) for e in self.result.entitlements] + [
            describe(r.reason) for r in self.result.refusals
        ]

    def warnings(self) -> list[str]:
        """The privacy warnings in the current language."""
        return [describe(m) for m in self.privacy.warnings] if self.privacy else []


def preview(poll: Poll) -> Preview:
    """Compute the poll's entitlements now, without storing anything."""
    electorate = electorate_of(poll)
    settings = poll.body.settings
    roll = roll_of(electorate)
    context = rules.PollContext(
        present=electorate.present(),
        motion_id=electorate.question_id(),
        cutoff=electorate.day(),
    )
    result = rules.compute_entitlements(body_rule(settings, poll.special), roll, context)
    unit_mandates = {} if poll.free_vote or not settings.mandates else electorate.mandates()
    mandates = {
        e.voter_key: unit_mandates[e.principal_id]  # type: ignore[index]
        for e in result.entitlements
        if e.principal_kind is rules.PrincipalKind.UNIT and e.principal_id in unit_mandates
    }
    privacy = None
    if poll.mode is PollMode.SECRET:
        names = {p.id: p.name for p in roll.people}
        privacy = secret_ballot_warnings(
            # The holdings present are those whose choices the tally adds up.
            [
                (names.get(e.holder_id, str(e.holder_id)), e.weight)
                for e in result.entitlements
                if e.present and not e.in_writing_only
            ]
        )
    members = sum(1 for p in roll.people if p.status.value in settings.attend)
    return Preview(result, privacy, mandates, max(members, result.entitled), len(roll.units))


def store_snapshot(poll: Poll, snapshot: Preview) -> None:
    """Write the snapshot's rows on the poll (inside the caller's transaction) and mark the
    proxies that lapsed because their principal is present."""
    for e in snapshot.result.entitlements:
        person_principal = e.principal_kind is rules.PrincipalKind.PERSON
        db.session.add(
            PollEntitlement(
                poll_id=poll.id,
                voter_key=e.voter_key,
                holder_id=int(e.holder_id),
                principal_kind=e.principal_kind.value,
                principal_person_id=int(e.principal_id) if person_principal else None,
                principal_unit_id=None if person_principal else int(e.principal_id),
                weight=e.weight,
                source=e.source.value,
                reason=message_data(e.reason),
                present=e.present,
                in_writing_only=e.in_writing_only,
                instruction=e.instruction.value if e.instruction else None,
                mandate=snapshot.mandates.get(e.voter_key),
            )
        )
    poll.refusals = [
        {"person": r.person_id, **message_data(r.reason)} for r in snapshot.result.refusals
    ]
    poll.unheld = snapshot.result.unheld
    poll.members = snapshot.members
    poll.units_total = snapshot.units_total
    poll.privacy_warnings = (
        [message_data(m) for m in snapshot.privacy.warnings] if snapshot.privacy else []
    )
    lapsed = {
        r.person_id for r in snapshot.result.refusals if r.reason.key == "refusal.proxy_lapsed"
    }
    if lapsed:
        electorate_of(poll).lapse_proxies(lapsed)


def holdings_of(poll: Poll, person: Person) -> list[PollEntitlement]:
    """The snapshot's rows `person` may cast: those they hold, and their own vote given by
    proxy (a member who turns up votes in person while the proxy is unused)."""
    if "entitlements" in inspect(poll).unloaded:
        # One voter's rows, not the whole snapshot: this runs for every vote cast.
        return list(
            db.session.scalars(
                select(PollEntitlement)
                .where(
                    PollEntitlement.poll_id == poll.id,
                    (PollEntitlement.holder_id == person.id)
                    | (
                        (PollEntitlement.source == rules.Source.PROXY.value)
                        & (PollEntitlement.principal_person_id == person.id)
                    ),
                )
                .order_by(PollEntitlement.id)
            )
        )
    return [
        e
        for e in poll.entitlements
        if e.holder_id == person.id
        or (e.source == rules.Source.PROXY.value and e.principal_person_id == person.id)
    ]


def holdings_of_many(poll: Poll, person_ids: Collection[int]) -> dict[int, list[PollEntitlement]]:
    """`holdings_of` for many people at once (one query): person id -> their rows."""
    ids = set(person_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(PollEntitlement)
        .where(
            PollEntitlement.poll_id == poll.id,
            PollEntitlement.holder_id.in_(ids)
            | (
                (PollEntitlement.source == rules.Source.PROXY.value)
                & PollEntitlement.principal_person_id.in_(ids)
            ),
        )
        .order_by(PollEntitlement.id)
    )
    found: dict[int, list[PollEntitlement]] = {}
    for row in rows:
        if row.holder_id in ids:
            found.setdefault(row.holder_id, []).append(row)
        principal = row.principal_person_id
        if (
            row.source == rules.Source.PROXY.value
            and principal in ids
            and principal != row.holder_id
        ):
            found.setdefault(principal, []).append(row)
    return found


def refusals_of(poll: Poll, person: Person) -> list[str]:
    """Why the snapshot gave `person` nothing (or less), in the current language; where it
    says nothing of them, why the body's rule gives them no vote (`no_vote_reason`)."""
    stored = [text_of(r) for r in poll.refusals if r.get("person") == person.id]
    if stored or poll.status is PollStatus.DRAFT:
        return stored
    reason = no_vote_reason(poll, person)
    return [describe(reason)] if reason is not None else []


def no_vote_reason(poll: Poll, person: Person) -> Message | None:
    """Why the body's rule gives `person` no vote in the poll, for someone its snapshot
    names nowhere: a role or a standing that carries no vote, or, where the votes are the
    units' (WRI: sections' and associates' cards), that they hold none — so an individual
    member at the WRI conference is told that individual members have no vote there."""
    body = poll.body
    membership = next(
        (m for m in person.memberships if m.organisation_id == body.organisation_id), None
    )
    if membership is None:
        return None
    electorate = electorate_of(poll)
    day = electorate.day()
    roles = [
        r
        for r in person.roles
        if r.organisation_id == body.organisation_id
        and r.current_on(day)
        and (r.body_id is None or r.body_id == body.id)
    ]
    rule = body_rule(body.settings, poll.special)
    if rule.scheme is rules.Scheme.UNIT_WEIGHTS:
        represents = any(c.person_id == person.id for c in electorate.card_holders())
    else:
        represents = any(r.kind is RoleKind.DELEGATE and r.unit_id is not None for r in roles)
    standing = rules.Person(
        person.id,
        person.name,
        MemberStatus(membership.status.value),
        frozenset(r.kind.value for r in roles),
    )
    return rules.why_no_vote(rule, standing, represents=represents)


def entitlement_rows(
    poll: Poll, stored: Collection[PollEntitlement] | None = None
) -> list[rules.Entitlement]:
    """The stored snapshot (or these of its rows) as the rules core's rows, for the tally."""
    return [
        rules.Entitlement(
            holder_id=e.holder_id,
            principal_kind=rules.PrincipalKind(e.principal_kind),
            principal_id=(
                e.principal_person_id if e.principal_kind == "person" else e.principal_unit_id
            ),  # type: ignore[arg-type]
            weight=e.weight,
            source=rules.Source(e.source),
            reason=message_from(e.reason),
            present=e.present,
            instruction=Choice(e.instruction) if e.instruction else None,
            in_writing_only=e.in_writing_only,
        )
        for e in (poll.entitlements if stored is None else stored)
    ]
