"""Pages of elections: the organisation's positions and elections, one election (its
nominations, ballot and result), the ballot itself when voted between meetings, the
recount file, recalls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from voting.ballots import forms
from voting.ballots.electorates import host as ballot_host
from voting.ballots.models import PollStatus
from voting.ballots.services import polls
from voting.ballots.services.entitlements import holdings_of
from voting.core import parse, throttle
from voting.core.columns import utcnow
from voting.core.errors import Invalid, NotFound, ServiceError
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.core.web import act_on, errors_of, form_data, me
from voting.elections import permissions, queries
from voting.elections.models import Election, ElectionStatus, Nomination, Office
from voting.elections.services import elections as service
from voting.elections.services import factions, nominations, positions
from voting.membership.models import Membership, Person
from voting.org.models import Unit
from voting.org.services.organisations import by_slug
from voting.rules.rankings import BallotForm

bp = Blueprint("elections", __name__)


def _organisation(slug: str) -> Any:
    org = by_slug(slug)
    if org is None or not permissions.in_organisation(me(), org.id):
        abort(404)
    return org


@bp.get("/org/<slug>/elections")
@login_required
def index(slug: str):  # type: ignore[no-untyped-def]
    org = _organisation(slug)
    found = service.elections_of([b.id for b in org.bodies])
    return render_template(
        "elections/list.html",
        organisation=org,
        positions=positions.positions_of(org.id),
        elections=found,
        offices=queries.current_offices(org.id),
        manages={b.id for b in org.bodies if permissions.manages(me(), b)},
        occasions={
            b.id: ballot_host("meeting").occasions(b)
            for b in org.bodies
            if permissions.manages(me(), b)
        },
        title_of=service.title_of,
        factions=[(u, factions.members_of(u)) for u in factions.factions_of(org.id)],
        errors={},
        values={},
    )


@bp.post("/positions/<int:position_id>/elections")
@login_required
def call(position_id: int):  # type: ignore[no-untyped-def]
    try:
        position = positions.get_position(position_id)
    except NotFound:
        abort(404)
    permissions.require_reader(me(), position.elected_by)
    data = form_data()
    try:
        made = service.create_election(
            me(),
            position,
            nominations_close_at=parse.parse_moment(
                data.get("nominations_close_at"), "nominations_close_at", data.get("time_zone")
            ),
            occasion_id=int(data["meeting"]) if str(data.get("meeting", "")).isdigit() else None,
            seats=int(data["seats"]) if str(data.get("seats", "")).isdigit() else None,
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("elections.index", slug=position.organisation.slug), 303)
    flash(_("The election is called: nominations are open."), "success")
    return redirect(url_for("elections.show", election_id=made.id), 303)


def _election(election_id: int) -> Election:
    try:
        found = service.get_election(election_id)
        permissions.require_reader(me(), found.body)
    except NotFound:
        abort(404)
    return found


def _members(election: Election) -> list[Person]:
    """The organisation's members who may stand, by name."""
    return sorted(
        db.session.scalars(
            db.select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.organisation_id == election.organisation_id)
        ),
        key=lambda p: p.name.casefold(),
    )


def _page(election: Election, status: int = 200, **extra: Any) -> tuple[str, int]:
    person = me()
    manager = permissions.manages(person, election.body)
    poll = election.poll
    held = (
        holdings_of(poll, person)
        if poll is not None and poll.status is not PollStatus.DRAFT
        else []
    )
    used = polls.used_keys(poll) if held else set()
    units = [
        u
        for u in db.session.scalars(
            db.select(Unit).where(Unit.organisation_id == election.organisation_id)
        )
        if permissions.speaks_for(person, u)
    ]
    page = render_template(
        "elections/show.html",
        election=election,
        organisation=election.body.organisation,
        title=service.title_of(election),
        manager=manager,
        standing={n.id: nominations.standing(n) for n in election.nominations},
        reasons=queries.reasons,
        needed=nominations.needed(election),
        limits={n.id: nominations.limits(election, n.candidate_id) for n in election.nominations},
        shortfall=service.shortfall(election)
        if election.status is ElectionStatus.NOMINATING
        else "",
        candidates=nominations.candidates(election),
        members=_members(election) if election.status is ElectionStatus.NOMINATING else [],
        units=units if election.body.settings.elections.units_nominate else [],
        poll=poll,
        on_floor=bool(election.host),
        can_vote=bool(held) and not election.host and any(h.voter_key not in used for h in held),
        voted=bool(held) and all(h.voter_key in used for h in held),
        result=queries.result_json(election),
        prefer_no_post=election.body.settings.elections.prefer_no_post,
        recount=election.body.settings.elections.recount_file
        and poll is not None
        and poll.form is BallotForm.RANKED,
        offices=service.holders(election.position),
        factions=factions.faction_names(
            election.organisation_id, [n.candidate_id for n in election.nominations]
        ),
        privacy=polls.preview_poll(person, poll).warnings()
        if poll is not None and poll.status is PollStatus.DRAFT and not election.host and manager
        else [],
        describe=describe,
        choice_label=polls.choice_label,
        errors=extra.pop("errors", {}),
        values=extra.pop("values", {}),
        **extra,
    )
    return page, status


@bp.get("/elections/<int:election_id>")
@login_required
def show(election_id: int):  # type: ignore[no-untyped-def]
    return _page(_election(election_id))


def _act(election_id: int, action: Any, done: str):  # type: ignore[no-untyped-def]
    """Run one of the page's forms through its service; a refusal shows the page again
    with what was typed and the message beside its field."""
    back = url_for("elections.show", election_id=election_id)
    return act_on(_election(election_id), action, _page, done, back)


def _nomination_of(election: Election, form: Any) -> Nomination:
    nomination = next(
        (n for n in election.nominations if str(n.id) == form.get("nomination")), None
    )
    if nomination is None:
        raise NotFound(_("No such nomination."))
    return nomination


def _nominate(election: Election, form: Any) -> None:
    candidate = db.session.get(Person, form.get("candidate", type=int) or 0)
    if candidate is None or permissions.member_of(candidate, election.organisation_id) is None:
        raise Invalid(_("Choose the member you nominate."), field="candidate")
    unit_id = form.get("unit", type=int)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and (unit is None or unit.organisation_id != election.organisation_id):
        raise Invalid(_("This unit belongs to another organisation."), field="unit")
    nominations.nominate(me(), election, candidate, unit=unit, statement=form.get("statement", ""))


@bp.post("/elections/<int:election_id>/nominations")
@login_required
def nominate(election_id: int):  # type: ignore[no-untyped-def]
    return _act(
        election_id, _nominate, _("The nomination is made. The candidate is asked to consent.")
    )


@bp.post("/elections/<int:election_id>/support")
@login_required
def support(election_id: int):  # type: ignore[no-untyped-def]
    return _act(
        election_id,
        lambda e, f: nominations.support(me(), _nomination_of(e, f)),
        _("Your name is added to the nomination."),
    )


@bp.post("/elections/<int:election_id>/consent")
@login_required
def consent(election_id: int):  # type: ignore[no-untyped-def]
    return _act(
        election_id,
        lambda e, f: nominations.consent(
            me(),
            _nomination_of(e, f),
            statement=f.get("statement", ""),
            categories=[c for c in f.getlist("category") if c],
        ),
        _("Your consent is recorded: you stand in this election."),
    )


@bp.post("/elections/<int:election_id>/withdraw")
@login_required
def withdraw(election_id: int):  # type: ignore[no-untyped-def]
    return _act(
        election_id,
        lambda e, f: nominations.withdraw(me(), _nomination_of(e, f), f.get("reason", "")),
        _("The nomination is withdrawn."),
    )


@bp.post("/elections/<int:election_id>/ballot")
@login_required
def prepare(election_id: int):  # type: ignore[no-untyped-def]
    election = _election(election_id)
    try:
        minutes = request.form.get("minutes", type=int)
        poll = service.prepare_ballot(me(), election, minutes=minutes)
    except ServiceError as error:
        return _page(election, error.status, errors=errors_of(error), values=form_data())
    if election.host:
        flash(_("The ballot is prepared: open it from the meeting's polls."), "success")
        return redirect(url_for("polls.chair", poll_id=poll.id), 303)
    flash(_("The ballot is prepared: open it when the members may vote."), "success")
    return redirect(url_for("elections.show", election_id=election.id), 303)


@bp.post("/elections/<int:election_id>/open")
@login_required
def open_ballot(election_id: int):  # type: ignore[no-untyped-def]
    def go(election: Election, form: Any) -> None:
        if election.poll is None or election.host:
            raise NotFound(_("There is no ballot to open here."))
        days = form.get("days", type=int)
        if days is not None and not 1 <= days <= 60:
            raise Invalid(_("The ballot stays open 1 to 60 days."), field="days")
        polls.open_poll(
            me(),
            election.poll,
            confirm_privacy=form.get("confirm_privacy") == "1",
            closes_at=utcnow() + timedelta(days=days) if days else None,
        )

    return _act(election_id, go, _("The ballot is open."))


@bp.post("/elections/<int:election_id>/close")
@login_required
def close_ballot(election_id: int):  # type: ignore[no-untyped-def]
    def go(election: Election, form: Any) -> None:
        if election.poll is None or election.host:
            raise NotFound(_("There is no ballot to close here."))
        polls.close_poll(me(), election.poll)

    return _act(election_id, go, _("The ballot is closed and counted."))


@bp.post("/elections/<int:election_id>/vote")
@login_required
def vote(election_id: int):  # type: ignore[no-untyped-def]
    def go(election: Election, form: Any) -> None:
        poll = election.poll
        if poll is None:
            raise NotFound(_("There is no ballot in this election yet."))
        throttle.vote_allowed(me())
        receipt = polls.cast(
            me(), poll, choice=forms.from_form(poll, form, form.getlist("approve"))
        )
        if receipt.tracker:
            flash(
                _(
                    "Your tracker code, shown once: %(code)s. After the count, find it in "
                    "the published list.",
                    code=receipt.tracker,
                ),
                "info",
            )

    return _act(election_id, go, _("Your ballot is recorded."))


@bp.post("/elections/<int:election_id>/cancel")
@login_required
def cancel(election_id: int):  # type: ignore[no-untyped-def]
    return _act(
        election_id,
        lambda e, f: service.cancel(me(), e, f.get("reason", "")),
        _("The election is cancelled."),
    )


@bp.get("/elections/<int:election_id>/ballots.blt")
@login_required
def recount_file(election_id: int):  # type: ignore[no-untyped-def]
    election = _election(election_id)
    try:
        text = service.recount_file(election)
    except ServiceError:
        abort(404)
    return Response(
        text,
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="election-{election.id}.blt"'},
    )


@bp.post("/offices/<int:office_id>/recall")
@login_required
def recall(office_id: int):  # type: ignore[no-untyped-def]
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    permissions.require_reader(me(), office.position.elected_by)
    back = url_for("elections.index", slug=office.position.organisation.slug)
    try:
        meeting = request.form.get("meeting", type=int)
        service.start_recall(me(), office, request.form.get("reason", ""), occasion_id=meeting)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(back, 303)
    flash(
        _(
            "The motion to recall is prepared as a poll of %(body)s.",
            body=office.position.recalled_by.name,
        ),
        "success",
    )
    return redirect(back, 303)


@bp.post("/factions/<int:unit_id>/join")
@login_required
def join_faction(unit_id: int):  # type: ignore[no-untyped-def]
    return _faction_act(
        unit_id, lambda u: factions.join(me(), u), _("You signed the faction's platform.")
    )


@bp.post("/factions/<int:unit_id>/leave")
@login_required
def leave_faction(unit_id: int):  # type: ignore[no-untyped-def]
    return _faction_act(unit_id, lambda u: factions.leave(me(), u), _("You left the faction."))


def _faction_act(unit_id: int, action: Any, done: str):  # type: ignore[no-untyped-def]
    unit = db.session.get(Unit, unit_id)
    if unit is None or permissions.member_of(me(), unit.organisation_id) is None:
        abort(404)
    back = url_for("elections.index", slug=unit.organisation.slug) + "#factions-heading"
    try:
        action(unit)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(back, 303)
    flash(done, "success")
    return redirect(back, 303)
