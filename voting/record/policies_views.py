"""Pages of the policy register: the organisation's papers (falling due first, with their
lapse dates; lapsed and rescinded ones apart), one paper, and the secretary's forms —
enter a paper by hand or from the motion that adopted it, correct it, rescind it, put it
on the body's next meeting — each through `services.policies`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required

from voting.core import awaiting as awaited
from voting.core.errors import NotFound, ServiceError
from voting.core.extensions import db
from voting.core.permissions import signed_in
from voting.core.web import act_on, errors_of, form_data, me
from voting.meetings.models import Motion
from voting.org.models import Organisation
from voting.org.services.organisations import by_slug
from voting.record.models import Policy
from voting.record.services import policies as service

bp = Blueprint("policies", __name__)


@bp.app_template_global("policy_entry_offered")
def policy_entry_offered(motion: Motion) -> bool:
    """Whether the minutes page offers "Enter in the policy register" for this motion (on
    the page only: the minutes' printed documents share its template)."""
    return request.endpoint == "record.minutes_page" and service.may_enter_motion(me(), motion)


def _organisation(slug: str) -> Organisation:
    org = by_slug(slug)
    if org is None or not service.may_read(me(), org.id):
        abort(404)
    return org


def _policy(policy_id: int) -> Policy:
    try:
        return service.get_policy(me(), policy_id)
    except NotFound:
        abort(404)


def _register(org: Organisation, status: int = 200, **extra: Any) -> tuple[str, int]:
    return render_template(
        "record/policies.html",
        organisation=org,
        register=service.register_of(me(), org),
        manager=service.may_manage(me(), org.id),
        bodies=[(b.id, b.name) for b in sorted(org.bodies, key=lambda b: (b.position, b.name))],
        today=service.today(),
        errors=extra.pop("errors", {}),
        values=extra.pop("values", {}),
        **extra,
    ), status


@bp.get("/org/<slug>/policies")
@login_required
def index(slug: str):  # type: ignore[no-untyped-def]
    return _register(_organisation(slug))


def _enter(org: Organisation, form: Any) -> None:
    service.enter(
        me(),
        org,
        body=form.get("body"),
        title=form.get("title", ""),
        text=form.get("text", ""),
        short_term=form.get("short_term") == "on",
        adopted_on=form.get("adopted_on"),
        ratified_on=form.get("ratified_on"),
    )


@bp.post("/org/<slug>/policies")
@login_required
def enter(slug: str):  # type: ignore[no-untyped-def]
    org = _organisation(slug)
    return act_on(
        org,
        _enter,
        _register,
        _("The policy is in the register."),
        url_for("policies.index", slug=org.slug),
    )


@bp.post("/motions/<int:motion_id>/policy")
@login_required
def from_motion(motion_id: int):  # type: ignore[no-untyped-def]
    motion = db.session.get(Motion, motion_id)
    if motion is None or not service.may_read(me(), motion.item.meeting.body.organisation_id):
        abort(404)
    try:
        policy = service.enter_from_motion(
            me(), motion, short_term=request.form.get("short_term") == "on"
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("record.minutes_page", meeting_id=motion.item.meeting_id), 303)
    flash(
        _("The policy is in the register: check its title and whether it is short-term."),
        "success",
    )
    return redirect(url_for("policies.show", policy_id=policy.id), 303)


def _page(policy: Policy, status: int = 200, **extra: Any) -> tuple[str, int]:
    entry = service.entries([policy])[0]
    values: dict[str, Any] = {
        "title": policy.title,
        "text": policy.text,
        "short_term": policy.short_term,
        "adopted_on": policy.adopted_on.isoformat(),
        "ratified_on": policy.ratified_on.isoformat() if policy.ratified_on else "",
    }
    typed = extra.pop("values", None) or {}
    if "title" in typed:  # the edit form, as typed (an unticked box is not sent)
        values = {**typed, "short_term": typed.get("short_term") == "on"}
    else:
        values.update(typed)
    return render_template(
        "record/policy.html",
        organisation=policy.organisation,
        entry=entry,
        policy=policy,
        manager=service.may_manage(me(), policy.organisation_id),
        today=service.today(),
        errors=extra.pop("errors", {}),
        values=values,
        **extra,
    ), status


@bp.get("/policies/<int:policy_id>")
@login_required
def show(policy_id: int):  # type: ignore[no-untyped-def]
    return _page(_policy(policy_id))


def _edit(policy: Policy, form: Any) -> None:
    service.edit(
        me(),
        policy,
        title=form.get("title", ""),
        text=form.get("text", ""),
        short_term=form.get("short_term") == "on",
        adopted_on=form.get("adopted_on"),
        ratified_on=form.get("ratified_on"),
    )


@bp.post("/policies/<int:policy_id>")
@login_required
def save(policy_id: int):  # type: ignore[no-untyped-def]
    policy = _policy(policy_id)
    return act_on(
        policy,
        _edit,
        _page,
        _("The policy is saved."),
        url_for("policies.show", policy_id=policy.id),
    )


def _back(policy: Policy) -> str:
    if request.form.get("next") == "register":
        return url_for("policies.index", slug=policy.organisation.slug)
    return url_for("policies.show", policy_id=policy.id)


@bp.post("/policies/<int:policy_id>/rescind")
@login_required
def rescind(policy_id: int):  # type: ignore[no-untyped-def]
    policy = _policy(policy_id)
    try:
        service.rescind(me(), policy, on=request.form.get("rescinded_on"))
    except ServiceError as error:
        return _page(policy, error.status, errors=errors_of(error), values=form_data())
    flash(_("The policy is marked rescinded."), "success")
    return redirect(_back(policy), 303)


@bp.post("/policies/<int:policy_id>/agenda")
@login_required
def put_on_agenda(policy_id: int):  # type: ignore[no-untyped-def]
    policy = _policy(policy_id)
    try:
        motion = service.put_on_agenda(me(), policy)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(_back(policy), 303)
    flash(
        _(
            "The policy is on the agenda of %(meeting)s, with a motion to ratify it.",
            meeting=motion.item.meeting.title,
        ),
        "success",
    )
    return redirect(_back(policy), 303)


def awaiting(person: Any) -> list[awaited.Awaiting]:
    """For the home page of a secretary or admin: the papers falling due that are on no
    agenda yet, each with its lapse date."""
    if not signed_in(person):
        return []
    rows = []
    for org_id in sorted({r.organisation_id for r in person.roles}):
        if not service.may_manage(person, org_id):
            continue
        for entry in service.falling_due(org_id):
            policy, lapses_on = entry.policy, entry.reading.lapses_on
            rows.append(
                awaited.Awaiting(
                    kind="policy",
                    title=_(
                        "Policy lapses on %(day)s unless ratified: %(title)s",
                        day=format_date(lapses_on, "medium") if lapses_on else "",
                        title=policy.title,
                    ),
                    where=f"{policy.organisation.name} · {policy.body.name}",
                    url=url_for("policies.index", slug=policy.organisation.slug),
                    action=_("Put it on the agenda"),
                )
            )
    return rows


def init_app(app: Flask) -> None:
    """The register's pages and API operations, and its line under "What needs you"."""
    from voting.record import api_policies  # noqa: F401  (the operations)

    awaited.register("policies", awaiting)
    app.register_blueprint(bp)
