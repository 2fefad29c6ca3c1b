"""Polls: whoever runs the poll (a meeting's chair) creates and opens it, holders cast
their votes, the poll closes (by the chair or at its deadline) and the rules core counts
it. Who may vote, and who runs it, is the poll's electorate (see `electorates`).

* The entitlements are snapshotted when the poll opens (`entitlements.store_snapshot`);
  the count uses only that snapshot.
* One vote per voter key per poll is the primary key of `participation`. Casting again
  the same choice changes nothing and says so; a different choice is refused: an
  acknowledged vote is final (a secret ballot could not be found again to change it).
* A vote against a branch's mandate or a directed proxy's instruction needs
  `confirm_against_mandate=True`, and is recorded on the vote (named and open polls; a
  secret poll records nothing that could tie a choice to a voter).
* Secret: each holding's vote is sealed under the poll's public key (`sealing`) and
  written with its participation row, with a random key and no time; the voter gets a
  tracker code once (only its SHA-256 is kept, apart from the ballots). Nothing readable
  ties a voter to a choice in any file while the poll is open. At the count the
  envelopes are opened in random order, written as shuffled unit-weight ballots with
  fresh keys and erased, the trackers rewritten shuffled; then the trackers (sorted) and
  the choices (shuffled) are published separately, never paired. A poll whose key is
  no longer in memory waits in `counting` for its tellers' keys.

Every write announces `poll_changed` (a meeting bumps its version and pushes its screens);
the close announces `poll_closed` inside its transaction (a motion carried, an amendment
adopted).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from voting.ballots import codes, forms, sealing
from voting.ballots.electorates import electorate_class, electorate_of
from voting.ballots.models import (
    YES_NO_ABSTAIN,
    BallotPaper,
    BallotTracker,
    Participation,
    Poll,
    PollEntitlement,
    PollMode,
    PollStatus,
    SealedBallot,
    SecretBallot,
    Vote,
    WrittenVote,
    random_key,
)
from voting.ballots.services import mail, precast
from voting.ballots.services.entitlements import (
    Preview,
    entitlement_rows,
    holdings_of,
    holdings_of_many,
    message_data,
    preview,
    refusals_of,
    special_of,
    store_snapshot,
    text_of,
)
from voting.ballots.signals import poll_changed, poll_closed, poll_rerun
from voting.core import audit, batch, deadlines, notify, parse
from voting.core.columns import utcnow
from voting.core.database import after_commit, erase_deleted, transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.membership.models import Membership, Person
from voting.org.body_rules import quorum, threshold
from voting.org.models import Body
from voting.rules import rankings
from voting.rules.rankings import BallotForm
from voting.rules.tally import Ballot, PollRule, tally
from voting.rules.thresholds import Counts, Decision, decide
from voting.rules.types import Choice

MAX_MINUTES = 24 * 60
MAX_CHOICES = 20
MAX_CANDIDATES = 60
MAX_SEATS = 50
_shuffler = random.SystemRandom()


class PrivacyWarning(Conflict):
    """A secret poll whose tally could reveal a vote: the chair must confirm to open it."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(
            _(
                "The result of this secret poll could show how someone voted: %(warnings)s.",
                warnings="; ".join(warnings),
            ),
            field="confirm_privacy",
        )
        self.warnings = warnings


class AgainstInstruction(Conflict):
    """A vote against a mandate or a directed proxy: the voter must confirm it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="confirm_against_mandate")


@dataclass(frozen=True)
class Progress:
    """How far a poll has got: holdings used of all, weight cast of all."""

    voters: int
    voters_total: int
    weight: int
    weight_total: int

    def sentence(self) -> str:
        """E.g. "412 of 530 votes cast (weight 611 of 742)"."""
        return _(
            "%(cast)d of %(total)d votes cast (weight %(weight)d of %(weight_total)d)",
            cast=self.voters,
            total=self.voters_total,
            weight=self.weight,
            weight_total=self.weight_total,
        )


@dataclass
class Receipt:
    """What a voter is told: which holdings were cast, the tracker code of a secret ballot
    (shown once), and whether the vote had already been recorded."""

    poll_id: int
    keys: list[str]
    tracker: str | None = None
    already: bool = False
    against: list[str] = field(default_factory=list)


# --- Reading -----------------------------------------------------------------------------


def get_poll(poll_id: int) -> Poll:
    """The poll with this id, or a clear NotFound."""
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(_("No such poll."))
    return poll


def progress(poll: Poll) -> Progress:
    """Holdings used and weight cast so far, against the snapshot; the votes cast before
    the meeting that stand count as cast (a holding they left nothing to is not waited
    for)."""
    total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(PollEntitlement.weight), 0)).where(
            PollEntitlement.poll_id == poll.id, PollEntitlement.weight > 0
        )
    ).one()
    cast = db.session.execute(
        select(func.count(), func.coalesce(func.sum(PollEntitlement.weight), 0))
        .select_from(Participation)
        .join(
            PollEntitlement,
            (PollEntitlement.poll_id == Participation.poll_id)
            & (PollEntitlement.voter_key == Participation.voter_key),
        )
        .where(Participation.poll_id == poll.id)
    ).one()
    pre = poll.precast_votes
    return Progress(
        int(cast[0]) + pre,
        int(total[0]) + pre,
        int(cast[1]) + pre,
        int(total[1]) + poll.unheld + pre,
    )


def used_keys(poll: Poll) -> set[str]:
    """The voter keys already used in the poll."""
    return set(
        db.session.scalars(select(Participation.voter_key).where(Participation.poll_id == poll.id))
    )


def votes_of(poll: Poll, keys: list[str]) -> dict[str, Vote]:
    """The open or named votes cast with these keys."""
    if not keys:
        return {}
    rows = db.session.scalars(select(Vote).where(Vote.poll_id == poll.id, Vote.voter_key.in_(keys)))
    return {v.voter_key: v for v in rows}


def tracker_hash(code: str) -> str:
    """The stored form of a tracker code (case and dashes ignored)."""
    return codes.digest(code)


def published_trackers(poll: Poll) -> list[str]:
    """After close: the hashes of every tracker, sorted (a voter checks theirs is there)."""
    if poll.status is not PollStatus.CLOSED or not poll.is_secret:
        return []
    return sorted(
        db.session.scalars(
            select(BallotTracker.tracker_hash).where(BallotTracker.poll_id == poll.id)
        )
    )


def published_choices(poll: Poll) -> list[str]:
    """After close: every unit-weight ballot's choice, shuffled; never paired with a tracker."""
    if poll.status is not PollStatus.CLOSED or not poll.is_secret:
        return []
    choices = list(
        db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
    )
    _shuffler.shuffle(choices)
    return choices


# --- The chair: create, preview, open, close, annul -----------------------------------------


def _candidates(choices: list[str] | None, seats: int) -> list[str]:
    cleaned = [parse.CHOICE.check(c.strip(), "choices") for c in choices or [] if c and c.strip()]
    if not cleaned or len(set(cleaned)) != len(cleaned) or len(cleaned) > MAX_CANDIDATES:
        raise Invalid(
            _("Give the candidates, each once (at most %(count)d).", count=MAX_CANDIDATES),
            field="choices",
        )
    if not 1 <= seats <= MAX_SEATS:
        raise Invalid(
            _("The seats to fill are a number from 1 to %(count)d.", count=MAX_SEATS),
            field="seats",
        )
    return cleaned


def _choices(choices: list[str] | None) -> list[str]:
    if not choices:
        return list(YES_NO_ABSTAIN)
    cleaned = [parse.CHOICE.check(c.strip(), "choices") for c in choices if c and c.strip()]
    if len(cleaned) < 2 or len(set(cleaned)) != len(cleaned) or len(cleaned) > MAX_CHOICES:
        raise Invalid(
            _("Give at least two different choices (at most %(count)d).", count=MAX_CHOICES),
            field="choices",
        )
    return cleaned


def create_poll(
    actor: Person | None,
    body: Body,
    *,
    question: str,
    subject: str = "body",
    mode: PollMode = PollMode.OPEN,
    choices: list[str] | None = None,
    special: str = "",
    free_vote: bool = False,
    minutes: int | None = None,
    audit_data: dict[str, Any] | None = None,
    form: BallotForm = BallotForm.CHOICE,
    seats: int = 1,
) -> Poll:
    """Draft a poll of `body` on a subject of kind `subject` (whose electorate says who runs
    it and who votes); it opens separately, after the preview. The subject's domain links
    its records to the returned poll in the same transaction. An election's poll has the
    candidates as its choices, ranked or approved (`form`), for `seats` seats."""
    electorate = electorate_class(subject)
    if not electorate.manages(actor, body):
        raise NotAllowed(_("Only the chair can do this."))
    settings = body.settings
    question = parse.QUESTION.check(question.strip(), "question")
    if not question:
        raise Invalid(_("Write the question put to the vote."), field="question")
    if mode is PollMode.NAMED and not settings.named_votes:
        raise Invalid(_("This body does not hold named votes."), field="mode")
    if special and special_of(settings, special) is None:
        raise Invalid(_("This body has no such special decision."), field="special")
    if free_vote and not settings.free_votes:
        raise Invalid(_("This body does not declare free votes."), field="free_vote")
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise Invalid(_("The time to vote is a number of minutes, 1 or more."), field="minutes")
    with transaction():
        poll = Poll(
            body=body,
            subject=subject,
            question=question,
            choices=_choices(choices) if form is BallotForm.CHOICE else _candidates(choices, seats),
            form=form,
            seats=seats,
            mode=mode,
            special=special,
            free_vote=free_vote,
            minutes=minutes,
            created_by_id=actor.id if actor else None,
        )
        db.session.add(poll)
        db.session.flush()
        audit.record(
            "poll.created",
            actor=actor,
            organisation_id=body.organisation_id,
            **(audit_data if audit_data is not None else {"body": body.id}),
            poll=poll.id,
            question=poll.question,
            mode=mode.value,
            special=special,
            form=form.value,
        )
        poll_changed.send(poll, regions=("poll",))
    return poll


def preview_poll(actor: Person | None, poll: Poll) -> Preview:
    """The chair's view before opening: who would hold what, and the privacy warnings."""
    electorate_of(poll).require_manager(actor)
    return preview(poll)


def open_poll(
    actor: Person | None,
    poll: Poll,
    *,
    confirm_privacy: bool = False,
    tellers: int = 1,
    tellers_needed: int = 1,
    closes_at: datetime | None = None,
) -> Poll:
    """Open the poll: snapshot the entitlements and start the optional timer (or, for a
    poll that runs for days, close at `closes_at`).

    A secret poll whose tally could reveal a vote opens only with `confirm_privacy`. It
    gets a key pair (`sealing`): its ballots are sealed under the public key; the private
    key stays in memory and is split into `tellers` teller keys, any `tellers_needed` of
    which count the poll if the server restarts before it closes.
    Opening an open poll again changes nothing. A secret poll that took votes before
    the meeting has its key already (`precast.open_window`). The votes cast before the
    meeting are placed on the snapshot's holdings (`precast.place_on_opening`).
    """
    electorate = electorate_of(poll)
    electorate.require_manager(actor)
    if poll.status is PollStatus.OPEN:
        return poll
    if poll.status is not PollStatus.DRAFT:
        raise Conflict(_("This poll has already been held."))
    electorate.check_can_open()
    snapshot = preview(poll)
    if snapshot.privacy is not None and not snapshot.privacy.safe and not confirm_privacy:
        raise PrivacyWarning(snapshot.warnings())
    if not snapshot.result.entitlements and not precast.has_votes(poll):
        raise Conflict(_("Nobody holds a vote in this poll."))
    now = utcnow()
    if closes_at is not None and closes_at <= now:
        raise Invalid(_("The closing time has passed already."), field="closes_at")
    new_key = poll.is_secret and poll.seal_key is None
    if new_key:
        poll_key = sealing.new_key(poll.id, tellers_needed, tellers)
    with transaction():
        store_snapshot(poll, snapshot)
        precast.place_on_opening(poll)
        if new_key:
            poll.seal_key, poll.tellers, poll.tellers_needed = poll_key, tellers, tellers_needed
        poll.status = PollStatus.OPEN
        poll.opened_at = now
        poll.closes_at = closes_at or (
            now + timedelta(minutes=poll.minutes) if poll.minutes else None
        )
        if poll.closes_at is not None:
            after_commit(deadlines.opened)  # closes at its time, page or no page
        audit.record(
            "poll.opened",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            **electorate.audit_data(),
            poll=poll.id,
            entitled=snapshot.result.entitled,
            holdings=len(snapshot.result.entitlements),
            privacy_warnings=snapshot.warnings(),
            privacy_confirmed=bool(snapshot.warnings()),
        )
        poll_changed.send(poll, regions=("poll", "item"))
    return poll


def close_poll(actor: Person | None, poll: Poll) -> Poll:
    """The chair closes the poll; the result is counted and recorded. Idempotent.

    A secret poll whose key is not in memory stops taking votes and waits for its
    tellers' keys (`counting`)."""
    electorate_of(poll).require_manager(actor)
    if poll.status is PollStatus.DRAFT:
        raise Conflict(_("This poll has not been opened."))
    _close(poll, actor)
    return poll


def show_teller_key(actor: Person | None, poll: Poll, number: int) -> str:
    """Teller key `number` of an open secret poll, shown once (each teller takes theirs);
    from the pre-cast window on for a poll that takes votes before the meeting."""
    electorate = electorate_of(poll)
    sealed_draft = poll.status is PollStatus.DRAFT and poll.seal_key is not None
    if not (sealed_draft and precast.may_manage(actor, poll)):
        electorate.require_manager(actor)
    if not poll.is_secret or not (poll.status is PollStatus.OPEN or sealed_draft):
        raise Conflict(_("Teller keys belong to a secret poll while it is open."))
    key = sealing.reveal_teller_key(poll.seal_key, number)
    with transaction():
        audit.record(
            "poll.teller_key_shown",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            **electorate.audit_data(),
            poll=poll.id,
            number=number,
        )
    return key


def give_teller_keys(actor: Person | None, poll: Poll, keys: list[str]) -> Poll:
    """Enough tellers give their keys to a secret poll whose key is no longer in memory:
    an open poll goes on (and closes by itself again); a poll waiting in `counting` is
    counted now."""
    electorate = electorate_of(poll)
    electorate.require_manager(actor)
    if not poll.is_secret or poll.seal_key is None:
        raise Conflict(_("Only a secret poll has teller keys."))
    if poll.status not in (PollStatus.OPEN, PollStatus.COUNTING):
        raise Conflict(_("This poll is no longer waiting for its tellers."))
    if not sealing.has_key(poll.seal_key):
        sealing.restore(poll.id, poll.seal_key, poll.tellers_needed, keys)
        with transaction():
            audit.record(
                "poll.teller_keys_given",
                actor=actor,
                organisation_id=poll.body.organisation_id,
                **electorate.audit_data(),
                poll=poll.id,
            )
            poll_changed.send(poll, regions=("poll",))
    if poll.status is PollStatus.COUNTING:
        _close(poll, actor)
    return poll


def shown_teller_keys(poll: Poll) -> set[int]:
    """The numbers of the teller keys already shown (while the key is in memory)."""
    return sealing.shown_teller_keys(poll.seal_key)


def waiting_for_tellers(poll: Poll) -> bool:
    """Whether a secret poll needs its tellers' keys to be counted (its key is not held)."""
    return (
        poll.is_secret
        and poll.status in (PollStatus.OPEN, PollStatus.COUNTING)
        and not sealing.has_key(poll.seal_key)
    )


def close_if_due(poll: Poll) -> Poll:
    """Close the poll if its time is up; whoever sees the deadline first closes it, once."""
    if poll.status is PollStatus.OPEN and poll.closes_at is not None and utcnow() >= poll.closes_at:
        _close(poll, None)
    return poll


def _close(poll: Poll, actor: Person | None) -> None:
    with transaction():
        # Another writer may have closed it: read it again under the row lock
        # (SQLite's write lock is already held; PostgreSQL needs FOR UPDATE).
        db.session.refresh(poll, with_for_update=True)
        if poll.status not in (PollStatus.OPEN, PollStatus.COUNTING):
            return
        poll.closed_at = poll.closed_at or utcnow()
        if poll.is_secret:
            if poll.seal_key is None:  # opened before ballots were sealed
                _rewrite_shuffled(poll, SecretBallot, "choice")
            else:
                private = sealing.private_key(poll.seal_key)
                if private is None:
                    _wait_for_tellers(poll, actor)
                    return
                _open_envelopes(poll, private)
                _discard_envelopes(poll)
            _rewrite_shuffled(poll, BallotTracker, "tracker_hash")
        poll.status = PollStatus.CLOSED
        poll.result = count(poll)
        poll_closed.send(poll, actor=actor)
        audit.record(
            "poll.ballots",
            actor=None,
            organisation_id=poll.body.organisation_id,
            poll=poll.id,
            **counted_ballots(poll),
        )
        closed = audit.record(
            "poll.closed",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            **electorate_of(poll).audit_data(),
            poll=poll.id,
            outcome=poll.result["outcome"],
            totals=poll.result["totals"],
            sentence=poll.result["sentence"],
            by_deadline=actor is None,
        )
        # The chain's link for this count: shown with the result, on the screens and in
        # the record, so a later rewrite of the chain cannot go unseen.
        poll.result = {**poll.result, "audit_hash": closed.hash}
        poll_changed.send(poll, regions=("poll", "item", "agenda"))
        if electorate_of(poll).in_writing:  # voted from afar: the roll is mailed the result
            after_commit(notify.in_background(mail.mail_result, poll.id, result_sentences))


def counted_ballots(poll: Poll) -> dict[str, Any]:
    """The ballots as they enter the audit chain when the poll closes, sorted: the chain
    never shows the order they arrived in. A secret poll's are its unit-weight ballots
    and its tracker digests, apart (never paired); an open poll's, each holding's
    ballot by its key; papers returned before the meeting, by their digest."""
    if poll.is_secret:
        ballots = sorted(
            db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
        )
        trackers = sorted(
            db.session.scalars(
                select(BallotTracker.tracker_hash).where(BallotTracker.poll_id == poll.id)
            )
        )
        return {"ballots": ballots, "trackers": trackers}
    weights = {e.voter_key: e.weight for e in poll.entitlements}
    votes = db.session.scalars(select(Vote).where(Vote.poll_id == poll.id))
    cast = sorted(
        [v.voter_key, [[c, n] for c, n in v.parts(weights.get(v.voter_key, 1))]] for v in votes
    )
    papers = sorted(
        [p.code_hash, p.choice]
        for p in db.session.scalars(
            select(BallotPaper).where(BallotPaper.poll_id == poll.id, BallotPaper.returned)
        )
    )
    written = sorted(
        [w.voter_key or "", w.choice]
        for w in db.session.scalars(select(WrittenVote).where(WrittenVote.poll_id == poll.id))
        if w.choice is not None
    )
    return {"ballots": cast, "papers": papers, "written": written}


def _wait_for_tellers(poll: Poll, actor: Person | None) -> None:
    """A secret poll whose key is not in memory stops taking votes until its count."""
    if poll.status is PollStatus.OPEN:
        poll.status = PollStatus.COUNTING
        audit.record(
            "poll.counting",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            **electorate_of(poll).audit_data(),
            poll=poll.id,
            by_deadline=actor is None,
        )
        poll_changed.send(poll, regions=("poll", "item"))


def _discard_envelopes(poll: Poll) -> None:
    """Erase a secret poll's envelopes (counted, or annulled unopened) and, once that is
    committed, its key from memory and the deleted rows from the database's files."""
    db.session.execute(delete(SealedBallot).where(SealedBallot.poll_id == poll.id))
    key = poll.seal_key
    after_commit(lambda: sealing.forget(key))
    after_commit(lambda: erase_deleted(SealedBallot.__tablename__))


def _open_envelopes(poll: Poll, private: Any) -> None:
    """Open the sealed ballots in random order; write their votes as unit-weight ballots,
    shuffled, with fresh keys, all in this transaction."""
    envelopes = list(
        db.session.scalars(select(SealedBallot.envelope).where(SealedBallot.poll_id == poll.id))
    )
    _shuffler.shuffle(envelopes)
    size = forms.envelope_size(poll)
    units = [
        choice
        for envelope in envelopes
        for choice, n in forms.unsealed(poll, sealing.unseal(private, envelope, size))
        for _i in range(n)
    ]
    _shuffler.shuffle(units)
    if units:
        db.session.execute(
            SecretBallot.__table__.insert(),
            [{"id": random_key(), "poll_id": poll.id, "choice": c} for c in units],
        )


def _rewrite_shuffled(poll: Poll, model: Any, column: str) -> None:
    """Rewrite a table's rows of the poll in a random order with fresh keys."""
    values = list(
        db.session.scalars(select(getattr(model, column)).where(model.poll_id == poll.id))
    )
    _shuffler.shuffle(values)
    db.session.execute(delete(model).where(model.poll_id == poll.id))
    if values:
        db.session.execute(
            model.__table__.insert(),
            [{"id": random_key(), "poll_id": poll.id, column: v} for v in values],
        )


def annul_poll(actor: Person | None, poll: Poll, reason: str, *, rerun: bool = False) -> Poll:
    """The chair annuls a poll with a reason kept in the record; with `rerun`, a fresh draft
    of the same question is returned to open again."""
    electorate = electorate_of(poll)
    electorate.require_manager(actor)
    reason = parse.REASON.check(reason.strip(), "reason")
    if not reason:
        raise Invalid(_("Give the reason for annulling the poll."), field="reason")
    if poll.status is PollStatus.DRAFT:
        raise Conflict(_("This poll has not been opened."))
    if poll.status is PollStatus.ANNULLED:
        raise Conflict(_("This poll is already annulled."))
    with transaction():
        poll.status = PollStatus.ANNULLED
        poll.annulled_at = utcnow()
        if poll.is_secret:  # its envelopes are erased unopened
            _discard_envelopes(poll)
        poll.annul_reason = reason
        fresh = None
        if rerun:
            fresh = Poll(
                body=poll.body,
                subject=poll.subject,
                question=poll.question,
                choices=list(poll.choices),
                mode=poll.mode,
                special=poll.special,
                free_vote=poll.free_vote,
                minutes=poll.minutes,
                created_by_id=actor.id if actor else None,
                rerun_of=poll,
            )
            db.session.add(fresh)
            db.session.flush()
            poll_rerun.send(poll, rerun=fresh, actor=actor)
        audit.record(
            "poll.annulled",
            actor=actor,
            organisation_id=poll.body.organisation_id,
            **electorate.audit_data(),
            poll=poll.id,
            reason=poll.annul_reason,
            rerun=fresh.id if fresh else None,
        )
        poll_changed.send(poll, regions=("poll",))
    return fresh or poll


# --- Voting -----------------------------------------------------------------------------


def _parts(
    poll: Poll, holding: PollEntitlement, choice: str | None, split: dict[str, int] | None
) -> list[tuple[str, int]]:
    if poll.is_election:
        if split:
            raise Invalid(_("An election ballot cannot be split."), field="split")
        return [(forms.checked(poll, choice), holding.weight)]
    if split:
        if not poll.body.settings.split_votes:
            raise Invalid(_("This body does not allow split votes."), field="split")
        parts = [(c, int(n)) for c, n in split.items() if int(n) > 0]
        if any(c not in poll.choices for c, _n in parts) or any(int(n) < 0 for n in split.values()):
            raise Invalid(_("Choose among the poll's choices."), field="split")
        if sum(n for _c, n in parts) != holding.weight:
            raise Invalid(
                _("Divide exactly your %(count)d votes.", count=holding.weight), field="split"
            )
        return parts
    if choice not in poll.choices:
        raise Invalid(_("Choose one of the answers."), field="choice")
    return [(choice, holding.weight)]


def cast(
    actor: Person | None,
    poll: Poll,
    *,
    choice: str | None = None,
    split: dict[str, int] | None = None,
    keys: list[str] | None = None,
    confirm_against_mandate: bool = False,
) -> Receipt:
    """Cast the votes `actor` holds in the poll: all alike (`keys` None), or the holdings
    named by `keys` (one ballot per principal). `split` divides one holding's weight where
    the body allows it. The vote is committed before this returns.

    Through the group commit the writer runs `cast_together` instead, with the same checks.
    """
    close_if_due(poll)
    electorate = electorate_of(poll)
    if poll.status is not PollStatus.OPEN:
        raise Conflict(_("This poll is closed: votes are no longer accepted."))
    membership = electorate.require_voter(actor)
    assert actor is not None
    ballot = _ballot(
        actor,
        poll,
        membership,
        holdings_of(poll, actor),
        choice=choice,
        split=split,
        keys=keys,
        confirm_against_mandate=confirm_against_mandate,
    )
    for attempt in range(2):
        try:
            return _record(poll, ballot)
        except IntegrityError:
            # Another request used one of these keys between our read and our write.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Ballot:
    """One caster's checked vote: the holdings chosen and the parts each gives."""

    actor_id: int
    chosen: list[PollEntitlement]
    parts: dict[str, list[tuple[str, int]]]
    against: set[str]
    explicit: bool  # the holdings were named (`keys`)


def _ballot(
    actor: Person,
    poll: Poll,
    membership: Membership,
    held: list[PollEntitlement],
    *,
    choice: str | None,
    split: dict[str, int] | None,
    keys: list[str] | None,
    confirm_against_mandate: bool,
) -> _Ballot:
    """Check a vote against the voter's holdings; refuse it with the reason, or return it."""
    # A member who may vote only in writing may vote here if the poll is a written one.
    written = electorate_class(poll.subject).in_writing
    in_writing = membership.status.value in poll.body.settings.vote_in_writing_only and not written
    if not held:
        reasons = refusals_of(poll, actor)
        if reasons:
            raise NotAllowed(
                _("You hold no vote in this poll: %(reason)s.", reason="; ".join(reasons))
            )
        raise NotAllowed(_("You hold no vote in this poll."))
    if keys:
        by_key = {h.voter_key: h for h in held}
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise NotAllowed(_("You do not hold that vote in this poll."))
        chosen = [by_key[k] for k in dict.fromkeys(keys)]
    else:
        chosen = [h for h in held if not h.in_writing_only] or held
        # Holdings left with nothing by the votes cast before the meeting are not cast.
        chosen = [h for h in chosen if h.weight] or chosen
    spent = next((h for h in chosen if not h.weight), None)
    if spent is not None:
        raise NotAllowed(precast.refusal(poll, spent))
    in_person = [h for h in chosen if h.holder_id != actor.id]  # their own vote, proxy unused
    if (not written and any(h.in_writing_only for h in chosen)) or (in_person and in_writing):
        raise NotAllowed(_("This vote may be cast only in writing or by proxy."))
    if split and len(chosen) != 1:
        raise Invalid(_("Split the votes of one holding at a time."), field="split")
    parts = {h.voter_key: _parts(poll, h, choice, split) for h in chosen}
    against = [
        h.voter_key
        for h in chosen
        if h.expected
        and not poll.is_election  # instructions are on a motion: for, against, abstain
        and any(c != h.expected and n for c, n in parts[h.voter_key])
    ]
    if against and not poll.is_secret and not confirm_against_mandate:
        first = next(h for h in chosen if h.voter_key in against)
        raise AgainstInstruction(
            _(
                "You are asked to vote %(instruction)s (%(source)s). Confirm to vote "
                "against it: your vote will be recorded as against the instruction.",
                instruction=choice_label(first.expected or ""),
                source=_("the branch's mandate") if first.mandate else _("a directed proxy"),
            )
        )
    return _Ballot(actor.id, chosen, parts, set(against), explicit=bool(keys))


def _earlier_parts(poll: Poll, repeated: list[PollEntitlement]) -> dict[str, list[tuple[str, int]]]:
    """The (choice, votes) pairs already recorded with these holdings (open and named polls)."""
    votes = votes_of(poll, [h.voter_key for h in repeated])
    return {
        h.voter_key: votes[h.voter_key].parts(h.weight) for h in repeated if h.voter_key in votes
    }


def _receipt(
    poll: Poll,
    ballot: _Ballot,
    used: set[str],
    earlier: Callable[[list[PollEntitlement]], dict[str, list[tuple[str, int]]]],
) -> tuple[Receipt, list[PollEntitlement]]:
    """What the voter is told, and the holdings not used yet (to be recorded now).

    A holding already used with the same choice is "already recorded"; with another
    choice the vote is refused: an acknowledged vote is final.
    """
    fresh = [h for h in ballot.chosen if h.voter_key not in used]
    repeated = [h for h in ballot.chosen if h.voter_key in used]
    if repeated and (ballot.explicit or not fresh):
        if poll.is_secret:
            raise Conflict(_("Your vote in this poll is already recorded."))
        recorded = earlier(repeated)
        if not all(
            h.voter_key in recorded
            and sorted(recorded[h.voter_key]) == sorted(ballot.parts[h.voter_key])
            for h in repeated
        ):
            raise Conflict(_("You have already voted in this poll."))
    return Receipt(poll.id, [h.voter_key for h in fresh], already=not fresh), fresh


@dataclass
class _Rows:
    """The rows a batch of votes in one poll writes, inserted together by `write`."""

    poll: Poll
    participations: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)
    envelopes: list[bytes] = field(default_factory=list)  # a secret poll's sealed votes
    trackers: list[str] = field(default_factory=list)

    def add(self, ballot: _Ballot, fresh: list[PollEntitlement], receipt: Receipt) -> None:
        """The rows of one voter's fresh holdings; a secret ballot's tracker on the receipt."""
        poll_id, parts = self.poll.id, ballot.parts
        self.participations.extend(
            {"poll_id": poll_id, "voter_key": h.voter_key, "cast_by_id": ballot.actor_id}
            for h in fresh
        )
        if self.poll.is_secret:
            assert self.poll.seal_key is not None
            for h in fresh:
                numbers = forms.sealed_numbers(self.poll, parts[h.voter_key])
                self.envelopes.append(sealing.seal(self.poll.seal_key, numbers))
            receipt.tracker = new_tracker()
            self.trackers.append(tracker_hash(receipt.tracker))
            return
        for h in fresh:
            single = len(parts[h.voter_key]) == 1
            self.votes.append(
                {
                    "poll_id": poll_id,
                    "voter_key": h.voter_key,
                    "cast_by_id": ballot.actor_id,
                    "choice": parts[h.voter_key][0][0] if single else None,
                    "split": None if single else [[c, n] for c, n in parts[h.voter_key]],
                    "against_instruction": h.voter_key in ballot.against,
                    "cast_at": utcnow(),
                }
            )
        receipt.against = [k for k in receipt.keys if k in ballot.against]

    def write(self) -> bool:
        """Insert the rows, one statement per table (sealed ballots shuffled, random keys,
        no time); announce the change once. Whether there was anything to write."""
        if not self.participations:
            return False
        poll_id = self.poll.id
        db.session.execute(Participation.__table__.insert(), self.participations)
        if self.votes:
            db.session.execute(Vote.__table__.insert(), self.votes)
        if self.envelopes:
            _shuffler.shuffle(self.envelopes)
            db.session.execute(
                SealedBallot.__table__.insert(),
                [{"id": random_key(), "poll_id": poll_id, "envelope": e} for e in self.envelopes],
            )
        if self.trackers:
            _shuffler.shuffle(self.trackers)
            db.session.execute(
                BallotTracker.__table__.insert(),
                [
                    {"id": random_key(), "poll_id": poll_id, "tracker_hash": t}
                    for t in self.trackers
                ],
            )
        poll_changed.send(self.poll, regions=("poll",))
        return True


def _record(poll: Poll, ballot: _Ballot) -> Receipt:
    keys = [h.voter_key for h in ballot.chosen]
    with transaction():
        used = set(
            db.session.scalars(
                select(Participation.voter_key).where(
                    Participation.poll_id == poll.id, Participation.voter_key.in_(keys)
                )
            )
        )
        receipt, fresh = _receipt(
            poll, ballot, used, lambda repeated: _earlier_parts(poll, repeated)
        )
        rows = _Rows(poll)
        if fresh:
            rows.add(ballot, fresh, receipt)
            rows.write()
    return receipt


_CAST_OPTIONS = {"choice", "split", "keys", "confirm_against_mandate"}


@batch.batched(cast)
def cast_together(calls: list[batch.Waiting]) -> list[batch.Waiting]:
    """The batch form of `cast` in the group commit: for each poll, read the poll, the
    voters, their memberships, check-ins, holdings and used keys once for all its votes;
    check each vote as `cast` does (same refusals, same messages; a second vote of the
    same voter in the batch meets the first as already recorded); insert the rows of all
    accepted votes in one statement per table. The database's primary key on
    participation stays the last word: if it refuses the rows, every vote runs through
    `cast` on its own. Returns the calls left to `cast` (anything unusual)."""
    by_poll: dict[int, list[batch.Waiting]] = {}
    left: list[batch.Waiting] = []
    for waiting in calls:
        call = waiting.call
        assert call is not None
        poll_id = batch.key_of(call.args[1]) if len(call.args) == 2 else None
        actor = call.args[0] if call.args else None
        usual = set(call.kwargs) <= _CAST_OPTIONS and (
            actor is None or isinstance(batch.key_of(actor), int)
        )
        if isinstance(poll_id, int) and usual:
            by_poll.setdefault(poll_id, []).append(waiting)
        else:
            left.append(waiting)
    for poll_id, group in by_poll.items():
        left.extend(_cast_in_poll(poll_id, group))
    return left


def _cast_in_poll(poll_id: int, group: list[batch.Waiting]) -> list[batch.Waiting]:
    poll = db.session.get(Poll, poll_id)
    if poll is not None:
        close_if_due(poll)
    if poll is None or poll.status is not PollStatus.OPEN:
        return group  # each gets `cast`'s own refusal
    electorate = electorate_of(poll)
    actors = {id(w): w.call.args[0] for w in group if w.call}
    ids = {batch.key_of(a) for a in actors.values()} - {None}
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_(ids))
            .options(selectinload(Person.memberships), selectinload(Person.roles))
        )
    }
    left = [w for w in group if batch.key_of(actors[id(w)]) not in people.keys() | {None}]
    present = electorate.present_among(people)
    holdings = holdings_of_many(poll, people)
    keys = {h.voter_key for rows in holdings.values() for h in rows}
    used = set(
        db.session.scalars(
            select(Participation.voter_key).where(
                Participation.poll_id == poll.id, Participation.voter_key.in_(keys)
            )
        )
    )
    written: dict[str, list[tuple[str, int]]] = {}  # parts recorded in this batch

    def earlier(repeated: list[PollEntitlement]) -> dict[str, list[tuple[str, int]]]:
        found = {h.voter_key: written[h.voter_key] for h in repeated if h.voter_key in written}
        rest = [h for h in repeated if h.voter_key not in found]
        return found | (_earlier_parts(poll, rest) if rest else {})

    rows = _Rows(poll)
    for waiting in group:
        actor_id = batch.key_of(actors[id(waiting)])
        actor = people.get(actor_id) if actor_id is not None else None
        if actor_id is not None and actor is None:
            continue  # left to `cast`, which says it was removed
        options = waiting.call.kwargs if waiting.call else {}
        with batch.in_locale(waiting):
            try:
                membership = electorate.require_voter(actor, present=present)
                assert actor is not None
                ballot = _ballot(
                    actor,
                    poll,
                    membership,
                    holdings.get(actor.id, []),
                    choice=options.get("choice"),
                    split=options.get("split"),
                    keys=options.get("keys"),
                    confirm_against_mandate=bool(options.get("confirm_against_mandate")),
                )
                receipt, fresh = _receipt(poll, ballot, used, earlier)
                if fresh:
                    rows.add(ballot, fresh, receipt)
                    for h in fresh:
                        used.add(h.voter_key)
                        written[h.voter_key] = ballot.parts[h.voter_key]
                waiting.result = receipt
            except Exception as error:  # a refusal, or a bug: it fails alone
                waiting.error = error
    rows.write()
    return left


def new_tracker() -> str:
    """A tracker code a person can copy: 4 groups of 4 letters and digits."""
    return codes.new_code()


# --- Counting ---------------------------------------------------------------------------


def choice_label(choice: str) -> str:
    """A choice as people read it: For, Against, Abstain, or the option's own text."""
    labels = {"yes": pgettext("vote", "For"), "no": _("Against"), "abstain": _("Abstain")}
    return labels.get(choice, choice)


def _decision_record(decision: Decision) -> dict[str, Any]:
    c = decision.counts
    return {
        "outcome": decision.outcome.value,
        "messages": [message_data(m) for m in decision.messages()],
        "sentence": decision.explain(),
        "threshold": message_data(decision.threshold.label()),
        "entitled": c.entitled_weight,
        "present": c.present_weight,
        "members": c.members_weight,
        "quorum_needed": str(decision.quorum.needed(c)) if decision.quorum else None,
    }


def count(poll: Poll) -> dict[str, Any]:
    """Count the poll from its snapshot under the body's rule (special decision included),
    with the votes cast before the meeting, each once (`precast.tallied`)."""
    settings = poll.body.settings
    special = special_of(settings, poll.special)
    rule_threshold = threshold(
        special.threshold if special else settings.decision,
        abstentions_count=settings.abstentions_count_as_cast,
    )
    rule_quorum = quorum(settings.quorum)
    rows = entitlement_rows(poll)
    stored = {e.voter_key: e for e in poll.entitlements}
    voted = used_keys(poll)
    entitled = sum(e.weight for e in rows) + poll.unheld + poll.precast_votes
    members = max(poll.members, entitled)
    there = {e.voter_key for e in poll.entitlements if e.present or e.voter_key in voted}
    pre = precast.tallied(poll, voted, there) if poll.precast_rule else precast.Tallied()
    units_present = len(
        {
            e.principal_unit_id
            for e in poll.entitlements
            if e.principal_unit_id and e.voter_key in there
        }
        | pre.units
    )
    base: dict[str, Any] = {"voters": len(voted) + pre.votes, "set_aside": [], "named": []}
    if poll.precast_rule:
        base["precast"] = {
            "papers": pre.papers,
            "written": pre.written,
            "replaced": len(pre.replaced),
        }
    if poll.is_election:
        return {**base, **_ballot_set(poll, pre.totals)}
    if not poll.is_yes_no:
        return {**base, **_plurality(poll, pre.totals)}
    if poll.is_secret:
        totals = Counter(
            db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
        )
        present = sum(e.weight for e in rows if e.present or e.voter_key in voted) + pre.present
        counts = Counts(
            yes=totals["yes"],
            no=totals["no"],
            abstain=totals["abstain"],
            present=max(present, sum(totals.values())),
            entitled=entitled,
            members=members,
            units_present=units_present,
            units_total=poll.units_total,
        )
        decision = decide(counts, rule_threshold, rule_quorum)
        return {
            **base,
            **_decision_record(decision),
            "totals": {c: totals[c] for c in poll.choices},
            "cast": sum(totals.values()),
        }
    votes = list(db.session.scalars(select(Vote).where(Vote.poll_id == poll.id).order_by(Vote.id)))
    ballots = [
        Ballot(
            voter=v.voter_key,
            choice=Choice(v.choice) if v.choice else None,
            split=tuple((Choice(c), n) for c, n in v.parts(stored[v.voter_key].weight))
            if v.choice is None
            else (),
            cast_by=v.cast_by_id,
            order=order,
        )
        for order, v in enumerate(votes)
    ]
    mandates = {e.voter_key: Choice(e.mandate) for e in poll.entitlements if e.mandate}
    result = tally(
        ballots,
        rows,
        PollRule(rule_threshold, rule_quorum, split_votes=settings.split_votes),
        unheld=poll.unheld + poll.precast_votes,
        members=members,
        mandates=mandates,
        units_present=units_present,
        units_total=poll.units_total,
    )
    decision, totals, cast = result.decision, dict(result.totals), result.counted
    if pre.votes:  # the floor's count, with the votes cast before the meeting added
        floor = result.decision.counts
        totals = {c: totals[c] + pre.totals[c.value] for c in Choice}
        cast += sum(pre.totals.values())
        decision = decide(
            Counts(
                yes=totals[Choice.YES],
                no=totals[Choice.NO],
                abstain=totals[Choice.ABSTAIN],
                present=floor.present_weight + pre.present,
                entitled=entitled,
                members=members,
                units_present=units_present,
                units_total=poll.units_total,
            ),
            rule_threshold,
            rule_quorum,
        )
    named = [
        {
            "holder": stored[v.voter_key].holder.name,
            "cast_by": v.cast_by.name if v.cast_by else "",
            "for": _principal_label(stored[v.voter_key]),
            "parts": v.parts(stored[v.voter_key].weight),
            "expected": stored[v.voter_key].expected,
            "against": v.against_instruction,
        }
        for v in votes
    ]
    return {
        **base,
        **_decision_record(decision),
        "totals": {c.value: totals[c] for c in Choice},
        "cast": cast,
        "set_aside": [message_data(s.reason) for s in result.set_aside] + pre.replaced,
        "named": named if poll.mode is PollMode.NAMED else [],
        "against": sum(1 for v in votes if v.against_instruction),
    }


def _principal_label(holding: PollEntitlement) -> str:
    if holding.principal_unit is not None:
        return holding.principal_unit.name
    if holding.principal_person is not None:
        return holding.principal_person.name
    return ""


def _cast(poll: Poll) -> Iterator[tuple[str, int]]:
    """The (choice, votes) pairs cast on the floor: a secret poll's unit-weight ballots, or
    each open vote with its holding's weight (a split vote, its parts)."""
    if poll.is_secret:
        query = select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id)
        yield from ((c, 1) for c in db.session.scalars(query))
        return
    weights = {e.voter_key: e.weight for e in poll.entitlements}
    for v in db.session.scalars(select(Vote).where(Vote.poll_id == poll.id)):
        yield from v.parts(weights[v.voter_key])


def _plurality(poll: Poll, precast_totals: Counter[str] | None = None) -> dict[str, Any]:
    """A multiple-choice count: the option with the most votes wins; a tie decides nothing.
    `precast_totals`: the choices of an open poll's votes cast before the meeting."""
    totals: Counter[str] = Counter(precast_totals or {})
    for c, n in _cast(poll):
        totals[c] += n
    options = [c for c in poll.choices if c.lower() != "abstain"]
    ranked = sorted(options, key=lambda c: -totals[c])
    cast_total = sum(totals[c] for c in options)
    tie = len(ranked) > 1 and totals[ranked[0]] == totals[ranked[1]]
    if not ranked or tie or totals[ranked[0]] == 0:
        outcome, sentence = "tied", _("No choice: the most votes are tied.")
    else:
        outcome = "chosen"
        sentence = _(
            "Chosen: %(choice)s with %(votes)d of %(cast)d votes.",
            choice=ranked[0],
            votes=totals[ranked[0]],
            cast=cast_total,
        )
    return {
        "outcome": outcome,
        "messages": [{"text": sentence}],
        "sentence": sentence,
        "totals": {c: totals[c] for c in poll.choices},
        "cast": cast_total,
        "threshold": None,
    }


def _ballot_set(poll: Poll, precast_totals: Counter[str]) -> dict[str, Any]:
    """An election's count by the ballots domain: the anonymised set of ballots (each
    distinct ranking or approval with its votes) and the first preferences or approvals
    per candidate. Who is elected is the election's to say: its domain counts the set by
    its rules when the poll closes (`poll_closed`) and completes this result."""
    counted = [*precast_totals.items(), *_cast(poll)]
    ballots = rankings.ballot_set(poll.form, counted, poll.choices)
    firsts = rankings.first_preferences(poll.form, ballots, poll.choices)
    cast_total = sum(ballots.values())
    sentence = ngettext("%(num)d ballot counted.", "%(num)d ballots counted.", cast_total)
    return {
        "outcome": "counted",
        "messages": [{"text": sentence}],
        "sentence": sentence,
        "ballots": ballots,
        "blank": ballots.get("", 0),
        "totals": dict(zip(poll.choices, firsts, strict=True)),
        "cast": cast_total,
        "threshold": None,
    }


def result_sentences(poll: Poll) -> list[str]:
    """The recorded result in the current language."""
    if not poll.result:
        return []
    return [text_of(m) if "key" in m else str(m.get("text", "")) for m in poll.result["messages"]]


def describe_threshold(poll: Poll) -> str:
    """The threshold the poll was decided by, in the current language."""
    data = (poll.result or {}).get("threshold")
    return text_of(data) if data else ""


# --- Deadlines ---------------------------------------------------------------------------


def nearest_deadline() -> datetime | None:
    """The nearest closing time of an open poll."""
    return db.session.scalar(
        select(func.min(Poll.closes_at)).where(
            Poll.status == PollStatus.OPEN, Poll.closes_at.is_not(None)
        )
    )


def due(now: datetime) -> list[tuple[Callable[[Poll], Poll], Poll]]:
    """The open polls whose time is up, each with the function that closes it."""
    return [
        (close_if_due, poll)
        for poll in db.session.scalars(
            select(Poll).where(Poll.status == PollStatus.OPEN, Poll.closes_at <= now)
        )
    ]
