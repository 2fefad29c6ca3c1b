"""Poll pages: the member's ballot on the phone, the chair's controls, results with a chart,
and the secretary's pages for voting cards, mandates and proxies.

Every action is a plain form POST (no JavaScript needed); the meeting screens show the
open poll and its progress live through the "poll" region.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.wrappers import Response

from voting.ballots import forms
from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import entitlements, polls
from voting.core import batch, throttle
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotFound, ServiceError
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.core.permissions import can
from voting.core.web import me
from voting.meetings import permissions
from voting.meetings.models import Meeting, PollKind
from voting.meetings.services import floor, motions, representation
from voting.meetings.services.floor import decision_choices, polls_on, tracker_listed, vote_modes
from voting.meetings.views.meetings import refused
from voting.membership.models import Person
from voting.org.models import Unit
from voting.org.permissions import Action
from voting.org.services.organisations import by_slug
from voting.rules.messages import Message

bp = Blueprint("polls", __name__)

TRACKERS = "poll_trackers"


def _poll(poll_id: int) -> Poll:
    """A poll put to a meeting (these pages show one; a poll put to a body directly has none)."""
    poll = db.get_or_404(Poll, poll_id)
    if poll.floor is None:
        abort(404)
    return polls.close_if_due(poll)


def _optional_int(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid(_("%(name)s must be a whole number.", name=name), field=name)
    return int(raw)


def _day(name: str) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Give a date such as 2025-03-01."), field=name) from None


# --- Template helpers: the meeting screens' "poll" region -------------------------------------


@bp.app_template_global()
def motion_paragraphs(text: str) -> list[str]:
    """A motion's paragraphs as the amendments number them."""
    return motions.paragraphs(text)


@bp.app_template_global()
def poll_region(meeting: Meeting) -> dict[str, Any]:
    """What the meeting screens show of its polls: the open one with its progress, or the
    latest result."""
    found = floor.polls_of(meeting)
    current = next((p for p in found if p.status is PollStatus.OPEN), None)
    latest = next((p for p in found if p.status is PollStatus.CLOSED), None)
    return {
        "open": current,
        "progress": polls.progress(current) if current else None,
        "latest": latest,
        "drafts": [p for p in found if p.status is PollStatus.DRAFT],
    }


@bp.app_template_global()
def seconds_left(when: datetime) -> int:
    """Whole seconds until `when` (0 once it has passed), for a countdown's first face."""
    return max(0, int((when - utcnow()).total_seconds()))


@bp.app_template_global()
def choice_label(choice: str) -> str:
    return polls.choice_label(choice)


@bp.app_template_global()
def message_text(data: dict[str, Any]) -> str:
    return entitlements.text_of(data)


@bp.app_template_global()
def motion_polls(motion: Any) -> list[Poll]:
    """The polls on a motion and its amendments, for the item's record."""
    return polls_on(motion)


@bp.app_template_global()
def vote_choices(settings: Any) -> dict[str, Any]:
    """What the chair chooses from when putting a question to the vote."""
    return {"decisions": decision_choices(settings), "modes": vote_modes(settings)}


@bp.app_template_global()
def poll_rule(poll: Poll) -> str:
    """How the poll is decided, in words: the special decision or the ordinary rule."""
    for choice in decision_choices(poll.body.settings):
        if choice.name == poll.special:
            return f"{choice.label}: {choice.threshold}"
    return ""


@bp.app_template_global()
def poll_preview(poll: Poll) -> entitlements.Preview:
    """Who would hold what if the draft opened now (the chair's console)."""
    return entitlements.preview(poll)


@bp.app_template_global()
def own_line(holding: Any) -> str:
    """A holding told to its holder: "You hold 3 votes: 3 cards of Section X"."""
    source = dict(entitlements.message_from(holding.reason).params).get("source")
    return ngettext(
        "You hold %(num)d vote: %(source)s",
        "You hold %(num)d votes: %(source)s",
        holding.weight,
        source=describe(source) if isinstance(source, Message) else message_text(holding.reason),
    )


@bp.app_template_global()
def ballot_of(poll: Poll, person: Person | None, *, take_tracker: bool = False) -> dict[str, Any]:
    """One person's part of a poll: what they hold, what they cast, why they hold nothing,
    and the tracker of the secret ballot they have just cast (taken once, if asked)."""
    signed_in = person is not None and getattr(person, "is_authenticated", False)
    held = (
        entitlements.holdings_of(poll, person)  # type: ignore[arg-type]
        if signed_in and poll.status is not PollStatus.DRAFT
        else []
    )
    tracker = None
    if take_tracker and signed_in:
        tracker = session.get(TRACKERS, {}).pop(str(poll.id), None)
        session.modified = session.modified or tracker is not None
    return {
        "signed_in": signed_in,
        "held": held,
        "used": polls.used_keys(poll) if held else set(),
        "votes": {} if poll.is_secret else polls.votes_of(poll, [h.voter_key for h in held]),
        "refusals": entitlements.refusals_of(poll, person) if signed_in and not held else [],  # type: ignore[arg-type]
        "checked_in": signed_in and permissions.check_in_of(person, poll.floor.meeting) is not None,
        "tracker": tracker,
    }


def _return_url(poll: Poll, default: str) -> str:
    """Back to the meeting screen a form was sent from (its poll region), else `default`."""
    target = request.form.get("return")
    if target in ("chair", "member"):
        return url_for(f"meetings.{target}", meeting_id=poll.floor.meeting_id) + "#meeting-poll"
    return default


# --- The meeting's polls, and the chair's controls ----------------------------------------------


def _polls_page(meeting: Meeting, status: int = 200, **extra: Any) -> tuple[str, int]:
    chair = permissions.is_chair(me(), meeting.body)
    return (
        render_template(
            "polls/meeting.html",
            meeting=meeting,
            polls=floor.polls_of(meeting),
            chair=chair,
            settings=meeting.body.settings,
            motions=[m for i in meeting.items for m in i.motions],
            form=extra.pop("form", {}),
            errors=extra.pop("errors", {}),
            **extra,
        ),
        status,
    )


@bp.get("/meetings/<int:meeting_id>/polls")
def meeting_polls(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    return refused(meeting) or _polls_page(meeting)


@bp.post("/meetings/<int:meeting_id>/polls")
@login_required
def create(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    form = request.form.to_dict()
    try:
        motion_id = _optional_int("motion")
        motion = next((m for i in meeting.items for m in i.motions if m.id == motion_id), None)
        if motion_id and motion is None:
            raise Invalid(_("Choose the motion to vote on."), field="motion")
        choices = [c for c in form.get("choices", "").splitlines() if c.strip()]
        poll = floor.create_poll(
            me(),
            meeting,
            question=form.get("question", ""),
            kind=PollKind(form["kind"])
            if form.get("kind") in set(PollKind) - {PollKind.ELECTION}
            else PollKind.MOTION,
            mode=PollMode(form["mode"]) if form.get("mode") in set(PollMode) else PollMode.OPEN,
            motion=motion,
            choices=choices or None,
            special=form.get("special", ""),
            free_vote=form.get("free_vote") == "1",
            minutes=_optional_int("minutes"),
        )
    except ServiceError as error:
        return _polls_page(
            meeting, error.status, form=form, errors={error.field or "question": error.message}
        )
    return redirect(url_for("polls.chair", poll_id=poll.id), 303)


def _chair_page(poll: Poll, status: int = 200, **extra: Any) -> tuple[str, int]:
    preview = entitlements.preview(poll) if poll.status is PollStatus.DRAFT else None
    return (
        render_template(
            "polls/chair.html",
            poll=poll,
            meeting=poll.floor.meeting,
            preview=preview,
            progress=polls.progress(poll),
            waiting=polls.waiting_for_tellers(poll),
            shown=polls.shown_teller_keys(poll),
            errors=extra.pop("errors", {}),
            **extra,
        ),
        status,
    )


@bp.get("/polls/<int:poll_id>/chair")
@login_required
def chair(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    if not permissions.is_chair(me(), poll.body):
        abort(403)
    return _chair_page(poll)


@bp.post("/polls/<int:poll_id>/open")
@login_required
def open_poll(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    try:
        polls.open_poll(
            me(),
            poll,
            confirm_privacy=request.form.get("confirm_privacy") == "1",
            tellers=_optional_int("tellers") or 1,
            tellers_needed=_optional_int("tellers_needed") or 1,
        )
    except polls.PrivacyWarning as warning:
        return _chair_page(poll, warning.status, errors={"confirm_privacy": warning.message})
    except Invalid as error:
        return _chair_page(poll, error.status, errors={error.field or "tellers": error.message})
    flash(_("The poll is open."), "success")
    return redirect(_return_url(poll, url_for("polls.chair", poll_id=poll.id)), 303)


@bp.post("/polls/<int:poll_id>/teller-keys/<int:number>")
@login_required
def show_teller_key(poll_id: int, number: int):  # type: ignore[no-untyped-def]
    """Teller key `number`, on this page only, never in a redirect or a cache."""
    poll = _poll(poll_id)
    try:
        key = polls.show_teller_key(me(), poll, number)
    except (Invalid, Conflict) as error:
        return _chair_page(poll, error.status, errors={"keys": error.message})
    page, status = _chair_page(poll, shown_key=(number, key))
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/polls/<int:poll_id>/teller-keys")
@login_required
def give_teller_keys(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    keys = request.form.get("keys", "")[:2000].split()
    try:
        polls.give_teller_keys(me(), poll, keys)
    except (Invalid, Conflict) as error:
        return _chair_page(poll, error.status, errors={"keys": error.message})
    if poll.status is PollStatus.CLOSED:
        return redirect(_return_url(poll, url_for("polls.result", poll_id=poll.id)), 303)
    flash(_("The teller keys open this poll's ballots: it can be counted."), "success")
    return redirect(url_for("polls.chair", poll_id=poll.id), 303)


@bp.post("/polls/<int:poll_id>/close")
@login_required
def close(poll_id: int):  # type: ignore[no-untyped-def]
    poll = polls.close_poll(me(), _poll(poll_id))
    return redirect(_return_url(poll, url_for("polls.result", poll_id=poll.id)), 303)


@bp.post("/polls/<int:poll_id>/annul")
@login_required
def annul(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    try:
        made = polls.annul_poll(
            me(), poll, request.form.get("reason", ""), rerun=request.form.get("rerun") == "1"
        )
    except Invalid as error:
        return _chair_page(poll, error.status, errors={error.field or "reason": error.message})
    flash(_("The poll is annulled; the reason is in the record."), "success")
    return redirect(url_for("polls.chair", poll_id=made.id), 303)


# --- The member's ballot -------------------------------------------------------------------


def _ballot_page(poll: Poll, status: int = 200, **extra: Any) -> tuple[str, int]:
    person = me()
    assert person is not None
    held = entitlements.holdings_of(poll, person) if poll.status is not PollStatus.DRAFT else []
    used = polls.used_keys(poll)
    votes = {} if poll.is_secret else polls.votes_of(poll, [h.voter_key for h in held])
    tracker = session.get(TRACKERS, {}).pop(str(poll.id), None) if status == 200 else None
    if tracker:
        session.modified = True
    return (
        render_template(
            "polls/ballot.html",
            poll=poll,
            meeting=poll.floor.meeting,
            held=held,
            used=used,
            votes=votes,
            refusals=entitlements.refusals_of(poll, person) if not held else [],
            checked_in=permissions.check_in_of(person, poll.floor.meeting) is not None,
            split_votes=poll.body.settings.split_votes,
            tracker=tracker,
            progress=polls.progress(poll),
            errors=extra.pop("errors", {}),
            form=extra.pop("form", {}),
            **extra,
        ),
        status,
    )


@bp.get("/polls/<int:poll_id>")
@login_required
def ballot(poll_id: int):  # type: ignore[no-untyped-def]
    return _ballot_page(_poll(poll_id))


@bp.post("/polls/<int:poll_id>/vote")
@login_required
def vote(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    form = request.form
    split = {
        choice: int(form.get(f"split_{choice}") or 0)
        for choice in poll.choices
        if (form.get(f"split_{choice}") or "").strip().isdigit()
    }
    try:
        throttle.vote_allowed(me())
        ranked = forms.from_form(poll, form, form.getlist("approve"))
        receipt = batch.call(  # through the group commit, like the phones
            polls.cast,
            me(),
            poll,
            choice=ranked if poll.is_election else form.get("choice") or None,
            split=split if form.get("split") == "1" else None,
            keys=form.getlist("key") or None,
            confirm_against_mandate=form.get("confirm_against_mandate") == "1",
        )
    except ServiceError as error:
        return _ballot_page(
            poll, error.status, errors={error.field or "choice": error.message}, form=form.to_dict()
        )
    if receipt.tracker:
        session.setdefault(TRACKERS, {})[str(poll.id)] = receipt.tracker
        session.modified = True
    if receipt.already:
        flash(_("Your vote was already recorded."), "success")
    else:
        flash(_("Your vote is recorded."), "success")
    return redirect(_return_url(poll, url_for("polls.ballot", poll_id=poll.id)), 303)


@bp.get("/polls/<int:poll_id>/my-ballot")
@login_required
def my_ballot(poll_id: int):  # type: ignore[no-untyped-def]
    """The person's ballot inside the meeting screen (fetched when a pushed poll arrives).
    Opened as a page (not fetched by the screen), it is the ballot page: never a bare
    fragment."""
    poll = _poll(poll_id)
    if request.headers.get("HX-Request") != "true":
        return redirect(url_for("polls.ballot", poll_id=poll.id), 303)
    return render_template(
        "partials/poll/my_ballot.html", poll=poll, b=ballot_of(poll, me()), push=False
    )


# --- Results -----------------------------------------------------------------------------


@bp.get("/polls/<int:poll_id>/result")
def result(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    not_yours = refused(poll.floor.meeting)  # the meeting's screens setting
    if not_yours is not None:
        return not_yours
    return render_template(
        "polls/result.html",
        poll=poll,
        meeting=poll.floor.meeting,
        sentences=polls.result_sentences(poll),
        threshold=polls.describe_threshold(poll),
        progress=polls.progress(poll),
        trackers=polls.published_trackers(poll),
        choices=polls.published_choices(poll),
        tracker=request.args.get("tracker", "").strip()[:40],
        found=tracker_listed(poll, request.args.get("tracker", "")),
        tracker_hash=polls.tracker_hash(request.args.get("tracker", "")),
    )


# --- Voting cards ---------------------------------------------------------------------------


def _cards_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    org = by_slug(slug)
    if org is None:
        abort(404)
    if not can(me(), Action.MANAGE_MEMBERS, org):
        abort(403)
    return (
        render_template(
            "polls/cards.html",
            organisation=org,
            cards=representation.cards_of(org),
            form=extra.pop("form", {}),
            errors=extra.pop("errors", {}),
        ),
        status,
    )


@bp.get("/org/<slug>/cards")
@login_required
def cards(slug: str):  # type: ignore[no-untyped-def]
    return _cards_page(slug)


@bp.post("/org/<slug>/cards")
@login_required
def assign_cards(slug: str):  # type: ignore[no-untyped-def]
    org = by_slug(slug)
    if org is None:
        abort(404)
    form = request.form.to_dict()
    try:
        unit_id = _optional_int("unit")
        unit = next((u for u in org.units if u.id == unit_id), None)
        if unit is None:
            raise Invalid(_("Choose a unit."), field="unit")
        meeting_id = _optional_int("meeting")
        meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
        if meeting_id and meeting is None:
            raise Invalid(_("No such meeting."), field="meeting")
        representation.assign_cards(
            me(),
            unit,
            representation.card_holder(me(), unit, form.get("email", "")),
            cards=_optional_int("cards"),
            meeting=meeting,
            starts_on=_day("starts_on"),
            ends_on=_day("ends_on"),
        )
    except ServiceError as error:
        field = {"person": "email"}.get(error.field or "", error.field or "email")
        return _cards_page(slug, error.status, form=form, errors={field: error.message})
    flash(_("Cards assigned."), "success")
    return redirect(url_for("polls.cards", slug=slug), 303)


@bp.post("/cards/<int:assignment_id>/remove")
@login_required
def remove_cards(assignment_id: int):  # type: ignore[no-untyped-def]
    from voting.meetings.models import CardAssignment

    assignment = db.get_or_404(CardAssignment, assignment_id)
    slug = assignment.unit.organisation.slug
    representation.remove_cards(me(), assignment)
    flash(_("Cards taken back."), "success")
    return redirect(url_for("polls.cards", slug=slug), 303)


# --- Mandates -----------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/mandates")
@login_required
def mandates(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    units = [u for u in meeting.body.organisation.units if representation.may_mandate(me(), u)]
    if not units:
        abort(403)
    motions = [m for i in meeting.items for m in i.motions]
    given = {m.id: representation.mandates_on(m) for m in motions}
    return render_template(
        "polls/mandates.html", meeting=meeting, units=units, motions=motions, given=given
    )


@bp.post("/motions/<int:motion_id>/mandates")
@login_required
def record_mandate(motion_id: int):  # type: ignore[no-untyped-def]
    from voting.meetings.services.motions import get_motion

    motion = get_motion(motion_id)
    unit = db.session.get(Unit, _optional_int("unit") or 0)
    if unit is None:
        raise NotFound(_("No such unit."))
    representation.record_mandate(
        me(), unit, motion, request.form.get("instruction", ""), request.form.get("note", "")
    )
    flash(_("Mandate recorded."), "success")
    return redirect(url_for("polls.mandates", meeting_id=motion.item.meeting_id), 303)


@bp.get("/meetings/<int:meeting_id>/units/<int:unit_id>/report")
@login_required
def unit_report(meeting_id: int, unit_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organisation_id != meeting.body.organisation_id:
        abort(404)
    person = me()
    member_of_unit = any(m.unit_id == unit.id for m in getattr(person, "memberships", []))
    if not (member_of_unit or representation.may_mandate(person, unit)):
        abort(403)
    report = representation.unit_report(meeting, unit)
    return render_template("polls/report.html", report=report, meeting=meeting, unit=unit)


# --- Proxies -------------------------------------------------------------------------------


def _proxies_page(meeting: Meeting, status: int = 200, **extra: Any) -> tuple[str, int]:
    person = me()
    assert person is not None
    return (
        render_template(
            "polls/proxies.html",
            meeting=meeting,
            settings=meeting.body.settings.proxies,
            given=representation.proxies_given(meeting, person),
            held=representation.proxies_held(meeting, person),
            motions=[m for i in meeting.items for m in i.motions],
            form=extra.pop("form", {}),
            errors=extra.pop("errors", {}),
        ),
        status,
    )


@bp.get("/meetings/<int:meeting_id>/proxies")
@login_required
def proxies(meeting_id: int):  # type: ignore[no-untyped-def]
    return _proxies_page(db.get_or_404(Meeting, meeting_id))


@bp.post("/meetings/<int:meeting_id>/proxies")
@login_required
def appoint_proxy(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.get_or_404(Meeting, meeting_id)
    form = request.form.to_dict()
    try:
        motion_id = _optional_int("motion")
        motion = next((m for i in meeting.items for m in i.motions if m.id == motion_id), None)
        if motion_id and motion is None:
            raise Invalid(_("Choose a motion of this meeting."), field="motion")
        representation.appoint_proxy(
            me(),
            meeting,
            representation.proxy_holder(me(), meeting, form.get("email", "")),
            motion=motion,
            instruction=form.get("instruction") or None,
        )
    except ServiceError as error:
        field = {"holder": "email"}.get(error.field or "", error.field or "email")
        return _proxies_page(meeting, error.status, form=form, errors={field: error.message})
    flash(_("Your proxy is recorded."), "success")
    return redirect(url_for("polls.proxies", meeting_id=meeting.id), 303)


@bp.post("/proxies/<int:proxy_id>/revoke")
@login_required
def revoke_proxy(proxy_id: int) -> Response:
    proxy = representation.revoke_proxy(me(), representation.get_proxy(proxy_id))
    flash(_("Your proxy is taken back."), "success")
    return redirect(url_for("polls.proxies", meeting_id=proxy.meeting_id), 303)
