"""Elections: called for a position, a ballot prepared from the candidates standing, the
count when the ballot closes, and the elected taking office.

The ballot is a poll of the ballots domain: held at a meeting of the electing body
(borrowed through the ballots' host registry, so its floor, screens, tellers and papers
returned before the meeting all apply), or between meetings as a poll of the body's
members. Its form follows the rules core's `elections.choose_method`: a single candidate
for a single seat (or as many candidates as seats) goes to a yes/no ratification ballot
where the body says so (WSM 10(c)); otherwise a ranked ballot counted by Meek STV (one
seat: the instant-runoff vote), or an approval ballot.

When the poll closes (`poll_closed`, inside its transaction) the ballot set is counted
here with the minimum of the position's group, counting those of the group elected
earlier at the same meeting (ISN: the three officers count towards "at least four women
among these eight"); candidates who withdrew after ballots were cast are passed over.
"""

from __future__ import annotations

import datetime as dt
import secrets
from datetime import datetime
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from voting.ballots.electorates import host as ballot_host
from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.ballots.services.entitlements import message_data, text_of
from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotFound
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.elections import permissions
from voting.elections.models import (
    Election,
    ElectionStatus,
    Nomination,
    Office,
    Position,
    Recall,
)
from voting.elections.services import nominations
from voting.elections.services.factions import faction_names
from voting.elections.signals import election_changed, election_decided
from voting.membership.models import Person, Role, RoleKind
from voting.org.models import Body
from voting.rules import elections as rules
from voting.rules import offices, rankings
from voting.rules.messages import Message
from voting.rules.rankings import BallotForm
from voting.rules.stv import Candidate, Minimum, RankedBallot, meek_stv

MAX_DAYS_AHEAD = 5 * 366


def get_election(election_id: int) -> Election:
    election = db.session.get(Election, election_id)
    if election is None:
        raise NotFound(_("No such election."))
    return election


def election_of_poll(poll: Poll) -> Election | None:
    return db.session.scalar(select(Election).where(Election.poll_id == poll.id))


def elections_of(body_ids: list[int]) -> list[Election]:
    return list(
        db.session.scalars(
            select(Election)
            .where(Election.body_id.in_(body_ids))
            .order_by(Election.created_at.desc(), Election.id.desc())
        )
    )


# --- Calling an election -------------------------------------------------------------------


def create_election(
    actor: Person | None,
    position: Position,
    *,
    nominations_close_at: datetime,
    occasion_id: int | None = None,
    seats: int | None = None,
    form: BallotForm | None = None,
    secret: bool | None = None,
) -> Election:
    """The electing body's chair or secretary calls an election to a position: nominations
    until `nominations_close_at`, the ballot at a meeting (`occasion_id`) or between them."""
    body = position.elected_by
    permissions.require_manager(actor, body)
    settings = body.settings.elections
    now = utcnow()
    if nominations_close_at.tzinfo is None:
        raise Invalid(_("Give the closing time with its time zone."), field="nominations_close_at")
    if not now < nominations_close_at <= now + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid(
            _("Nominations must close in the future, within five years."),
            field="nominations_close_at",
        )
    seats = position.seats if seats is None else seats
    if not 1 <= seats <= position.seats:
        raise Invalid(
            _("The seats to fill are a number from 1 to %(count)d.", count=position.seats),
            field="seats",
        )
    if form is None:
        form = (
            BallotForm.APPROVAL
            if settings.method in ("approval", "plurality")
            else BallotForm.RANKED
        )
    if form is BallotForm.CHOICE:
        raise Invalid(_("An election is ranked or by approval."), field="form")
    host = ""
    if occasion_id is not None:
        host = "meeting"
        _require_occasion(body, occasion_id)
    with transaction():
        election = Election(
            organisation_id=position.organisation_id,
            position=position,
            body=body,
            seats=seats,
            nominations_close_at=nominations_close_at,
            host=host,
            occasion_id=occasion_id,
            form=form,
            secret=settings.secret if secret is None else secret,
            lot_seed=secrets.randbelow(2**31),
            created_by_id=actor.id if actor else None,
        )
        db.session.add(election)
        db.session.flush()
        audit.record(
            "election.called",
            actor=actor,
            organisation_id=position.organisation_id,
            election=election.id,
            position=position.id,
            seats=seats,
            closes=nominations_close_at.isoformat(),
            meeting=occasion_id,
        )
        election_changed.send(election)
    return election


def _require_occasion(body: Body, occasion_id: int) -> None:
    """Refuse a meeting that is not one of the body's still to come (or under way)."""
    if occasion_id not in {i for i, _label in ballot_host("meeting").occasions(body)}:
        raise Invalid(
            _("Choose a meeting of %(body)s that is still to come.", body=body.name),
            field="occasion",
        )


def title_of(election: Election) -> str:
    if election.seats > 1:
        return _(
            "%(position)s (%(count)d seats)", position=election.position.name, count=election.seats
        )
    return election.position.name


# --- Before the ballot: the minimum, the method ----------------------------------------------


def group_minimum(election: Election, earlier: list[frozenset[str]]) -> Minimum | None:
    """The minimum this count must meet for the position's group (ISN: at least 4 women of
    the 8), with `earlier`, those of the group elected earlier on the same occasion
    (`elected_earlier`), counting."""
    settings = election.body.settings.elections
    if not settings.minimum_category or not settings.minimum_share:
        return None
    position = election.position
    group = [position]
    if position.group:
        group = list(
            db.session.scalars(
                select(Position).where(
                    Position.organisation_id == position.organisation_id,
                    Position.group == position.group,
                )
            )
        )
    seats = sum(p.seats for p in group)
    needed = offices.minimum_seats(Fraction(settings.minimum_share), seats)
    # Seats of the group still to be filled after this election can meet the rest: a
    # count is held to the minimum only for what they cannot (ISN: the officers first,
    # then the five as a group, who must make up the women the officers did not).
    later = max(0, seats - len(earlier) - election.seats)
    if needed <= later:
        return None
    return Minimum(settings.minimum_category, needed - later)


def elected_earlier(election: Election) -> list[frozenset[str]]:
    """The categories of those of the position's group elected earlier on the same
    occasion (the same meeting; between meetings, the same day)."""
    position = election.position
    if not position.group:
        return []
    query = (
        select(Election)
        .join(Position, Position.id == Election.position_id)
        .where(
            Position.organisation_id == position.organisation_id,
            Position.group == position.group,
            Election.status == ElectionStatus.DECIDED,
            Election.id != election.id,
        )
    )
    found: list[frozenset[str]] = []
    for earlier in db.session.scalars(query):
        same = (
            earlier.host == election.host and earlier.occasion_id == election.occasion_id
            if election.occasion_id is not None
            else earlier.decided_at is not None and earlier.decided_at.date() == utcnow().date()
        )
        if same and earlier.result:
            found += [frozenset(e.get("categories", [])) for e in earlier.result.get("elected", [])]
    return found


def shortfall(election: Election) -> str:
    """Said before the ballot opens: the group's minimum cannot be met (or "")."""
    earlier = elected_earlier(election)
    minimum = group_minimum(election, earlier)
    if minimum is None:
        return ""
    standing = [frozenset(n.categories) for n in nominations.candidates(election)]
    problem = offices.minimum_shortfall(minimum.category, minimum.seats, earlier, standing)
    return describe(problem) if problem else ""


def method_of(election: Election, candidates: int) -> rules.Method:
    settings = election.body.settings.elections
    configured = (
        rules.Method.APPROVAL if election.form is BallotForm.APPROVAL else rules.Method.MEEK_STV
    )
    return rules.choose_method(
        candidates, election.seats, configured, ratify_uncontested=settings.ratify_uncontested
    )


def prepare_ballot(actor: Person | None, election: Election, *, minutes: int | None = None) -> Poll:
    """After the nomination deadline, the ballot of the candidates standing: a poll drafted
    at the meeting (or of the body's members), to open after its preview as any other."""
    permissions.require_manager(actor, election.body)
    if election.status is not ElectionStatus.NOMINATING:
        raise Conflict(_("The ballot of this election is already prepared."))
    if utcnow() < election.nominations_close_at:
        raise Conflict(
            _(
                "Nominations are open until %(when)s.",
                when=election.nominations_close_at.strftime("%Y-%m-%d %H:%M UTC"),
            )
        )
    standing = nominations.candidates(election)
    if not standing:
        raise Conflict(_("No nomination stands: nobody can be elected. Call the election again."))
    method = method_of(election, len(standing))
    names = ballot_names(election, standing)
    mode = PollMode.SECRET if election.secret else PollMode.OPEN
    if method is rules.Method.RATIFICATION:
        question = _(
            "Ratify %(names)s as %(position)s?",
            names=", ".join(names),
            position=election.position.name,
        )
        poll_args: dict[str, Any] = {"question": question}
    else:
        question = _("Election: %(title)s", title=title_of(election))
        poll_args = {
            "question": question,
            "choices": _unique(names),
            "form": election.form,
            "seats": election.seats,
        }
    poll_args |= {"mode": mode, "minutes": minutes, "audit_data": {"election": election.id}}
    with transaction():
        if election.host:
            poll = ballot_host(election.host).draft(actor, election.occasion_id, **poll_args)
        else:
            poll = polls.create_poll(actor, election.body, **poll_args)
        election.poll_id = poll.id
        election.method = method.value
        election.ballot_order = [n.id for n in standing]
        election.status = ElectionStatus.BALLOT
        audit.record(
            "election.ballot",
            actor=actor,
            organisation_id=election.organisation_id,
            election=election.id,
            poll=poll.id,
            method=method.value,
            candidates=[n.candidate_id for n in standing],
        )
        election_changed.send(election)
    return poll


def ballot_names(election: Election, standing: list[Nomination]) -> list[str]:
    """The candidates as the ballot lists them: with their factions, and (where the
    constitution prefers nominees who hold no post) saying who holds one."""
    factions = faction_names(election.organisation_id, [n.candidate_id for n in standing])
    prefer = election.body.settings.elections.prefer_no_post
    names = []
    for n in standing:
        notes = list(factions.get(n.candidate_id, []))
        if prefer and n.holds_post:
            notes.append(_("holds a position"))
        names.append(
            _("%(name)s (%(notes)s)", name=n.candidate.name, notes=", ".join(notes))
            if notes
            else n.candidate.name
        )
    return names


def _unique(names: list[str]) -> list[str]:
    """Candidates' names as the ballot shows them: two people of the same name are told apart."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def ballot_candidates(election: Election) -> list[Nomination]:
    """The nominations on the ballot, in its order (withdrawn ones included)."""
    by_id = {n.id: n for n in election.nominations}
    return [by_id[i] for i in election.ballot_order if i in by_id]


def cancel(actor: Person | None, election: Election, reason: str) -> Election:
    permissions.require_manager(actor, election.body)
    if election.status in (ElectionStatus.DECIDED, ElectionStatus.CANCELLED):
        raise Conflict(_("This election is over."))
    if election.poll is not None and election.poll.status in (PollStatus.OPEN, PollStatus.COUNTING):
        raise Conflict(_("Close or annul its ballot first."))
    reason = nominations.REASON.check(reason.strip(), "reason")
    if not reason:
        raise Invalid(_("Say why the election is cancelled."), field="reason")
    with transaction():
        election.status = ElectionStatus.CANCELLED
        audit.record(
            "election.cancelled",
            actor=actor,
            organisation_id=election.organisation_id,
            election=election.id,
            reason=reason,
        )
        election_changed.send(election)
    return election


# --- The count, when the ballot closes ------------------------------------------------------


def _fraction(value: Fraction) -> str:
    return f"{float(value):.3f}"


def count(election: Election, poll: Poll) -> dict[str, Any]:
    """Count a closed ballot by the election's method; the elected and the round table."""
    on_ballot = ballot_candidates(election)
    withdrawn = {n.id for n in on_ballot if n.withdrawn_at is not None}
    method = rules.Method(election.method)
    base: dict[str, Any] = {
        "method": method.value,
        "cast": poll.result.get("cast", 0) if poll.result else 0,
    }
    if method is rules.Method.RATIFICATION:
        carried = (poll.result or {}).get("outcome") == "carried"
        chosen = [n for n in on_ballot if n.id not in withdrawn] if carried else []
        names = tuple(n.candidate.name for n in on_ballot)
        event = Message.of("election.ratified" if carried else "election.not_ratified", names=names)
        return base | {
            "elected": [_elected(n) for n in chosen],
            "rounds": [],
            "events": [message_data(event)],
            "warnings": [],
        }
    ballots = (poll.result or {}).get("ballots", {})
    candidates = [
        Candidate(i, poll.choices[i - 1], frozenset(n.categories))
        for i, n in enumerate(on_ballot, 1)
        if n.id not in withdrawn
    ]
    live = {c.id for c in candidates}
    events: list[Message] = []
    if withdrawn:
        events.append(
            Message.of(
                "election.withdrawn",
                names=tuple(
                    poll.choices[i - 1] for i, n in enumerate(on_ballot, 1) if n.id in withdrawn
                ),
            )
        )
    if method is rules.Method.APPROVAL:
        marked = [
            rules.ApprovalBallot(
                frozenset(rankings.read(poll.form, w, poll.choices).candidates) & live, votes
            )
            for w, votes in ballots.items()
        ]
        approved = rules.approval(marked, candidates, election.seats, lot_seed=election.lot_seed)
        elected_ids = approved.elected
        table = [
            {
                "number": 1,
                "votes": {poll.choices[c - 1]: approved.approvals[c] for c in approved.approvals},
            }
        ]
        events += list(approved.events)
        warnings: list[Message] = []
    else:
        ranked = [
            RankedBallot(
                tuple(c for c in rankings.read(poll.form, w, poll.choices).candidates if c in live),
                votes,
            )
            for w, votes in ballots.items()
        ]
        earlier = elected_earlier(election)
        minimum = group_minimum(election, earlier)
        result = meek_stv(
            [b for b in ranked if b.ranking],
            candidates,
            election.seats,
            minimums=[minimum] if minimum else [],
            already_elected=earlier if minimum else [],
            lot_seed=election.lot_seed,
        )
        elected_ids = result.elected
        table = [
            {
                "number": r.number,
                "quota": _fraction(r.quota),
                "votes": {poll.choices[c - 1]: _fraction(v) for c, v in r.votes.items()},
                "non_transferable": _fraction(r.non_transferable),
                "elected": [poll.choices[c - 1] for c in r.elected],
                "excluded": [poll.choices[c - 1] for c in r.excluded],
                "events": [message_data(m) for m in r.events],
            }
            for r in result.rounds
        ]
        warnings = list(result.warnings)
    chosen = [on_ballot[c - 1] for c in elected_ids]  # type: ignore[operator]
    if chosen:
        events.append(Message.of("election.elected", names=tuple(n.candidate.name for n in chosen)))
    return base | {
        "elected": [_elected(n) for n in chosen],
        "rounds": table,
        "events": [message_data(m) for m in events],
        "warnings": [message_data(m) for m in warnings],
    }


def _elected(nomination: Nomination) -> dict[str, Any]:
    return {
        "nomination": nomination.id,
        "person": nomination.candidate_id,
        "name": nomination.candidate.name,
        "categories": list(nomination.categories),
    }


def decide(poll: Poll) -> None:
    """The election's count when its ballot closes (a `poll_closed` receiver): the result,
    the poll's sentence, the offices taken up with their roles."""
    election = election_of_poll(poll)
    if election is None or election.status is not ElectionStatus.BALLOT:
        return
    result = count(election, poll)
    elected_ids = [e["person"] for e in result["elected"]]
    factions = faction_names(election.organisation_id, elected_ids)
    by_faction: dict[str, int] = {}
    for person_id in elected_ids:
        for name in factions.get(person_id, []):
            by_faction[name] = by_faction.get(name, 0) + 1
    result["by_faction"] = dict(sorted(by_faction.items()))
    election.result = result  # whole, once: a JSON column is written when it is replaced
    election.status = ElectionStatus.DECIDED
    election.decided_at = utcnow()
    sentence_data = (
        result["events"][-1]
        if result["events"]
        else message_data(Message.of("election.not_ratified", names=()))
    )
    poll.result = {
        **(poll.result or {}),
        "outcome": "elected" if result["elected"] else "vacant",
        "sentence": text_of(sentence_data),
        "messages": result["events"] + result["warnings"],
        "elected": [e["name"] for e in result["elected"]],
    }
    starts, ends = nominations.term_of(election)
    for chosen in result["elected"]:
        take_office(election, chosen["person"], starts, ends)
    audit.record(
        "election.decided",
        actor=None,
        organisation_id=election.organisation_id,
        election=election.id,
        poll=poll.id,
        method=result["method"],
        elected=[e["person"] for e in result["elected"]],
    )
    election_decided.send(election)
    election_changed.send(election)


def take_office(election: Election, person_id: int, starts: dt.date, ends: dt.date) -> Office:
    """The elected take up the position for its term, with the role it gives on its body."""
    position = election.position
    role = Role(
        person_id=person_id,
        organisation_id=position.organisation_id,
        kind=RoleKind(position.role),
        body_id=position.sits_on_id,
        starts_on=starts,
        ends_on=ends,
        note=position.name[:200],
    )
    db.session.add(role)
    db.session.flush()
    office = Office(
        position=position,
        person_id=person_id,
        election_id=election.id,
        role_id=role.id,
        starts_on=starts,
        ends_on=ends,
    )
    db.session.add(office)
    db.session.flush()
    return office


def rerun(poll: Poll, rerun: Poll) -> None:
    """An annulled ballot put again (`poll_rerun`): the election follows the new poll."""
    election = election_of_poll(poll)
    if election is not None:
        election.poll_id = rerun.id
        election_changed.send(election)


def recount_file(election: Election) -> str:
    """The anonymised ranked ballots in BLT, for an independent recount (where allowed)."""
    settings = election.body.settings.elections
    if not settings.recount_file:
        raise Conflict(_("This body does not publish its ballots for recounts."))
    poll = election.poll
    if (
        election.status is not ElectionStatus.DECIDED
        or poll is None
        or poll.form is not BallotForm.RANKED
    ):
        raise Conflict(_("The ranked ballots are published once the election is counted."))
    withdrawn = [
        i for i, n in enumerate(ballot_candidates(election), 1) if n.withdrawn_at is not None
    ]
    return rankings.blt(
        (poll.result or {}).get("ballots", {}),
        poll.choices,
        election.seats,
        title_of(election),
        withdrawn,
    )


# --- Offices and recalls --------------------------------------------------------------------


def holders(position: Position, day: dt.date | None = None) -> list[Office]:
    day = day or utcnow().date()
    return [
        o
        for o in db.session.scalars(
            select(Office).where(Office.position_id == position.id).order_by(Office.id)
        )
        if o.held_on(day)
    ]


def start_recall(
    actor: Person | None,
    office: Office,
    reason: str,
    *,
    occasion_id: int | None = None,
) -> Recall:
    """A motion to recall an office holder, put to the body the constitution names (at one
    of its meetings, or to its members between meetings): a yes/no poll, drafted."""
    position = office.position
    body = position.recalled_by
    if body is None:
        raise Conflict(
            _("The constitution names no body that recalls a %(position)s.", position=position.name)
        )
    permissions.require_manager(actor, body)
    if not office.held_on(utcnow().date()):
        raise Conflict(_("This term of office has ended."))
    reason = nominations.REASON.check(reason.strip(), "reason")
    if not reason:
        raise Invalid(_("Give the grounds of the recall."), field="reason")
    question = _(
        "Recall %(name)s as %(position)s?", name=office.person.name, position=position.name
    )
    args: dict[str, Any] = {"question": question, "audit_data": {"office": office.id}}
    with transaction():
        if occasion_id is not None:
            _require_occasion(body, occasion_id)
            poll = ballot_host("meeting").draft(actor, occasion_id, **args)
        else:
            poll = polls.create_poll(actor, body, **args)
        recall = Recall(
            office=office, poll_id=poll.id, reason=reason, started_by_id=actor.id if actor else None
        )
        db.session.add(recall)
        db.session.flush()
        audit.record(
            "election.recall",
            actor=actor,
            organisation_id=position.organisation_id,
            recall=recall.id,
            office=office.id,
            poll=poll.id,
            reason=reason,
        )
    return recall


def decide_recall(poll: Poll) -> None:
    """A recall's poll closed (a `poll_closed` receiver): if carried, the office ends today
    and a by-election to the seat is called, nominations open for two weeks."""
    recall = db.session.scalar(select(Recall).where(Recall.poll_id == poll.id))
    if recall is None or recall.outcome:
        return
    carried = (poll.result or {}).get("outcome") == "carried"
    recall.outcome = "carried" if carried else "lost"
    if not carried:
        return
    office = recall.office
    today = utcnow().date()
    office.ended_on = today
    office.end_reason = recall.reason
    if office.role is not None:  # the rights of the office end now
        office.role.ends_on = today - dt.timedelta(days=1)
    by_election = Election(
        organisation_id=office.position.organisation_id,
        position=office.position,
        body=office.position.elected_by,
        seats=1,
        nominations_close_at=utcnow() + dt.timedelta(days=14),
        form=BallotForm.RANKED,
        secret=office.position.elected_by.settings.elections.secret,
        lot_seed=secrets.randbelow(2**31),
    )
    db.session.add(by_election)
    db.session.flush()
    recall.by_election_id = by_election.id
    audit.record(
        "election.recalled",
        actor=None,
        organisation_id=office.position.organisation_id,
        recall=recall.id,
        office=office.id,
        by_election=by_election.id,
    )
    election_changed.send(by_election)


def by_election_of(recall: Recall) -> Election | None:
    return db.session.get(Election, recall.by_election_id) if recall.by_election_id else None
