"""Votes cast before the meeting, counted with the floor: the pre-cast stage of a poll.

A draft poll put to a meeting gets a window (`open_window`): until `precast_until`

* **ballot papers** (postal ballots, bodies whose units hold the votes): `issue_papers`
  makes one paper per vote each unit holds (by the entitlement computed for the body on
  the day they are issued), each with a one-time code printed once and kept only as its
  SHA-256. A paper comes back online with its code (`return_paper`, no sign-in: the code
  is the key) or is entered by two tellers from the paper received (`enter_paper`): only
  two different tellers' matching entries count it, a mismatch is shown to both; tellers
  may enter papers received in time until the poll opens.
* **written votes**: a member whose status votes only in writing or by proxy (AWL's
  withdrawn members) casts their vote on the motion (`cast_in_writing`).

In an open or named poll the choice is kept on the paper or written vote. In a secret
poll it is sealed at once under the poll's public key into the poll's own envelopes
(`SealedBallot`, a random key, no time, nothing linking it to its paper or its member)
exactly as a floor vote is, with a tracker for the voter: the poll's key pair is made
when the window opens, and its teller keys can be taken from then on.

When the poll opens (`place_on_opening`, inside its transaction) the pre-cast votes are
placed on the snapshot's holdings by the rules core (`rules.precast.place`): under
`first_counts` a holding keeps on the floor only the cards whose papers were not
returned, and one with none left is refused with the rule's name (in `polls._ballot`,
from the holding's own row: the floor's hot path reads nothing more); under
`floor_replaces` a floor vote with the holding replaces its papers at the count. A secret
poll's returned papers are final whatever the setting: nothing links an envelope to its
paper, so it could not be taken out again. A written vote always stands. At the count
(`tallied`) each pre-cast vote is added once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from voting.ballots import codes, forms, sealing
from voting.ballots.electorates import electorate_class
from voting.ballots.models import (
    BallotPaper,
    BallotTracker,
    PaperEntry,
    Poll,
    PollEntitlement,
    PollStatus,
    SealedBallot,
    WrittenVote,
    random_key,
)
from voting.ballots.services.entitlements import (
    body_rule,
    entitlement_rows,
    message_data,
    preview,
)
from voting.ballots.signals import poll_changed
from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.core.permissions import Permission, can, signed_in
from voting.membership.models import Person
from voting.membership.permissions import attending_membership
from voting.org.models import Unit
from voting.rules import entitlement as rules
from voting.rules import precast as placement
from voting.rules.entitlement import Scheme
from voting.rules.messages import Message
from voting.rules.tally import Precedence
from voting.rules.types import Channel, UnitKind

# Sends the papers and watches the votes come in: the body's chair, secretary or admin.
MANAGE_PRECAST = Permission("manage_precast", frozenset({"chair", "secretary", "admin"}))
# Enters returned papers: the body's tellers (its check-in staff) and whoever manages them.
ENTER_PAPERS = Permission("enter_papers", frozenset({"chair", "secretary", "admin", "teller"}))

MAX_CODE = 64


# --- Codes ----------------------------------------------------------------------------------


def _normal(code: str) -> str:
    return codes.normal(code)[:MAX_CODE]


def code_digest(code: str) -> str:
    """The stored form of a paper's code (case, spaces and dashes ignored)."""
    return codes.digest(_normal(code))


def _entry_digest(code: str, choice: str) -> str:
    """What a teller's entry keeps: the code and the choice, hashed together. Comparing two
    entries needs nothing more; reading the choice back would need the code."""
    return hashlib.sha256(f"{_normal(code)}\n{choice}".encode()).hexdigest()


# --- Who and when ------------------------------------------------------------------------------


def may_manage(actor: Person | None, poll: Poll) -> bool:
    """Whether `actor` may open the window, issue the papers and follow them."""
    return can(actor, MANAGE_PRECAST, poll.body.organisation_id, body=poll.body)


def may_enter(actor: Person | None, poll: Poll) -> bool:
    """Whether `actor` may enter returned papers (a teller of the body, or a manager)."""
    return can(actor, ENTER_PAPERS, poll.body.organisation_id, body=poll.body)


def takes_precast(poll: Poll) -> bool:
    """Whether the poll is voted on the floor, so that votes may come before (a poll put
    to a body's members directly is voted in writing already)."""
    return not electorate_class(poll.subject).in_writing


def _require_manager(actor: Person | None, poll: Poll) -> None:
    if not may_manage(actor, poll):
        raise NotAllowed(_("Only the chair or the secretary can do this."))


def _require_floor(poll: Poll) -> None:
    if not takes_precast(poll):
        raise Conflict(_("This poll is voted in writing already: it has no votes before it."))


def _require_window(poll: Poll) -> datetime:
    if poll.precast_until is None:
        raise Conflict(_("This poll takes no votes before the meeting."))
    if poll.status is not PollStatus.DRAFT:
        raise Conflict(
            _("The vote has begun at the meeting: votes are cast on the floor now, not before.")
        )
    return poll.precast_until


def window_open(poll: Poll) -> bool:
    """Whether papers may be returned online and written votes cast now."""
    return (
        poll.precast_until is not None
        and poll.status is PollStatus.DRAFT
        and utcnow() <= poll.precast_until
    )


def _require_in_time(poll: Poll, message: str) -> None:
    until = _require_window(poll)
    if utcnow() > until:
        raise Conflict(message % {"when": until.strftime("%Y-%m-%d %H:%M UTC")})


def _choice(poll: Poll, choice: str | None) -> str:
    return forms.checked(poll, choice)


def rule_of(poll: Poll) -> Precedence:
    """The rule a returned paper meets on the floor: the one fixed when the poll opened,
    else the body's; a secret poll's returned papers always stand."""
    if poll.is_secret:
        return Precedence.FIRST_COUNTS
    return Precedence(poll.precast_rule or poll.body.settings.precast_rule)


def rule_sentence(poll: Poll) -> str:
    """The rule in words, for the poll's pages."""
    if poll.is_secret:
        return _(
            "A ballot paper returned before the meeting counts, and its card is not used on "
            "the floor: in a secret poll a returned paper is final."
        )
    if rule_of(poll) is Precedence.FIRST_COUNTS:
        return _(
            "A ballot paper returned before the meeting counts (first counts): its card is "
            "not used on the floor."
        )
    return _(
        "A ballot paper returned before the meeting counts unless its card is used on the "
        "floor: the floor vote replaces it (the floor replaces)."
    )


# --- The window -------------------------------------------------------------------------------


def open_window(
    actor: Person | None,
    poll: Poll,
    until: datetime,
    *,
    tellers: int = 1,
    tellers_needed: int = 1,
) -> Poll:
    """Let the draft poll take votes before the meeting until `until` (or move the date).

    A secret poll gets its key pair now, to seal the votes that come before it opens, and
    its `tellers` teller keys (any `tellers_needed` count it), shown once each from now on.
    """
    _require_manager(actor, poll)
    _require_floor(poll)
    if poll.status is not PollStatus.DRAFT:
        raise Conflict(_("This poll has already been opened."))
    if until <= utcnow():
        raise Invalid(_("The date votes must be in by has passed already."), field="until")
    key = None
    if poll.is_secret and poll.seal_key is None:
        key = sealing.new_key(poll.id, tellers_needed, tellers)
    with transaction():
        if key is not None:
            poll.seal_key, poll.tellers, poll.tellers_needed = key, tellers, tellers_needed
        poll.precast_until = until
        audit.record(
            "poll.precast_window",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            poll=poll.id,
            until=until.isoformat(),
        )
        poll_changed.send(poll, regions=("poll",))
    return poll


# --- Ballot papers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedPaper:
    """A paper as printed: its unit, its number of the unit's papers, and its code (shown
    this once)."""

    poll_id: int
    unit: str
    number: int
    of: int
    code: str


def _rules_units(poll: Poll) -> tuple[list[Unit], list[rules.Unit]]:
    units = list(
        db.session.scalars(
            select(Unit)
            .where(Unit.organisation_id == poll.body.organisation_id)
            .order_by(Unit.name)
        )
    )
    return units, [rules.Unit(u.id, u.name, UnitKind(u.kind.value), u.size) for u in units]


def issue_papers(actor: Person | None, poll: Poll) -> list[IssuedPaper]:
    """Make the poll's ballot papers: one per vote each unit holds today, each with a code.

    The codes are returned this once (to print); only their SHA-256 is kept, so the papers
    of a poll are issued once."""
    _require_manager(actor, poll)
    _require_floor(poll)
    _require_in_time(poll, _("Papers had to be returned by %(when)s: it is too late to send them."))
    settings = poll.body.settings
    if not settings.remote_voting:
        raise Conflict(_("This body does not hold postal ballots."))
    if settings.scheme != Scheme.UNIT_WEIGHTS.value:
        raise Conflict(
            _(
                "Ballot papers are sent to units for the votes they hold: this body's votes "
                "are not held by units."
            )
        )
    if db.session.scalar(select(BallotPaper.id).where(BallotPaper.poll_id == poll.id).limit(1)):
        raise Conflict(_("The papers of this poll are issued already: each code was printed once."))
    units, roll = _rules_units(poll)
    counts = placement.papers_per_unit(body_rule(settings, poll.special), roll)
    if not counts:
        raise Conflict(_("No unit holds a vote in this poll."))
    issued: list[IssuedPaper] = []
    with transaction():
        for unit in units:
            votes = counts.get(unit.id, 0)
            for number in range(1, votes + 1):
                code = codes.new_code()
                db.session.add(
                    BallotPaper(
                        poll_id=poll.id,
                        unit_id=unit.id,
                        number=number,
                        of=votes,
                        code_hash=code_digest(code),
                    )
                )
                issued.append(IssuedPaper(poll.id, unit.name, number, votes, code))
        audit.record(
            "poll.papers_issued",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            poll=poll.id,
            papers={str(k): v for k, v in counts.items()},
        )
        poll_changed.send(poll, regions=("poll",))
    return issued


def paper_label(paper: BallotPaper) -> str:
    """E.g. "Section X, paper 2 of 3"."""
    return _(
        "%(unit)s, paper %(number)d of %(of)d",
        unit=paper.unit.name if paper.unit else _("a unit no longer listed"),
        number=paper.number,
        of=paper.of,
    )


def _paper_by_code(poll: Poll, code: str) -> BallotPaper:
    paper = (
        db.session.scalar(
            select(BallotPaper).where(
                BallotPaper.poll_id == poll.id, BallotPaper.code_hash == code_digest(code)
            )
        )
        if _normal(code)
        else None
    )
    if paper is None:
        raise Invalid(
            _(
                "No paper of this poll has this code: check it against the paper (capitals, "
                "spaces and dashes do not matter)."
            ),
            field="code",
        )
    return paper


@dataclass
class PrecastReceipt:
    """What the voter is told: what was recorded, and a secret poll's tracker (once)."""

    poll_id: int
    label: str
    tracker: str | None = None
    already: bool = False


def _seal(poll: Poll, choice: str) -> str:
    """Seal one vote into the poll's envelopes and give it a tracker (secret polls); the
    rows name neither the paper nor the member."""
    assert poll.seal_key is not None
    numbers = forms.sealed_numbers(poll, [(choice, 1)])
    db.session.execute(
        SealedBallot.__table__.insert(),
        [
            {
                "id": random_key(),
                "poll_id": poll.id,
                "envelope": sealing.seal(poll.seal_key, numbers),
            }
        ],
    )
    tracker = codes.new_code()
    db.session.execute(
        BallotTracker.__table__.insert(),
        [{"id": random_key(), "poll_id": poll.id, "tracker_hash": codes.digest(tracker)}],
    )
    return tracker


def _record_paper(poll: Poll, paper: BallotPaper, choice: str, channel: str) -> str | None:
    """Mark the paper returned with its vote, once (a second return is refused even if
    two arrive at the same moment). A secret poll's choice goes into its envelopes."""
    values: dict[str, Any] = {"returned": True, "channel": channel}
    if not poll.is_secret:
        values |= {"choice": choice, "returned_at": utcnow()}
    done = db.session.execute(
        update(BallotPaper)
        .where(BallotPaper.id == paper.id, BallotPaper.returned.is_(False))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("This paper has already been returned: its vote is recorded."))
    db.session.expire(paper)
    return _seal(poll, choice) if poll.is_secret else None


def _too_late() -> str:
    return _(
        "Papers had to be returned by %(when)s: bring the paper to the meeting, where its "
        "vote is cast on the floor."
    )


def check_paper(poll: Poll, code: str) -> str:
    """The paper a code opens, before its choice is given (its label); refused as
    `return_paper` refuses."""
    _require_floor(poll)
    _require_in_time(poll, _too_late())
    paper = _paper_by_code(poll, code)
    if paper.returned:
        raise Conflict(
            _("This paper has already been returned: its vote is recorded."), field="code"
        )
    return paper_label(paper)


def return_paper(poll: Poll, code: str, choice: str | None) -> PrecastReceipt:
    """Return a ballot paper online with its code: no sign-in, the code is the key.

    Refused, each with its own message: a code of no paper of this poll, a paper already
    returned, after the date papers were due, once the vote has begun at the meeting."""
    _require_floor(poll)
    _require_in_time(poll, _too_late())
    paper = _paper_by_code(poll, code)
    if paper.returned:
        raise Conflict(
            _("This paper has already been returned: its vote is recorded."), field="code"
        )
    chosen = _choice(poll, choice)
    label = paper_label(paper)
    with transaction():
        tracker = _record_paper(poll, paper, chosen, "online")
        audit.record(
            "poll.paper_returned",
            actor=None,
            organisation_id=poll.body.organisation_id,
            poll=poll.id,
            paper=paper.id,
            channel="online",
        )
        poll_changed.send(poll, regions=("poll",))
    return PrecastReceipt(poll.id, label, tracker)


@dataclass
class Entry:
    """What a teller is told after entering a paper: "waiting" for a second teller,
    "counted" (two entries agree), or "mismatch" with the tellers whose entries differ."""

    outcome: str
    label: str
    others: list[str] = field(default_factory=list)
    tracker: str | None = None

    def sentence(self) -> str:
        if self.outcome == "counted":
            return _("%(paper)s: the two entries agree, the paper counts.", paper=self.label)
        if self.outcome == "mismatch":
            return _(
                "%(paper)s: your entry differs from %(tellers)s's. Look at the paper together "
                "and enter it again: it counts when two entries agree.",
                paper=self.label,
                tellers=", ".join(self.others),
            )
        return _(
            "%(paper)s: entered. A second teller enters the same paper; it counts when the "
            "two entries agree.",
            paper=self.label,
        )


def enter_paper(actor: Person | None, poll: Poll, code: str, choice: str | None) -> Entry:
    """A teller enters a paper received by post (its code and the choice marked on it).

    It counts when a different teller's entry agrees; entering it again replaces one's own
    entry. Tellers enter papers until the poll opens (those received in time)."""
    if not may_enter(actor, poll):
        raise NotAllowed(_("Only a teller, the chair or the secretary can enter ballot papers."))
    assert actor is not None
    _require_floor(poll)
    _require_window(poll)
    paper = _paper_by_code(poll, code)
    if paper.returned:
        raise Conflict(
            _("This paper is counted already (returned online, or entered by two tellers)."),
            field="code",
        )
    chosen = _choice(poll, choice)
    digest = _entry_digest(code, chosen)
    label = paper_label(paper)
    with transaction():
        entries = list(
            db.session.scalars(select(PaperEntry).where(PaperEntry.paper_id == paper.id))
        )
        mine = next((e for e in entries if e.teller_id == actor.id), None)
        if mine is None:
            db.session.add(PaperEntry(paper_id=paper.id, teller_id=actor.id, digest=digest))
        else:
            mine.digest, mine.entered_at = digest, utcnow()
        others = [e for e in entries if e.teller_id != actor.id]
        tracker = None
        if any(e.digest == digest for e in others):
            outcome = "counted"
            tracker = _record_paper(poll, paper, chosen, "tellers")
        else:
            outcome = "mismatch" if others else "waiting"
        audit.record(
            "poll.paper_entered",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            poll=poll.id,
            paper=paper.id,
            outcome=outcome,
        )
        poll_changed.send(poll, regions=("poll",))
    names = [e.teller.name for e in others if e.digest != digest] if outcome == "mismatch" else []
    return Entry(outcome, label, names, tracker)


@dataclass(frozen=True)
class Mismatch:
    """A paper two tellers entered differently: which, and who."""

    label: str
    tellers: list[str]


def mismatches(actor: Person | None, poll: Poll) -> list[Mismatch]:
    """Papers not counted whose tellers' entries differ: all of them for a manager, those
    the teller entered for a teller (each sees the mismatches they are part of)."""
    if not may_enter(actor, poll):
        return []
    assert actor is not None
    everyone = may_manage(actor, poll)
    by_paper: dict[int, list[PaperEntry]] = {}
    for entry in db.session.scalars(
        select(PaperEntry)
        .join(BallotPaper, BallotPaper.id == PaperEntry.paper_id)
        .where(BallotPaper.poll_id == poll.id, BallotPaper.returned.is_(False))
        .order_by(PaperEntry.id)
    ):
        by_paper.setdefault(entry.paper_id, []).append(entry)
    found = []
    for paper_id, entries in by_paper.items():
        if len(entries) < 2 or not (everyone or any(e.teller_id == actor.id for e in entries)):
            continue
        paper = db.session.get(BallotPaper, paper_id)
        assert paper is not None
        found.append(Mismatch(paper_label(paper), [e.teller.name for e in entries]))
    return found


# --- Written votes ---------------------------------------------------------------------------


def _own_holding(poll: Poll, actor: Person) -> None:
    """Refuse unless the rules core gives `actor`'s own vote in this poll (held by them in
    writing, or by their proxy), with the reasons it gives."""
    found = preview(poll)
    key = f"person:{actor.id}"
    if any(e.voter_key == key for e in found.result.entitlements):
        return
    reasons = [describe(r.reason) for r in found.result.refusals if r.person_id == actor.id]
    if reasons:
        raise NotAllowed(_("You hold no vote in this poll: %(reason)s.", reason="; ".join(reasons)))
    raise NotAllowed(_("You hold no vote in this poll."))


def written_vote_of(poll: Poll, person: Person | None) -> WrittenVote | None:
    if not signed_in(person):
        return None
    assert person is not None
    return db.session.get(WrittenVote, (poll.id, person.id))


def may_vote_in_writing(poll: Poll, person: Person | None) -> bool:
    """Whether `person`'s status votes only in writing in the poll's body (AWL withdrawn)."""
    membership = attending_membership(person, poll.body)
    return (
        membership is not None
        and membership.status.value in poll.body.settings.vote_in_writing_only
        and membership.status.value in poll.body.settings.vote
    )


def cast_in_writing(actor: Person | None, poll: Poll, choice: str | None) -> PrecastReceipt:
    """A member whose status votes only in writing or by proxy casts their vote on the
    question before the meeting; it is counted with the floor's, once, and stands (their
    proxy, if they gave one, is not used)."""
    if not signed_in(actor):
        raise NotAllowed(_("Sign in to vote."))
    assert actor is not None
    _require_floor(poll)
    if attending_membership(actor, poll.body) is None:
        raise NotAllowed(_("You are not a member who can vote in this poll."))
    if not may_vote_in_writing(poll, actor):
        raise NotAllowed(
            _(
                "Written votes are for members who vote only in writing or by proxy: you "
                "vote on the floor at the meeting."
            )
        )
    _require_in_time(poll, _("Written votes had to be cast by %(when)s."))
    chosen = _choice(poll, choice)
    earlier = written_vote_of(poll, actor)
    label = _("Your vote in writing")
    if earlier is not None:
        if not poll.is_secret and earlier.choice == chosen:
            return PrecastReceipt(poll.id, label, already=True)
        raise Conflict(_("You have already voted in writing: a recorded vote is final."))
    _own_holding(poll, actor)
    try:
        with transaction():
            db.session.add(
                WrittenVote(
                    poll_id=poll.id,
                    person_id=actor.id,
                    choice=None if poll.is_secret else chosen,
                    cast_at=None if poll.is_secret else utcnow(),
                )
            )
            db.session.flush()  # the primary key refuses a second vote sent at the same time
            tracker = _seal(poll, chosen) if poll.is_secret else None
            audit.record(
                "poll.written_vote",
                actor=actor,
                organisation_id=poll.body.organisation_id,
                poll=poll.id,
            )
            poll_changed.send(poll, regions=("poll",))
    except IntegrityError:
        raise Conflict(_("You have already voted in writing: a recorded vote is final.")) from None
    return PrecastReceipt(poll.id, label, tracker)


# --- Where they stand ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPapers:
    unit: str
    issued: int
    returned: int


@dataclass(frozen=True)
class Summary:
    """The pre-cast stage of a poll, for the chair's and the secretary's pages."""

    until: datetime | None
    open: bool
    rule: str
    units: list[UnitPapers]
    written: int

    @property
    def issued(self) -> int:
        return sum(u.issued for u in self.units)

    @property
    def returned(self) -> int:
        return sum(u.returned for u in self.units)


def summary(poll: Poll) -> Summary:
    by_unit: dict[str, list[int]] = {}
    for paper in db.session.scalars(
        select(BallotPaper).where(BallotPaper.poll_id == poll.id).order_by(BallotPaper.id)
    ):
        name = paper.unit.name if paper.unit else _("a unit no longer listed")
        counts = by_unit.setdefault(name, [0, 0])
        counts[0] += 1
        counts[1] += paper.returned
    written = len(
        db.session.scalars(
            select(WrittenVote.person_id).where(WrittenVote.poll_id == poll.id)
        ).all()
    )
    return Summary(
        poll.precast_until,
        window_open(poll),
        rule_sentence(poll),
        [UnitPapers(name, n, r) for name, (n, r) in by_unit.items()],
        written,
    )


def has_votes(poll: Poll) -> bool:
    """Whether any vote came before the meeting (a returned paper or a written vote)."""
    return poll.precast_until is not None and bool(
        db.session.scalar(
            select(BallotPaper.id).where(BallotPaper.poll_id == poll.id, BallotPaper.returned)
        )
        or db.session.scalar(select(WrittenVote.person_id).where(WrittenVote.poll_id == poll.id))
    )


# --- Opening: placed on the floor's holdings ------------------------------------------------------


def place_on_opening(poll: Poll) -> None:
    """Place the pre-cast votes on the snapshot just stored (inside the opening's
    transaction): carve the cards of papers that stand out of their holdings, mark each
    paper and written vote with the holding it fell on, and fix the rule on the poll."""
    if poll.precast_until is None:
        return
    rule = rule_of(poll)
    poll.precast_rule = rule.value
    db.session.flush()
    stored = list(
        db.session.scalars(
            select(PollEntitlement)
            .where(PollEntitlement.poll_id == poll.id)
            .order_by(PollEntitlement.id)
        )
    )
    papers = list(
        db.session.scalars(
            select(BallotPaper).where(BallotPaper.poll_id == poll.id, BallotPaper.returned)
        )
    )
    written = list(db.session.scalars(select(WrittenVote).where(WrittenVote.poll_id == poll.id)))
    if not papers and not written:
        return
    held_units = {e.principal_unit_id for e in stored if e.principal_unit_id is not None}
    _units, roll = _rules_units(poll)
    unheld = {
        unit_id: votes
        for unit_id, votes in placement.papers_per_unit(
            body_rule(poll.body.settings, poll.special), roll
        ).items()
        if unit_id not in held_units
    }
    placed = placement.place(
        entitlement_rows(poll, stored),
        [placement.Paper(p.id, p.unit_id or 0, p.number) for p in papers],
        [placement.Written(w.person_id, w.person_id) for w in written],
        rule,
        unheld_votes=unheld,
    )
    by_key = {e.voter_key: e for e in stored}
    for key, carved in placed.carved.items():
        holding = by_key[key]
        holding.weight -= carved
        holding.precast = carved
    poll.unheld -= placed.unheld
    poll.precast_votes = placed.standing
    papers_by_id = {p.id: p for p in papers}
    for p in placed.papers:
        papers_by_id[int(p.ref)].voter_key, papers_by_id[int(p.ref)].stands = p.key, p.stands
    written_by_id = {w.person_id: w for w in written}
    for p in placed.written:
        written_by_id[int(p.ref)].voter_key = p.key
    audit.record(
        "poll.precast_placed",
        actor=None,
        organisation_id=poll.body.organisation_id,
        poll=poll.id,
        rule=rule.value,
        papers=len(papers),
        written=len(written),
        standing=placed.standing,
    )


def refusal(poll: Poll, holding: PollEntitlement) -> str:
    """Why a holding whose votes were all cast before the meeting casts nothing on the
    floor, naming the rule."""
    if holding.principal_kind == rules.PrincipalKind.PERSON.value:
        return _(
            "This vote was cast in writing before the meeting and stands: it is not cast again."
        )
    if poll.is_secret:
        return _(
            "The ballot papers of these votes were returned before the meeting and count: in "
            "a secret poll a returned paper is final, so they are not cast again on the floor."
        )
    return _(
        "The ballot papers of these votes were returned before the meeting and count: under "
        "this body's rule the returned paper stands (first counts), so they are not cast "
        "again on the floor."
    )


# --- The count ---------------------------------------------------------------------------------


@dataclass
class Tallied:
    """What the pre-cast votes add to the floor's count."""

    totals: Counter[str] = field(default_factory=Counter)  # open and named polls
    votes: int = 0  # counted
    present: int = 0  # weight they add to those present
    units: set[int] = field(default_factory=set)  # units that voted by paper
    replaced: list[dict[str, Any]] = field(default_factory=list)  # set aside, with reasons
    papers: int = 0
    written: int = 0


def tallied(poll: Poll, used: set[str], present: set[str]) -> Tallied:
    """The pre-cast votes that count once the floor has voted, each once: those that
    stand, and those a floor vote did not replace. `used`: the holding keys cast on the
    floor; `present`: those whose holder is there (their weight counts as present already)."""
    found = Tallied()
    papers = list(
        db.session.scalars(
            select(BallotPaper).where(BallotPaper.poll_id == poll.id, BallotPaper.returned)
        )
    )
    written = list(db.session.scalars(select(WrittenVote).where(WrittenVote.poll_id == poll.id)))
    placed = [placement.Placed(("paper", p.id), p.voter_key, p.stands) for p in papers] + [
        placement.Placed(("written", w.person_id), w.voter_key, True) for w in written
    ]
    kept, replaced = placement.counted(placed, used)
    choices = {("paper", p.id): p for p in papers} | {("written", w.person_id): w for w in written}
    for p in kept:
        record = choices[p.ref]  # type: ignore[index]
        found.votes += 1
        if p.stands or p.key not in present:
            found.present += 1
        if record.choice is not None:
            found.totals[record.choice] += 1
        if isinstance(record, BallotPaper):
            found.papers += 1
            if record.unit_id is not None:
                found.units.add(record.unit_id)
        else:
            found.written += 1
    for p in replaced:
        paper = choices[p.ref]  # type: ignore[index]
        assert isinstance(paper, BallotPaper)
        found.replaced.append(
            message_data(
                Message.of(
                    "ballot.superseded_floor", voter=paper_label(paper), channel=Channel.POSTAL
                )
            )
        )
    return found
