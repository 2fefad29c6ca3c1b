"""Every sentence the rules core says, kept in one place so it can be translated.

The rules never build English text directly. They return a `Message`: a key and named
parameters (numbers stay numbers, so a translation can format them its own way).
`Message.describe()` looks the key up in `TEMPLATES` and fills the named placeholders.
A template may be a pair (singular, plural), chosen by the parameter named in
`PLURAL_BY` (default ``count``); a later translation layer can swap `TEMPLATES` for a
catalogue lookup without touching the rules.

Parameters are formatted for a reader: fractions as mixed numbers ("5 1/3"), fixed-point
values with long denominators as decimals, enums by their value, dates as ISO dates,
nested messages by describing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

TEMPLATES: dict[str, str | tuple[str, str]] = {
    # --- entitlement: who holds votes, and why -------------------------------------
    "entitlement.line": (
        "{holder} holds {count} vote: {source}",
        "{holder} holds {count} votes: {source}",
    ),
    "source.own": "own vote",
    "source.own_in_writing": "own vote, in writing or by proxy only",
    "source.cards": ("{count} card of {unit}", "{count} cards of {unit}"),
    "source.delegate": (
        "delegate of {unit}, {count} of the {present} present at its meeting of {held_on}",
        "delegate of {unit}, {count} of the {present} present at its meeting of {held_on}",
    ),
    "source.proxy": "proxy for {principal} ({scope})",
    "source.proxy_directed": "proxy for {principal} ({scope}), directed to vote {instruction}",
    "scope.meeting": "whole meeting",
    "scope.motion": "motion {motion}",
    "refusal.non_voting_role": "{person} has no vote: {role}s do not vote in this body",
    "refusal.status": "{person} has no vote: {status} members do not vote in this body",
    "refusal.status_units": (
        "{person} has no vote: {status} members do not vote in this body, whose votes "
        "belong to its units ({kinds}) as voting cards held by their representatives"
    ),
    "refusal.no_cards": (
        "{person} holds no voting card: this body's votes belong to its units ({kinds}) "
        "as cards held by their representatives"
    ),
    "refusal.not_a_delegate": "{person} has no vote: only the delegates of units vote in this body",
    "refusal.unit_not_eligible": (
        "{person} holds no votes: on this decision only {kinds} units vote"
    ),
    "refusal.no_band": "{unit} has no votes: no weight band applies to a {kind} of {size}",
    "refusal.second_unit": "{person} holds cards of {first}; cannot also hold cards of {unit}",
    "refusal.second_unit_delegate": (
        "{person} is a delegate of {first}; cannot also be a delegate of {unit}"
    ),
    "refusal.cards_mismatch": (
        "{unit} has {votes} cards but {assigned} were assigned; split evenly instead"
    ),
    "refusal.unheld": (
        "{unit}'s {count} card is held by no one",
        "{unit}'s {count} cards are held by no one",
    ),
    "refusal.too_many_delegates": (
        "{person} is not counted: {unit} ({size} members) sends {allowed} delegate",
        "{person} is not counted: {unit} ({size} members) sends {allowed} delegates",
    ),
    "refusal.no_attendance": (
        "{unit}'s delegates carry no votes: no meeting where motions were discussed "
        "is recorded before {cutoff}"
    ),
    "refusal.no_attendance_at_all": (
        "{unit}'s delegates carry no votes: no meeting where motions were discussed is recorded"
    ),
    "refusal.zero_share": (
        "{person} carries no votes: {unit} gives all its votes to its first delegate"
    ),
    "refusal.no_delegate": (
        "{unit}'s {count} vote is carried by no one: no delegate",
        "{unit}'s {count} votes are carried by no one: no delegate",
    ),
    "refusal.proxies_not_allowed": "proxy for {principal} refused: this body allows no proxies",
    "refusal.proxy_other_motion": "proxy for {principal} does not apply: it is for motion {motion}",
    "refusal.proxy_no_vote": "proxy for {principal} refused: {principal} has no vote to give",
    "refusal.proxy_status": (
        "proxy for {principal} refused: {status} members may not vote by proxy in this body"
    ),
    "refusal.proxy_unknown_holder": "proxy for {principal} refused: holder {holder} is not known",
    "refusal.proxy_holder_no_vote": (
        "proxy for {principal} refused: {holder} cannot hold votes ({role}s do not vote)"
    ),
    "refusal.proxy_superseded": (
        "proxy for {principal} to {holder} replaced by a later or narrower one"
    ),
    "refusal.proxy_lapsed": (
        "proxy for {principal} lapsed: {principal} is present and votes in person"
    ),
    "refusal.proxy_chain": (
        "proxy for {principal} refused: {principal}'s holder {holder} has herself given a "
        "proxy (no chains)"
    ),
    "refusal.proxy_self": "proxy for {principal} refused: a member cannot be their own proxy",
    "refusal.proxy_cap": (
        "proxy for {principal} refused: cap of {cap} proxies per holder reached by {holder}"
    ),
    "refusal.proxy_undirected": (
        "proxy for {principal} refused: this body allows no directed proxies"
    ),
    # --- thresholds and decisions --------------------------------------------------
    "base.cast": "votes cast",
    "base.cast_with_abstentions": "votes cast, abstentions included",
    "base.present": "those present",
    "base.entitled": "those entitled to vote",
    "base.members": "all members",
    "base.units": "units",
    "threshold.majority": "majority of {base}",
    "threshold.fraction": "{fraction} of {base}",
    "threshold.fraction_strict": "more than {fraction} of {base}",
    "need.more_than": "{threshold} needed: more than {bar} of {base}",
    "need.at_least": "{threshold} needed: at least {bar} of {base}",
    "decision.carried": (
        "Carried: {count} vote to {no} ({need})",
        "Carried: {count} votes to {no} ({need})",
    ),
    "decision.lost": (
        "Lost: {count} vote to {no} ({need})",
        "Lost: {count} votes to {no} ({need})",
    ),
    "decision.tied": (
        "Lost: tie, {count} vote to {no} (ties fail)",
        "Lost: tie, {count} votes to {no} (ties fail)",
    ),
    "decision.inquorate": (
        "No decision: quorum not reached ({measured} present, at least {needed} needed)"
    ),
    "decision.abstentions": (
        "{count} abstention, not counted as a vote cast.",
        "{count} abstentions, not counted as votes cast.",
    ),
    "decision.abstentions_counted": (
        "{count} abstention, counted as a vote cast.",
        "{count} abstentions, counted as votes cast.",
    ),
    # --- consensus -----------------------------------------------------------------
    "consensus.reached": (
        "Consensus: {agree} agree, {reservations} with reservations, {stand_aside} stand aside"
    ),
    "consensus.blocked": (
        "No consensus: {count} block ({names})",
        "No consensus: {count} blocks ({names})",
    ),
    "consensus.too_many_stand_asides": (
        "No consensus: {count} stand aside, more than the limit of {limit}"
    ),
    "consensus.silence": "No consensus: {count} did not answer and silence is not consent here",
    "consensus.open": (
        "Still open: {answered} of {participants} answered; {remaining} min left of the time agreed"
    ),
    "consensus.open_failing": "Not yet: {failure}; {remaining} min left of the time agreed",
    "next.record": "Record the consensus, with reservations and stand-asides.",
    "next.continue": "Continue the discussion.",
    "next.vote": "Vote under the body's rule: {threshold}.",
    "next.no_decision": "The body has no fallback vote: no decision on this item.",
    # --- tally ---------------------------------------------------------------------
    "ballot.not_entitled": "ballot for {voter} not counted: not entitled in this poll",
    "ballot.wrong_holder": (
        "ballot for {voter} not counted: cast by {holder}, who does not hold that vote"
    ),
    "ballot.writing_only": "ballot for {voter} not counted: this vote may be cast only in writing",
    "ballot.split_not_allowed": (
        "ballot for {voter} not counted: this body does not allow split votes"
    ),
    "ballot.wrong_weight": (
        "ballot for {voter} not counted: {cast} votes cast for a weight of {weight}"
    ),
    "ballot.empty": "ballot for {voter} not counted: it must give one choice or a split",
    "ballot.superseded_floor": (
        "ballot for {voter} ({channel}) replaced by the vote cast on the floor"
    ),
    "ballot.superseded_own": "proxy ballot for {voter} replaced: the member voted in person",
    "ballot.duplicate": (
        "ballot for {voter} ({channel}) not counted: an earlier ballot for {voter} counts"
    ),
    "ballot.against_instruction": (
        "{voter} voted {cast} against the instruction to vote {instruction}"
    ),
    # --- STV and elections ---------------------------------------------------------
    "stv.elected": "{names} elected with {votes}",
    "stv.elected_remaining": "{names} elected: as many candidates left as seats",
    "stv.excluded": "{name} excluded with the fewest votes ({votes})",
    "stv.excluded_tie": "{name} excluded: tie on {votes} broken by {how}",
    "stv.excluded_constraint": (
        "{names} excluded: the remaining seats are needed to meet the minimum for {category}"
    ),
    "stv.excluded_remaining": "{names} not elected: all seats filled",
    "stv.unsatisfiable": (
        "The minimum of {minimum} for {category} cannot be met: only {available} eligible"
    ),
    "tie.earlier_round": "the counts of round {round}",
    "tie.lot": "lot (seed {seed})",
    "election.ratify": "{name} is the only candidate: a yes/no ratification ballot decides",
    "election.approval_elected": "{name} elected with {count} approvals",
    "election.approval_tie": (
        "{names} tied on {count} approvals for the last seat; lot (seed {seed}) chose {name}"
    ),
    "nomination.no_consent": "the candidate has not consented in writing",
    "nomination.supporters": (
        "supported by {count} member of the {needed} needed",
        "supported by {count} members of the {needed} needed",
    ),
    "office.term_limit": (
        "another term as {position} would make {years} years in succession (at most {limit})"
    ),
    "office.office_limit": (
        "already holds {count} position ({positions}); at most {limit} at once",
        "already holds {count} positions ({positions}); at most {limit} at once",
    ),
    "office.minimum_unmeetable": (
        "At least {needed} seats must go to {category}: {elected} already elected and "
        "{standing} standing cannot meet it"
    ),
    "election.elected": "{names} elected",
    "election.ratified": "{names} ratified",
    "election.not_ratified": "{names} not ratified: the position stays vacant",
    "election.withdrawn": "{names} withdrew after ballots were cast: passed over in the count",
    "ballot.unknown_candidate": "There is no candidate {number} on this ballot",
    "ballot.twice": "{name} is ranked twice",
    "ballot.marked_twice": "{name} is marked twice",
    "ballot.unreadable": "This ballot cannot be read: give each candidate a number",
    "ballot.rank_below_one": "Ranks start at 1 ({name})",
    "ballot.same_rank": "{first} and {second} are both ranked {rank}: give each a different rank",
    "ballot.gap": "No candidate is ranked {missing}, yet one is ranked {rank}: number without gaps",
    # --- speaking ------------------------------------------------------------------
    "speak.point_of_order": "point of order: jumps the queue",
    "speak.direct_response": "direct response to the last speaker",
    "speak.viewpoint_least_time": "{viewpoint} has used the least time so far ({seconds} s)",
    "speak.alternate": "alternating: {viewpoint} after {previous}",
    "speak.not_yet_spoken": "has not spoken yet on this item",
    "speak.balance": "balancing: {category} after someone who is not",
    "speak.balance_other": "balancing: after someone who is {category}",
    "speak.first_come": "hand raised in place {arrival}",
    # --- privacy -------------------------------------------------------------------
    "privacy.few_voters": (
        "Only {count} voter: a secret tally would show how they voted",
        "Only {count} voters: a secret tally could show how each voted",
    ),
    "privacy.dominant_weight": (
        "{holder} holds {weight} votes, more than all the others together ({others}): "
        "a result could show how {holder} voted"
    ),
    "privacy.indivisible_weight": (
        "{holder} holds {weight} votes, and every other weight is a multiple of {divisor}: "
        "the totals would show how {holder} voted"
    ),
}

#: For pairs (singular, plural): the parameter that picks the form.
PLURAL_BY = "count"


def format_number(value: Fraction | int) -> str:
    """Show an exact number the way a teller reads it: 8, 5 1/3, or 12.34567 for long ones."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if value.denominator <= 12:
        whole, rest = divmod(abs(value.numerator), value.denominator)
        sign = "-" if value < 0 else ""
        return (
            f"{sign}{whole} {rest}/{value.denominator}"
            if whole
            else f"{sign}{rest}/{value.denominator}"
        )
    # Fixed-point STV values have denominators like 10**9: a decimal reads better.
    text = f"{float(value):.5f}".rstrip("0").rstrip(".")
    return text


def format_fraction(value: Fraction) -> str:
    """A share as people write it in a constitution: 2/3, 1/2."""
    return f"{value.numerator}/{value.denominator}"


def _format(value: object, templates: Mapping[str, str | tuple[str, str]] = TEMPLATES) -> str:
    if isinstance(value, Message):
        return value.describe(templates)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Fraction | int):
        return format_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(_format(v, templates) for v in value)
    return str(value)


@dataclass(frozen=True)
class Message:
    """A sentence as data: a template key and its named parameters."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: object) -> Message:
        """Build a message; raises KeyError at once for an unknown key."""
        if key not in TEMPLATES:
            raise KeyError(f"no template for message {key!r}")
        return cls(key, tuple(params.items()))

    @property
    def data(self) -> dict[str, object]:
        """The parameters as a dict, for JSON or a translation layer."""
        return dict(self.params)

    def describe(self, templates: Mapping[str, str | tuple[str, str]] = TEMPLATES) -> str:
        """The sentence in English (or in the language of the `templates` given)."""
        template = templates[self.key]
        params = self.data
        if isinstance(template, tuple):
            singular, plural = template
            template = singular if params.get(PLURAL_BY) == 1 else plural
        return template.format(
            **{name: _format(value, templates) for name, value in params.items()}
        )

    def __str__(self) -> str:
        return self.describe()
