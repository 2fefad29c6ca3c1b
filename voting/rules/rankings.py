"""What an election ballot says, and how it is written down.

A ranked ballot puts candidates in order of preference; an approval ballot marks any
number of them. Candidates are numbered from 1 in the order the ballot lists them, so a
ballot is written as a short string that fits wherever a vote's choice is kept:

* ranked: the numbers in order of preference, joined by ">" ("3>1>4": third candidate
  first, then the first, then the fourth); ranking nobody is a blank ballot ("");
* approval: the numbers approved, ascending, joined by "," ("1,4"); none is blank.

A person filling in a paper or a phone form gives each candidate a rank ("1", "2", …) or
leaves it empty. `ranking_from_ranks` turns that into a ranking, refusing a candidate
ranked twice, two candidates with the same rank and a gap ("1, 2, 4"), each with a
message that says which. Sealed, a ballot is a fixed-length list of positions, one per
candidate (0 for unranked), so the envelope's length says nothing of how many were ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from voting.rules.messages import Message

RANKED_SEPARATOR = ">"
APPROVAL_SEPARATOR = ","


class BallotForm(StrEnum):
    """What a ballot asks of the voter (the string values are stored with the poll)."""

    CHOICE = "choice"  # one of the poll's choices (yes/no/abstain, or options)
    RANKED = "ranked"  # candidates in order of preference
    APPROVAL = "approval"  # any number of candidates marked


class BadBallot(ValueError):
    """A ballot that cannot be counted as filled in; `message` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.describe())
        self.message = message


@dataclass(frozen=True)
class Marked:
    """A ballot read: the candidates (numbered from 1) in order of preference, or, for an
    approval ballot, those approved in ascending order."""

    form: BallotForm
    candidates: tuple[int, ...]

    @property
    def blank(self) -> bool:
        return not self.candidates

    def written(self) -> str:
        """The ballot as stored ("3>1>4", "1,4", or "" when blank)."""
        sep = RANKED_SEPARATOR if self.form is BallotForm.RANKED else APPROVAL_SEPARATOR
        return sep.join(str(c) for c in self.candidates)

    def positions(self, candidates: int) -> list[int]:
        """One number per candidate: its rank (ranked) or 1 if approved, 0 otherwise."""
        positions = [0] * candidates
        for rank, number in enumerate(self.candidates, 1):
            positions[number - 1] = rank if self.form is BallotForm.RANKED else 1
        return positions


def _check(form: BallotForm, numbers: Sequence[int], names: Sequence[str]) -> Marked:
    seen: set[int] = set()
    for number in numbers:
        if not 1 <= number <= len(names):
            raise BadBallot(Message.of("ballot.unknown_candidate", number=number))
        if number in seen:
            key = "ballot.twice" if form is BallotForm.RANKED else "ballot.marked_twice"
            raise BadBallot(Message.of(key, name=names[number - 1]))
        seen.add(number)
    ordered = tuple(numbers) if form is BallotForm.RANKED else tuple(sorted(numbers))
    return Marked(form, ordered)


def read(form: BallotForm, written: str, names: Sequence[str]) -> Marked:
    """Read a stored or submitted ballot among the candidates `names` (in ballot order);
    refuse a malformed one."""
    if form is BallotForm.CHOICE:
        raise ValueError("a choice ballot is not a list of candidates")
    sep = RANKED_SEPARATOR if form is BallotForm.RANKED else APPROVAL_SEPARATOR
    text = written.strip()
    if not text:
        return Marked(form, ())
    try:
        numbers = [int(part) for part in text.split(sep)]
    except ValueError:
        raise BadBallot(Message.of("ballot.unreadable")) from None
    return _check(form, numbers, names)


def ranking_from_ranks(ranks: Mapping[int, int | None], names: Sequence[str]) -> Marked:
    """A ranking from the rank given to each candidate (number -> rank, None: unranked).

    Ranks must run 1, 2, 3… without a gap and without two candidates sharing one."""
    given = {n: r for n, r in ranks.items() if r is not None}
    for number in given:
        if not 1 <= number <= len(names):
            raise BadBallot(Message.of("ballot.unknown_candidate", number=number))
    by_rank: dict[int, int] = {}
    for number, rank in sorted(given.items()):
        if rank < 1:
            raise BadBallot(Message.of("ballot.rank_below_one", name=names[number - 1]))
        if rank in by_rank:
            first, second = names[by_rank[rank] - 1], names[number - 1]
            raise BadBallot(Message.of("ballot.same_rank", rank=rank, first=first, second=second))
        by_rank[rank] = number
    for expected, rank in enumerate(sorted(by_rank), 1):
        if rank != expected:
            raise BadBallot(Message.of("ballot.gap", missing=expected, rank=rank))
    return Marked(BallotForm.RANKED, tuple(by_rank[r] for r in sorted(by_rank)))


def from_positions(form: BallotForm, positions: Sequence[int]) -> Marked:
    """A ballot back from its sealed positions (see `Marked.positions`)."""
    if form is BallotForm.RANKED:
        order = sorted((p, n) for n, p in enumerate(positions, 1) if p)
        return Marked(form, tuple(n for _p, n in order))
    return Marked(form, tuple(n for n, p in enumerate(positions, 1) if p))


def ballot_set(
    form: BallotForm, counted: Iterable[tuple[str, int]], names: Sequence[str]
) -> dict[str, int]:
    """The distinct ballots and how many of each, from (written ballot, votes) pairs,
    ordered by count (most first) then text: the anonymised set a recount starts from."""
    totals: dict[str, int] = {}
    for written, votes in counted:
        key = read(form, written, names).written()
        totals[key] = totals.get(key, 0) + votes
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def first_preferences(
    form: BallotForm, ballots: Mapping[str, int], names: Sequence[str]
) -> list[int]:
    """Per candidate (in ballot order): first preferences (ranked) or approvals."""
    totals = [0] * len(names)
    for written, votes in ballots.items():
        marked = read(form, written, names)
        chosen = marked.candidates[:1] if form is BallotForm.RANKED else marked.candidates
        for number in chosen:
            totals[number - 1] += votes
    return totals


def blt(
    ballots: Mapping[str, int],
    names: Sequence[str],
    seats: int,
    title: str,
    withdrawn: Iterable[int] = (),
) -> str:
    """The ranked ballot set in the BLT format read by independent STV programs (OpenSTV,
    Droop, the ERS's counting software): candidates and seats, withdrawn candidates as
    negative numbers, one line per distinct ranking with its count, 0 to end each and the
    list, then each candidate's name and the title in quotes."""

    def quoted(text: str) -> str:
        return '"' + text.replace('"', "'").replace("\n", " ") + '"'

    lines = [f"{len(names)} {seats}"]
    out = sorted(set(withdrawn))
    if out:
        lines.append(" ".join(f"-{n}" for n in out))
    for written, votes in ballots.items():
        marked = read(BallotForm.RANKED, written, names)
        if marked.candidates:
            lines.append(" ".join([str(votes), *map(str, marked.candidates), "0"]))
    lines.append("0")
    lines += [quoted(name) for name in names]
    lines.append(quoted(title))
    return "\n".join(lines) + "\n"
