"""Pages of electronic consultations: the organisation's list, preparing one, the
consultation itself (proposal, answers, thread, the fallback vote, the outcome)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from icalendar import Alarm, Calendar, Event

from voting.ballots.services import polls
from voting.ballots.services.entitlements import holdings_of
from voting.consultations.models import Consultation, Participants, Reasons
from voting.consultations.services import consultations as service
from voting.core.columns import utcnow
from voting.core.errors import NotFound, ServiceError
from voting.core.web import act_on, errors_of, form_data, me
from voting.org.models import Body
from voting.org.services.organisations import by_slug

bp = Blueprint("consultations", __name__)


def _organisation(slug: str) -> Any:
    org = by_slug(slug)
    if org is None:
        abort(404)
    return org


def _facilitated(org: Any) -> list[Body]:
    return [b for b in org.bodies if b.settings.remote_voting and service.may_facilitate(me(), b)]


@bp.get("/org/<slug>/consultations")
@login_required
def index(slug: str):  # type: ignore[no-untyped-def]
    org = _organisation(slug)
    bodies = _facilitated(org)
    if not any(service.may_read(me(), b) for b in org.bodies):
        abort(404)
    found = [service.close_if_due(c) for c in service.of_organisation(org.id)]
    return render_template(
        "consultations/list.html", organisation=org, consultations=found, bodies=bodies
    )


def _new_page(org: Any, status: int = 200, **extra: Any) -> tuple[str, int]:
    values = {"reasons": "optional", "vote_mode": "secret", "vote_days": "7", "time_zone": "UTC"}
    page = render_template(
        "consultations/new.html",
        organisation=org,
        bodies=_facilitated(org),
        values={**values, **extra.pop("values", {})},
        errors=extra.pop("errors", {}),
        participants=[p.value for p in Participants],
        reasons=[r.value for r in Reasons],
        **extra,
    )
    return page, status


@bp.route("/org/<slug>/consultations/new", methods=["GET", "POST"])
@login_required
def new(slug: str):  # type: ignore[no-untyped-def]
    org = _organisation(slug)
    if not _facilitated(org):
        abort(403)
    if request.method == "GET":
        return _new_page(org)
    data = form_data()
    data["results_hidden"] = bool(request.form.get("results_hidden"))
    data["anonymous"] = bool(request.form.get("anonymous"))
    body = next((b for b in org.bodies if b.slug == data.get("body")), None)
    try:
        if body is None:
            raise NotFound(_("Choose a body."))
        made = service.create_consultation(me(), body, data)
    except ServiceError as error:
        return _new_page(org, error.status, values=data, errors=errors_of(error))
    flash(_("The consultation is prepared."), "success")
    return redirect(url_for("consultations.show", consultation_id=made.id), 303)


def _consultation(consultation_id: int) -> Consultation:
    try:
        found = service.get_consultation(consultation_id)
        service.require_reader(me(), found)
    except NotFound:
        abort(404)
    return service.close_if_due(found)


def _page(consultation: Consultation, status: int = 200, **extra: Any) -> tuple[str, int]:
    person = me()
    poll = consultation.poll
    voices = service.voices(person, consultation)
    reading = service.outcome_of(consultation)  # read once: the counts and the sentence
    counts = service.counts_of(reading)
    page = render_template(
        "consultations/show.html",
        consultation=consultation,
        organisation=consultation.body.organisation,
        facilitator=service.may_facilitate(person, consultation.body),
        voices=voices,
        my_answers=service.answers_of(consultation, voices),
        roll_size=counts["roll"],
        answered=counts["answered"],
        listed=service.listed_answers(consultation),
        shown=service.results_shown(consultation),
        tally=counts,
        explanation=service.explanation(consultation, reading),
        can_vote=service.falls_back_to_vote(consultation),
        poll=poll,
        poll_result=polls.result_sentences(poll) if poll and poll.status.value == "closed" else [],
        progress=polls.progress(poll) if poll else None,
        choice_label=polls.choice_label,
        voted=_voted(poll, person),
        waiting=bool(poll) and polls.waiting_for_tellers(poll),
        shown_keys=polls.shown_teller_keys(poll) if poll and poll.is_secret else set(),
        errors=extra.pop("errors", {}),
        values=extra.pop("values", {}),
        **extra,
    )
    return page, status


def _voted(poll: Any, person: Any) -> bool:
    """Whether `person` has cast every vote they hold in the consultation's vote."""
    if poll is None or person is None:
        return False
    held = {h.voter_key for h in holdings_of(poll, person)}
    return bool(held) and held <= polls.used_keys(poll)


@bp.get("/consultations/<int:consultation_id>")
@login_required
def show(consultation_id: int):  # type: ignore[no-untyped-def]
    return _page(_consultation(consultation_id))


def _act(consultation_id: int, action: Any, done: str):  # type: ignore[no-untyped-def]
    """Run one of the page's forms through its service; a refusal shows the page again
    with what was typed and the message beside its field."""
    back = url_for("consultations.show", consultation_id=consultation_id)
    return act_on(_consultation(consultation_id), action, _page, done, back)


@bp.post("/consultations/<int:consultation_id>/answer")
@login_required
def answer(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(
        consultation_id,
        lambda c, f: service.answer(
            me(), c, f.get("response"), f.get("reason", ""), unit_id=f.get("unit_id", type=int)
        ),
        _("Your answer is recorded. You can change it until the consultation closes."),
    )


@bp.post("/consultations/<int:consultation_id>/comments")
@login_required
def add_comment(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(consultation_id, lambda c, f: service.comment(me(), c, f.get("text")), _("Posted."))


@bp.post("/consultations/<int:consultation_id>/ballot")
@login_required
def ballot(consultation_id: int):  # type: ignore[no-untyped-def]
    def cast(consultation: Consultation, form: Any) -> None:
        if consultation.poll is None:
            raise NotFound(_("There is no vote on this consultation."))
        receipt = polls.cast(me(), consultation.poll, choice=form.get("choice"))
        if receipt.tracker:
            flash(
                _(
                    "Your tracker code, shown once: %(code)s. After the count, find it in "
                    "the published list.",
                    code=receipt.tracker,
                ),
                "info",
            )

    return _act(consultation_id, cast, _("Your vote is recorded."))


@bp.post("/consultations/<int:consultation_id>/open")
@login_required
def open_now(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(consultation_id, lambda c, f: service.open_consultation(me(), c), _("It is open."))


@bp.post("/consultations/<int:consultation_id>/extend")
@login_required
def extend(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(
        consultation_id,
        lambda c, f: service.extend(
            me(), c, f.get("closes_at"), f.get("reason"), f.get("time_zone")
        ),
        _("The closing time is extended."),
    )


@bp.post("/consultations/<int:consultation_id>/reopen")
@login_required
def reopen(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(
        consultation_id,
        lambda c, f: service.reopen(
            me(), c, f.get("closes_at"), f.get("reason"), f.get("time_zone")
        ),
        _("The consultation is open again."),
    )


@bp.post("/consultations/<int:consultation_id>/close")
@login_required
def close(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(consultation_id, lambda c, f: service.close(me(), c), _("It is closed."))


@bp.post("/consultations/<int:consultation_id>/vote")
@login_required
def start_vote(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(consultation_id, lambda c, f: service.start_vote(me(), c), _("The vote is open."))


@bp.post("/consultations/<int:consultation_id>/outcome")
@login_required
def outcome(consultation_id: int):  # type: ignore[no-untyped-def]
    return _act(
        consultation_id,
        lambda c, f: service.state_outcome(me(), c, f.get("statement"), f.get("review_on") or None),
        _("The outcome is recorded."),
    )


@bp.post("/consultations/<int:consultation_id>/teller-key")
@login_required
def teller_key(consultation_id: int):  # type: ignore[no-untyped-def]
    """The secret vote's teller key, shown once to the facilitator: with it the vote is
    counted even if the server restarts before it closes."""
    consultation = _consultation(consultation_id)
    try:
        if consultation.poll is None:
            raise NotFound(_("There is no vote on this consultation."))
        key = polls.show_teller_key(me(), consultation.poll, 1)
    except ServiceError as error:
        return _page(consultation, error.status, errors=errors_of(error))
    page, status = _page(consultation, teller_key=key)
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.post("/consultations/<int:consultation_id>/teller-keys")
@login_required
def give_teller_keys(consultation_id: int):  # type: ignore[no-untyped-def]
    def give(consultation: Consultation, form: Any) -> None:
        if consultation.poll is None:
            raise NotFound(_("There is no vote on this consultation."))
        keys = [k.strip() for k in form.get("keys", "").splitlines() if k.strip()]
        polls.give_teller_keys(me(), consultation.poll, keys[:20])

    return _act(consultation_id, give, _("The teller key opens the ballots: the vote is counted."))


@bp.get("/consultations/<int:consultation_id>.ics")
@login_required
def calendar_file(consultation_id: int):  # type: ignore[no-untyped-def]
    """The closing time as a calendar event with a reminder the day before, for those who
    may read the consultation."""
    consultation = _consultation(consultation_id)
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    host = urlsplit(public).hostname or "localhost"
    event = Event()
    event.add("uid", f"consultation-{consultation.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", consultation.closes_at)
    event.add("dtend", consultation.closes_at)
    event.add("summary", _("Consultation closes: %(title)s", title=consultation.title))
    link = f"{public}/consultations/{consultation.id}"
    event.add(
        "description",
        _("%(body)s: answer before it closes.\n%(url)s", body=consultation.body.name, url=link),
    )
    event.add("url", link)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", consultation.title)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    cal = Calendar()
    cal.add("prodid", "-//Voting//Consultations//EN")
    cal.add("version", "2.0")
    cal.add_component(event)
    answer = Response(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    answer.headers["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.id}.ics"'
    )
    answer.headers["Cache-Control"] = "private, no-cache"
    return answer
