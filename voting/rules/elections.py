"""Elections other than a ranked count: choosing the method, ratification, approval.

* An uncontested position (no more candidates than seats) goes to a yes/no
  ratification ballot where the body says so (WSM 10(c): "Where a position is
  uncontested the ratification ballot shall also be by secret ballot"). Ratification
  is decided like a motion, by `thresholds.decide`.
* Contested single or multi-seat elections use Meek STV (`stv.meek_stv`); with one
  seat that is the instant-runoff vote.
* Approval voting: each ballot approves any number of candidates; the most approved
  win. A plurality (first-past-the-post) ballot is an approval ballot with one mark.
  A tie for the last seat is broken by the same seeded lot as STV.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from voting.rules.messages import Message
from voting.rules.stv import Candidate, CandidateId, lot_order
from voting.rules.thresholds import SIMPLE_MAJORITY, Counts, Decision, Quorum, Threshold, decide


class Method(StrEnum):
    """How an election is counted (the string values match the body settings)."""

    MEEK_STV = "meek_stv"
    APPROVAL = "approval"
    PLURALITY = "plurality"
    RATIFICATION = "ratification"


def choose_method(
    candidates: int, seats: int, configured: Method, *, ratify_uncontested: bool = True
) -> Method:
    """The method an election uses: ratification when uncontested (if the body says so)."""
    if ratify_uncontested and 0 < candidates <= seats:
        return Method.RATIFICATION
    return configured


def ratification_notice(candidate: Candidate) -> Message:
    """The notice shown when an uncontested position goes to a yes/no ballot."""
    return Message.of("election.ratify", name=candidate.name)


def ratify(
    yes: int,
    no: int,
    abstain: int = 0,
    *,
    threshold: Threshold = SIMPLE_MAJORITY,
    quorum: Quorum | None = None,
    present: int | None = None,
    entitled: int | None = None,
) -> Decision:
    """Decide a yes/no ratification ballot for an uncontested candidate."""
    counts = Counts(yes=yes, no=no, abstain=abstain, present=present, entitled=entitled)
    return decide(counts, threshold, quorum)


@dataclass(frozen=True)
class ApprovalBallot:
    """The candidates a ballot approves; `count` identical ballots (or a weight)."""

    approved: frozenset[CandidateId]
    count: int = 1


@dataclass(frozen=True)
class ApprovalResult:
    """The elected, the approvals per candidate, and how a tie was broken (if any)."""

    elected: tuple[CandidateId, ...]
    approvals: Mapping[CandidateId, int]
    events: tuple[Message, ...]

    def report(self) -> list[str]:
        """The result in English, one line per event."""
        return [m.describe() for m in self.events]


def approval(
    ballots: Iterable[ApprovalBallot],
    candidates: Sequence[Candidate],
    seats: int,
    *,
    lot_seed: int = 0,
) -> ApprovalResult:
    """Elect the `seats` most approved candidates; a tie for the last seat goes by lot.

    The lot is the seeded order of `stv.lot_order`: the candidate later in it wins.
    """
    ids = {c.id for c in candidates}
    approvals = dict.fromkeys((c.id for c in candidates), 0)
    for ballot in ballots:
        unknown = ballot.approved - ids
        if unknown:
            raise ValueError(f"unknown candidate {sorted(map(str, unknown))[0]} on a ballot")
        for cid in ballot.approved:
            approvals[cid] += ballot.count
    lot_rank = {cid: i for i, cid in enumerate(lot_order(candidates, lot_seed))}
    ranked = sorted(candidates, key=lambda c: (-approvals[c.id], -lot_rank[c.id]))
    elected = ranked[:seats]
    events = [
        Message.of("election.approval_elected", name=c.name, count=approvals[c.id]) for c in elected
    ]
    if elected and seats < len(ranked):
        last = approvals[elected[-1].id]
        tied = [c for c in ranked if approvals[c.id] == last]
        if any(c not in elected for c in tied):
            events.append(
                Message.of(
                    "election.approval_tie",
                    names=tuple(c.name for c in tied),
                    count=last,
                    seed=lot_seed,
                    name=elected[-1].name,
                )
            )
    return ApprovalResult(tuple(c.id for c in elected), approvals, tuple(events))
