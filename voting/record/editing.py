"""The secretary's page for a meeting's minutes: a summary, a note on each item (an
outline of the discussion), skeleton minutes where security requires; saved through
`services.minutes.edit`, refused with what was typed kept."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from voting.core.extensions import db
from voting.core.web import act_on, me
from voting.meetings.models import Meeting
from voting.record import minutes
from voting.record.services import minutes as service

bp = Blueprint("record_editing", __name__)


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not service.may_edit(me(), meeting):
        abort(404)
    return meeting


def _values(meeting: Meeting) -> dict[str, Any]:
    written = service.minutes_of(meeting)
    if written is None:
        return {"version": "", "summary": "", "skeleton": False}
    values: dict[str, Any] = {
        "version": written.version,
        "summary": written.summary,
        "skeleton": written.skeleton,
    }
    values.update({f"note-{n.item_id}": n.text for n in written.notes})
    return values


def _page(meeting: Meeting, status: int = 200, **extra: Any) -> tuple[str, int]:
    saved = _values(meeting)
    values = extra.pop("values", None) or saved
    theirs = None
    if str(values.get("version", "")) != str(saved["version"]):
        # A stale save: the form keeps what was typed, shows what was saved meanwhile, and
        # carries the saved version, so saving again keeps the typed text knowingly.
        theirs = saved
        values = {**values, "version": saved["version"]}
    return render_template(
        "record/edit.html",
        meeting=meeting,
        written=service.minutes_of(meeting),
        items=minutes.in_agenda_order(meeting),
        values=values,
        theirs=theirs,
        errors=extra.pop("errors", {}),
        **extra,
    ), status


def _save(meeting: Meeting, form: Any) -> None:
    version = form.get("version", "")
    service.edit(
        me(),
        meeting,
        summary=form.get("summary", ""),
        notes={
            item.id: form.get(f"note-{item.id}", "")
            for item in meeting.items
            if f"note-{item.id}" in form
        },
        skeleton=form.get("skeleton") == "on",
        version=int(version) if version.isdigit() else None,
    )


@bp.get("/meetings/<int:meeting_id>/minutes/edit")
@login_required
def edit(meeting_id: int):  # type: ignore[no-untyped-def]
    return _page(_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes/edit")
@login_required
def save(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = _meeting(meeting_id)
    back = request.form.get("next") == "minutes"
    return act_on(
        meeting,
        _save,
        _page,
        _("The minutes are saved."),
        url_for("record.minutes_page" if back else "record_editing.edit", meeting_id=meeting.id),
    )
