"""Pages of the votes cast before a meeting (`ballots.services.precast`): the chair's and
the secretary's page (the window, the papers per unit, issuing them with their printable
sheet), the tellers' double entry of papers received by post, returning a paper with its
code (no sign-in: the code is the key, wrong codes limited per address), and a member's
written vote.

Pages that show or take a code are never cached and send only their origin as referrer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

from voting.ballots import forms
from voting.ballots.models import Poll
from voting.ballots.services import polls, precast
from voting.core import throttle
from voting.core.errors import Invalid, ServiceError
from voting.core.extensions import db
from voting.core.web import me

bp = Blueprint("precast", __name__)

SECRET_PAGES = {
    "precast.issue",
    "precast.paper",
    "precast.return_paper",
    "precast.entry",
    "precast.enter",
    "precast.cast_in_writing",
}


@bp.after_request
def protect_codes(response: Response) -> Response:
    if request.endpoint in SECRET_PAGES:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "strict-origin"
    return response


@bp.app_template_global()
def precast_rule(poll: Poll) -> str:
    """How a paper returned before the meeting meets the floor, in words."""
    return precast.rule_sentence(poll)


@bp.app_template_global()
def precast_allowed(poll: Poll) -> bool:
    """Whether the signed-in person may give the poll votes before the meeting."""
    return precast.takes_precast(poll) and precast.may_manage(me(), poll)


@bp.app_template_global()
def writes_instead(poll: Poll) -> bool:
    """Whether the signed-in person votes in writing on this poll, before the meeting."""
    return poll.precast_until is not None and precast.may_vote_in_writing(poll, me())


def _poll(poll_id: int) -> Poll:
    """A poll put to a meeting that may take votes before it."""
    poll = db.get_or_404(Poll, poll_id)
    if poll.floor is None or not precast.takes_precast(poll):
        abort(404)
    return poll


def _until() -> datetime:
    raw = request.form.get("until", "").strip()
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Give the date and time votes must be in by."), field="until") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _number(name: str) -> int:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 3 else 1


# --- The chair's and the secretary's page ------------------------------------------------------


def _manage_page(poll: Poll, status: int = 200, **extra: Any) -> tuple[str, int]:
    return (
        render_template(
            "polls/precast.html",
            poll=poll,
            meeting=poll.floor.meeting,
            summary=precast.summary(poll),
            mismatches=precast.mismatches(me(), poll),
            manager=precast.may_manage(me(), poll),
            shown=polls.shown_teller_keys(poll),
            form=extra.pop("form", {}),
            errors=extra.pop("errors", {}),
            **extra,
        ),
        status,
    )


@bp.get("/polls/<int:poll_id>/precast")
@login_required
def manage(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    if not precast.may_enter(me(), poll):
        abort(403)
    return _manage_page(poll)


@bp.post("/polls/<int:poll_id>/precast")
@login_required
def open_window(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    try:
        precast.open_window(
            me(),
            poll,
            _until(),
            tellers=_number("tellers"),
            tellers_needed=_number("tellers_needed"),
        )
    except ServiceError as error:
        return _manage_page(
            poll, error.status, form=request.form, errors={error.field or "until": error.message}
        )
    flash(_("The poll takes votes before the meeting until the date given."), "success")
    return redirect(url_for("precast.manage", poll_id=poll.id), 303)


@bp.post("/polls/<int:poll_id>/papers")
@login_required
def issue(poll_id: int):  # type: ignore[no-untyped-def]
    """Issue the papers and show their printable sheet: the codes are on this page only."""
    poll = _poll(poll_id)
    try:
        papers = precast.issue_papers(me(), poll)
    except ServiceError as error:
        return _manage_page(poll, error.status, errors={"papers": error.message})
    context = {
        "poll": poll,
        "meeting": poll.floor.meeting,
        "papers": papers,
        "return_url": url_for("precast.paper", poll_id=poll.id, _external=True),
    }
    secret = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    if request.form.get("format") == "pdf":
        return Response(
            papers_pdf(context),
            mimetype="application/pdf",
            headers={
                **secret,
                "Content-Disposition": f'attachment; filename="ballot-papers-{poll.id}.pdf"',
            },
        )
    return render_template("polls/papers_sheet.html", **context), 200, secret


def papers_pdf(context: dict[str, Any]) -> bytes:
    """The papers as a PDF, one per A4 page, typeset by WeasyPrint from the same partial
    as the printed page, with the site's own style sheets read from disk (never fetched)."""
    from weasyprint import CSS, HTML

    static = Path(current_app.static_folder or "static") / "css"
    html = render_template("polls/papers.pdf.html", **context)
    sheets = [CSS(filename=str(static / name)) for name in ("app.css", "polls.css")]
    return HTML(string=html).write_pdf(stylesheets=sheets)


# --- Tellers: double entry ------------------------------------------------------------------


def _entry_page(poll: Poll, status: int = 200, **extra: Any) -> tuple[str, int]:
    return (
        render_template(
            "polls/paper_entry.html",
            poll=poll,
            meeting=poll.floor.meeting,
            mismatches=precast.mismatches(me(), poll),
            errors=extra.pop("errors", {}),
            **extra,
        ),
        status,
    )


@bp.get("/polls/<int:poll_id>/papers/entry")
@login_required
def entry(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    if not precast.may_enter(me(), poll):
        abort(403)
    return _entry_page(poll)


@bp.post("/polls/<int:poll_id>/papers/entry")
@login_required
def enter(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    try:
        done = precast.enter_paper(
            me(), poll, request.form.get("code", ""), forms.submitted(poll, request.form)
        )
    except ServiceError as error:
        return _entry_page(poll, error.status, errors={error.field or "code": error.message})
    return _entry_page(poll, 200 if done.outcome != "mismatch" else 409, entered=done)


# --- Returning a paper with its code (no sign-in) ------------------------------------------------


def _paper_page(poll: Poll, status: int = 200, **extra: Any) -> tuple[str, int]:
    return (
        render_template(
            "polls/paper_return.html",
            poll=poll,
            open=precast.window_open(poll),
            until=poll.precast_until,
            errors=extra.pop("errors", {}),
            **extra,
        ),
        status,
    )


@bp.get("/polls/<int:poll_id>/paper")
def paper(poll_id: int):  # type: ignore[no-untyped-def]
    return _paper_page(_poll(poll_id))


@bp.post("/polls/<int:poll_id>/paper")
def return_paper(poll_id: int):  # type: ignore[no-untyped-def]
    """First the code alone (the paper it opens is named, with the question and choices),
    then the code with the choice."""
    poll = _poll(poll_id)
    code = request.form.get("code", "")[: precast.MAX_CODE]
    label = None
    try:
        throttle.code_allowed()
        label = precast.check_paper(poll, code)
        marked = (
            request.form.get("step") == "ballot" if poll.is_election else "choice" in request.form
        )
        if not marked:  # the code alone: the paper it opens is shown with its ballot
            return _paper_page(poll, code=code, label=label)
        receipt = precast.return_paper(poll, code, forms.submitted(poll, request.form))
    except ServiceError as error:
        if error.field == "code":
            throttle.code_failed()
        return _paper_page(
            poll,
            error.status,
            errors={error.field or "code": error.message},
            code=code,
            label=label,
        )
    return _paper_page(poll, receipt=receipt)


# --- A member's written vote ----------------------------------------------------------------


def _writing_page(poll: Poll, status: int = 200, **extra: Any) -> tuple[str, int]:
    return (
        render_template(
            "polls/in_writing.html",
            poll=poll,
            meeting=poll.floor.meeting,
            open=precast.window_open(poll),
            may=precast.may_vote_in_writing(poll, me()),
            earlier=precast.written_vote_of(poll, me()),
            rule=precast.rule_sentence(poll),
            errors=extra.pop("errors", {}),
            **extra,
        ),
        status,
    )


@bp.get("/polls/<int:poll_id>/in-writing")
@login_required
def in_writing(poll_id: int):  # type: ignore[no-untyped-def]
    return _writing_page(_poll(poll_id))


@bp.post("/polls/<int:poll_id>/in-writing")
@login_required
def cast_in_writing(poll_id: int):  # type: ignore[no-untyped-def]
    poll = _poll(poll_id)
    try:
        receipt = precast.cast_in_writing(me(), poll, forms.submitted(poll, request.form))
    except ServiceError as error:
        return _writing_page(poll, error.status, errors={error.field or "choice": error.message})
    return _writing_page(poll, receipt=receipt)
