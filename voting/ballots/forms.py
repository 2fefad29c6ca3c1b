"""What a ballot of a poll may say, and how it is sealed, for every form of ballot.

A poll's ballot is one of its choices (`BallotForm.CHOICE`: yes / no / abstain, or a
question's options) or, in an election, a ranking or an approval of its candidates,
written as `rules.rankings` says ("3>1>4", "1,4"; "" is a blank ballot). The floor's
votes, papers returned by post and written votes are all checked and sealed here, so
each takes the same ballot and refuses the same mistakes with the same words.

Sealed, a choice ballot is the votes it gives each choice; an election ballot is its
weight followed by one position per candidate: both have the same length for every
ballot of the poll, so an envelope's size tells nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from voting.ballots.models import Poll
from voting.core.errors import Invalid
from voting.core.i18n import describe
from voting.rules import rankings
from voting.rules.rankings import BadBallot, BallotForm, Marked


def read(poll: Poll, choice: str | None) -> Marked:
    """An election ballot read, or a refusal that says what is wrong with it."""
    try:
        return rankings.read(poll.form, choice or "", poll.choices)
    except BadBallot as error:
        raise Invalid(describe(error.message), field="choice") from error


def checked(poll: Poll, choice: str | None) -> str:
    """The ballot as it is stored, or a refusal: one of the choices, or a valid ranking
    or approval of the candidates."""
    if poll.form is BallotForm.CHOICE:
        if choice not in poll.choices:
            raise Invalid(_("Choose one of the answers."), field="choice")
        assert choice is not None
        return choice
    return read(poll, choice).written()


def from_ranks(poll: Poll, ranks: dict[int, int | None]) -> str:
    """A ranked ballot from the rank given to each candidate (numbered from 1), as a paper
    or a form without JavaScript gives it; refused with the mistake named."""
    try:
        return rankings.ranking_from_ranks(ranks, poll.choices).written()
    except BadBallot as error:
        raise Invalid(describe(error.message), field="choice") from error


def from_list(poll: Poll, items: list[object]) -> str:
    """An election ballot from a list of candidates (their names or numbers from 1): in
    order of preference (ranked), or those approved."""
    numbers: list[int] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise Invalid(_("List the candidates by name or number."), field="ranking")
        if isinstance(item, str) and item in poll.choices:
            numbers.append(poll.choices.index(item) + 1)
        elif isinstance(item, int) or item.strip().isdigit():
            numbers.append(int(item))
        else:
            raise Invalid(
                _("%(name)s is not a candidate on this ballot.", name=item), field="ranking"
            )
    sep = (
        rankings.RANKED_SEPARATOR if poll.form is BallotForm.RANKED else rankings.APPROVAL_SEPARATOR
    )
    return checked(poll, sep.join(map(str, numbers)))


def from_form(poll: Poll, form: Mapping[str, str], approved: list[str]) -> str | None:
    """An election ballot from a page's form: a rank per candidate ("rank-3" = "1"), or
    the candidates ticked ("approve", their numbers). None for a choice ballot."""
    if poll.form is BallotForm.CHOICE:
        return None
    if poll.form is BallotForm.APPROVAL:
        return from_list(poll, [a for a in approved if a.strip()])
    ranks: dict[int, int | None] = {}
    for number in range(1, len(poll.choices) + 1):
        value = (form.get(f"rank-{number}") or "").strip()
        if value and not value.isdigit():
            raise Invalid(_("A rank is a whole number: 1 for your first choice."), field="choice")
        ranks[number] = int(value) if value else None
    return from_ranks(poll, ranks)


def submitted(poll: Poll, form: Any) -> str | None:
    """The ballot a page's form sends: its "choice", or an election's ranks or ticks."""
    if poll.form is BallotForm.CHOICE:
        return form.get("choice") or None
    return from_form(poll, form, form.getlist("approve"))


def sealed_numbers(poll: Poll, parts: list[tuple[str, int]]) -> list[int]:
    """What goes into an envelope: per choice its votes, or the weight and the positions."""
    if poll.form is BallotForm.CHOICE:
        given = dict(parts)
        return [given.get(c, 0) for c in poll.choices]
    ((written, votes),) = parts
    return [votes, *read(poll, written).positions(len(poll.choices))]


def envelope_size(poll: Poll) -> int:
    """How many numbers an envelope of the poll holds."""
    return len(poll.choices) + (0 if poll.form is BallotForm.CHOICE else 1)


def unsealed(poll: Poll, numbers: list[int]) -> list[tuple[str, int]]:
    """An opened envelope as (ballot, votes) pairs."""
    if poll.form is BallotForm.CHOICE:
        return [(c, n) for c, n in zip(poll.choices, numbers, strict=True) if n]
    votes, *positions = numbers
    return [(rankings.from_positions(poll.form, positions).written(), votes)]
