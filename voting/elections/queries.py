"""What the pages and the API read of elections: results as shown, offices held."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from voting.ballots.services.entitlements import text_of
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.elections.models import Election, ElectionStatus, Office, Position
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
