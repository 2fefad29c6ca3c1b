"""Who may vote in a poll, as the poll's subject says.

A poll belongs to a subject supplied by a higher domain (a question put at a meeting, a
consultation, an election) or to its body directly. The domain that owns the subject
registers an `Electorate` for it: who manages the poll, who may cast a vote and whether
they are there, the day the roll is read on, and what that occasion adds to the roll
(voting cards, proxies, mandates). The snapshot feeds all of it to the rules core's
entitlement, so the ballots domain never needs to know what a meeting or a motion is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext as _
from sqlalchemy import select

from voting.core.errors import Conflict, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.permissions import Permission, can, signed_in
from voting.membership.models import Membership, Person
from voting.membership.permissions import attending_membership
from voting.rules import entitlement as rules

if TYPE_CHECKING:
    from voting.ballots.models import Poll
    from voting.org.models import Body

# Runs a body's polls: chair, secretary or admin of the body (operators may too).
MANAGE_POLLS = Permission("manage_polls", frozenset({"chair", "secretary", "admin"}))


class Electorate:
    """Who may vote in one poll. The defaults describe a poll of a body's members with no
    occasion of its own: every member the body lets vote may vote from wherever they are,
    on the roll as it stands today; the body's chair, secretary or admin runs it."""

    subject: ClassVar[str] = "body"
    # Casting here counts as voting in writing (members who may vote only in writing may).
    in_writing: ClassVar[bool] = True

    def __init__(self, poll: Poll) -> None:
        self.poll = poll

    @property
    def body(self) -> Body:
        return self.poll.body

    # --- who runs it ---------------------------------------------------------------------

    @classmethod
    def manages(cls, actor: Person | None, body: Body) -> bool:
        """Whether `actor` may prepare, open, close and annul the body's polls of this kind."""
        return can(actor, MANAGE_POLLS, body.organisation_id, body=body)

    def require_manager(self, actor: Person | None) -> None:
        if not self.manages(actor, self.body):
            raise NotAllowed(_("Only the chair can do this."))

    def may_read(self, actor: Person | None) -> bool:
        """Whether `actor` may read the poll through the API: its organisation's members
        and whoever runs it. A subject may widen this (public meeting screens)."""
        if self.manages(actor, self.body):
            return True
        return signed_in(actor) and any(
            m.organisation_id == self.body.organisation_id for m in actor.memberships
        )

    def require_reader(self, actor: Person | None) -> None:
        if not self.may_read(actor):
            raise NotFound(_("No such poll."))  # another organisation's poll is not shown

    def check_can_open(self) -> None:
        """Refuse (Conflict) if the occasion does not allow the poll to open now."""

    # --- who votes -----------------------------------------------------------------------

    def day(self) -> dt.date:
        """The day the roll is read on: attendance before it counts, roles current on it."""
        opened = self.poll.opened_at
        return (opened or dt.datetime.now(dt.UTC)).date()

    def present(self) -> frozenset[int]:
        """The people who are there (for a poll without an occasion: every member)."""
        return frozenset(
            db.session.scalars(
                select(Membership.person_id).where(
                    Membership.organisation_id == self.body.organisation_id
                )
            )
        )

    def present_among(self, person_ids: Collection[int]) -> set[int]:
        """Of these people, those who are there (read once for a batch of votes)."""
        there = self.present()
        return {p for p in person_ids if p in there}

    def require_voter(
        self, actor: Person | None, *, present: Collection[int] | None = None
    ) -> Membership:
        """The membership that lets `actor` take part, or a refusal with the reason.

        `present`: the ids of people known to be there (read once for many voters)."""
        if not signed_in(actor):
            raise NotAllowed(_("Sign in to vote."))
        membership = attending_membership(actor, self.body)
        if membership is None:
            raise NotAllowed(_("You are not a member who can vote in this poll."))
        return membership

    # --- what the occasion adds to the roll ----------------------------------------------

    def question_id(self) -> int | None:
        """The question proxies and mandates may be given for (a motion), if any."""
        return None

    def card_holders(self) -> list[rules.CardHolder]:
        """Voting cards handed to units' representatives for this occasion."""
        return []

    def proxies(self) -> list[rules.Proxy]:
        """Proxies standing for this occasion."""
        return []

    def mandates(self) -> dict[int, str]:
        """Units' instructions to their delegates on the question (unit id -> choice)."""
        return {}

    def lapse_proxies(self, principals: Collection[int]) -> None:
        """The proxies of these principals lapsed when the poll opened (they are there)."""

    def subject_json(self) -> dict[str, Any]:
        """What API clients are told of the poll's subject."""
        return {}

    def audit_data(self) -> dict[str, Any]:
        """What the audit entries of the poll say about its subject."""
        return {"body": self.body.id}


_REGISTRY: dict[str, type[Electorate]] = {Electorate.subject: Electorate}


def register(electorate: type[Electorate]) -> type[Electorate]:
    """Register the electorate of a kind of subject (a class decorator)."""
    _REGISTRY[electorate.subject] = electorate
    return electorate


def electorate_class(subject: str) -> type[Electorate]:
    found = _REGISTRY.get(subject)
    if found is None:
        raise Conflict(_("This kind of poll is not available here."))
    return found


def electorate_of(poll: Poll) -> Electorate:
    """The electorate of the poll, from its subject's registered provider."""
    return electorate_class(poll.subject)(poll)


# --- Where a poll can be held ---------------------------------------------------------------
# A domain that holds polls on an occasion of its own (a meeting's floor) lends it to
# domains beside it (an election held at a meeting) through this registry: they draft a
# poll there without importing it, and the poll belongs to the host's electorate.


@dataclass(frozen=True)
class Host:
    """An occasion polls can be held at: those of a body still to come or under way, and
    a way to draft a poll there (keyword arguments as `polls.create_poll`)."""

    name: str
    occasions: Callable[[Body], list[tuple[int, str]]]
    draft: Callable[..., Poll]


_HOSTS: dict[str, Host] = {}


def register_host(host: Host) -> Host:
    _HOSTS[host.name] = host
    return host


def host(name: str) -> Host:
    found = _HOSTS.get(name)
    if found is None:
        raise Conflict(_("This kind of poll is not available here."))
    return found
