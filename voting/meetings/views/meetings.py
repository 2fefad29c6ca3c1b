"""Meeting pages: the member's phone, the chair console, the projector and the observer view.

Every action is a plain form POST that redirects back (it works without JavaScript);
the live script only keeps the page up to date between actions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from voting.ballots.models import PollMode
from voting.core.errors import Invalid, NotFound, ServiceError
from voting.core.extensions import db, login_manager
from voting.core.web import embeddable, me
from voting.meetings import events, permissions, visibility
from voting.meetings.models import CalledBy, CheckInVia, Meeting, MeetingKind
from voting.meetings.screens import REGIONS_BY_VIEW
from voting.meetings.services import (
    agenda,
    consensus,
    display,
    floor,
    handover,
    meetings,
    motions,
    speaking,
)
from voting.meetings.state import meeting_state, mine, state_json
from voting.membership.models import Person
from voting.org.models import Body
from voting.org.services.organisations import by_slug

bp = Blueprint("meetings", __name__)


@bp.record_once
def _bind_socket_events(_state: Any) -> None:
    events.register()


def check_in_url(meeting: Meeting, via: str = "link") -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    path = url_for("meetings.check_in_page", meeting_id=meeting.id, code=meeting.join_code, via=via)
    return base + path


def screen(
    meeting: Meeting, view: str, status: int = 200, *, display_token: str = "", **extra: Any
) -> tuple[str, int]:
    """Render one of the meeting's screens from the same partials the pushes use.

    The projector never names who answered what, the observer view only for someone
    signed in; the check-in code is shown only where `visibility.shows_check_in_code`
    allows (`display_token`: the projector was opened by its display link).
    """
    person = me()
    state = meeting_state(meeting)
    named = view in ("chair", "member") or (
        view == "observer" and visibility.names_shown(person, meeting)
    )
    shows_code = visibility.shows_check_in_code(person, meeting, display=bool(display_token))
    context: dict[str, Any] = {
        "s": state,
        "view": view,
        "me": mine(meeting, person, state),
        "push": False,
        "named": named,
        "display_token": display_token,
        "regions": REGIONS_BY_VIEW[view],
        "check_in_url": (
            check_in_url(meeting, "qr" if view == "projector" else "link") if shows_code else None
        ),
        "display_url": display.link(meeting) if view == "chair" else None,
        **extra,
    }
    if view == "projector" and shows_code:
        context["qr"] = segno.make(context["check_in_url"]).svg_inline(
            scale=6, border=2, omitsize=True
        )
    return render_template("meetings/screen.html", **context), status


def refused(meeting: Meeting) -> Any:
    """None if whoever asks may watch the meeting's screens (the body's `screens`
    setting); otherwise the sign-in page for someone not signed in, or a 403 page saying
    who may."""
    person = me()
    if visibility.may_watch(person, meeting):
        return None
    if person is None:
        return login_manager.unauthorized()
    message = visibility.refusal(person, meeting)
    return render_template("error.html", title=_("Not allowed"), message=message), 403


def back(meeting: Meeting, view: str = "member") -> Response:
    """Redirect to where the form was sent from, else to the screen."""
    target = request.referrer or url_for(f"meetings.{view}", meeting_id=meeting.id)
    return redirect(target, 303)


def _int(name: str, *, optional: bool = False) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw and optional:
        return None
    if not raw.isdigit():
        raise Invalid(_("%(name)s must be a whole number.", name=name), field=name)
    return int(raw)


# --- Screens -----------------------------------------------------------------------------


@bp.get("/org/<slug>/meetings")
def meeting_list(slug: str, status: int = 200, **extra: Any):  # type: ignore[no-untyped-def]
    org = by_slug(slug)
    if org is None:
        abort(404)
    found = db.session.scalars(
        select(Meeting)
        .join(Body)
        .where(Body.organisation_id == org.id)
        .order_by(Meeting.scheduled_for.desc())
    ).all()
    person = me()
    bodies = [b for b in org.bodies if meetings.may_schedule(person, b)]
    chaired = {m.id for m in found if permissions.is_chair(person, m.body)}
    page = render_template(
        "meetings/list.html",
        organisation=org,
        meetings=found,
        bodies=bodies,
        chaired=chaired,
        **extra,
    )
    return page, status


@bp.post("/org/<slug>/meetings")
@login_required
def schedule(slug: str):  # type: ignore[no-untyped-def]
    org = by_slug(slug)
    if org is None:
        abort(404)
    form = request.form.to_dict()
    body = next((b for b in org.bodies if b.slug == form.get("body")), None)
    try:
        if body is None:
            raise Invalid(_("Choose a body."), field="body")
        try:
            when = datetime.fromisoformat(form.get("scheduled_for", "")).replace(tzinfo=UTC)
        except ValueError:
            raise Invalid(
                _("Give the date and time of the meeting."), field="scheduled_for"
            ) from None
        meeting = meetings.schedule_meeting(
            me(),
            body,
            title=form.get("title", ""),
            scheduled_for=when,
            kind=MeetingKind(form.get("kind", "regular"))
            if form.get("kind") in ("regular", "extraordinary")
            else MeetingKind.REGULAR,
            called_by=CalledBy(form["called_by"])
            if form.get("called_by") in CalledBy.__members__.values()
            else CalledBy.SCHEDULE,
            grounds=form.get("grounds", ""),
        )
    except ServiceError as error:
        return meeting_list(
            slug, error.status, form=form, errors={error.field or "title": error.message}
        )
    if meeting.short_notice:
        flash(_("Scheduled, but at shorter notice than the body asks for."), "warning")
    else:
        flash(_("Meeting scheduled."), "success")
    return redirect(url_for("meetings.chair", meeting_id=meeting.id), 303)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def member(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    if permissions.attending_membership(me(), meeting.body) is None:
        if permissions.is_chair(me(), meeting.body):
            return redirect(url_for("meetings.chair", meeting_id=meeting.id))
        flash(_("You cannot attend this meeting; here is the observer view."), "warning")
        return redirect(url_for("meetings.observe", meeting_id=meeting.id))
    return screen(meeting, "member", code=request.args.get("code", ""))


@bp.get("/meetings/<int:meeting_id>/chair")
@login_required
def chair(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    if not permissions.is_chair(me(), meeting.body):
        abort(403)
    return screen(meeting, "chair")


@bp.get("/meetings/<int:meeting_id>/projector")
@embeddable
def projector(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    return refused(meeting) or screen(meeting, "projector")


@bp.get("/meetings/<int:meeting_id>/projector/<token>")
@embeddable
def projector_display(meeting_id: int, token: str):  # type: ignore[no-untyped-def]
    """The projector opened by its display link: no sign-in, whatever the setting."""
    meeting = db.get_or_404(Meeting, meeting_id)
    try:
        display.require_display(meeting, token)
    except NotFound as error:
        return render_template("error.html", title=_("Not found"), message=error.message), 404
    page, status = screen(meeting, "projector", display_token=token)
    # The link is the key: no page it leads to learns it from the Referer.
    return page, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.post("/meetings/<int:meeting_id>/display-link")
@login_required
def new_display_link(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = display.new_display_link(me(), db.get_or_404(Meeting, meeting_id))
    flash(_("The projector has a new display link; the old one no longer works."), "success")
    return redirect(url_for("meetings.chair", meeting_id=meeting.id) + "#display-link", 303)


@bp.get("/meetings/<int:meeting_id>/observe")
def observe(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    return refused(meeting) or screen(meeting, "observer")


@bp.get("/meetings/<int:meeting_id>/state")
def state(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    person = me()
    if not visibility.may_watch(person, meeting):
        status = 401 if person is None else 403
        return {"error": {"message": visibility.refusal(person, meeting)}}, status
    return state_json(meeting_state(meeting), named=visibility.names_shown(person, meeting))


# --- Check-in ----------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/check-in")
@login_required
def check_in_page(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    if permissions.check_in_of(me(), meeting) is not None:
        return redirect(url_for("meetings.member", meeting_id=meeting.id))
    return screen(
        meeting,
        "member",
        code=request.args.get("code", ""),
        via="qr" if request.args.get("via") == "qr" else "link",
    )


@bp.post("/meetings/<int:meeting_id>/check-in")
@login_required
def check_in(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    via = CheckInVia.QR if request.form.get("via") == "qr" else CheckInVia.LINK
    code = request.form.get("code", "").strip()
    try:
        meetings.check_in(me(), meeting, code, via)
    except Invalid as error:
        return screen(meeting, "member", error.status, code=code, errors={"code": error.message})
    flash(_("You are checked in."), "success")
    return redirect(url_for("meetings.member", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/check-in-member")
@login_required
def check_in_member(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    email = request.form.get("email", "").strip().lower()
    found = db.session.scalar(select(Person.id).where(Person.email == email))
    # An email nobody has goes on as nobody: the right is checked first, and it reads
    # like someone who cannot attend, so no one learns who has an account.
    record = meetings.check_in_member(me(), meeting, found or 0)
    flash(_("%(name)s is checked in.", name=record.person.name), "success")
    return back(meeting, "chair")


# --- Chair: the meeting and its agenda ------------------------------------------------------


@bp.post("/meetings/<int:meeting_id>/open")
@login_required
def open_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = meetings.open_meeting(me(), db.get_or_404(Meeting, meeting_id))
    return back(meeting, "chair")


@bp.post("/meetings/<int:meeting_id>/close")
@login_required
def close_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = meetings.close_meeting(me(), db.get_or_404(Meeting, meeting_id))
    return back(meeting, "chair")


@bp.post("/meetings/<int:meeting_id>/reopen")
@login_required
def reopen_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    meetings.reopen_meeting(me(), meeting, request.form.get("reason", ""))
    return back(meeting, "chair")


@bp.post("/meetings/<int:meeting_id>/items")
@login_required
def submit_item(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    form = request.form.to_dict()
    try:
        agenda.submit_item(
            me(),
            meeting,
            section=form.get("section", ""),
            title=form.get("title", ""),
            description=form.get("description", ""),
            late_reason=form.get("late_reason", ""),
            motion_text=form.get("motion_text", ""),
            methods_text=form.get("methods_text", ""),
        )
    except (Invalid, NotFound) as error:
        view = "chair" if permissions.is_chair(me(), meeting.body) else "member"
        errors = {error.field or "title": error.message}
        return screen(meeting, view, error.status, form=form, errors=errors)
    flash(_("Item submitted."), "success")
    return back(meeting)


@bp.post("/items/<int:item_id>/open")
@login_required
def open_item(item_id: int):  # type: ignore[no-untyped-def]
    item = agenda.open_item(me(), agenda.get_item(item_id))
    return back(item.meeting, "chair")


@bp.post("/items/<int:item_id>/close")
@login_required
def close_item(item_id: int):  # type: ignore[no-untyped-def]
    item = agenda.close_item(me(), agenda.get_item(item_id))
    return back(item.meeting, "chair")


@bp.post("/items/<int:item_id>/move")
@login_required
def move_item(item_id: int):  # type: ignore[no-untyped-def]
    item = agenda.move_item(me(), agenda.get_item(item_id), _int("position") or 1)
    return back(item.meeting, "chair")


@bp.post("/items/<int:item_id>/suspend")
@login_required
def suspend_item(item_id: int):  # type: ignore[no-untyped-def]
    suspended = request.form.get("suspended", "1") == "1"
    item = agenda.suspend_item(me(), agenda.get_item(item_id), suspended)
    return back(item.meeting, "chair")


# --- Motions and amendments ----------------------------------------------------------------


@bp.post("/motions/<int:motion_id>/amendments")
@login_required
def propose_amendment(motion_id: int):  # type: ignore[no-untyped-def]
    motion = motions.get_motion(motion_id)
    motions.propose_amendment(
        me(),
        motion,
        text=request.form.get("text", ""),
        paragraph=_int("paragraph", optional=True),
        reason=request.form.get("reason", ""),
    )
    flash(_("Amendment proposed."), "success")
    return back(motion.item.meeting)


@bp.post("/amendments/<int:amendment_id>/friendly")
@login_required
def accept_friendly(amendment_id: int):  # type: ignore[no-untyped-def]
    amendment = motions.accept_friendly(me(), motions.get_amendment(amendment_id))
    return back(amendment.motion.item.meeting)


@bp.post("/amendments/<int:amendment_id>/put")
@login_required
def put_to_meeting(amendment_id: int):  # type: ignore[no-untyped-def]
    amendment = motions.put_to_meeting(me(), motions.get_amendment(amendment_id))
    return back(amendment.motion.item.meeting)


@bp.post("/motions/<int:motion_id>/put-to-vote")
@login_required
def put_to_vote(motion_id: int):  # type: ignore[no-untyped-def]
    """The hand-over: the chair prepares the vote on a question without consensus."""
    motion = motions.get_motion(motion_id)
    amendment_id = _int("amendment", optional=True)
    mode = request.form.get("mode", "open")
    floor.put_to_vote(
        me(),
        motion,
        amendment=motions.get_amendment(amendment_id) if amendment_id else None,
        special=request.form.get("special", ""),
        mode=PollMode(mode) if mode in set(PollMode) else PollMode.OPEN,
        minutes=_int("minutes", optional=True),
    )
    flash(_("The vote is prepared: check who holds what, then open it."), "success")
    return redirect(
        url_for("meetings.chair", meeting_id=motion.item.meeting_id) + "#meeting-poll", 303
    )


@bp.post("/motions/<int:motion_id>/straight-to-vote")
@login_required
def straight_to_vote(motion_id: int):  # type: ignore[no-untyped-def]
    """The chair records that the meeting decided to vote without testing for agreement."""
    motion = motions.get_motion(motion_id)
    amendment_id = _int("amendment", optional=True)
    handover.go_straight_to_vote(
        me(),
        motion,
        request.form.get("reason", ""),
        amendment=motions.get_amendment(amendment_id) if amendment_id else None,
    )
    flash(
        _("Recorded: the meeting goes straight to a vote. Put the question to the vote."), "success"
    )
    return back(motion.item.meeting, "chair")


# --- Consensus ---------------------------------------------------------------------------


@bp.post("/motions/<int:motion_id>/tests")
@login_required
def open_test(motion_id: int):  # type: ignore[no-untyped-def]
    motion = motions.get_motion(motion_id)
    amendment_id = _int("amendment", optional=True)
    consensus.open_test(
        me(),
        motion,
        minutes=_int("minutes", optional=True),
        amendment=motions.get_amendment(amendment_id) if amendment_id else None,
    )
    return back(motion.item.meeting, "chair")


@bp.post("/tests/<int:test_id>/answer")
@login_required
def answer(test_id: int):  # type: ignore[no-untyped-def]
    test = consensus.get_test(test_id)
    consensus.answer(me(), test, request.form.get("response", ""), request.form.get("reason", ""))
    return back(test.item.meeting)


@bp.post("/tests/<int:test_id>/close")
@login_required
def close_test(test_id: int):  # type: ignore[no-untyped-def]
    test = consensus.close_test(me(), consensus.get_test(test_id))
    return back(test.item.meeting, "chair")


# --- Speakers ----------------------------------------------------------------------------


@bp.post("/items/<int:item_id>/hands")
@login_required
def raise_hand(item_id: int):  # type: ignore[no-untyped-def]
    item = agenda.get_item(item_id)
    speaking.raise_hand(
        me(), item, request.form.get("kind", "contribution"), request.form.get("viewpoint", "")
    )
    return back(item.meeting)


@bp.post("/hands/<int:request_id>/withdraw")
@login_required
def withdraw_hand(request_id: int):  # type: ignore[no-untyped-def]
    hand = speaking.withdraw_hand(me(), speaking.get_request(request_id))
    return back(hand.item.meeting)


@bp.post("/items/<int:item_id>/next")
@login_required
def call_next(item_id: int):  # type: ignore[no-untyped-def]
    item = agenda.get_item(item_id)
    speaking.call_next(me(), item, after=_int("after", optional=True))
    return back(item.meeting, "chair")


@bp.post("/hands/<int:request_id>/timer")
@login_required
def timer(request_id: int):  # type: ignore[no-untyped-def]
    running = request.form.get("running") == "1"
    hand = speaking.set_timer(me(), speaking.get_request(request_id), running)
    return back(hand.item.meeting, "chair")


@bp.post("/hands/<int:request_id>/remove")
@login_required
def remove_request(request_id: int):  # type: ignore[no-untyped-def]
    hand = speaking.remove_request(me(), speaking.get_request(request_id))
    return back(hand.item.meeting, "chair")


@bp.post("/hands/<int:request_id>/up")
@login_required
def move_up(request_id: int):  # type: ignore[no-untyped-def]
    hand = speaking.move_up(me(), speaking.get_request(request_id))
    return back(hand.item.meeting, "chair")


@bp.post("/items/<int:item_id>/speakers-list")
@login_required
def close_list(item_id: int):  # type: ignore[no-untyped-def]
    closed = request.form.get("closed", "1") == "1"
    item = speaking.close_list(me(), agenda.get_item(item_id), closed)
    return back(item.meeting, "chair")
