"""Entitlement: who holds how many votes in a poll, and why.

Input is plain data: the body's rule (`BodyRule`), the roll (people, units, attendance
records, delegates, card holders, proxies) and the poll's context (who is present, which
motion, the date of the meeting). Output is a list of `Entitlement` rows, one per vote
holding, each with a reason line ("Ana holds 3 votes: 3 cards of Section X"), and a
list of `Refusal` rows saying why someone holds nothing ("Bo holds cards of Section X;
cannot also hold cards of Section Y").

Three schemes, named as the body configuration names them:

* `one_member_one_vote`: every member whose status votes holds one vote. Members
  whose status votes "in writing or by proxy" only (AWL withdrawn members) hold their
  vote marked `in_writing_only`. Proxies apply only in this scheme.
* `unit_weights`: each eligible unit holds votes by weight bands (WRI Constitution
  3(e): "each Section with more than 1000 members has three votes, each other Section
  two votes and each Associate Organisation one collective vote"), as cards handed to
  its representatives (Rules 1(b): "one voting card for each vote"); by default split
  evenly, the remainder to the first. "No individual may hold voting cards on behalf
  of more than one organisation."
* `delegate_attendance`: a unit's delegates carry the attendance of its last meeting
  strictly before the cutoff (WSM 5.5(iv): "Delegates carry the number of votes of
  people who were at the last branch meeting prior to DC where motions were
  discussed"), divided between them by the unit's `DelegateSplit`.

Roles the body names as non-voting (chair, officers) never hold votes, whatever the
scheme (WSM 5.4.1: "None of the National officers has a vote").

Every right to vote is listed, present or not, so that "those entitled" is the real
base for an absolute majority; `present` says whether the holding is in the room (a
proxy is present when its holder is).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from voting.rules.messages import Message
from voting.rules.types import Choice, MemberStatus, PersonId, UnitId, UnitKind


class Scheme(StrEnum):
    """How a body's votes are held."""

    ONE_MEMBER_ONE_VOTE = "one_member_one_vote"
    UNIT_WEIGHTS = "unit_weights"
    DELEGATE_ATTENDANCE = "delegate_attendance"


class DelegateSplit(StrEnum):
    """How a unit's votes divide between its delegates (a unit setting)."""

    EVEN_FIRST_REMAINDER = "even_first_remainder"  # 9 between two: 5 and 4
    ALL_TO_FIRST = "all_to_first"  # the first delegate carries them all


class Source(StrEnum):
    """Where a holding comes from."""

    OWN = "own"
    CARD = "card"
    DELEGATE = "delegate"
    PROXY = "proxy"


class ProxyScope(StrEnum):
    """What a proxy covers."""

    MOTION = "motion"
    MEETING = "meeting"


class PrincipalKind(StrEnum):
    """Whose vote a holding is: a person's own, or a unit's."""

    PERSON = "person"
    UNIT = "unit"


@dataclass(frozen=True)
class WeightBand:
    """Votes of a unit of `unit_kind` with at least `min_size` members.

    The first matching band counts, so list larger sizes first:
    `WeightBand("section", 3, min_size=1001)`, `WeightBand("section", 2)`.
    """

    unit_kind: UnitKind
    votes: int
    min_size: int = 0


@dataclass(frozen=True)
class DelegateBand:
    """How many delegates a unit of at least `min_size` members sends (first match counts)."""

    min_size: int
    delegates: int


@dataclass(frozen=True)
class BodyRule:
    """What a body's constitution says about holding votes.

    `eligible_unit_kinds`: which unit kinds vote (None: all that a band or delegate
    rule covers); a decision such as a constitution amendment uses a rule with
    `{"section"}`. `voting_statuses`: statuses that vote in `one_member_one_vote`;
    `in_writing_only_statuses` among them vote only in writing or by proxy.
    `proxy_statuses`: who may give a proxy. `proxy_cap`: most proxies per holder.
    """

    scheme: Scheme
    weight_bands: tuple[WeightBand, ...] = ()
    delegate_bands: tuple[DelegateBand, ...] = (DelegateBand(0, 1),)
    eligible_unit_kinds: frozenset[UnitKind] | None = None
    non_voting_roles: frozenset[str] = frozenset()
    voting_statuses: frozenset[MemberStatus] = frozenset({MemberStatus.FULL})
    in_writing_only_statuses: frozenset[MemberStatus] = frozenset()
    one_unit_per_holder: bool = True
    proxies_allowed: bool = False
    proxy_statuses: frozenset[MemberStatus] = frozenset({MemberStatus.FULL, MemberStatus.WITHDRAWN})
    directed_proxies: bool = True
    proxy_cap: int | None = None


@dataclass(frozen=True)
class Person:
    """Someone on the roll. `roles` are role kinds such as "chair" or "officer"."""

    id: PersonId
    name: str
    status: MemberStatus = MemberStatus.FULL
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Unit:
    """A member unit: section, associate, branch, ... with its size in members."""

    id: UnitId
    name: str
    kind: UnitKind
    size: int
    split: DelegateSplit = DelegateSplit.EVEN_FIRST_REMAINDER


@dataclass(frozen=True)
class Attendance:
    """How many were present at a unit's meeting, and whether motions were discussed."""

    unit_id: UnitId
    held_on: dt.date
    present: int
    motions_discussed: bool = True


@dataclass(frozen=True)
class Delegate:
    """A person delegated by a unit; `rank` 1 is the first (e.g. the 6-month delegate)."""

    person_id: PersonId
    unit_id: UnitId
    rank: int = 1


@dataclass(frozen=True)
class CardHolder:
    """A representative holding a unit's voting cards: `cards` of them, or None for a
    share of what the unit's other named holders leave (even, remainder to the first)."""

    person_id: PersonId
    unit_id: UnitId
    cards: int | None = None
    rank: int = 1


@dataclass(frozen=True)
class Proxy:
    """A member's vote given to a holder, for one motion or a whole meeting.

    `instruction` makes it directed (recorded, and compared with the vote cast);
    `given_order` orders proxies for the cap and for replacement (later replaces).
    """

    principal_id: PersonId
    holder_id: PersonId
    scope: ProxyScope = ProxyScope.MEETING
    motion_id: int | str | None = None
    instruction: Choice | None = None
    given_order: int = 0


@dataclass(frozen=True)
class Roll:
    """Everything known about the body's membership for one poll."""

    people: Sequence[Person]
    units: Sequence[Unit] = ()
    attendance: Sequence[Attendance] = ()
    delegates: Sequence[Delegate] = ()
    card_holders: Sequence[CardHolder] = ()
    proxies: Sequence[Proxy] = ()


@dataclass(frozen=True)
class PollContext:
    """The poll: who is present (None: everyone counts as able to vote, e.g. a postal
    ballot), which motion (for per-motion proxies), and the cutoff date for attendance."""

    present: frozenset[PersonId] | None = None
    motion_id: int | str | None = None
    cutoff: dt.date | None = None


@dataclass(frozen=True)
class Entitlement:
    """One vote holding: `holder_id` casts `weight` votes that belong to the principal."""

    holder_id: PersonId
    principal_kind: PrincipalKind
    principal_id: PersonId | UnitId
    weight: int
    source: Source
    reason: Message
    present: bool = True
    instruction: Choice | None = None
    in_writing_only: bool = False

    @cached_property
    def voter_key(self) -> str:
        """The key a ballot names; each key is counted once in a tally.

        A member's own vote and a proxy for it share the key, so a member who turns
        up and votes replaces their proxy. Unit votes split between several holders
        get one key per holder.
        """
        if self.principal_kind is PrincipalKind.PERSON:
            return f"person:{self.principal_id}"
        return f"unit:{self.principal_id}/{self.holder_id}"

    def describe(self) -> str:
        """The reason line, e.g. "Ana holds 3 votes: 3 cards of Section X"."""
        return self.reason.describe()


@dataclass(frozen=True)
class Refusal:
    """Someone who holds nothing (or less) in this poll, and why."""

    person_id: PersonId | None
    reason: Message

    def describe(self) -> str:
        """The reason in English."""
        return self.reason.describe()


@dataclass(frozen=True)
class EntitlementResult:
    """The holdings of a poll, the refusals, and the totals a threshold needs."""

    entitlements: tuple[Entitlement, ...]
    refusals: tuple[Refusal, ...]
    unheld: int = 0  # votes of units nobody holds (they still count as entitled)
    by_key: dict[str, Entitlement] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_key.update((e.voter_key, e) for e in self.entitlements)

    @property
    def entitled(self) -> int:
        """All votes that exist in this poll, held or not, present or not."""
        return sum(e.weight for e in self.entitlements) + self.unheld

    @property
    def present(self) -> int:
        """Votes present in the room (including those held by proxy)."""
        return sum(e.weight for e in self.entitlements if e.present)

    def lines(self) -> list[str]:
        """Every reason line, holdings first, then refusals."""
        return [e.describe() for e in self.entitlements] + [r.describe() for r in self.refusals]


def compute_entitlements(rule: BodyRule, roll: Roll, context: PollContext) -> EntitlementResult:
    """Who holds how many votes in a poll of a body under `rule`, and why."""
    people = {p.id: p for p in roll.people}
    builder = _Builder(people, context)
    for person in roll.people:
        role = _non_voting_role(rule, person)
        if role is not None:
            builder.refuse(person.id, "refusal.non_voting_role", person=person.name, role=role)
    match rule.scheme:
        case Scheme.ONE_MEMBER_ONE_VOTE:
            _one_member_one_vote(rule, roll, builder)
        case Scheme.UNIT_WEIGHTS:
            _unit_weights(rule, roll, builder)
        case Scheme.DELEGATE_ATTENDANCE:
            _delegate_attendance(rule, roll, builder)
    return EntitlementResult(tuple(builder.rows), tuple(builder.refusals), builder.unheld)


def why_no_vote(
    rule: BodyRule, person: Person, *, represents: bool | None = None
) -> Message | None:
    """Why `person` has no vote in the body under its rule, or None if nothing stands in
    their way.

    A role the body names as non-voting comes first. In the schemes where the votes are
    the units' (WRI 2(b): individual members "may also attend and speak but shall not have
    a vote"), `represents` says whether they hold a unit's cards or a delegate's role
    (None: not asked): a representative holds the unit's votes whatever their own
    standing, someone who represents no unit holds none, and the sentence says whose the
    votes are. Otherwise the standing the body lets vote (`voting_statuses`) decides.
    """
    role = _non_voting_role(rule, person)
    if role is not None:
        return Message.of("refusal.non_voting_role", person=person.name, role=role)
    if represents and rule.scheme is not Scheme.ONE_MEMBER_ONE_VOTE:
        return None
    if rule.scheme is Scheme.UNIT_WEIGHTS:
        kinds = tuple(
            sorted(
                rule.eligible_unit_kinds
                if rule.eligible_unit_kinds is not None
                else {b.unit_kind for b in rule.weight_bands}
            )
        )
        if person.status not in rule.voting_statuses:
            return Message.of(
                "refusal.status_units", person=person.name, status=person.status, kinds=kinds
            )
        if represents is False:
            return Message.of("refusal.no_cards", person=person.name, kinds=kinds)
        return None
    if person.status not in rule.voting_statuses:
        return Message.of("refusal.status", person=person.name, status=person.status)
    if rule.scheme is Scheme.DELEGATE_ATTENDANCE and represents is False:
        return Message.of("refusal.not_a_delegate", person=person.name)
    return None


# --- helpers shared by the schemes -------------------------------------------------


class _Builder:
    """Collects rows and refusals; knows who is present and how to name people."""

    def __init__(self, people: dict[PersonId, Person], context: PollContext) -> None:
        self.people = people
        self.context = context
        self.rows: list[Entitlement] = []
        self.refusals: list[Refusal] = []
        self.unheld = 0

    def name(self, person_id: PersonId) -> str:
        person = self.people.get(person_id)
        return person.name if person else str(person_id)

    def is_present(self, person_id: PersonId) -> bool:
        return self.context.present is None or person_id in self.context.present

    def refuse(self, person_id: PersonId | None, key: str, **params: object) -> None:
        self.refusals.append(Refusal(person_id, Message.of(key, **params)))

    def hold(
        self,
        holder_id: PersonId,
        principal: tuple[PrincipalKind, PersonId | UnitId],
        weight: int,
        source: Source,
        source_text: Message,
        *,
        instruction: Choice | None = None,
        in_writing_only: bool = False,
    ) -> None:
        reason = Message.of(
            "entitlement.line", holder=self.name(holder_id), count=weight, source=source_text
        )
        self.rows.append(
            Entitlement(
                holder_id=holder_id,
                principal_kind=principal[0],
                principal_id=principal[1],
                weight=weight,
                source=source,
                reason=reason,
                present=self.is_present(holder_id),
                instruction=instruction,
                in_writing_only=in_writing_only,
            )
        )


def _non_voting_role(rule: BodyRule, person: Person) -> str | None:
    """The first of the person's roles that carries no vote in this body, if any."""
    return next((r for r in sorted(person.roles) if r in rule.non_voting_roles), None)


def _can_hold(rule: BodyRule, people: dict[PersonId, Person], person_id: PersonId) -> bool:
    person = people.get(person_id)
    return person is None or _non_voting_role(rule, person) is None


def _eligible(rule: BodyRule, unit: Unit) -> bool:
    return rule.eligible_unit_kinds is None or unit.kind in rule.eligible_unit_kinds


def split_votes(votes: int, holders: int, split: DelegateSplit) -> list[int]:
    """Divide a unit's votes between its holders, first holder first.

    Even split with the remainder to the first: 9 between two is [5, 4], 11 between
    three is [5, 3, 3]. All to the first: [9, 0].
    """
    if holders <= 0:
        return []
    if split is DelegateSplit.ALL_TO_FIRST:
        return [votes] + [0] * (holders - 1)
    share, remainder = divmod(votes, holders)
    return [share + remainder] + [share] * (holders - 1)


def _first_per_person(
    rule: BodyRule,
    items: Iterable[CardHolder] | Iterable[Delegate],
    units: dict[UnitId, Unit],
    builder: _Builder,
    refusal_key: str,
) -> dict[UnitId, list]:
    """Group holders by unit, refusing anyone who already holds for another unit.

    The first listing of a person wins; later ones are refused with the reason.
    """
    by_unit: dict[UnitId, list] = defaultdict(list)
    first_unit: dict[PersonId, UnitId] = {}
    for item in items:
        unit = units.get(item.unit_id)
        if unit is None or not _can_hold(rule, builder.people, item.person_id):
            continue  # unknown unit: nothing to hold; non-voting role: refused already
        # The first listing of a person wins, even for a unit that does not vote on
        # this decision: holding for two organisations is refused in every poll.
        earlier = first_unit.setdefault(item.person_id, unit.id)
        if rule.one_unit_per_holder and earlier != unit.id:
            builder.refuse(
                item.person_id,
                refusal_key,
                person=builder.name(item.person_id),
                first=units[earlier].name,
                unit=unit.name,
            )
            continue
        if not _eligible(rule, unit):
            kinds = sorted(k.value for k in rule.eligible_unit_kinds or ())
            builder.refuse(
                item.person_id,
                "refusal.unit_not_eligible",
                person=builder.name(item.person_id),
                kinds=tuple(kinds),
            )
            continue
        by_unit[unit.id].append(item)
    for holders in by_unit.values():
        holders.sort(key=lambda h: h.rank)
    return by_unit


# --- one member one vote, with proxies ---------------------------------------------


def _one_member_one_vote(rule: BodyRule, roll: Roll, builder: _Builder) -> None:
    voters: dict[PersonId, Person] = {}
    for person in roll.people:
        if _non_voting_role(rule, person) is not None:
            continue
        if person.status not in rule.voting_statuses:
            builder.refuse(person.id, "refusal.status", person=person.name, status=person.status)
            continue
        voters[person.id] = person
    proxies = _valid_proxies(rule, roll.proxies, voters, builder)
    for person in voters.values():
        proxy = proxies.get(person.id)
        if proxy is not None:
            scope = (
                Message.of("scope.motion", motion=proxy.motion_id)
                if proxy.scope is ProxyScope.MOTION
                else Message.of("scope.meeting")
            )
            key = "source.proxy_directed" if proxy.instruction else "source.proxy"
            text = Message.of(
                key, principal=person.name, scope=scope, instruction=proxy.instruction
            )
            builder.hold(
                proxy.holder_id,
                (PrincipalKind.PERSON, person.id),
                1,
                Source.PROXY,
                text,
                instruction=proxy.instruction,
            )
            continue
        writing_only = person.status in rule.in_writing_only_statuses
        text = Message.of("source.own_in_writing" if writing_only else "source.own")
        builder.hold(
            person.id,
            (PrincipalKind.PERSON, person.id),
            1,
            Source.OWN,
            text,
            in_writing_only=writing_only,
        )


def _valid_proxies(
    rule: BodyRule,
    proxies: Sequence[Proxy],
    voters: dict[PersonId, Person],
    builder: _Builder,
) -> dict[PersonId, Proxy]:
    """The proxies that stand, by principal, refusing the others with reasons.

    Order of the checks: allowed at all; applies to this motion; the principal has a
    vote and a status that may give it; the holder exists and may hold votes; one proxy
    per principal (narrower scope, then the later one, wins); lapse if the principal is
    present in person; no chains; the cap per holder (first given, first kept).
    """
    context, name = builder.context, builder.name
    candidates: dict[PersonId, Proxy] = {}
    for proxy in sorted(proxies, key=lambda p: p.given_order):
        principal = name(proxy.principal_id)
        holder = name(proxy.holder_id)
        refusal: tuple[str, dict[str, object]] | None = None
        if not rule.proxies_allowed:
            refusal = ("refusal.proxies_not_allowed", {})
        elif proxy.scope is ProxyScope.MOTION and proxy.motion_id != context.motion_id:
            refusal = ("refusal.proxy_other_motion", {"motion": proxy.motion_id})
        elif proxy.principal_id == proxy.holder_id:
            refusal = ("refusal.proxy_self", {})
        elif proxy.principal_id not in voters:
            refusal = ("refusal.proxy_no_vote", {})
        elif voters[proxy.principal_id].status not in rule.proxy_statuses:
            refusal = ("refusal.proxy_status", {"status": voters[proxy.principal_id].status})
        elif proxy.holder_id not in builder.people:
            refusal = ("refusal.proxy_unknown_holder", {})
        elif (role := _non_voting_role(rule, builder.people[proxy.holder_id])) is not None:
            refusal = ("refusal.proxy_holder_no_vote", {"role": role})
        elif proxy.instruction is not None and not rule.directed_proxies:
            refusal = ("refusal.proxy_undirected", {})
        if refusal is not None:
            key, params = refusal
            builder.refuse(proxy.holder_id, key, principal=principal, holder=holder, **params)
            continue
        earlier = candidates.get(proxy.principal_id)
        if earlier is not None and _narrower(earlier, proxy):
            proxy, earlier = earlier, proxy  # keep the narrower earlier one
        if earlier is not None:
            builder.refuse(
                earlier.holder_id,
                "refusal.proxy_superseded",
                principal=principal,
                holder=name(earlier.holder_id),
            )
        candidates[proxy.principal_id] = proxy

    standing: dict[PersonId, Proxy] = {}
    for principal_id, proxy in candidates.items():
        writing_only = voters[principal_id].status in rule.in_writing_only_statuses
        # A member who is present votes in person: the proxy lapses (not for members who
        # may vote only in writing or by proxy; their presence does not give a floor vote).
        if context.present is not None and principal_id in context.present and not writing_only:
            builder.refuse(principal_id, "refusal.proxy_lapsed", principal=name(principal_id))
            continue
        standing[principal_id] = proxy

    kept: dict[PersonId, Proxy] = {}
    held: dict[PersonId, int] = defaultdict(int)
    for principal_id, proxy in sorted(standing.items(), key=lambda kv: kv[1].given_order):
        params = {"principal": name(principal_id), "holder": name(proxy.holder_id)}
        if proxy.holder_id in standing:
            # The holder has given her own vote away: she cannot pass this one on.
            builder.refuse(proxy.holder_id, "refusal.proxy_chain", **params)
        elif rule.proxy_cap is not None and held[proxy.holder_id] >= rule.proxy_cap:
            builder.refuse(proxy.holder_id, "refusal.proxy_cap", cap=rule.proxy_cap, **params)
        else:
            held[proxy.holder_id] += 1
            kept[principal_id] = proxy
    return kept


def _narrower(earlier: Proxy, later: Proxy) -> bool:
    """A proxy for this motion beats a whole-meeting proxy, whichever was given last."""
    return earlier.scope is ProxyScope.MOTION and later.scope is ProxyScope.MEETING


# --- unit weights held as cards ----------------------------------------------------


def unit_votes(rule: BodyRule, unit: Unit) -> int | None:
    """The votes of a unit under the body's weight bands (None: no band applies)."""
    for band in rule.weight_bands:
        if band.unit_kind == unit.kind and unit.size >= band.min_size:
            return band.votes
    return None


def _unit_weights(rule: BodyRule, roll: Roll, builder: _Builder) -> None:
    units = {u.id: u for u in roll.units}
    by_unit = _first_per_person(rule, roll.card_holders, units, builder, "refusal.second_unit")
    for unit in roll.units:
        if not _eligible(rule, unit):
            continue
        votes = unit_votes(rule, unit)
        if votes is None:
            builder.refuse(None, "refusal.no_band", unit=unit.name, kind=unit.kind, size=unit.size)
            continue
        holders: list[CardHolder] = by_unit.get(unit.id, [])
        if not holders:
            builder.unheld += votes
            builder.refuse(None, "refusal.unheld", unit=unit.name, count=votes)
            continue
        for holder, cards in zip(holders, _cards(unit, votes, holders, builder), strict=True):
            if cards == 0:
                continue
            builder.hold(
                holder.person_id,
                (PrincipalKind.UNIT, unit.id),
                cards,
                Source.CARD,
                Message.of("source.cards", count=cards, unit=unit.name),
            )


def _cards(unit: Unit, votes: int, holders: list[CardHolder], builder: _Builder) -> list[int]:
    """Cards per holder: named counts first, the rest split evenly, remainder to the first."""
    named = sum(h.cards for h in holders if h.cards is not None)
    open_holders = [h for h in holders if h.cards is None]
    if named > votes or (not open_holders and named != votes):
        builder.refuse(None, "refusal.cards_mismatch", unit=unit.name, votes=votes, assigned=named)
        return split_votes(votes, len(holders), DelegateSplit.EVEN_FIRST_REMAINDER)
    rest = iter(split_votes(votes - named, len(open_holders), DelegateSplit.EVEN_FIRST_REMAINDER))
    return [h.cards if h.cards is not None else next(rest) for h in holders]


# --- delegates carrying attendance -------------------------------------------------


def last_meeting_before(
    records: Iterable[Attendance], unit_id: UnitId, cutoff: dt.date | None
) -> Attendance | None:
    """The unit's last meeting where motions were discussed, strictly before `cutoff`.

    A meeting on or after the cutoff (the council's date) does not count.
    """
    eligible = [
        r
        for r in records
        if r.unit_id == unit_id and r.motions_discussed and (cutoff is None or r.held_on < cutoff)
    ]
    return max(eligible, key=lambda r: r.held_on, default=None)


def delegates_allowed(rule: BodyRule, unit: Unit) -> int:
    """How many delegates a unit sends under the body's delegate bands."""
    for band in sorted(rule.delegate_bands, key=lambda b: -b.min_size):
        if unit.size >= band.min_size:
            return band.delegates
    return 0


def _delegate_attendance(rule: BodyRule, roll: Roll, builder: _Builder) -> None:
    units = {u.id: u for u in roll.units}
    by_unit = _first_per_person(
        rule, roll.delegates, units, builder, "refusal.second_unit_delegate"
    )
    for unit in roll.units:
        if not _eligible(rule, unit):
            continue
        delegates: list[Delegate] = by_unit.get(unit.id, [])
        allowed = delegates_allowed(rule, unit)
        for extra in delegates[allowed:]:
            builder.refuse(
                extra.person_id,
                "refusal.too_many_delegates",
                person=builder.name(extra.person_id),
                unit=unit.name,
                size=unit.size,
                count=allowed,
                allowed=allowed,
            )
        delegates = delegates[:allowed]
        meeting = last_meeting_before(roll.attendance, unit.id, builder.context.cutoff)
        if meeting is None:
            cutoff = builder.context.cutoff
            if cutoff is None:
                builder.refuse(None, "refusal.no_attendance_at_all", unit=unit.name)
            else:
                builder.refuse(None, "refusal.no_attendance", unit=unit.name, cutoff=cutoff)
            continue
        if not delegates:
            builder.unheld += meeting.present
            builder.refuse(None, "refusal.no_delegate", unit=unit.name, count=meeting.present)
            continue
        shares = split_votes(meeting.present, len(delegates), unit.split)
        for delegate, share in zip(delegates, shares, strict=True):
            if share == 0:
                builder.refuse(
                    delegate.person_id,
                    "refusal.zero_share",
                    person=builder.name(delegate.person_id),
                    unit=unit.name,
                )
                continue
            text = Message.of(
                "source.delegate",
                unit=unit.name,
                count=share,
                present=meeting.present,
                held_on=meeting.held_on,
            )
            builder.hold(
                delegate.person_id, (PrincipalKind.UNIT, unit.id), share, Source.DELEGATE, text
            )
