"""A body's rules as data: the shape every constitution preset fills in.

Each field carries a label and help text (`meta`) so the admin pages can render and
validate a form for any body without knowing which organisation it belongs to. The
vocabulary (schemes, statuses, unit kinds) is the rules core's, in voting/rules/.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l

from voting.rules.requisitions import Signatories
from voting.rules.types import Participants

MEMBER_STATUSES = ("full", "candidate", "individual", "withdrawn", "lapsed")
UNIT_KINDS = ("section", "associate", "branch", "caucus", "fraction", "faction")
ROLE_KINDS = ("admin", "secretary", "chair", "delegate", "teller", "officer")
SIGNATORIES = tuple(s.value for s in Signatories)
REQUISITIONED_KINDS = ("extraordinary", "emergency")


class SettingsError(ValueError):
    """A setting that cannot be right, with the field's dotted path for the form."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def meta(label: str, help: str = "", choices: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"label": _l(label), "help": _l(help) if help else "", "choices": choices}


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def parse_fraction(text: str | int | float | Fraction, path: str) -> Fraction:
    """Read "2/3", "1/2", "0.1" or 1 as an exact fraction between 0 and 1."""
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise SettingsError(path, str(_l("is not a fraction such as 2/3"))) from None
    if not 0 <= value <= 1:
        raise SettingsError(path, str(_l("must be between 0 and 1")))
    return value


@dataclass
class Threshold:
    """What share of which base a decision needs, e.g. at least 2/3 of votes cast."""

    fraction: Fraction = field(
        default=Fraction(1, 2), metadata=meta("Share needed", "A fraction such as 1/2 or 2/3.")
    )
    base: str = field(
        default="cast",
        metadata=meta(
            "Of",
            "Votes cast, those present, those entitled to vote, or all members of the body.",
            ("cast", "present", "entitled", "members"),
        ),
    )
    strict: bool = field(
        default=True,
        metadata=meta("More than (not 'at least')", "Majority means more than half: ties fail."),
    )


@dataclass
class SpecialThreshold:
    """A named rule for a kind of decision, e.g. constitution amendments: 2/3, sections only."""

    name: str = field(default="", metadata=meta("Decision", "e.g. constitution_amendment"))
    label: str = field(default="", metadata=meta("Shown as"))
    threshold: Threshold = field(default_factory=Threshold, metadata=meta("Threshold"))
    unit_kinds: list[str] = field(
        default_factory=list,
        metadata=meta("Only these units vote", "Leave empty for all.", UNIT_KINDS),
    )


@dataclass
class WeightBand:
    """Votes held by a unit of a kind above a size (WRI: sections over 1000 members: 3)."""

    unit_kind: str = field(default="section", metadata=meta("Unit kind", "", UNIT_KINDS))
    min_size: int = field(default=0, metadata=meta("From size", "Members, inclusive."))
    votes: int = field(default=1, metadata=meta("Votes"))


@dataclass
class DelegateBand:
    """How many delegates a unit of at least this size sends (WSM: over 10 members: 2)."""

    min_size: int = field(default=0, metadata=meta("From size"))
    delegates: int = field(default=1, metadata=meta("Delegates"))


@dataclass
class Quorum:
    required: bool = field(default=False, metadata=meta("A quorum applies"))
    fraction: Fraction = field(default=Fraction(1, 2), metadata=meta("Share"))
    base: str = field(
        default="members",
        metadata=meta(
            "Of",
            "Entitled voters, members of the body, or units.",
            ("entitled", "members", "units"),
        ),
    )
    minimum: int = field(default=0, metadata=meta("At least this many, in any case"))


@dataclass
class Consensus:
    first: bool = field(
        default=True,
        metadata=meta(
            "Try consensus first",
            "A vote on a motion waits for a test for agreement that ended without "
            "consensus, or for the meeting's decision to go straight to a vote.",
        ),
    )
    minutes: int = field(
        default=15,
        metadata=meta("Time agreed (minutes)", "Default per item; the chair can change it."),
    )
    stand_aside_limit: int = field(
        default=0,
        metadata=meta("Most stand-asides still consensus", "0 means no limit."),
    )
    show_names: bool = field(default=True, metadata=meta("Show who answered what"))
    participants: str = field(
        default="voters",
        metadata=meta(
            "Who answers a test for agreement",
            "Those the body lets vote, its non-voting roles aside (voters), or everyone "
            "attending the meeting (attending).",
            tuple(p.value for p in Participants),
        ),
    )


@dataclass
class Proxies:
    allowed: bool = field(default=False, metadata=meta("Proxies allowed"))
    scopes: list[str] = field(
        default_factory=lambda: ["motion", "meeting"],
        metadata=meta("For", "One motion, or a whole meeting.", ("motion", "meeting")),
    )
    directed: bool = field(default=True, metadata=meta("May carry an instruction"))
    cap_per_holder: int = field(default=0, metadata=meta("Most proxies per holder", "0: no cap."))
    statuses: list[str] = field(
        default_factory=lambda: ["full", "withdrawn"],
        metadata=meta("Who may give a proxy", "", MEMBER_STATUSES),
    )


@dataclass
class Emergency:
    is_emergency: bool = field(default=False, metadata=meta("Emergency body"))
    grounds: list[str] = field(
        default_factory=lambda: ["new circumstances", "new information", "security"],
        metadata=meta("Grounds that justify a meeting", "One per line."),
    )
    ratified_by: str = field(
        default="", metadata=meta("Ratified by (body slug)", "Where its decisions go next.")
    )


@dataclass
class RequisitionRule:
    """One way members or units may demand a meeting of the body, e.g. WSM's emergency
    council: a branch's motion, 10% of members, 1/3 of delegates or 2 officers (each an
    alternative, its own rule)."""

    name: str = field(default="", metadata=meta("Rule", "A short name, e.g. members"))
    label: str = field(default="", metadata=meta("Shown as", "e.g. 10% of members"))
    kind: str = field(
        default="extraordinary",
        metadata=meta("Meeting called", "", REQUISITIONED_KINDS),
    )
    signatories: str = field(
        default="members",
        metadata=meta(
            "Who signs",
            "Members of the organisation; member units (through their secretary or a "
            "delegate); delegates to the body; officers; or the body's own members.",
            SIGNATORIES,
        ),
    )
    share: Fraction = field(
        default=Fraction(0),
        metadata=meta("Share of them, at least", "e.g. 1/10; 0 for a number alone."),
    )
    count: int = field(
        default=0,
        metadata=meta("Number of them, at least", "e.g. 1 branch or 2 officers; 0 for a share."),
    )
    statuses: list[str] = field(
        default_factory=lambda: ["full"],
        metadata=meta("Members who may sign", "And who are counted.", MEMBER_STATUSES),
    )
    unit_kinds: list[str] = field(
        default_factory=list,
        metadata=meta("Only these units", "Leave empty for all.", UNIT_KINDS),
    )
    notice_days: int = field(default=0, metadata=meta("Notice of the meeting (days)"))
    within_days: int = field(
        default=0,
        metadata=meta("Held within (days)", "Once enough have signed; 0: no deadline."),
    )


@dataclass
class Speaking:
    policy: list[str] = field(
        default_factory=lambda: ["points_of_order_first", "first_come"],
        metadata=meta(
            "Order of the queue",
            "Applied in order.",
            (
                "points_of_order_first",
                "not_yet_spoken_first",
                "alternate_for_against",
                "equal_time_per_viewpoint",
                "balance_self_declared",
                "first_come",
            ),
        ),
    )
    seconds_per_contribution: int = field(default=180, metadata=meta("Seconds per contribution"))
    direct_responses: bool = field(default=True, metadata=meta("Direct responses allowed"))


@dataclass
class Elections:
    method: str = field(
        default="meek_stv", metadata=meta("Method", "", ("meek_stv", "approval", "plurality"))
    )
    secret: bool = field(default=True, metadata=meta("Secret ballot"))
    ratify_uncontested: bool = field(
        default=True, metadata=meta("Uncontested: yes/no ratification ballot")
    )
    minimum_category: str = field(
        default="", metadata=meta("Minimum for a category", "e.g. woman; empty for none.")
    )
    minimum_share: Fraction = field(default=Fraction(0), metadata=meta("Share of seats, at least"))
    recall: bool = field(default=False, metadata=meta("Elected members subject to recall"))
    max_consecutive_years: int = field(default=0, metadata=meta("Term limit (years)", "0: none."))
    max_positions: int = field(default=0, metadata=meta("Most positions at once", "0: none."))
    nominators: int = field(
        default=1,
        metadata=meta(
            "Members needed to nominate", "Individual members who must support a nomination."
        ),
    )
    units_nominate: bool = field(
        default=False, metadata=meta("Units may nominate", "A section or branch nominates alone.")
    )
    recount_file: bool = field(
        default=False,
        metadata=meta(
            "Publish the ranked ballots for a recount",
            "Anonymised, as a BLT file, once the election is counted.",
        ),
    )
    prefer_no_post: bool = field(
        default=False,
        metadata=meta(
            "Prefer nominees who hold no post", "The ballot shows who already holds a position."
        ),
    )


@dataclass
class BodySettings:
    """Everything a constitution says about one body."""

    scheme: str = field(
        default="one_member_one_vote",
        metadata=meta(
            "Who holds votes",
            "One member one vote; weighted unit votes held as cards; or delegates carrying "
            "their unit's attendance.",
            ("one_member_one_vote", "unit_weights", "delegate_attendance"),
        ),
    )
    attend: list[str] = field(
        default_factory=lambda: ["full", "candidate", "individual"],
        metadata=meta("Who attends", "", MEMBER_STATUSES),
    )
    speak: list[str] = field(
        default_factory=lambda: ["full", "candidate", "individual"],
        metadata=meta("Who speaks", "", MEMBER_STATUSES),
    )
    vote: list[str] = field(
        default_factory=lambda: ["full"], metadata=meta("Who votes", "", MEMBER_STATUSES)
    )
    vote_in_writing_only: list[str] = field(
        default_factory=list,
        metadata=meta("Vote only in writing or by proxy", "", MEMBER_STATUSES),
    )
    non_voting_roles: list[str] = field(
        default_factory=list,
        metadata=meta("Roles without a vote", "e.g. the chair and officers.", ROLE_KINDS),
    )
    members_roles: list[str] = field(
        default_factory=list,
        metadata=meta(
            "Membership by role",
            "Empty: every member of the organisation. Otherwise only holders of these roles.",
            ROLE_KINDS,
        ),
    )
    weight_bands: list[WeightBand] = field(
        default_factory=list, metadata=meta("Votes per unit", "First matching band applies.")
    )
    one_organisation_per_card_holder: bool = field(
        default=True, metadata=meta("No one holds cards of two units")
    )
    delegate_bands: list[DelegateBand] = field(
        default_factory=list, metadata=meta("Delegates per unit", "First matching band applies.")
    )
    chaired_by: str = field(
        default="chair_role",
        metadata=meta("Chaired by", "", ("chair_role", "elected_at_meeting", "rotating")),
    )
    decision: Threshold = field(default_factory=Threshold, metadata=meta("Ordinary decisions"))
    special: list[SpecialThreshold] = field(
        default_factory=list, metadata=meta("Special decisions")
    )
    abstentions_count_as_cast: bool = field(
        default=False, metadata=meta("Abstentions count as votes cast")
    )
    quorum: Quorum = field(default_factory=Quorum, metadata=meta("Quorum"))
    consensus: Consensus = field(default_factory=Consensus, metadata=meta("Consensus"))
    proxies: Proxies = field(default_factory=Proxies, metadata=meta("Proxies"))
    split_votes: bool = field(default=False, metadata=meta("A holder may split their votes"))
    named_votes: bool = field(default=True, metadata=meta("Named (roll-call) votes allowed"))
    free_votes: bool = field(default=False, metadata=meta("Decisions may be declared free votes"))
    mandates: bool = field(default=False, metadata=meta("Units mandate their delegates"))
    notice_days: int = field(default=0, metadata=meta("Notice of a meeting (days)"))
    item_deadline_days: int = field(default=0, metadata=meta("Items due before (days)"))
    agenda_circulated_days: int = field(default=0, metadata=meta("Agenda circulated (days before)"))
    agenda_template: list[str] = field(
        default_factory=list, metadata=meta("Agenda sections", "One per line.")
    )
    two_stage_motions: bool = field(
        default=False, metadata=meta("Motions in two stages", "Goals first, methods second.")
    )
    emergency: Emergency = field(default_factory=Emergency, metadata=meta("Emergency"))
    requisitions: list[RequisitionRule] = field(
        default_factory=list,
        metadata=meta(
            "Requisitioning a meeting",
            "Who may demand a meeting of this body, and how many must sign; each row is "
            "an alternative.",
        ),
    )
    speaking: Speaking = field(default_factory=Speaking, metadata=meta("Speaking"))
    elections: Elections = field(default_factory=Elections, metadata=meta("Elections"))
    remote_voting: bool = field(
        default=False, metadata=meta("Electronic consultations and postal ballots")
    )
    precast_rule: str = field(
        default="floor_replaces",
        metadata=meta(
            "A vote cast before the meeting, then on the floor",
            "When a ballot paper was returned before the meeting and its card is used on "
            "the floor: the floor vote replaces the paper, or the returned paper counts and "
            "the floor vote is refused. In a secret poll a returned paper always counts.",
            ("floor_replaces", "first_counts"),
        ),
    )
    screens: str = field(
        default="organisation",
        metadata=meta(
            "Who sees the meeting screens",
            "The observer and projector pages, the live state, the polls and results: anyone "
            "with the link (public), signed-in members of the organisation, or those who may "
            "attend the meeting with its chair and secretaries (attending). The projector's "
            "own display link works whatever is chosen.",
            ("public", "organisation", "attending"),
        ),
    )

    minutes_to: str = field(
        default="",
        metadata=meta(
            "Minutes go to",
            "The short name of the body whose members read this body's minutes (AWL: the "
            "Executive's go to the National Committee); empty: this body's own members.",
        ),
    )

    policy_lapse_years: int = field(
        default=0,
        metadata=meta(
            "Policy lapses after (years)",
            "Policy papers this body adopts lapse unless ratified again (WSM: 3); 0: never.",
        ),
    )
    policy_short_term_years: int = field(
        default=0,
        metadata=meta(
            "Short-term policy lapses after (years)",
            "For the short-term parts of a policy paper (WSM: 2); 0: as the rest.",
        ),
    )

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> BodySettings:
        """Read settings saved as JSON or written in a preset; unknown keys are an error."""
        return _load(cls, data or {}, "")

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)

    def validate(self) -> list[SettingsError]:
        """Contradictions a single field cannot show; the form reports them by field."""
        problems = []
        if self.scheme == "unit_weights" and not self.weight_bands:
            problems.append(SettingsError("weight_bands", str(_l("weighted votes need bands"))))
        if self.scheme == "delegate_attendance" and not self.delegate_bands:
            problems.append(
                SettingsError("delegate_bands", str(_l("delegates per unit are needed")))
            )
        for status in self.vote_in_writing_only:
            if status not in self.vote:
                problems.append(
                    SettingsError(
                        "vote_in_writing_only",
                        str(_l("%(status)s must also be among who votes", status=status)),
                    )
                )
        names = [s.name for s in self.special]
        if len(names) != len(set(names)) or "" in names:
            problems.append(
                SettingsError("special", str(_l("each special decision needs its own name")))
            )
        names = [r.name for r in self.requisitions]
        if len(names) != len(set(names)) or "" in names:
            problems.append(
                SettingsError("requisitions", str(_l("each requisition rule needs its own name")))
            )
        for index, rule in enumerate(self.requisitions):
            if not rule.share and not rule.count:
                problems.append(
                    SettingsError(
                        f"requisitions[{index}].share",
                        str(_l("give a share or a number of signatures")),
                    )
                )
            if rule.within_days and rule.within_days < rule.notice_days:
                problems.append(
                    SettingsError(
                        f"requisitions[{index}].within_days",
                        str(_l("the meeting cannot be held sooner than its notice allows")),
                    )
                )
        return problems


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # Resolving the annotations compiles each one: once per class, not once per read.
    return typing.get_type_hints(cls)


def _load(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise SettingsError(path, str(_l("expected a group of settings")))
        hints = _hints(tp)
        known = {f.name: f for f in dataclasses.fields(tp)}
        unknown = set(value) - set(known)
        if unknown:
            raise SettingsError(path, str(_l("unknown setting %(name)s", name=sorted(unknown)[0])))
        kwargs = {}
        for name, f in known.items():
            if name in value:
                sub = f"{path}.{name}" if path else name
                kwargs[name] = _load(hints[name], value[name], sub)
                choices = f.metadata.get("choices", ())
                _check_choices(kwargs[name], choices, sub)
        return tp(**kwargs)
    if origin is list:
        (item,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SettingsError(path, str(_l("expected a list")))
        return [_load(item, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if tp is Fraction:
        return parse_fraction(value, path)
    if tp is bool:
        if not isinstance(value, bool):
            raise SettingsError(path, str(_l("expected yes or no")))
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(path, str(_l("expected a whole number, 0 or more")))
        return value
    if tp is str:
        if not isinstance(value, str):
            raise SettingsError(path, str(_l("expected text")))
        return value.strip()
    if isinstance(tp, types.UnionType):  # pragma: no cover - no optional settings yet
        raise TypeError(f"unsupported setting type {tp}")
    raise TypeError(f"unsupported setting type {tp}")


def _check_choices(value: Any, choices: tuple[str, ...], path: str) -> None:
    if not choices:
        return
    values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, str) and v not in choices:
            raise SettingsError(path, str(_l("%(value)s is not one of the choices", value=v)))


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, Fraction):
        return fraction_text(value)
    return value
