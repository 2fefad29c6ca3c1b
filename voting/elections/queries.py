"""What the pages and the API read of elections: results as shown, offices held."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from voting.ballots.models import Poll, PollStatus
from voting.ballots.services import polls
from voting.ballots.services.entitlements import holdings_of, text_of
from voting.core import awaiting as awaited
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.core.permissions import signed_in
from voting.elections.models import Election, ElectionStatus, Nomination, Office, Position
from voting.membership.models import Person
from voting.rules.offices import Standing


def reasons(standing: Standing) -> list[str]:
    """Why a nomination does not stand yet, in the reader's language."""
    return [describe(m) for m in standing.reasons]


def result_json(election: Election) -> dict[str, Any] | None:
    """The result as readers see it: the elected, the sentences, the round table."""
    if election.status is not ElectionStatus.DECIDED or not election.result:
        return None
    result = election.result
    return {
        "method": result["method"],
        "cast": result.get("cast", 0),
        "elected": [{"person": e["person"], "name": e["name"]} for e in result["elected"]],
        "by_faction": result.get("by_faction", {}),
        "sentences": [text_of(m) for m in result["events"]],
        "warnings": [text_of(m) for m in result["warnings"]],
        "rounds": [
            {
                **{k: v for k, v in r.items() if k != "events"},
                "events": [text_of(m) for m in r.get("events", [])],
            }
            for r in result["rounds"]
        ],
    }


def current_offices(organisation_id: int) -> list[Office]:
    today = utcnow().date()
    rows = db.session.scalars(
        select(Office)
        .join(Position, Position.id == Office.position_id)
        .where(Position.organisation_id == organisation_id)
        .order_by(Position.sort, Position.id, Office.id)
    )
    return [o for o in rows if o.held_on(today)]


def awaiting(person: Person | None) -> list[awaited.Awaiting]:
    """For the home page: nominations waiting for the person's consent, and ballots
    between meetings they hold a vote in (a ballot at a meeting is on the meeting's
    screen)."""
    if not signed_in(person):
        return []
    assert person is not None
    rows: list[awaited.Awaiting] = []
    asked = db.session.scalars(
        select(Nomination)
        .join(Election, Election.id == Nomination.election_id)
        .where(
            Nomination.candidate_id == person.id,
            Nomination.consent_at.is_(None),
            Nomination.withdrawn_at.is_(None),
            Election.status == ElectionStatus.NOMINATING,
        )
    )
    for nomination in asked:
        election = nomination.election
        rows.append(
            awaited.Awaiting(
                kind="nomination",
                title=_("You are nominated: %(position)s", position=election.position.name),
                where=f"{election.body.organisation.name} · {election.body.name}",
                url=url_for("elections.show", election_id=election.id),
                action=_("Consent or decline"),
                due=election.nominations_close_at,
            )
        )
    org_ids = [m.organisation_id for m in person.memberships]
    ballots = db.session.scalars(
        select(Election)
        .join(Poll, Poll.id == Election.poll_id)
        .where(
            Election.organisation_id.in_(org_ids),
            Election.host == "",
            Election.status == ElectionStatus.BALLOT,
            Poll.status == PollStatus.OPEN,
        )
    )
    for election in ballots:
        poll = election.poll
        held = {h.voter_key for h in holdings_of(poll, person)}
        if not held:
            continue
        voted = held <= polls.used_keys(poll)
        rows.append(
            awaited.Awaiting(
                kind="election",
                title=election.position.name,
                where=f"{election.body.organisation.name} · {election.body.name}",
                url=url_for("elections.show", election_id=election.id),
                action=_("Your ballot is recorded") if voted else _("Cast your ballot"),
                due=poll.closes_at,
                done=voted,
            )
        )
    return rows
