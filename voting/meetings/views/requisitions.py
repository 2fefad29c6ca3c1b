"""Requisition pages: the organisation's requisitions with the form to start one, and a
requisition's own page with its count (kept up to date while it is open), its
signatures, and the forms to sign, withdraw, close it or call the meeting.

Every action is a plain form POST that redirects back; a refusal is flashed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from voting.core.errors import Invalid, NotFound, ServiceError
from voting.core.web import me
from voting.meetings.models import Requisition, RequisitionStatus
from voting.meetings.permissions import may_convene
from voting.meetings.services import requisitions
from voting.meetings.services.requisitions import Terms
from voting.org.models import Organisation
from voting.org.services.organisations import by_slug
from voting.rules.requisitions import earliest_meeting

bp = Blueprint("requisitions", __name__)


def _organisation(slug: str) -> Organisation:
    org = by_slug(slug)
    if org is None or not requisitions.may_view(me(), org):
        abort(404)
    return org


def _requisition(requisition_id: int) -> Requisition:
    try:
        return requisitions.get_requisition(me(), requisition_id)
    except NotFound:
        abort(404)


def _unit(form: dict[str, str]) -> int | None:
    raw = (form.get("unit") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid(_("Choose the unit you sign for."), field="unit")
    return int(raw)


def _choices(org: Organisation) -> list[dict[str, Any]]:
    """The rules the signed-in person may start a requisition under, body by body."""
    person = me()
    found = []
    for body in org.bodies:
        for rule in requisitions.rules_for(person, body):
            terms = Terms.of(rule)
            found.append(
                {
                    "value": f"{body.slug}/{rule.name}",
                    "body": body,
                    "rule": rule,
                    "units": requisitions.units_signed_for(person, body, terms),
                }
            )
    return found


@bp.get("/org/<slug>/requisitions")
@login_required
def requisition_list(slug: str, status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    org = _organisation(slug)
    choices = _choices(org)
    units = {u.id: u for c in choices for u in c["units"]}
    found = requisitions.list_requisitions(me(), org)
    page = render_template(
        "meetings/requisitions.html",
        organisation=org,
        requisitions=found,
        progress={r.id: requisitions.progress_of(r) for r in found},
        choices=choices,
        units=sorted(units.values(), key=lambda u: u.name),
        **extra,
    )
    return page, status


@bp.post("/org/<slug>/requisitions")
@login_required
def start(slug: str):  # type: ignore[no-untyped-def]
    org = _organisation(slug)
    form = request.form.to_dict()
    body_slug, _sep, rule = form.get("rule", "").partition("/")
    try:
        if not body_slug or not rule:
            raise Invalid(_("Choose the body and the way to requisition it."), field="rule")
        made = requisitions.start_requisition(
            me(),
            requisitions.body_of(org, body_slug),
            rule=rule,
            title=form.get("title", ""),
            grounds=form.get("grounds", ""),
            unit_id=_unit(form),
        )
    except ServiceError as error:
        errors = {error.field or "rule": error.message}
        return requisition_list(slug, error.status, form=form, errors=errors)
    flash(_("Requisition started, with your signature."), "success")
    return redirect(url_for("requisitions.requisition_page", requisition_id=made.id), 303)


def _context(requisition: Requisition) -> dict[str, Any]:
    person = me()
    body = requisition.body
    terms = Terms.of(requisition)
    signed = requisitions.standing(requisition)
    mine_person = {s.signer_key for s in signed}
    units = requisitions.units_signed_for(person, body, terms)
    personal = requisitions.signs_personally(person, body, terms)
    return {
        "r": requisition,
        "p": requisitions.progress_of(requisition),
        "signed": signed,
        "count_sentence": requisitions.count_sentence(
            requisition.signatories,
            len(signed),
            requisition.eligible,
            requisition.needed,
        ),
        "deadline_sentences": requisitions.deadline_sentences(
            requisition.convene_by, requisition.notice_days, requisition.reached_at
        )
        if requisition.status is RequisitionStatus.REACHED
        else [],
        "open": requisition.status is RequisitionStatus.OPEN,
        "may_sign_personally": personal,
        "has_signed": person is not None and requisitions.person_key(person) in mine_person,
        "unit_rows": [(u, requisitions.unit_key(u) in mine_person) for u in units],
        "may_close": requisition.status is RequisitionStatus.OPEN
        and person is not None
        and (requisition.started_by_id == person.id or may_convene(person, body)),
        "may_convene": requisitions.can_convene(person, requisition),
        "earliest": earliest_meeting(datetime.now(UTC), requisition.notice_days),
        "started_on": format_date(requisition.started_at, "long"),
    }


@bp.get("/requisitions/<int:requisition_id>")
@login_required
def requisition_page(requisition_id: int, status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    requisition = _requisition(requisition_id)
    context = _context(requisition)
    return render_template("meetings/requisition.html", **context, **extra), status


@bp.get("/requisitions/<int:requisition_id>/count")
@login_required
def count(requisition_id: int):  # type: ignore[no-untyped-def]
    """The count alone: what the page fetches again while the requisition is open."""
    requisition = _requisition(requisition_id)
    return render_template("meetings/_requisition_count.html", **_context(requisition))


def _back(requisition: Requisition) -> Response:
    return redirect(url_for("requisitions.requisition_page", requisition_id=requisition.id), 303)


@bp.post("/requisitions/<int:requisition_id>/sign")
@login_required
def sign(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = _requisition(requisition_id)
    requisitions.sign(me(), requisition, unit_id=_unit(request.form.to_dict()))
    flash(_("Signed."), "success")
    return _back(requisition)


@bp.post("/requisitions/<int:requisition_id>/withdraw")
@login_required
def withdraw(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = _requisition(requisition_id)
    requisitions.withdraw_signature(me(), requisition, unit_id=_unit(request.form.to_dict()))
    flash(_("Signature withdrawn."), "success")
    return _back(requisition)


@bp.post("/requisitions/<int:requisition_id>/close")
@login_required
def close(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = _requisition(requisition_id)
    requisitions.close_requisition(me(), requisition)
    flash(_("Requisition closed."), "success")
    return _back(requisition)


@bp.post("/requisitions/<int:requisition_id>/meeting")
@login_required
def convene(requisition_id: int):  # type: ignore[no-untyped-def]
    requisition = _requisition(requisition_id)
    form = request.form.to_dict()
    try:
        try:
            when = datetime.fromisoformat(form.get("scheduled_for", "")).replace(tzinfo=UTC)
        except ValueError:
            raise Invalid(
                _("Give the date and time of the meeting."), field="scheduled_for"
            ) from None
        meeting = requisitions.convene(
            me(), requisition, scheduled_for=when, title=form.get("title", "")
        )
    except (Invalid, NotFound) as error:
        errors = {error.field or "scheduled_for": error.message}
        return requisition_page(requisition_id, error.status, form=form, errors=errors)
    if meeting.short_notice:
        flash(_("Scheduled, but at shorter notice than the body asks for."), "warning")
    else:
        flash(_("Meeting scheduled."), "success")
    return redirect(url_for("meetings.chair", meeting_id=meeting.id), 303)
