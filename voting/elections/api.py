"""API: positions, elections, nominations, offices and recalls, through the same services
as the pages. A ballot is a poll (`/polls/<id>`), voted on with `POST /polls/<id>/votes`
and a `ranking`."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.core import parse
from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotFound
from voting.core.extensions import db
from voting.elections import permissions, queries
from voting.elections.models import Election, Nomination, Office, Position
from voting.elections.services import elections as service
from voting.elections.services import factions, nominations, positions
from voting.membership.models import Person
from voting.org.models import Body, Organisation, Unit
from voting.org.services.organisations import by_slug
from voting.rules.rankings import BallotForm

TAG = "elections"
POSITION = {"type": "object", "description": "A position: seats, term, who elects and recalls"}
ELECTION = {
    "type": "object",
    "description": "An election: position, seats, nominations (standing or why not), the "
    "ballot's poll, the result with its rounds",
}
NOMINATION = {"type": "object", "description": "A nomination: candidate, nominators, consent"}
OFFICE = {"type": "object", "description": "A person holding a position for a term"}


def position_json(position: Position) -> dict[str, Any]:
    return {
        "id": position.id,
        "slug": position.slug,
        "name": position.name,
        "seats": position.seats,
        "term_months": position.term_months,
        "elected_by": position.elected_by.slug,
        "sits_on": position.sits_on.slug if position.sits_on else None,
        "recalled_by": position.recalled_by.slug if position.recalled_by else None,
        "group": position.group,
        "role": position.role,
    }


def nomination_json(nomination: Nomination) -> dict[str, Any]:
    standing = nominations.standing(nomination)
    return {
        "id": nomination.id,
        "candidate": {"id": nomination.candidate_id, "name": nomination.candidate.name},
        "unit": nomination.unit.name if nomination.unit else None,
        "supporters": [s.person.name for s in nomination.supporters],
        "statement": nomination.statement,
        "categories": nomination.categories,
        "holds_post": nomination.holds_post,
        "consented": nomination.consent_at is not None,
        "withdrawn": nomination.withdrawn_at is not None,
        "withdraw_reason": nomination.withdraw_reason or None,
        "stands": standing.stands and nomination.withdrawn_at is None,
        "why_not": queries.reasons(standing),
    }


def election_json(election: Election) -> dict[str, Any]:
    return {
        "id": election.id,
        "position": position_json(election.position),
        "title": service.title_of(election),
        "body": election.body.slug,
        "seats": election.seats,
        "status": election.status.value,
        "nominations_close_at": election.nominations_close_at.isoformat(),
        "meeting": election.occasion_id,
        "form": election.form.value,
        "secret": election.secret,
        "method": election.method or None,
        "poll": election.poll_id,
        "nominators_needed": nominations.needed(election),
        "nominations": [nomination_json(n) for n in election.nominations],
        "shortfall": service.shortfall(election) or None
        if election.status.value == "nominating"
        else None,
        "result": queries.result_json(election),
        "by_election_of": election.recall.office_id if election.recall else None,
    }


def office_json(office: Office) -> dict[str, Any]:
    return {
        "id": office.id,
        "position": office.position.name,
        "person": {"id": office.person_id, "name": office.person.name},
        "starts_on": office.starts_on.isoformat(),
        "ends_on": office.ends_on.isoformat(),
        "ended_on": office.ended_on.isoformat() if office.ended_on else None,
        "recallable_by": office.position.recalled_by.slug if office.position.recalled_by else None,
    }


def _organisation(slug: str) -> Organisation:
    org = by_slug(slug)
    if org is None or not permissions.in_organisation(api_person(), org.id):
        raise NotFound(_("No such organisation."))
    return org


def _election(election_id: int) -> Election:
    election = service.get_election(election_id)
    permissions.require_reader(api_person(), election.body)
    return election


def _nomination(nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound(_("No such nomination."))
    permissions.require_reader(api_person(), nomination.election.body)
    return nomination


def _body(org: Organisation, slug: str, field: str) -> Body | None:
    if not slug:
        return None
    found = next((b for b in org.bodies if b.slug == slug), None)
    if found is None:
        raise Invalid(_("Choose a body of this organisation."), field=field)
    return found


@operation(
    "/organisations/<slug>/positions",
    "GET",
    summary="The positions the organisation elects (its members)",
    tag=TAG,
    response={"type": "array", "items": POSITION},
)
def list_positions(slug: str) -> list[dict[str, Any]]:
    return [position_json(p) for p in positions.positions_of(_organisation(slug).id)]


@operation(
    "/organisations/<slug>/positions",
    "POST",
    summary="Add a position the organisation elects (admin)",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "elected_by": {"type": "string", "description": "A body's short name"},
            "seats": {"type": "integer"},
            "term_months": {"type": "integer"},
            "sits_on": {"type": "string"},
            "recalled_by": {"type": "string"},
            "group": {"type": "string"},
            "role": {"type": "string"},
        },
        "required": ["name", "elected_by"],
    },
    response=POSITION,
    status=201,
)
def create_position(slug: str) -> dict[str, Any]:
    org = _organisation(slug)
    data = json_body()
    elected_by = _body(org, text_field(data, "elected_by"), "elected_by")
    if elected_by is None:
        raise Invalid(_("Choose the body that elects it."), field="elected_by")
    made = positions.create_position(
        api_person(),
        org,
        name=text_field(data, "name"),
        elected_by=elected_by,
        seats=int_field(data, "seats") or 1,
        term_months=int_field(data, "term_months") or 12,
        sits_on=_body(org, text_field(data, "sits_on"), "sits_on"),
        recalled_by=_body(org, text_field(data, "recalled_by"), "recalled_by"),
        group=text_field(data, "group"),
        role=text_field(data, "role", "officer"),
    )
    return position_json(made)


@operation(
    "/organisations/<slug>/elections",
    "GET",
    summary="The organisation's elections, newest first (its members)",
    tag=TAG,
    response={"type": "array", "items": ELECTION},
)
def list_elections(slug: str) -> list[dict[str, Any]]:
    org = _organisation(slug)
    return [election_json(e) for e in service.elections_of([b.id for b in org.bodies])]


@operation(
    "/positions/<int:position_id>/elections",
    "POST",
    summary="Call an election to a position: nominations until a time, the ballot at a "
    "meeting or between meetings (the electing body's chair or secretary)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "nominations_close_at": {"type": "string", "description": "ISO 8601 with an offset"},
            "time_zone": {"type": "string", "description": "For a time given without an offset"},
            "meeting": {"type": "integer", "description": "The meeting the ballot is held at"},
            "seats": {"type": "integer"},
            "form": {"type": "string", "enum": ["ranked", "approval"]},
            "secret": {"type": "boolean"},
        },
        "required": ["nominations_close_at"],
    },
    response=ELECTION,
    status=201,
)
def call_election(position_id: int) -> dict[str, Any]:
    position = positions.get_position(position_id)
    permissions.require_reader(api_person(), position.elected_by)
    data = json_body()
    form = text_field(data, "form")
    if form and form not in ("ranked", "approval"):
        raise Invalid(_("An election is ranked or by approval."), field="form")
    secret = data.get("secret")
    made = service.create_election(
        api_person(),
        position,
        nominations_close_at=parse.parse_moment(
            text_field(data, "nominations_close_at"),
            "nominations_close_at",
            text_field(data, "time_zone") or None,
        ),
        occasion_id=int_field(data, "meeting"),
        seats=int_field(data, "seats"),
        form=BallotForm(form) if form else None,
        secret=secret if isinstance(secret, bool) else None,
    )
    return election_json(made)


@operation(
    "/elections/<int:election_id>",
    "GET",
    summary="An election with its nominations, ballot and result",
    tag=TAG,
    response=ELECTION,
)
def get_election(election_id: int) -> dict[str, Any]:
    return election_json(_election(election_id))


@operation(
    "/elections/<int:election_id>/nominations",
    "POST",
    summary="Nominate a candidate: as a member (the first supporter) or for a unit",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "candidate": {"type": "integer", "description": "The candidate's person id"},
            "unit": {"type": "integer", "description": "The nominating unit, if any"},
            "statement": {"type": "string"},
        },
        "required": ["candidate"],
    },
    response=NOMINATION,
    status=201,
)
def nominate(election_id: int) -> dict[str, Any]:
    election = _election(election_id)
    data = json_body()
    candidate = db.session.get(Person, int_field(data, "candidate") or 0)
    if candidate is None:  # a member who is not one of the organisation's: the service says so
        raise Invalid(_("Only a member of the organisation can stand."), field="candidate")
    unit_id = int_field(data, "unit")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and (unit is None or unit.organisation_id != election.organisation_id):
        raise Invalid(_("This unit belongs to another organisation."), field="unit")
    made = nominations.nominate(
        api_person(), election, candidate, unit=unit, statement=text_field(data, "statement")
    )
    return nomination_json(made)


@operation(
    "/nominations/<int:nomination_id>/support",
    "POST",
    summary="Add your name to a nomination",
    tag=TAG,
    scope="vote",
    response=NOMINATION,
)
def support(nomination_id: int) -> dict[str, Any]:
    return nomination_json(nominations.support(api_person(), _nomination(nomination_id)))


@operation(
    "/nominations/<int:nomination_id>/consent",
    "POST",
    summary="Consent in writing to your nomination, with a statement and the categories "
    "you declare",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "statement": {"type": "string"},
            "categories": {"type": "array", "items": {"type": "string"}},
        },
    },
    response=NOMINATION,
)
def consent(nomination_id: int) -> dict[str, Any]:
    data = json_body()
    categories = data.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise Invalid(_("categories must be a list of texts."), field="categories")
    statement = data.get("statement")
    made = nominations.consent(
        api_person(),
        _nomination(nomination_id),
        statement=statement if isinstance(statement, str) else None,
        categories=categories,
    )
    return nomination_json(made)


@operation(
    "/nominations/<int:nomination_id>/withdraw",
    "POST",
    summary="Withdraw a nomination (the candidate, the nominator or the chair)",
    tag=TAG,
    scope="vote",
    request={"type": "object", "properties": {"reason": {"type": "string"}}},
    response=NOMINATION,
)
def withdraw(nomination_id: int) -> dict[str, Any]:
    made = nominations.withdraw(
        api_person(), _nomination(nomination_id), text_field(json_body(), "reason")
    )
    return nomination_json(made)


@operation(
    "/elections/<int:election_id>/ballot",
    "POST",
    summary="After the deadline, prepare the ballot of the candidates standing (a poll "
    "to open after its preview)",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": {"minutes": {"type": "integer"}}},
    response=ELECTION,
    status=201,
)
def prepare_ballot(election_id: int) -> dict[str, Any]:
    election = _election(election_id)
    service.prepare_ballot(api_person(), election, minutes=int_field(json_body(), "minutes"))
    return election_json(election)


@operation(
    "/elections/<int:election_id>/cancel",
    "POST",
    summary="Cancel an election, with the reason",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"reason": {"type": "string"}},
        "required": ["reason"],
    },
    response=ELECTION,
)
def cancel(election_id: int) -> dict[str, Any]:
    election = _election(election_id)
    return election_json(service.cancel(api_person(), election, text_field(json_body(), "reason")))


@operation(
    "/elections/<int:election_id>/recount-file",
    "GET",
    summary="The anonymised ranked ballots as BLT, for an independent recount (where the "
    "body publishes them)",
    tag=TAG,
    response={"type": "object", "properties": {"blt": {"type": "string"}}},
)
def recount_file(election_id: int) -> dict[str, Any]:
    return {"blt": service.recount_file(_election(election_id))}


@operation(
    "/organisations/<slug>/offices",
    "GET",
    summary="Who holds which position now (the organisation's members)",
    tag=TAG,
    response={"type": "array", "items": OFFICE},
)
def list_offices(slug: str) -> list[dict[str, Any]]:
    org = _organisation(slug)
    return [office_json(o) for o in queries.current_offices(org.id)]


@operation(
    "/offices/<int:office_id>/recall",
    "POST",
    summary="Move to recall an office holder: a yes/no poll of the body the constitution "
    "names, at one of its meetings or between them; if carried, a by-election",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"reason": {"type": "string"}, "meeting": {"type": "integer"}},
        "required": ["reason"],
    },
    response={
        "type": "object",
        "properties": {"recall": {"type": "integer"}, "poll": {"type": "integer"}},
    },
    status=201,
)
def recall(office_id: int) -> dict[str, Any]:
    office = db.session.get(Office, office_id)
    if office is None:
        raise NotFound(_("No such office."))
    permissions.require_reader(api_person(), office.position.elected_by)
    data = json_body()
    made = service.start_recall(
        api_person(), office, text_field(data, "reason"), occasion_id=int_field(data, "meeting")
    )
    return {"recall": made.id, "poll": made.poll_id}


@operation(
    "/organisations/<slug>/factions",
    "GET",
    summary="The organisation's factions and the members who signed their platforms",
    tag=TAG,
    response={"type": "array", "items": {"type": "object"}},
)
def list_factions(slug: str) -> list[dict[str, Any]]:
    org = _organisation(slug)
    return [
        {
            "id": u.id,
            "name": u.name,
            "members": [{"id": p.id, "name": p.name} for p in factions.members_of(u)],
        }
        for u in factions.factions_of(org.id)
    ]


def _faction(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not permissions.in_organisation(api_person(), unit.organisation_id):
        raise NotFound(_("No such faction."))
    return unit


@operation(
    "/factions/<int:unit_id>/members",
    "POST",
    summary="Sign a faction's platform (yourself; the secretary may record another member)",
    tag=TAG,
    scope="vote",
    request={"type": "object", "properties": {"person": {"type": "integer"}}},
    response={
        "type": "object",
        "properties": {"faction": {"type": "integer"}, "person": {"type": "integer"}},
    },
    status=201,
)
def join_faction(unit_id: int) -> dict[str, Any]:
    unit = _faction(unit_id)
    person_id = int_field(json_body(), "person")
    who = db.session.get(Person, person_id) if person_id else None
    if person_id and who is None:
        raise Invalid(_("No such member."), field="person")
    row = factions.join(api_person(), unit, who)
    return {"faction": row.unit_id, "person": row.person_id}


@operation(
    "/factions/<int:unit_id>/leave",
    "POST",
    summary="Leave a faction",
    tag=TAG,
    scope="vote",
    response={"type": "object", "properties": {"faction": {"type": "integer"}}},
)
def leave_faction(unit_id: int) -> dict[str, Any]:
    unit = _faction(unit_id)
    factions.leave(api_person(), unit)
    return {"faction": unit.id}
